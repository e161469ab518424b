//! The outgoing delivery queue, kept in the database: one row per
//! (activity, target inbox). Rows are claimed with a lease (and `FOR UPDATE
//! SKIP LOCKED` on PostgreSQL, so several processes can share the work), so
//! a crash or `kill -9` loses nothing: unfinished rows come back when their
//! lease ends. Activities about one object reach one inbox in order: a row
//! waits while an earlier row for the same (inbox, object) is unfinished.
//!
//! Failures are retried with exponential backoff and jitter for about five
//! days; a 4xx other than 408 and 429 is final. An instance that keeps
//! failing is marked dead, and revived (its queue resumed at once) when a
//! delivery succeeds or an activity arrives from it.

pub mod worker;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use rand::Rng;

use crate::config::Config;
use crate::db::DbConn;
use crate::domain::actors::Actor;
use crate::domain::now;
use crate::error::Error;
use crate::schema::{activities, deliveries, instances};

/// Attempts before a delivery is given up: with the backoff below, about five days.
pub const MAX_ATTEMPTS: i32 = 16;
/// Consecutive failures, with no success for a day, that mark an instance dead.
pub const DEAD_AFTER_FAILURES: i32 = 10;

/// The wait before retry number `attempts` (1-based): `first` seconds
/// (30 by default) doubling up to 12 h, with ±20 % jitter so that retries of
/// many rows spread out.
pub fn backoff(first: u32, attempts: i32) -> chrono::Duration {
    let base = (first as i64) << attempts.clamp(1, 11).saturating_sub(1);
    let base = base.min(12 * 3600);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    chrono::Duration::milliseconds((base as f64 * 1000.0 * jitter) as i64)
}

/// The `host[:port]` an inbox URL belongs to: instances are keyed by both.
pub fn instance_domain(inbox: &str) -> Option<String> {
    let url = url::Url::parse(inbox).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// The stored instance row of a domain, created on first sight.
pub fn instance_id(conn: &mut DbConn, domain: &str) -> Result<i64, Error> {
    if let Some(id) = instances::table
        .filter(instances::domain.eq(domain))
        .select(instances::id)
        .first(conn)
        .optional()?
    {
        return Ok(id);
    }
    let inserted = diesel::insert_into(instances::table)
        .values((
            instances::domain.eq(domain),
            instances::first_seen_at.eq(now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_)
        | Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(instances::table
            .filter(instances::domain.eq(domain))
            .select(instances::id)
            .first(conn)?),
        Err(e) => Err(e.into()),
    }
}

/// Records a local activity and queues it for each inbox, once per inbox
/// (shared inboxes deduplicated), skipping our own. `object_key` names the
/// object the activity is about, to keep its activities in order.
pub fn publish(
    conn: &mut DbConn,
    config: &Config,
    actor: &Actor,
    activity: &serde_json::Value,
    object_key: &str,
    inboxes: Vec<String>,
) -> Result<i64, Error> {
    let ap_id = activity["id"]
        .as_str()
        .ok_or_else(|| Error::Internal("an outgoing activity has no id".into()))?;
    let kind = activity["type"].as_str().unwrap_or("Activity");
    let payload = recolte_federation::activities::document(activity.clone()).to_string();
    crate::db::transaction(conn, |conn| {
        let now = now();
        let activity_id: i64 = diesel::insert_into(activities::table)
            .values((
                activities::ap_id.eq(ap_id),
                activities::actor_id.eq(actor.id),
                activities::kind.eq(kind),
                activities::local.eq(true),
                activities::payload.eq(payload),
                activities::created_at.eq(now),
            ))
            .returning(activities::id)
            .get_result(conn)?;
        let own = format!("{}/", config.base_url());
        let mut seen = std::collections::BTreeSet::new();
        for inbox in inboxes {
            if inbox.starts_with(&own) || !seen.insert(inbox.clone()) {
                continue;
            }
            let Some(domain) = instance_domain(&inbox) else {
                tracing::warn!(inbox, "skipping an inbox that is not a URL");
                continue;
            };
            let instance = instance_id(conn, &domain)?;
            diesel::insert_into(deliveries::table)
                .values((
                    deliveries::activity_id.eq(activity_id),
                    deliveries::inbox_url.eq(&inbox),
                    deliveries::instance_id.eq(instance),
                    deliveries::state.eq("pending"),
                    deliveries::next_attempt_at.eq(now),
                    deliveries::created_at.eq(now),
                    deliveries::object_key.eq(object_key),
                ))
                .execute(conn)?;
        }
        Ok(activity_id)
    })
}

/// A claimed delivery, ready to sign and send.
#[derive(Debug, Clone, QueryableByName)]
pub struct Due {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub inbox_url: String,
    #[diesel(sql_type = BigInt)]
    pub instance_id: i64,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Text)]
    pub payload: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub actor_id: Option<i64>,
}

const CLAIMABLE: &str = "
    SELECT d.id FROM deliveries d
    WHERE d.state IN ('pending', 'sending') AND d.next_attempt_at <= $1
      AND NOT EXISTS (
        SELECT 1 FROM deliveries e
        WHERE e.inbox_url = d.inbox_url AND e.object_key = d.object_key
          AND e.id < d.id AND e.state IN ('pending', 'sending'))
    ORDER BY d.id LIMIT $3";

/// Claims up to `limit` due deliveries for `lease`: they are this worker's
/// until then, after which another worker (or this one after a restart)
/// takes them again.
///
/// A plain read looks first: when nothing is due (most wake-ups and polls)
/// no write transaction is opened, so that an idle worker never competes
/// with the inbox for SQLite's single writer lock.
pub fn claim(conn: &mut DbConn, limit: i64, lease: chrono::Duration) -> Result<Vec<Due>, Error> {
    let now = now();
    let anything_due = deliveries::table
        .filter(deliveries::state.eq_any(["pending", "sending"]))
        .filter(deliveries::next_attempt_at.le(now))
        .select(deliveries::id)
        .first::<i64>(conn)
        .optional()?
        .is_some();
    if !anything_due {
        return Ok(Vec::new());
    }
    let ids_query = match conn {
        DbConn::Postgres(_) => format!("{CLAIMABLE} FOR UPDATE OF d SKIP LOCKED"),
        DbConn::Sqlite(_) => CLAIMABLE.to_string(),
    };
    let claimed: Vec<Due> = crate::db::transaction(conn, |conn| {
        let mut sql = format!(
            "UPDATE deliveries SET state = 'sending', next_attempt_at = $2
             WHERE id IN ({ids_query})
             RETURNING id, inbox_url, instance_id, attempts, activity_id"
        );
        if matches!(conn, DbConn::Sqlite(_)) {
            // SQLite numbers parameters by first appearance for `$N`; `?N` is positional.
            sql = sql.replace('$', "?");
        }
        #[derive(QueryableByName)]
        struct Claimed {
            #[diesel(sql_type = BigInt)]
            id: i64,
            #[diesel(sql_type = Text)]
            inbox_url: String,
            #[diesel(sql_type = BigInt)]
            instance_id: i64,
            #[diesel(sql_type = Integer)]
            attempts: i32,
            #[diesel(sql_type = BigInt)]
            activity_id: i64,
        }
        let rows: Vec<Claimed> = diesel::sql_query(sql)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now + lease)
            .bind::<BigInt, _>(limit)
            .load(conn)?;
        let mut out = Vec::with_capacity(rows.len());
        let activity_ids: Vec<i64> = rows.iter().map(|r| r.activity_id).collect();
        let payloads: std::collections::HashMap<i64, (String, Option<i64>)> = activities::table
            .filter(activities::id.eq_any(&activity_ids))
            .select((activities::id, activities::payload, activities::actor_id))
            .load::<(i64, String, Option<i64>)>(conn)?
            .into_iter()
            .map(|(id, p, a)| (id, (p, a)))
            .collect();
        for r in rows {
            if let Some((payload, actor_id)) = payloads.get(&r.activity_id) {
                out.push(Due {
                    id: r.id,
                    inbox_url: r.inbox_url,
                    instance_id: r.instance_id,
                    attempts: r.attempts,
                    payload: payload.clone(),
                    actor_id: *actor_id,
                });
            }
        }
        Ok::<_, diesel::result::Error>(out)
    })?;
    Ok(claimed)
}

/// At start-up on SQLite (one process per database), deliveries left
/// claimed by a previous run that died are due again at once. On
/// PostgreSQL other processes may hold claims: their leases expire instead.
pub fn recover(conn: &mut DbConn) -> Result<usize, Error> {
    if !matches!(conn, DbConn::Sqlite(_)) {
        return Ok(0);
    }
    let n = diesel::update(deliveries::table.filter(deliveries::state.eq("sending")))
        .set((
            deliveries::state.eq("pending"),
            deliveries::next_attempt_at.eq(now()),
        ))
        .execute(conn)?;
    if n > 0 {
        tracing::info!(
            rows = n,
            "delivery queue: resuming deliveries left in flight"
        );
    }
    Ok(n)
}

/// Records a successful delivery, and revives its instance if deliveries
/// to it were failing (its waiting rows are then due at once).
pub fn delivered(conn: &mut DbConn, due: &Due) -> Result<(), Error> {
    let now = now();
    diesel::update(deliveries::table.find(due.id))
        .set((
            deliveries::state.eq("done"),
            deliveries::attempts.eq(due.attempts + 1),
            deliveries::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    let revived = diesel::update(
        instances::table.find(due.instance_id).filter(
            instances::failure_count
                .ne(0)
                .or(instances::dead_since.is_not_null()),
        ),
    )
    .set((
        instances::last_success_at.eq(now),
        instances::failure_count.eq(0),
        instances::dead_since.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?;
    if revived > 0 {
        return resume_instance(conn, due.instance_id);
    }
    // Healthy already: refresh the last success now and then, not on every row.
    diesel::update(
        instances::table.find(due.instance_id).filter(
            instances::last_success_at
                .is_null()
                .or(instances::last_success_at.lt(now - chrono::Duration::seconds(10))),
        ),
    )
    .set(instances::last_success_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried later, or given up when `permanent`
/// or out of attempts. Counts the failure against the instance.
pub fn failed(
    conn: &mut DbConn,
    config: &Config,
    due: &Due,
    error: &str,
    permanent: bool,
) -> Result<(), Error> {
    let attempts = due.attempts + 1;
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    let now = now();
    let error: String = error.chars().take(500).collect();
    diesel::update(deliveries::table.find(due.id))
        .set((
            deliveries::state.eq(if give_up { "failed" } else { "pending" }),
            deliveries::attempts.eq(attempts),
            deliveries::next_attempt_at.eq(now + backoff(config.delivery_retry_seconds, attempts)),
            deliveries::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    if permanent {
        // The instance answered: it is alive, it just refused this one.
        return Ok(());
    }
    type Health = (
        i32,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    );
    let (failures, last_success, dead_since): Health = instances::table
        .find(due.instance_id)
        .select((
            instances::failure_count,
            instances::last_success_at,
            instances::dead_since,
        ))
        .first(conn)?;
    let failures = failures + 1;
    let long_silent = last_success.is_none_or(|t| now - t > chrono::Duration::days(1));
    let dead = dead_since.or((failures >= DEAD_AFTER_FAILURES && long_silent).then_some(now));
    if dead.is_some() && dead_since.is_none() {
        tracing::warn!(
            instance = due.instance_id,
            "instance marked dead after repeated failures"
        );
    }
    diesel::update(instances::table.find(due.instance_id))
        .set((
            instances::failure_count.eq(failures),
            instances::dead_since.eq(dead),
        ))
        .execute(conn)?;
    Ok(())
}

/// An instance came back: its waiting deliveries are due now.
pub fn resume_instance(conn: &mut DbConn, instance_id: i64) -> Result<(), Error> {
    diesel::update(
        deliveries::table
            .filter(deliveries::instance_id.eq(instance_id))
            .filter(deliveries::state.eq("pending")),
    )
    .set(deliveries::next_attempt_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// An activity arrived from an instance: it is up, so if deliveries to it
/// were failing (or it was marked dead), its queue is due again now.
pub fn heard_from(conn: &mut DbConn, domain: &str) -> Result<(), Error> {
    let health: Option<(i64, i32, Option<chrono::NaiveDateTime>)> = instances::table
        .filter(instances::domain.eq(domain))
        .select((
            instances::id,
            instances::failure_count,
            instances::dead_since,
        ))
        .first(conn)
        .optional()?;
    if let Some((id, failures, dead_since)) = health {
        if failures == 0 && dead_since.is_none() {
            return Ok(());
        }
        tracing::info!(domain, "instance is back");
        diesel::update(instances::table.find(id))
            .set((
                instances::dead_since.eq(None::<chrono::NaiveDateTime>),
                instances::failure_count.eq(0),
            ))
            .execute(conn)?;
        resume_instance(conn, id)?;
    }
    Ok(())
}

/// Removes finished deliveries older than `age`.
pub fn prune(conn: &mut DbConn, age: chrono::Duration) -> Result<usize, Error> {
    Ok(diesel::delete(
        deliveries::table
            .filter(deliveries::state.eq_any(["done", "failed"]))
            .filter(deliveries::created_at.lt(now() - age)),
    )
    .execute(conn)?)
}

/// The queue as seen per remote instance.
#[derive(Debug, Clone)]
pub struct InstanceStatus {
    pub domain: String,
    pub pending: i64,
    pub done: i64,
    pub failed: i64,
    pub failure_count: i32,
    pub last_success_at: Option<chrono::NaiveDateTime>,
    pub dead_since: Option<chrono::NaiveDateTime>,
}

#[derive(Queryable)]
struct InstanceRow {
    id: i64,
    domain: String,
    failure_count: i32,
    last_success_at: Option<chrono::NaiveDateTime>,
    dead_since: Option<chrono::NaiveDateTime>,
}

pub fn status(conn: &mut DbConn) -> Result<Vec<InstanceStatus>, Error> {
    let known: Vec<InstanceRow> = instances::table
        .order(instances::domain.asc())
        .select((
            instances::id,
            instances::domain,
            instances::failure_count,
            instances::last_success_at,
            instances::dead_since,
        ))
        .load(conn)?;
    let counts: Vec<(i64, String, i64)> = deliveries::table
        .group_by((deliveries::instance_id, deliveries::state))
        .select((
            deliveries::instance_id,
            deliveries::state,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    Ok(known
        .into_iter()
        .map(|row| {
            let count = |state: &[&str]| -> i64 {
                counts
                    .iter()
                    .filter(|(i, s, _)| *i == row.id && state.contains(&s.as_str()))
                    .map(|(_, _, n)| n)
                    .sum()
            };
            InstanceStatus {
                pending: count(&["pending", "sending"]),
                done: count(&["done"]),
                failed: count(&["failed"]),
                domain: row.domain,
                failure_count: row.failure_count,
                last_success_at: row.last_success_at,
                dead_since: row.dead_since,
            }
        })
        .collect())
}
