//! Feeds of posts: a member's home feed (the communities and people they
//! follow), this instance's local feed and the network-wide feed (every
//! post known here), each sorted by newest, by latest activity or by likes
//! over a period. Pages are keyset pages on the sort key and the id, so a
//! new post never shifts the next page. The sort keys (likes, latest
//! activity) are kept in `post_stats` by database triggers.

use chrono::{DateTime, Duration, NaiveDateTime};
use diesel::prelude::*;

use super::content::Post;
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{follows, post_stats, posts};

/// Whose posts a feed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedScope {
    /// What this person follows (accepted follows of communities and people).
    Home(i64),
    /// Posts written on this instance.
    Local,
    /// Every post known here.
    Network,
}

/// How long ago the posts a "top" feed ranks were published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::All => "all",
        }
    }

    /// The period a query names; a week when it names none or an unknown one.
    pub fn parse(s: &str) -> Period {
        Period::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .unwrap_or(Period::Week)
    }

    fn length(self) -> Option<Duration> {
        match self {
            Period::Day => Some(Duration::days(1)),
            Period::Week => Some(Duration::weeks(1)),
            Period::Month => Some(Duration::days(30)),
            Period::All => None,
        }
    }
}

/// The order of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedSort {
    /// Newest first.
    New,
    /// Latest activity first: the publication or the latest comment, a
    /// comment counting only within two days of the post (so that old
    /// threads fade out instead of being brought back by one late answer).
    Active,
    /// Most liked first, among the posts published during the period.
    Top(Period),
}

impl FeedSort {
    /// The sort a query names (`new`, `active`, `top` with a period); newest
    /// first when it names none or an unknown one.
    pub fn parse(sort: &str, period: &str) -> FeedSort {
        match sort {
            "active" => FeedSort::Active,
            "top" => FeedSort::Top(Period::parse(period)),
            _ => FeedSort::New,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FeedSort::New => "new",
            FeedSort::Active => "active",
            FeedSort::Top(_) => "top",
        }
    }

    pub fn period(self) -> Option<Period> {
        match self {
            FeedSort::Top(p) => Some(p),
            _ => None,
        }
    }
}

/// Where a page starts: strictly after this sort key and id. Written
/// `KEY_ID` in links (the key is the id, the likes, or the latest activity
/// in microseconds since 1970, depending on the sort).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: i64,
}

impl Cursor {
    /// Reads a cursor from a link; anything else designates no page.
    pub fn parse(s: &str) -> Option<Cursor> {
        let (key, id) = s.split_once('_')?;
        Some(Cursor {
            key: key.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}_{}", self.key, self.id)
    }
}

/// One page of a feed.
#[derive(Debug)]
pub struct FeedPage {
    pub posts: Vec<Post>,
    /// Where the next page starts, when this one is full.
    pub next: Option<Cursor>,
}

fn micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn from_micros(key: i64) -> NaiveDateTime {
    DateTime::from_timestamp_micros(key)
        .unwrap_or_default()
        .naive_utc()
}

/// A page of a feed (`limit` posts at most, not deleted), starting after
/// `after`, with `now` the time "top" periods count back from.
pub fn page(
    conn: &mut DbConn,
    scope: FeedScope,
    sort: FeedSort,
    after: Option<Cursor>,
    limit: i64,
    now: NaiveDateTime,
) -> Result<FeedPage, Error> {
    let mut query = posts::table
        .inner_join(post_stats::table)
        .filter(posts::deleted_at.is_null())
        .select((
            Post::as_select(),
            post_stats::likes,
            post_stats::last_activity_at,
        ))
        .into_boxed();
    query = match scope {
        FeedScope::Home(reader) => {
            let followed = || {
                follows::table
                    .filter(follows::follower_id.eq(reader))
                    .filter(follows::state.eq("accepted"))
                    .select(follows::target_id)
            };
            query.filter(
                posts::community_id
                    .assume_not_null()
                    .eq_any(followed())
                    .or(posts::author_id.eq_any(followed())),
            )
        }
        FeedScope::Local => query.filter(posts::local.eq(true)),
        FeedScope::Network => query,
    };
    query = match sort {
        FeedSort::New => {
            if let Some(c) = after {
                query = query.filter(posts::id.lt(c.id));
            }
            query.order(posts::id.desc())
        }
        FeedSort::Active => {
            if let Some(c) = after {
                let at = from_micros(c.key);
                query = query.filter(
                    post_stats::last_activity_at
                        .lt(at)
                        .or(post_stats::last_activity_at.eq(at).and(posts::id.lt(c.id))),
                );
            }
            query.order((post_stats::last_activity_at.desc(), posts::id.desc()))
        }
        FeedSort::Top(period) => {
            if let Some(length) = period.length() {
                query = query.filter(posts::published_at.ge(now - length));
            }
            if let Some(c) = after {
                query = query.filter(
                    post_stats::likes
                        .lt(c.key)
                        .or(post_stats::likes.eq(c.key).and(posts::id.lt(c.id))),
                );
            }
            query.order((post_stats::likes.desc(), posts::id.desc()))
        }
    };
    let rows: Vec<(Post, i64, NaiveDateTime)> = query.limit(limit).load(conn)?;
    let next = match rows.last() {
        Some((post, likes, active)) if rows.len() as i64 == limit => Some(Cursor {
            key: match sort {
                FeedSort::New => post.id,
                FeedSort::Active => micros(*active),
                FeedSort::Top(_) => *likes,
            },
            id: post.id,
        }),
        _ => None,
    };
    Ok(FeedPage {
        posts: rows.into_iter().map(|(post, _, _)| post).collect(),
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_write() {
        let c = Cursor {
            key: 1_764_410_000_123_456,
            id: 42,
        };
        assert_eq!(Cursor::parse(&c.to_string()), Some(c));
        assert_eq!(Cursor::parse("-3_7"), Some(Cursor { key: -3, id: 7 }));
        for bad in ["", "12", "a_1", "1_b", "1_2_3"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sorts_and_periods_default_sensibly() {
        assert_eq!(FeedSort::parse("", ""), FeedSort::New);
        assert_eq!(FeedSort::parse("active", "day"), FeedSort::Active);
        assert_eq!(FeedSort::parse("top", "day"), FeedSort::Top(Period::Day));
        assert_eq!(FeedSort::parse("top", "bogus"), FeedSort::Top(Period::Week));
        assert_eq!(FeedSort::parse("bogus", ""), FeedSort::New);
        let t = from_micros(1_764_410_000_123_456);
        assert_eq!(micros(t), 1_764_410_000_123_456);
    }
}
