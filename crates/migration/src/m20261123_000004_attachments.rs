use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ApplicationId,
    Slot,
    /// The name the file had on the applicant's computer (shown and used for download).
    FileName,
    /// Sniffed from the content, not taken from the upload.
    ContentType,
    Size,
    Sha256,
    /// Where the bytes are in object storage (ASCII, content-derived).
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Attachments::Table)
                .col(uuid(Attachments::Id).primary_key())
                .col(uuid(Attachments::ApplicationId))
                .col(string(Attachments::Slot))
                .col(string(Attachments::FileName))
                .col(string(Attachments::ContentType))
                .col(big_integer(Attachments::Size))
                .col(string(Attachments::Sha256))
                .col(string(Attachments::StorageKey))
                .col(uuid(Attachments::UploadedBy))
                .col(timestamp_with_time_zone(Attachments::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_attachments_application")
                .table(Attachments::Table)
                .col(Attachments::ApplicationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Attachments::Table).to_owned()).await
    }
}
