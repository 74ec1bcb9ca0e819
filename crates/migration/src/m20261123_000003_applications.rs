use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Applications {
    Table,
    Id,
    CallId,
    Category,
    Subtype,
    ApplicantId,
    OrgId,
    RecommenderId,
    Title,
    /// The form data as JSON text.
    Data,
    Status,
    /// Incremented by every save; a save names the version it edited.
    Version,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    UserId,
    Key,
    Status,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Applications::Table)
                .col(uuid(Applications::Id).primary_key())
                .col(uuid(Applications::CallId))
                .col(string(Applications::Category))
                .col(string(Applications::Subtype))
                .col(uuid(Applications::ApplicantId))
                .col(uuid(Applications::OrgId))
                .col(uuid(Applications::RecommenderId))
                .col(string(Applications::Title))
                .col(text(Applications::Data))
                .col(string(Applications::Status))
                .col(integer(Applications::Version))
                .col(timestamp_with_time_zone_null(Applications::SubmittedAt))
                .col(timestamp_with_time_zone(Applications::CreatedAt))
                .col(timestamp_with_time_zone(Applications::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_applications_applicant", Applications::ApplicantId),
            ("idx_applications_recommender", Applications::RecommenderId),
            ("idx_applications_call", Applications::CallId),
        ] {
            m.create_index(Index::create().name(name).table(Applications::Table).col(col).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(uuid(IdempotencyKeys::UserId))
                .col(string(IdempotencyKeys::Key))
                .col(integer(IdempotencyKeys::Status))
                .col(text(IdempotencyKeys::Body))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .primary_key(Index::create().col(IdempotencyKeys::UserId).col(IdempotencyKeys::Key))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Applications::Table).to_owned()).await
    }
}
