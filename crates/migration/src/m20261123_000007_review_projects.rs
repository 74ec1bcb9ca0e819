//! Expert review, funding decisions and funded projects (issue 4).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReviewFields {
    Table,
    Code,
    NameZh,
    NameEn,
    ParentCode,
    SortOrder,
}

#[derive(DeriveIden)]
enum Experts {
    Table,
    Id,
    UserId,
    Name,
    OrgId,
    Title,
    /// JSON array of review_fields codes
    Fields,
    /// JSON array of names
    Collaborators,
    /// JSON array of organisation ids the expert declared a conflict with
    DeclaredOrgIds,
    Available,
    AvailabilityNote,
    Phone,
    Email,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReviewRounds {
    Table,
    Id,
    CallId,
    Category,
    Name,
    /// JSON ReviewRules
    Rules,
    Deadline,
    /// open | closed
    Status,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReviewAssignments {
    Table,
    Id,
    RoundId,
    ApplicationId,
    ExpertId,
    /// manual | auto | draw
    Method,
    /// assigned | submitted | conflict | abstained
    Status,
    /// JSON object criterion -> hundredths of a point
    Scores,
    Total,
    Comment,
    ConflictReason,
    SubmittedAt,
    RemindedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReviewScoreHistory {
    Table,
    Id,
    AssignmentId,
    Scores,
    Total,
    Comment,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum RandomDraws {
    Table,
    Id,
    RoundId,
    ApplicationId,
    Seed,
    Candidates,
    Chosen,
    DrawnBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SiteVisits {
    Table,
    ApplicationId,
    VisitedOn,
    Findings,
    RecommendedFen,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum FundingDecisions {
    Table,
    ApplicationId,
    CallId,
    Category,
    Subtype,
    ProposedFen,
    /// proposed | awarded | withdrawn
    Status,
    NoticeId,
    DecidedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PublicNotices {
    Table,
    Id,
    CallId,
    Title,
    Body,
    PublishedAt,
    ObjectionsUntil,
    /// open | closed
    Status,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Objections {
    Table,
    Id,
    NoticeId,
    ApplicationId,
    SubmitterName,
    Contact,
    Content,
    /// open | upheld | dismissed
    Status,
    Resolution,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    ApplicationId,
    CallId,
    OrgId,
    RecommenderId,
    ApplicantId,
    PiKey,
    PiName,
    Title,
    ContractNo,
    AwardedFen,
    Status,
    ContractStatus,
    /// JSON: the contract's terms
    ContractData,
    AwardedOn,
    DueOn,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Disbursements {
    Table,
    Id,
    ProjectId,
    AmountFen,
    PaidOn,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProjectReports {
    Table,
    Id,
    ProjectId,
    /// midterm | completion
    Kind,
    Data,
    Status,
    Comment,
    Version,
    SubmittedAt,
    ReviewedAt,
    ReviewedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The technology-field taxonomy experts and applications are matched on (data, per city).
        m.create_table(
            Table::create()
                .table(ReviewFields::Table)
                .col(string(ReviewFields::Code).primary_key())
                .col(string(ReviewFields::NameZh))
                .col(string(ReviewFields::NameEn))
                .col(string_null(ReviewFields::ParentCode))
                .col(integer(ReviewFields::SortOrder))
                .to_owned(),
        )
        .await?;
        // The expert pool (专家库).
        m.create_table(
            Table::create()
                .table(Experts::Table)
                .col(uuid(Experts::Id).primary_key())
                .col(uuid_null(Experts::UserId))
                .col(string(Experts::Name))
                .col(uuid_null(Experts::OrgId))
                .col(string(Experts::Title))
                .col(text(Experts::Fields))
                .col(text(Experts::Collaborators))
                .col(text(Experts::DeclaredOrgIds))
                .col(boolean(Experts::Available))
                .col(text_null(Experts::AvailabilityNote))
                .col(string_null(Experts::Phone))
                .col(string_null(Experts::Email))
                .col(timestamp_with_time_zone(Experts::CreatedAt))
                .col(timestamp_with_time_zone(Experts::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_experts_user").table(Experts::Table).col(Experts::UserId).unique().to_owned(),
        )
        .await?;
        // A review round of one category of a call, with its own copy of the review rules.
        m.create_table(
            Table::create()
                .table(ReviewRounds::Table)
                .col(uuid(ReviewRounds::Id).primary_key())
                .col(uuid(ReviewRounds::CallId))
                .col(string(ReviewRounds::Category))
                .col(string(ReviewRounds::Name))
                .col(text(ReviewRounds::Rules))
                .col(timestamp_with_time_zone(ReviewRounds::Deadline))
                .col(string(ReviewRounds::Status))
                .col(uuid(ReviewRounds::CreatedBy))
                .col(timestamp_with_time_zone(ReviewRounds::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_review_rounds_call")
                .table(ReviewRounds::Table)
                .col(ReviewRounds::CallId)
                .to_owned(),
        )
        .await?;
        // One expert's review of one application in a round.
        m.create_table(
            Table::create()
                .table(ReviewAssignments::Table)
                .col(uuid(ReviewAssignments::Id).primary_key())
                .col(uuid(ReviewAssignments::RoundId))
                .col(uuid(ReviewAssignments::ApplicationId))
                .col(uuid(ReviewAssignments::ExpertId))
                .col(string(ReviewAssignments::Method))
                .col(string(ReviewAssignments::Status))
                .col(text_null(ReviewAssignments::Scores))
                .col(integer_null(ReviewAssignments::Total))
                .col(text_null(ReviewAssignments::Comment))
                .col(text_null(ReviewAssignments::ConflictReason))
                .col(timestamp_with_time_zone_null(ReviewAssignments::SubmittedAt))
                .col(timestamp_with_time_zone_null(ReviewAssignments::RemindedAt))
                .col(timestamp_with_time_zone(ReviewAssignments::CreatedAt))
                .col(timestamp_with_time_zone(ReviewAssignments::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_review_assignments_unique")
                .table(ReviewAssignments::Table)
                .col(ReviewAssignments::RoundId)
                .col(ReviewAssignments::ApplicationId)
                .col(ReviewAssignments::ExpertId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_review_assignments_expert")
                .table(ReviewAssignments::Table)
                .col(ReviewAssignments::ExpertId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_review_assignments_application")
                .table(ReviewAssignments::Table)
                .col(ReviewAssignments::ApplicationId)
                .to_owned(),
        )
        .await?;
        // Every score an expert handed in, so a changed score keeps its history.
        m.create_table(
            Table::create()
                .table(ReviewScoreHistory::Table)
                .col(uuid(ReviewScoreHistory::Id).primary_key())
                .col(uuid(ReviewScoreHistory::AssignmentId))
                .col(text(ReviewScoreHistory::Scores))
                .col(integer(ReviewScoreHistory::Total))
                .col(text_null(ReviewScoreHistory::Comment))
                .col(uuid(ReviewScoreHistory::RecordedBy))
                .col(timestamp_with_time_zone(ReviewScoreHistory::RecordedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_review_score_history_assignment")
                .table(ReviewScoreHistory::Table)
                .col(ReviewScoreHistory::AssignmentId)
                .to_owned(),
        )
        .await?;
        // An audited random draw: the candidates in order, the seed and who was drawn.
        m.create_table(
            Table::create()
                .table(RandomDraws::Table)
                .col(uuid(RandomDraws::Id).primary_key())
                .col(uuid(RandomDraws::RoundId))
                .col(uuid(RandomDraws::ApplicationId))
                .col(big_integer(RandomDraws::Seed))
                .col(text(RandomDraws::Candidates))
                .col(text(RandomDraws::Chosen))
                .col(uuid(RandomDraws::DrawnBy))
                .col(timestamp_with_time_zone(RandomDraws::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_random_draws_round")
                .table(RandomDraws::Table)
                .col(RandomDraws::RoundId)
                .to_owned(),
        )
        .await?;
        // On-site evaluation findings (现场考评).
        m.create_table(
            Table::create()
                .table(SiteVisits::Table)
                .col(uuid(SiteVisits::ApplicationId).primary_key())
                .col(date(SiteVisits::VisitedOn))
                .col(text(SiteVisits::Findings))
                .col(big_integer_null(SiteVisits::RecommendedFen))
                .col(uuid(SiteVisits::RecordedBy))
                .col(timestamp_with_time_zone(SiteVisits::RecordedAt))
                .to_owned(),
        )
        .await?;
        // The bureau's proposed funding per application, then the final decision.
        m.create_table(
            Table::create()
                .table(FundingDecisions::Table)
                .col(uuid(FundingDecisions::ApplicationId).primary_key())
                .col(uuid(FundingDecisions::CallId))
                .col(string(FundingDecisions::Category))
                .col(string(FundingDecisions::Subtype))
                .col(big_integer(FundingDecisions::ProposedFen))
                .col(string(FundingDecisions::Status))
                .col(uuid_null(FundingDecisions::NoticeId))
                .col(uuid(FundingDecisions::DecidedBy))
                .col(timestamp_with_time_zone(FundingDecisions::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_funding_decisions_call")
                .table(FundingDecisions::Table)
                .col(FundingDecisions::CallId)
                .to_owned(),
        )
        .await?;
        // Public notice (公示) of proposed awards with an objection period.
        m.create_table(
            Table::create()
                .table(PublicNotices::Table)
                .col(uuid(PublicNotices::Id).primary_key())
                .col(uuid(PublicNotices::CallId))
                .col(string(PublicNotices::Title))
                .col(text(PublicNotices::Body))
                .col(timestamp_with_time_zone(PublicNotices::PublishedAt))
                .col(timestamp_with_time_zone(PublicNotices::ObjectionsUntil))
                .col(string(PublicNotices::Status))
                .col(uuid(PublicNotices::CreatedBy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_public_notices_call")
                .table(PublicNotices::Table)
                .col(PublicNotices::CallId)
                .to_owned(),
        )
        .await?;
        // An objection (异议) raised during a public notice.
        m.create_table(
            Table::create()
                .table(Objections::Table)
                .col(uuid(Objections::Id).primary_key())
                .col(uuid(Objections::NoticeId))
                .col(uuid_null(Objections::ApplicationId))
                .col(string(Objections::SubmitterName))
                .col(string(Objections::Contact))
                .col(text(Objections::Content))
                .col(string(Objections::Status))
                .col(text_null(Objections::Resolution))
                .col(timestamp_with_time_zone(Objections::CreatedAt))
                .col(timestamp_with_time_zone_null(Objections::ResolvedAt))
                .col(uuid_null(Objections::ResolvedBy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_objections_notice").table(Objections::Table).col(Objections::NoticeId).to_owned(),
        )
        .await?;
        // A funded project (立项 onwards).
        m.create_table(
            Table::create()
                .table(Projects::Table)
                .col(uuid(Projects::Id).primary_key())
                .col(uuid(Projects::ApplicationId))
                .col(uuid(Projects::CallId))
                .col(uuid(Projects::OrgId))
                .col(uuid(Projects::RecommenderId))
                .col(uuid(Projects::ApplicantId))
                .col(string(Projects::PiKey))
                .col(string(Projects::PiName))
                .col(string(Projects::Title))
                .col(string(Projects::ContractNo))
                .col(big_integer(Projects::AwardedFen))
                .col(string(Projects::Status))
                .col(string(Projects::ContractStatus))
                .col(text(Projects::ContractData))
                .col(date(Projects::AwardedOn))
                .col(date(Projects::DueOn))
                .col(timestamp_with_time_zone_null(Projects::ClosedAt))
                .col(timestamp_with_time_zone(Projects::CreatedAt))
                .col(timestamp_with_time_zone(Projects::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_projects_application")
                .table(Projects::Table)
                .col(Projects::ApplicationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("idx_projects_pi").table(Projects::Table).col(Projects::PiKey).to_owned())
            .await?;
        m.create_index(Index::create().name("idx_projects_org").table(Projects::Table).col(Projects::OrgId).to_owned())
            .await?;
        m.create_index(
            Index::create()
                .name("idx_projects_recommender")
                .table(Projects::Table)
                .col(Projects::RecommenderId)
                .to_owned(),
        )
        .await?;
        // Money paid to a project (拨款).
        m.create_table(
            Table::create()
                .table(Disbursements::Table)
                .col(uuid(Disbursements::Id).primary_key())
                .col(uuid(Disbursements::ProjectId))
                .col(big_integer(Disbursements::AmountFen))
                .col(date(Disbursements::PaidOn))
                .col(text_null(Disbursements::Note))
                .col(uuid(Disbursements::RecordedBy))
                .col(timestamp_with_time_zone(Disbursements::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_disbursements_project")
                .table(Disbursements::Table)
                .col(Disbursements::ProjectId)
                .to_owned(),
        )
        .await?;
        // Mid-term and completion reports, filled with the form engine.
        m.create_table(
            Table::create()
                .table(ProjectReports::Table)
                .col(uuid(ProjectReports::Id).primary_key())
                .col(uuid(ProjectReports::ProjectId))
                .col(string(ProjectReports::Kind))
                .col(text(ProjectReports::Data))
                .col(string(ProjectReports::Status))
                .col(text_null(ProjectReports::Comment))
                .col(integer(ProjectReports::Version))
                .col(timestamp_with_time_zone_null(ProjectReports::SubmittedAt))
                .col(timestamp_with_time_zone_null(ProjectReports::ReviewedAt))
                .col(uuid_null(ProjectReports::ReviewedBy))
                .col(timestamp_with_time_zone(ProjectReports::CreatedAt))
                .col(timestamp_with_time_zone(ProjectReports::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_project_reports_kind")
                .table(ProjectReports::Table)
                .col(ProjectReports::ProjectId)
                .col(ProjectReports::Kind)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProjectReports::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Disbursements::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Projects::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Objections::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PublicNotices::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(FundingDecisions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(SiteVisits::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(RandomDraws::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReviewScoreHistory::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReviewAssignments::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReviewRounds::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Experts::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ReviewFields::Table).to_owned()).await?;
        Ok(())
    }
}
