//! Storage: one connection type over SQLite and PostgreSQL, chosen at run
//! time from the database URL, a connection pool, embedded migrations, and
//! [`Db::run`], which moves blocking database work off the async reactor.
//!
//! Pooled connections are not pinged each time they are taken (a round
//! trip per request on PostgreSQL): only once the server has been seen
//! closing a connection are the others checked, each on its next use.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::{Config, DatabaseKind};
use crate::error::Error;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend. Queries written against it run on both;
/// backend-specific SQL matches on the variant.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// A connection of the pool, with the count of lost connections it was
/// last checked against.
pub struct Pooled {
    conn: DbConn,
    checked: u64,
}

impl std::ops::Deref for Pooled {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

/// Opens connections of the kind the URL designates (never guessing by trial).
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    kind: DatabaseKind,
    /// How many times a connection was found closed by the server.
    lost: Arc<AtomicU64>,
}

impl Manager {
    pub fn new(url: &str, kind: DatabaseKind) -> Self {
        Manager {
            url: url.to_string(),
            kind,
            lost: Arc::default(),
        }
    }

    pub fn connect(&self) -> Result<DbConn, diesel::ConnectionError> {
        match self.kind {
            DatabaseKind::Postgres => PgConnection::establish(&self.url).map(DbConn::Postgres),
            DatabaseKind::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url)?;
                // WAL lets readers run beside the writer; synchronous=NORMAL in WAL
                // mode loses nothing on a process crash. The busy timeout comes
                // first: switching to WAL takes a lock, which another process
                // (closing its last connection, or migrating) may hold a moment.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        let checked = self.lost.load(Ordering::Acquire);
        let conn = Manager::connect(self).map_err(r2d2::Error::ConnectionError)?;
        Ok(Pooled { conn, checked })
    }

    /// Pings the connection only if one was lost since it was last checked.
    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), r2d2::Error> {
        let lost = self.lost.load(Ordering::Acquire);
        if pooled.checked == lost {
            return Ok(());
        }
        diesel::sql_query("SELECT 1")
            .execute(&mut pooled.conn)
            .map_err(r2d2::Error::QueryError)?;
        pooled.checked = lost;
        Ok(())
    }

    /// A connection left inside a transaction (or a failed one) is dropped.
    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        use diesel::connection::TransactionManager;
        <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(&mut pooled.conn)
    }
}

/// Whether an error says the server closed the connection (restarted,
/// or the connection was killed).
fn connection_lost(error: &Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error as Diesel};
    matches!(
        error,
        Error::Database(Diesel::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        ))
    )
}

/// The shared database handle: a pool of connections.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    kind: DatabaseKind,
    lost: Arc<AtomicU64>,
}

impl Db {
    /// Connects, creating the SQLite file's folder if needed, and runs pending migrations.
    pub fn open(config: &Config) -> Result<Db, Error> {
        let kind = config.database_kind();
        if kind == DatabaseKind::Postgres {
            // libpq uses OpenSSL. Initialise it without its exit-time cleanup:
            // otherwise a pool thread still inside a TLS handshake when the
            // process exits crashes on freed OpenSSL tables (seen as SIGSEGV).
            openssl_sys::init();
        }
        if kind == DatabaseKind::Sqlite {
            if let Some(parent) = std::path::Path::new(&config.database_url).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        Error::Unavailable(format!(
                            "cannot create the database folder {}: {e}",
                            parent.display()
                        ))
                    })?;
                }
            }
        }
        let manager = Manager::new(&config.database_url, kind);
        let lost = manager.lost.clone();
        let mut first = manager
            .connect()
            .map_err(|e| Error::Unavailable(format!("cannot open the database: {e}")))?;
        migrate(&mut first)?;
        drop(first);
        let pool = Pool::builder()
            .max_size(config.database_pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| Error::Unavailable(format!("cannot open the database pool: {e}")))?;
        Ok(Db { pool, kind, lost })
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// A pooled connection, for blocking contexts (CLI, workers already on a blocking thread).
    pub fn get(&self) -> Result<PooledConnection<Manager>, Error> {
        self.pool
            .get()
            .map_err(|e| Error::Unavailable(format!("database: {e}")))
    }

    /// Runs blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, Error> + Send + 'static,
    {
        let (pool, lost) = (self.pool.clone(), self.lost.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = pool
                .get()
                .map_err(|e| Error::Unavailable(format!("database: {e}")))?;
            let result = f(&mut conn);
            if result.as_ref().is_err_and(connection_lost) {
                // This connection and maybe the others died with the
                // server: each is checked before its next use.
                lost.fetch_add(1, Ordering::AcqRel);
            }
            result
        })
        .await
        .map_err(|e| Error::Internal(format!("database task failed: {e}")))?
    }
}

/// Loads the rows a batch of keys designates, with no round trip to the
/// database when there are no keys (an empty `IN` finds nothing).
pub fn batch<K, T>(
    keys: &[K],
    load: impl FnOnce() -> diesel::QueryResult<Vec<T>>,
) -> diesel::QueryResult<Vec<T>> {
    if keys.is_empty() {
        Ok(Vec::new())
    } else {
        load()
    }
}

/// Loads a query that diesel's multi-backend SQL cannot express (a
/// `UNION`) through the backend's own connection.
pub fn load_native<'q, Q, U>(conn: &mut DbConn, query: Q) -> diesel::QueryResult<Vec<U>>
where
    Q: diesel::query_dsl::LoadQuery<'q, PgConnection, U>
        + diesel::query_dsl::LoadQuery<'q, SqliteConnection, U>,
{
    match conn {
        DbConn::Postgres(c) => query.load(c),
        DbConn::Sqlite(c) => query.load(c),
    }
}

/// Applies the embedded migrations of the connection's backend.
pub fn migrate(conn: &mut DbConn) -> Result<(), Error> {
    let result = match conn {
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| Error::Unavailable(format!("database migration failed: {e}")))
}

/// Outermost SQLite transactions of this process take turns here before
/// asking SQLite for its write lock. SQLite has one writer at a time, and
/// a connection that finds the lock taken sleeps in its busy handler
/// (1 ms, then 2, 5, 10… ms) however soon the lock is free again: under
/// load most of the time went to those sleeps. Waiting on a mutex hands
/// the lock over as soon as it is released. (Several SQLite databases in
/// one process, as in the tests, share the turns; a transaction never
/// waits for another database, so this cannot deadlock.)
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a transaction. On SQLite the outermost transaction takes its
/// turn ([`SQLITE_WRITER`]) and starts with `BEGIN IMMEDIATE`: it takes the
/// write lock at once instead of failing with `SQLITE_BUSY` when a read
/// turns into a write while another connection writes.
pub fn transaction<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if let DbConn::Sqlite(c) = conn {
        let depth = AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .map_err(E::from)?;
        if depth.is_none() {
            // A panic elsewhere while holding the turn leaves no state to distrust.
            let _turn = SQLITE_WRITER
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE").map_err(E::from)?;
            let result = f(conn);
            let DbConn::Sqlite(c) = conn else {
                return result;
            };
            return match result {
                Ok(value) => {
                    AnsiTransactionManager::commit_transaction(c).map_err(E::from)?;
                    Ok(value)
                }
                Err(e) => {
                    if let Err(rollback) = AnsiTransactionManager::rollback_transaction(c) {
                        tracing::error!(error = %rollback, "rollback failed");
                    }
                    Err(e)
                }
            };
        }
    }
    conn.transaction(f)
}
