use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Must equal `kc_core::audit::GENESIS` (the migration crate depends on nothing internal).
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(DeriveIden)]
enum Districts {
    Table,
    Code,
    NameZh,
    NameEn,
    SortOrder,
}

#[derive(DeriveIden)]
enum CertificationKinds {
    Table,
    Code,
    NameZh,
    NameEn,
    SortOrder,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    CreditCode,
    OrgType,
    District,
    RecommenderKind,
    RegisteredCapitalFen,
    LastYearRevenueFen,
    InStatisticsScope,
    CreditStatus,
    RecommenderId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrgCertifications {
    Table,
    Id,
    OrgId,
    Kind,
    CertNo,
    ValidFrom,
    ValidUntil,
}

#[derive(DeriveIden)]
enum RoutingRules {
    Table,
    OrgType,
    Mode,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    Email,
    Phone,
    DisplayName,
    PasswordHash,
    Role,
    Status,
    OrgId,
    RecommenderId,
    Department,
    RejectionReason,
    FailedLogins,
    LockedUntil,
    ApprovedAt,
    ApprovedBy,
    PasswordChangedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    UserId,
    CsrfToken,
    Ip,
    UserAgent,
    CreatedAt,
    ExpiresAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    Seq,
    AtMicros,
    ActorId,
    EntityType,
    EntityId,
    Action,
    BeforeJson,
    AfterJson,
    Reason,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    ToAddr,
    Subject,
    Body,
    Status,
    Attempts,
    LastError,
    LockedUntil,
    CreatedAt,
    SentAt,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from_col).to(to_table, to_col).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Districts::Table)
                .col(string(Districts::Code).primary_key())
                .col(string(Districts::NameZh))
                .col(string(Districts::NameEn))
                .col(integer(Districts::SortOrder))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CertificationKinds::Table)
                .col(string(CertificationKinds::Code).primary_key())
                .col(string(CertificationKinds::NameZh))
                .col(string(CertificationKinds::NameEn))
                .col(integer(CertificationKinds::SortOrder))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Organisations::Table)
                .col(uuid(Organisations::Id).primary_key())
                .col(string(Organisations::Name))
                .col(string_uniq(Organisations::CreditCode))
                .col(string(Organisations::OrgType))
                .col(string_null(Organisations::District))
                .col(string(Organisations::RecommenderKind))
                .col(big_integer_null(Organisations::RegisteredCapitalFen))
                .col(big_integer_null(Organisations::LastYearRevenueFen))
                .col(boolean(Organisations::InStatisticsScope))
                .col(string(Organisations::CreditStatus))
                .col(uuid_null(Organisations::RecommenderId))
                .col(timestamp_with_time_zone(Organisations::CreatedAt))
                .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_organisations_name")
                .table(Organisations::Table)
                .col(Organisations::Name)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OrgCertifications::Table)
                .col(uuid(OrgCertifications::Id).primary_key())
                .col(uuid(OrgCertifications::OrgId))
                .col(string(OrgCertifications::Kind))
                .col(string_null(OrgCertifications::CertNo))
                .col(date(OrgCertifications::ValidFrom))
                .col(date(OrgCertifications::ValidUntil))
                .foreign_key(&mut fk(
                    OrgCertifications::Table,
                    OrgCertifications::OrgId,
                    Organisations::Table,
                    Organisations::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_org_certifications_org")
                .table(OrgCertifications::Table)
                .col(OrgCertifications::OrgId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RoutingRules::Table)
                .col(string(RoutingRules::OrgType).primary_key())
                .col(string(RoutingRules::Mode))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(uuid(Users::Id).primary_key())
                .col(string_uniq(Users::Username))
                .col(string_null(Users::Email).unique_key())
                .col(string_null(Users::Phone).unique_key())
                .col(string(Users::DisplayName))
                .col(string(Users::PasswordHash))
                .col(string(Users::Role))
                .col(string(Users::Status))
                .col(uuid_null(Users::OrgId))
                .col(uuid_null(Users::RecommenderId))
                .col(string_null(Users::Department))
                .col(text_null(Users::RejectionReason))
                .col(integer(Users::FailedLogins).default(0))
                .col(timestamp_with_time_zone_null(Users::LockedUntil))
                .col(timestamp_with_time_zone_null(Users::ApprovedAt))
                .col(uuid_null(Users::ApprovedBy))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_users_status", Users::Status),
            ("idx_users_org", Users::OrgId),
            ("idx_users_recommender", Users::RecommenderId),
        ] {
            m.create_index(Index::create().name(name).table(Users::Table).col(col).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string(Sessions::IdHash).primary_key())
                .col(uuid(Sessions::UserId))
                .col(string(Sessions::CsrfToken))
                .col(string_null(Sessions::Ip))
                .col(string_null(Sessions::UserAgent))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .foreign_key(&mut fk(Sessions::Table, Sessions::UserId, Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(uuid(ApiTokens::Id).primary_key())
                .col(uuid(ApiTokens::UserId))
                .col(string(ApiTokens::Name))
                .col(string_uniq(ApiTokens::TokenHash))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .foreign_key(&mut fk(ApiTokens::Table, ApiTokens::UserId, Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PasswordResets::Table)
                .col(string(PasswordResets::TokenHash).primary_key())
                .col(uuid(PasswordResets::UserId))
                .col(timestamp_with_time_zone(PasswordResets::CreatedAt))
                .col(timestamp_with_time_zone(PasswordResets::ExpiresAt))
                .col(timestamp_with_time_zone_null(PasswordResets::UsedAt))
                .foreign_key(&mut fk(PasswordResets::Table, PasswordResets::UserId, Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(uuid(AuditLog::Id).primary_key())
                .col(big_integer_uniq(AuditLog::Seq))
                .col(big_integer(AuditLog::AtMicros))
                .col(uuid_null(AuditLog::ActorId))
                .col(string(AuditLog::EntityType))
                .col(string(AuditLog::EntityId))
                .col(string(AuditLog::Action))
                .col(text_null(AuditLog::BeforeJson))
                .col(text_null(AuditLog::AfterJson))
                .col(text_null(AuditLog::Reason))
                .col(string(AuditLog::PrevHash))
                .col(string(AuditLog::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_entity")
                .table(AuditLog::Table)
                .col(AuditLog::EntityType)
                .col(AuditLog::EntityId)
                .to_owned(),
        )
        .await?;
        // One row holding the chain's head: writers lock it, so appends are serialised
        // across replicas without advisory locks or sequences.
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string(AuditHead::Hash))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                .values_panic([1.into(), 0i64.into(), GENESIS.into()])
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MailOutbox::Table)
                .col(uuid(MailOutbox::Id).primary_key())
                .col(string(MailOutbox::ToAddr))
                .col(string(MailOutbox::Subject))
                .col(text(MailOutbox::Body))
                .col(string(MailOutbox::Status))
                .col(integer(MailOutbox::Attempts).default(0))
                .col(text_null(MailOutbox::LastError))
                .col(timestamp_with_time_zone_null(MailOutbox::LockedUntil))
                .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_mail_outbox_status").table(MailOutbox::Table).col(MailOutbox::Status).to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "mail_outbox",
            "audit_head",
            "audit_log",
            "password_resets",
            "api_tokens",
            "sessions",
            "users",
            "routing_rules",
            "org_certifications",
            "organisations",
            "certification_kinds",
            "districts",
        ] {
            m.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
