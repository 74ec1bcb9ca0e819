//! Quota checks read a filing's holder keys with one indexed query (the PI key is stored at
//! submission); in-app notifications with a per-user mail preference; per-applicant
//! extensions of a call's submission window.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Applications {
    Table,
    /// The principal investigator's identity (ID number, else the applicant's account id),
    /// fixed when the application is submitted; what per-PI quotas count.
    PiKey,
    CallId,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    TitleZh,
    TitleEn,
    BodyZh,
    BodyEn,
    Link,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum NotificationPreferences {
    Table,
    UserId,
    /// all | decisions | none
    Mail,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WindowExtensions {
    Table,
    CallId,
    ApplicantId,
    Until,
    Reason,
    GrantedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Applications::Table).add_column(string_null(Applications::PiKey)).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_applications_call_pi")
                .table(Applications::Table)
                .col(Applications::CallId)
                .col(Applications::PiKey)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(uuid(Notifications::Id).primary_key())
                .col(uuid(Notifications::UserId))
                .col(string(Notifications::Kind))
                .col(string(Notifications::TitleZh))
                .col(string(Notifications::TitleEn))
                .col(text(Notifications::BodyZh))
                .col(text(Notifications::BodyEn))
                .col(string_null(Notifications::Link))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_user")
                .table(Notifications::Table)
                .col(Notifications::UserId)
                .col(Notifications::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(NotificationPreferences::Table)
                .col(uuid(NotificationPreferences::UserId).primary_key())
                .col(string(NotificationPreferences::Mail))
                .col(timestamp_with_time_zone(NotificationPreferences::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WindowExtensions::Table)
                .col(uuid(WindowExtensions::CallId))
                .col(uuid(WindowExtensions::ApplicantId))
                .col(timestamp_with_time_zone(WindowExtensions::Until))
                .col(text(WindowExtensions::Reason))
                .col(uuid(WindowExtensions::GrantedBy))
                .col(timestamp_with_time_zone(WindowExtensions::CreatedAt))
                .primary_key(Index::create().col(WindowExtensions::CallId).col(WindowExtensions::ApplicantId))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WindowExtensions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(NotificationPreferences::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Notifications::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("idx_applications_call_pi").table(Applications::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Applications::Table).drop_column(Applications::PiKey).to_owned()).await
    }
}
