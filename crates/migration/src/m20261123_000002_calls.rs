use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Calls {
    Table,
    Id,
    Code,
    Year,
    Title,
    OpensAt,
    ClosesAt,
    /// The whole call document (categories, forms, rules, quotas) as JSON text.
    Document,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Calls::Table)
                .col(uuid(Calls::Id).primary_key())
                .col(string_uniq(Calls::Code))
                .col(integer(Calls::Year))
                .col(string(Calls::Title))
                .col(timestamp_with_time_zone(Calls::OpensAt))
                .col(timestamp_with_time_zone(Calls::ClosesAt))
                .col(text(Calls::Document))
                .col(timestamp_with_time_zone(Calls::CreatedAt))
                .col(timestamp_with_time_zone(Calls::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Calls::Table).to_owned()).await
    }
}
