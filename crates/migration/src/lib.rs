//! The one migration tree; each migration produces both SQLite and PostgreSQL DDL.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_identity;
mod m20261123_000002_calls;
mod m20261123_000003_applications;
mod m20261123_000004_attachments;
mod m20261123_000005_paper_copies;
mod m20261123_000006_filings_notifications;
mod m20261123_000007_review_projects;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_identity::Migration),
            Box::new(m20261123_000002_calls::Migration),
            Box::new(m20261123_000003_applications::Migration),
            Box::new(m20261123_000004_attachments::Migration),
            Box::new(m20261123_000005_paper_copies::Migration),
            Box::new(m20261123_000006_filings_notifications::Migration),
            Box::new(m20261123_000007_review_projects::Migration),
        ]
    }
}
