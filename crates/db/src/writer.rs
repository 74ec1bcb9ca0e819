//! What a write transaction can do, whichever connection carries it: a SeaORM connection or
//! transaction (PostgreSQL, and SQLite outside the hot path) or the SQLite writer thread's
//! own connection (`sqlite_writer`). Hot-path writes are written once against this trait,
//! as built statements, so the same code runs on both.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement};
use uuid::Uuid;

/// One row of a query result, read by column name.
pub trait Row {
    fn int(&self, column: &str) -> Result<i64, DbErr>;
    fn text(&self, column: &str) -> Result<Option<String>, DbErr>;
    fn uuid(&self, column: &str) -> Result<Uuid, DbErr>;
}

/// Called once per row of a query.
pub type RowFn<'a> = dyn FnMut(&dyn Row) -> Result<(), DbErr> + Send + 'a;

#[async_trait::async_trait]
pub trait WriteTxn: Sync {
    fn backend(&self) -> DbBackend;
    /// Executes one statement; returns the rows it affected.
    async fn execute(&self, statement: Statement) -> Result<u64, DbErr>;
    /// Runs a query and hands each row to `each`.
    async fn query(&self, statement: Statement, each: &mut RowFn<'_>) -> Result<(), DbErr>;
}

impl Row for QueryResult {
    fn int(&self, column: &str) -> Result<i64, DbErr> {
        self.try_get("", column)
    }

    fn text(&self, column: &str) -> Result<Option<String>, DbErr> {
        self.try_get("", column)
    }

    fn uuid(&self, column: &str) -> Result<Uuid, DbErr> {
        self.try_get("", column)
    }
}

#[async_trait::async_trait]
impl<C: ConnectionTrait> WriteTxn for C {
    fn backend(&self) -> DbBackend {
        self.get_database_backend()
    }

    async fn execute(&self, statement: Statement) -> Result<u64, DbErr> {
        Ok(self.execute_raw(statement).await?.rows_affected())
    }

    async fn query(&self, statement: Statement, each: &mut RowFn<'_>) -> Result<(), DbErr> {
        for row in self.query_all_raw(statement).await? {
            each(&row)?;
        }
        Ok(())
    }
}
