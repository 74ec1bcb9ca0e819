//! Hot reads on SQLite without a thread hand-off.
//!
//! A read through sqlx costs two thread wake-ups (its connection lives on a worker thread of
//! its own) plus a pool round trip; a submission needs several small reads by key, and
//! under a deadline rush the hand-offs cost far more than SQLite's own work. `InlineReader`
//! runs such reads on the calling thread with a synchronous connection (rusqlite) taken
//! from a small idle list: a primary-key or indexed lookup takes microseconds, less than a
//! hand-off. Only short, indexed entity reads belong here; anything that scans goes through
//! SeaORM as usual.
//!
//! Rows are turned into SeaORM values by the entity's own column types and handed to SeaORM's
//! in-memory connection (`MockDatabase`), which builds the models exactly as it does from
//! database rows: a model read here equals one read through sqlx (tested).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use sea_orm::sea_query::ColumnType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IdenStatic, Iterable,
    MockDatabase, QuerySelect, QueryTrait, Select, Value,
};

/// Reads entity rows: through SeaORM on any connection, or through `InlineReader`.
#[async_trait::async_trait]
pub trait Finder: Sync {
    async fn find_all<E>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::Model: Send + Sync;

    async fn find_one<E>(&self, select: Select<E>) -> Result<Option<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        Ok(self.find_all(select.limit(1)).await?.into_iter().next())
    }
}

#[async_trait::async_trait]
impl<C: ConnectionTrait> Finder for C {
    async fn find_all<E>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        select.all(self).await
    }
}

/// The database's reader for hot reads: inline on SQLite, the read pool on PostgreSQL.
pub enum FastRead<'a> {
    Inline(&'a InlineReader),
    Pool(&'a DatabaseConnection),
}

#[async_trait::async_trait]
impl Finder for FastRead<'_> {
    async fn find_all<E>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        match self {
            FastRead::Inline(reader) => reader.all(select).await,
            FastRead::Pool(pool) => select.all(*pool).await,
        }
    }
}

/// The most idle connections kept; more are opened when needed and closed after use.
const IDLE: usize = 8;

pub struct InlineReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

fn error(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(e.to_string())
}

impl InlineReader {
    pub fn new(path: &Path) -> InlineReader {
        InlineReader { path: path.to_path_buf(), idle: Mutex::new(Vec::new()) }
    }

    fn take(&self) -> Result<Connection, DbErr> {
        if let Some(conn) = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop() {
            return Ok(conn);
        }
        let conn = Connection::open(&self.path).map_err(error)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(error)?;
        // A reader never writes: the writers keep the single write order.
        conn.execute_batch("PRAGMA query_only = ON;").map_err(error)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < IDLE {
            idle.push(conn);
        }
    }

    /// Every row `select` returns, as models.
    pub async fn all<E: EntityTrait>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr> {
        let rows = self.rows(&select)?;
        select.all(&MockDatabase::new(DbBackend::Sqlite).append_query_results([rows]).into_connection()).await
    }

    /// The rows of `select`, each column as the value of its entity type.
    fn rows<E: EntityTrait>(&self, select: &Select<E>) -> Result<Vec<BTreeMap<&'static str, Value>>, DbErr> {
        let statement = select.build(DbBackend::Sqlite);
        let values = crate::sqlite_writer::bound(&statement)?;
        let columns: Vec<(&'static str, ColumnType)> =
            E::Column::iter().map(|c| (c.as_str(), c.def().get_column_type().clone())).collect();
        let conn = self.take()?;
        let read = (|| {
            let mut prepared = conn.prepare_cached(&statement.sql).map_err(error)?;
            let mut rows = prepared.query(rusqlite::params_from_iter(values.iter())).map_err(error)?;
            let mut all = Vec::new();
            while let Some(row) = rows.next().map_err(error)? {
                let mut fields = BTreeMap::new();
                for (name, kind) in &columns {
                    fields.insert(*name, value_of(row.get_ref(*name).map_err(error)?, kind, name)?);
                }
                all.push(fields);
            }
            Ok(all)
        })();
        self.give_back(conn);
        read
    }
}

/// A stored value as the SeaORM value of the column's type (what sqlx would decode it to).
fn value_of(stored: ValueRef<'_>, kind: &ColumnType, column: &str) -> Result<Value, DbErr> {
    let bad = || DbErr::Custom(format!("column {column}: cannot read {stored:?} as {kind:?}"));
    let null = matches!(stored, ValueRef::Null);
    let text = || stored.as_str().map_err(|_| bad());
    let int = || stored.as_i64().map_err(|_| bad());
    Ok(match kind {
        ColumnType::Uuid => Value::Uuid(if null {
            None
        } else {
            Some(match stored {
                ValueRef::Blob(b) => uuid::Uuid::from_slice(b).map_err(|_| bad())?,
                _ => uuid::Uuid::parse_str(text()?).map_err(|_| bad())?,
            })
        }),
        ColumnType::TimestampWithTimeZone | ColumnType::Timestamp | ColumnType::DateTime => {
            Value::ChronoDateTimeUtc(if null { None } else { Some(parse_time(text()?).ok_or_else(bad)?) })
        }
        ColumnType::Date => Value::ChronoDate(if null {
            None
        } else {
            Some(chrono::NaiveDate::parse_from_str(text()?, "%F").map_err(|_| bad())?)
        }),
        ColumnType::Integer => Value::Int(if null { None } else { Some(i32::try_from(int()?).map_err(|_| bad())?) }),
        ColumnType::SmallInteger => {
            Value::SmallInt(if null { None } else { Some(i16::try_from(int()?).map_err(|_| bad())?) })
        }
        ColumnType::BigInteger => Value::BigInt(if null { None } else { Some(int()?) }),
        ColumnType::Boolean => Value::Bool(if null { None } else { Some(int()? != 0) }),
        ColumnType::Double => Value::Double(match stored {
            ValueRef::Null => None,
            ValueRef::Real(f) => Some(f),
            ValueRef::Integer(i) => Some(i as f64),
            _ => return Err(bad()),
        }),
        ColumnType::Json | ColumnType::JsonBinary => {
            Value::Json(if null { None } else { Some(Box::new(serde_json::from_str(text()?).map_err(|_| bad())?)) })
        }
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => {
            Value::String(if null { None } else { Some(text()?.to_string()) })
        }
        _ => return Err(bad()),
    })
}

/// Times as sqlx stores them (RFC 3339, `T` or space between date and time).
fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .or_else(|_| chrono::DateTime::parse_from_str(text, "%F %T%.f%:z"))
        .ok()
        .map(|t| t.to_utc())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::{NaiveDate, TimeZone, Utc};
    use sea_orm::{EntityTrait, QueryOrder};
    use uuid::Uuid;

    use super::Finder;
    use crate::entities::{org_certification, organisation};
    use crate::{Db, DbOptions, insert_model};

    /// A model read inline equals the one SeaORM reads through sqlx: every column type the
    /// hot reads meet (UUIDs, optional UUIDs, times with fractions, dates, booleans, 64-bit
    /// integers, nulls).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inline_reads_equal_seaorm_reads() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display());
        let db = Db::connect(&DbOptions { url, max_connections: 2, sqlite_synchronous: "full".into() }).await.unwrap();
        db.migrate().await.unwrap();
        let at = Utc.with_ymd_and_hms(2026, 12, 8, 9, 30, 1).unwrap() + chrono::Duration::microseconds(250_001);
        let bare = organisation::Model {
            id: Uuid::now_v7(),
            name: "自贡市某某科技有限公司".into(),
            credit_code: "91510300MA0000001X".into(),
            org_type: "enterprise".into(),
            district: None,
            recommender_kind: "none".into(),
            registered_capital_fen: None,
            last_year_revenue_fen: None,
            in_statistics_scope: false,
            credit_status: "good".into(),
            recommender_id: None,
            created_at: at,
            updated_at: at,
        };
        let full = organisation::Model {
            id: Uuid::now_v7(),
            district: Some("510302".into()),
            registered_capital_fen: Some(12_345_678_901_234),
            last_year_revenue_fen: Some(0),
            in_statistics_scope: true,
            recommender_id: Some(bare.id),
            credit_code: "91510300MA0000002X".into(),
            ..bare.clone()
        };
        for m in [bare.clone(), full.clone()] {
            insert_model(db.write(), m).await.unwrap();
        }
        insert_model(
            db.write(),
            org_certification::Model {
                id: Uuid::now_v7(),
                org_id: full.id,
                kind: "high_tech".into(),
                cert_no: None,
                valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            },
        )
        .await
        .unwrap();

        let orgs = || organisation::Entity::find().order_by_asc(organisation::Column::CreditCode);
        let inline = db.fast().find_all(orgs()).await.unwrap();
        assert!(matches!(db.fast(), super::FastRead::Inline(_)));
        assert_eq!(inline, orgs().all(db.read()).await.unwrap());
        assert_eq!(inline, vec![bare.clone(), full.clone()]);
        let certs = || org_certification::Entity::find();
        assert_eq!(db.fast().find_all(certs()).await.unwrap(), certs().all(db.read()).await.unwrap());
        assert_eq!(db.fast().find_one(organisation::Entity::find_by_id(full.id)).await.unwrap(), Some(full));
        assert_eq!(db.fast().find_one(organisation::Entity::find_by_id(Uuid::now_v7())).await.unwrap(), None);
    }
}
