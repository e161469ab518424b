//! Filters (Mastodon's filters v2): a member's named sets of keywords and
//! statuses that, in the contexts they name (home, notifications, public,
//! thread, account), mark the statuses they match (`warn`) or leave them
//! out (`hide`) until they expire. Only their owner sees or changes them.
//!
//! Matching is on a status's text, case-insensitively; a `whole_word`
//! keyword only matches between word boundaries (letters, accented ones
//! included, and digits make words). A viewer's active filters for one
//! context are loaded once per page ([`ActiveFilters::load`]).

use std::collections::HashMap;

use diesel::prelude::*;

use super::content::Target;
use super::statuses::{Status, Timeline};
use crate::db::DbConn;
use crate::error::Error;
use crate::schema::{filter_keywords, filter_statuses, filters};

const TITLE_MAX: usize = 200;
const KEYWORD_MAX: usize = 200;
/// Most filters per member, keywords and statuses per filter.
const FILTERS_MAX: i64 = 100;
pub const KEYWORDS_MAX: i64 = 100;
const STATUSES_MAX: i64 = 100;
/// The longest lifetime a filter may be given: ten years, in seconds.
const EXPIRES_IN_MAX: i64 = 10 * 366 * 24 * 3600;

/// Where a filter applies (Mastodon's `context`).
pub const CONTEXTS: &[&str] = &["home", "notifications", "public", "thread", "account"];
/// What a filter does to what it matches.
pub const ACTIONS: &[&str] = &["warn", "hide"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filters)]
pub struct FilterRow {
    pub id: i64,
    pub actor_id: i64,
    pub title: String,
    /// Comma-separated contexts.
    pub context: String,
    pub action: String,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filter_keywords)]
pub struct Keyword {
    pub id: i64,
    pub filter_id: i64,
    pub keyword: String,
    pub whole_word: bool,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = filter_statuses)]
pub struct FilteredStatus {
    pub id: i64,
    pub filter_id: i64,
    pub status_id: i64,
}

/// A filter with its keywords and statuses.
#[derive(Debug, Clone)]
pub struct Filter {
    pub row: FilterRow,
    pub keywords: Vec<Keyword>,
    pub statuses: Vec<FilteredStatus>,
}

impl Filter {
    pub fn contexts(&self) -> Vec<&str> {
        self.row
            .context
            .split(',')
            .filter(|c| !c.is_empty())
            .collect()
    }

    fn active(&self, now: chrono::NaiveDateTime) -> bool {
        self.row.expires_at.is_none_or(|at| at > now)
    }
}

/// A change to a keyword (Mastodon's `keywords_attributes[]`): a new one
/// without `id`, a change with it, a removal with `destroy`.
#[derive(Debug, Clone, Default)]
pub struct KeywordDraft {
    pub id: Option<i64>,
    pub keyword: Option<String>,
    pub whole_word: Option<bool>,
    pub destroy: bool,
}

/// What a filter is made of (all optional when changing one).
#[derive(Debug, Clone, Default)]
pub struct FilterDraft {
    pub title: Option<String>,
    pub context: Option<Vec<String>>,
    pub action: Option<String>,
    /// `Some(None)`: never expires; `Some(Some(s))`: in `s` seconds.
    pub expires_in: Option<Option<i64>>,
    pub keywords: Vec<KeywordDraft>,
}

fn validate_title(title: &str) -> Result<String, Error> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::invalid(
            "title",
            "Validation failed: Title can't be blank",
        ));
    }
    if title.chars().count() > TITLE_MAX {
        return Err(Error::invalid(
            "title",
            format!("Validation failed: Title is too long (maximum is {TITLE_MAX} characters)"),
        ));
    }
    Ok(title.to_string())
}

fn validate_context(context: &[String]) -> Result<String, Error> {
    if context.is_empty() {
        return Err(Error::invalid(
            "context",
            "Validation failed: Context can't be blank",
        ));
    }
    let mut kept: Vec<&str> = vec![];
    for c in context {
        let known = CONTEXTS.iter().find(|k| **k == c.as_str()).ok_or_else(|| {
            Error::invalid(
                "context",
                format!(
                    "Validation failed: Context '{c}' is not one of {}",
                    CONTEXTS.join(", ")
                ),
            )
        })?;
        if !kept.contains(known) {
            kept.push(known);
        }
    }
    Ok(kept.join(","))
}

fn validate_action(action: &str) -> Result<&'static str, Error> {
    ACTIONS
        .iter()
        .find(|a| **a == action)
        .copied()
        .ok_or_else(|| {
            Error::invalid(
                "filter_action",
                format!("Validation failed: Filter action '{action}' is not one of warn, hide"),
            )
        })
}

fn expiry(expires_in: Option<i64>) -> Result<Option<chrono::NaiveDateTime>, Error> {
    match expires_in {
        None => Ok(None),
        Some(s) if (1..=EXPIRES_IN_MAX).contains(&s) => {
            Ok(Some(super::now() + chrono::Duration::seconds(s)))
        }
        Some(_) => Err(Error::invalid(
            "expires_in",
            format!("Validation failed: Expires in must be between 1 and {EXPIRES_IN_MAX} seconds"),
        )),
    }
}

fn validate_keyword(keyword: &str) -> Result<String, Error> {
    let keyword = keyword.trim();
    if keyword.is_empty() {
        return Err(Error::invalid(
            "keyword",
            "Validation failed: Keyword can't be blank",
        ));
    }
    if keyword.chars().count() > KEYWORD_MAX {
        return Err(Error::invalid(
            "keyword",
            format!("Validation failed: Keyword is too long (maximum is {KEYWORD_MAX} characters)"),
        ));
    }
    Ok(keyword.to_string())
}

fn not_found() -> Error {
    Error::NotFound("Record not found".into())
}

/// A member's filters with their keywords and statuses, oldest first.
pub fn of_owner(conn: &mut DbConn, owner: i64) -> Result<Vec<Filter>, Error> {
    let rows: Vec<FilterRow> = filters::table
        .filter(filters::actor_id.eq(owner))
        .order(filters::id.asc())
        .select(FilterRow::as_select())
        .load(conn)?;
    with_parts(conn, rows)
}

fn with_parts(conn: &mut DbConn, rows: Vec<FilterRow>) -> Result<Vec<Filter>, Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut keywords: HashMap<i64, Vec<Keyword>> = HashMap::new();
    for k in filter_keywords::table
        .filter(filter_keywords::filter_id.eq_any(&ids))
        .order(filter_keywords::id.asc())
        .select(Keyword::as_select())
        .load(conn)?
    {
        keywords.entry(k.filter_id).or_default().push(k);
    }
    let mut statuses: HashMap<i64, Vec<FilteredStatus>> = HashMap::new();
    for s in filter_statuses::table
        .filter(filter_statuses::filter_id.eq_any(&ids))
        .order(filter_statuses::id.asc())
        .select(FilteredStatus::as_select())
        .load(conn)?
    {
        statuses.entry(s.filter_id).or_default().push(s);
    }
    Ok(rows
        .into_iter()
        .map(|row| Filter {
            keywords: keywords.remove(&row.id).unwrap_or_default(),
            statuses: statuses.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// One of a member's filters (another's is not found).
pub fn get(conn: &mut DbConn, owner: i64, id: i64) -> Result<Filter, Error> {
    let row = filters::table
        .find(id)
        .filter(filters::actor_id.eq(owner))
        .select(FilterRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)?;
    with_parts(conn, vec![row])?.pop().ok_or_else(not_found)
}

pub fn create(conn: &mut DbConn, owner: i64, draft: &FilterDraft) -> Result<Filter, Error> {
    let title = validate_title(draft.title.as_deref().unwrap_or_default())?;
    let context = validate_context(draft.context.as_deref().unwrap_or_default())?;
    let action = validate_action(draft.action.as_deref().unwrap_or("warn"))?;
    let expires_at = expiry(draft.expires_in.flatten())?;
    crate::db::transaction(conn, |conn| {
        let count: i64 = filters::table
            .filter(filters::actor_id.eq(owner))
            .count()
            .get_result(conn)?;
        if count >= FILTERS_MAX {
            return Err(Error::invalid(
                "title",
                format!("Validation failed: one may keep at most {FILTERS_MAX} filters"),
            ));
        }
        let id: i64 = diesel::insert_into(filters::table)
            .values((
                filters::actor_id.eq(owner),
                filters::title.eq(&title),
                filters::context.eq(&context),
                filters::action.eq(action),
                filters::expires_at.eq(expires_at),
                filters::created_at.eq(super::now()),
            ))
            .returning(filters::id)
            .get_result(conn)?;
        change_keywords(conn, id, &draft.keywords)?;
        get(conn, owner, id)
    })
}

pub fn update(
    conn: &mut DbConn,
    owner: i64,
    id: i64,
    draft: &FilterDraft,
) -> Result<Filter, Error> {
    let filter = get(conn, owner, id)?;
    let title = match &draft.title {
        Some(t) => validate_title(t)?,
        None => filter.row.title,
    };
    let context = match &draft.context {
        Some(c) => validate_context(c)?,
        None => filter.row.context,
    };
    let action = match &draft.action {
        Some(a) => validate_action(a)?.to_string(),
        None => filter.row.action,
    };
    let expires_at = match draft.expires_in {
        Some(e) => expiry(e)?,
        None => filter.row.expires_at,
    };
    crate::db::transaction(conn, |conn| {
        diesel::update(filters::table.find(id))
            .set((
                filters::title.eq(&title),
                filters::context.eq(&context),
                filters::action.eq(&action),
                filters::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        change_keywords(conn, id, &draft.keywords)?;
        get(conn, owner, id)
    })
}

/// Applies keyword changes to a filter, within the caller's transaction:
/// a keyword id of another filter is not found; the count is checked last.
fn change_keywords(
    conn: &mut DbConn,
    filter_id: i64,
    drafts: &[KeywordDraft],
) -> Result<(), Error> {
    for draft in drafts {
        match draft.id {
            Some(keyword_id) => {
                let existing = filter_keywords::table
                    .find(keyword_id)
                    .filter(filter_keywords::filter_id.eq(filter_id))
                    .select(Keyword::as_select())
                    .first(conn)
                    .optional()?
                    .ok_or_else(not_found)?;
                if draft.destroy {
                    diesel::delete(filter_keywords::table.find(keyword_id)).execute(conn)?;
                    continue;
                }
                let keyword = match &draft.keyword {
                    Some(k) => validate_keyword(k)?,
                    None => existing.keyword,
                };
                diesel::update(filter_keywords::table.find(keyword_id))
                    .set((
                        filter_keywords::keyword.eq(keyword),
                        filter_keywords::whole_word
                            .eq(draft.whole_word.unwrap_or(existing.whole_word)),
                    ))
                    .execute(conn)?;
            }
            None if draft.destroy => {}
            None => {
                let keyword = validate_keyword(draft.keyword.as_deref().unwrap_or_default())?;
                diesel::insert_into(filter_keywords::table)
                    .values((
                        filter_keywords::filter_id.eq(filter_id),
                        filter_keywords::keyword.eq(keyword),
                        filter_keywords::whole_word.eq(draft.whole_word.unwrap_or(true)),
                    ))
                    .execute(conn)?;
            }
        }
    }
    let count: i64 = filter_keywords::table
        .filter(filter_keywords::filter_id.eq(filter_id))
        .count()
        .get_result(conn)?;
    if count > KEYWORDS_MAX {
        return Err(Error::invalid(
            "keyword",
            format!("Validation failed: a filter holds at most {KEYWORDS_MAX} keywords"),
        ));
    }
    Ok(())
}

pub fn delete(conn: &mut DbConn, owner: i64, id: i64) -> Result<(), Error> {
    get(conn, owner, id)?;
    diesel::delete(filters::table.find(id)).execute(conn)?;
    Ok(())
}

/// Adds a keyword to one of a member's filters.
pub fn add_keyword(
    conn: &mut DbConn,
    owner: i64,
    filter_id: i64,
    keyword: &str,
    whole_word: Option<bool>,
) -> Result<Keyword, Error> {
    get(conn, owner, filter_id)?;
    let draft = KeywordDraft {
        keyword: Some(keyword.to_string()),
        whole_word,
        ..KeywordDraft::default()
    };
    crate::db::transaction(conn, |conn| {
        change_keywords(conn, filter_id, std::slice::from_ref(&draft))?;
        Ok(filter_keywords::table
            .filter(filter_keywords::filter_id.eq(filter_id))
            .order(filter_keywords::id.desc())
            .select(Keyword::as_select())
            .first(conn)?)
    })
}

/// One keyword of one of a member's filters (another's is not found).
pub fn keyword(conn: &mut DbConn, owner: i64, id: i64) -> Result<Keyword, Error> {
    filter_keywords::table
        .inner_join(filters::table)
        .filter(filter_keywords::id.eq(id))
        .filter(filters::actor_id.eq(owner))
        .select(Keyword::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

pub fn update_keyword(
    conn: &mut DbConn,
    owner: i64,
    id: i64,
    keyword: Option<&str>,
    whole_word: Option<bool>,
) -> Result<Keyword, Error> {
    let found = self::keyword(conn, owner, id)?;
    let draft = KeywordDraft {
        id: Some(id),
        keyword: keyword.map(str::to_string),
        whole_word,
        destroy: false,
    };
    change_keywords(conn, found.filter_id, std::slice::from_ref(&draft))?;
    self::keyword(conn, owner, id)
}

pub fn delete_keyword(conn: &mut DbConn, owner: i64, id: i64) -> Result<(), Error> {
    self::keyword(conn, owner, id)?;
    diesel::delete(filter_keywords::table.find(id)).execute(conn)?;
    Ok(())
}

/// Adds a status to one of a member's filters (once).
pub fn add_status(
    conn: &mut DbConn,
    owner: i64,
    filter_id: i64,
    status_id: i64,
) -> Result<FilteredStatus, Error> {
    get(conn, owner, filter_id)?;
    super::statuses::by_id(conn, status_id)?;
    crate::db::transaction(conn, |conn| {
        let present = filter_statuses::table
            .filter(filter_statuses::filter_id.eq(filter_id))
            .select(FilteredStatus::as_select())
            .load(conn)?;
        if present.iter().any(|s| s.status_id == status_id) {
            return Err(Error::invalid(
                "status_id",
                "Validation failed: Status has already been taken",
            ));
        }
        if present.len() as i64 >= STATUSES_MAX {
            return Err(Error::invalid(
                "status_id",
                format!("Validation failed: a filter holds at most {STATUSES_MAX} statuses"),
            ));
        }
        let id: i64 = diesel::insert_into(filter_statuses::table)
            .values((
                filter_statuses::filter_id.eq(filter_id),
                filter_statuses::status_id.eq(status_id),
            ))
            .returning(filter_statuses::id)
            .get_result(conn)?;
        Ok(FilteredStatus {
            id,
            filter_id,
            status_id,
        })
    })
}

/// One status of one of a member's filters (another's is not found).
pub fn filtered_status(conn: &mut DbConn, owner: i64, id: i64) -> Result<FilteredStatus, Error> {
    filter_statuses::table
        .inner_join(filters::table)
        .filter(filter_statuses::id.eq(id))
        .filter(filters::actor_id.eq(owner))
        .select(FilteredStatus::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

pub fn delete_status(conn: &mut DbConn, owner: i64, id: i64) -> Result<(), Error> {
    filtered_status(conn, owner, id)?;
    diesel::delete(filter_statuses::table.find(id)).execute(conn)?;
    Ok(())
}

/// What one filter found in one status.
#[derive(Debug)]
pub struct FilterMatch<'a> {
    pub filter: &'a Filter,
    pub keyword_matches: Vec<String>,
    pub status_matches: Vec<i64>,
}

/// A viewer's active (unexpired) filters for one context, loaded once
/// for a page (with their keywords lowercased once); none for anonymous
/// viewers.
#[derive(Debug, Default)]
pub struct ActiveFilters(Vec<(Filter, Vec<String>)>);

impl ActiveFilters {
    pub fn load(conn: &mut DbConn, viewer: Option<i64>, context: &str) -> Result<Self, Error> {
        let Some(viewer) = viewer else {
            return Ok(Self::default());
        };
        let now = super::now();
        Ok(ActiveFilters(
            of_owner(conn, viewer)?
                .into_iter()
                .filter(|f| f.active(now) && f.contexts().contains(&context))
                .map(|f| {
                    let lowered = f
                        .keywords
                        .iter()
                        .map(|k| k.keyword.to_lowercase())
                        .collect();
                    (f, lowered)
                })
                .collect(),
        ))
    }

    /// The filters matching a status (its id and text).
    pub fn matches(&self, status: &Status) -> Vec<FilterMatch<'_>> {
        if self.0.is_empty() {
            return vec![];
        }
        let text = searchable_text(status).to_lowercase();
        self.0
            .iter()
            .filter_map(|(filter, lowered)| {
                let keyword_matches: Vec<String> = filter
                    .keywords
                    .iter()
                    .zip(lowered)
                    .filter(|(k, low)| keyword_found(&text, low, k.whole_word))
                    .map(|(k, _)| k.keyword.clone())
                    .collect();
                let status_matches: Vec<i64> = filter
                    .statuses
                    .iter()
                    .filter(|s| s.status_id == status.row.id)
                    .map(|s| s.status_id)
                    .collect();
                (!keyword_matches.is_empty() || !status_matches.is_empty()).then_some(FilterMatch {
                    filter,
                    keyword_matches,
                    status_matches,
                })
            })
            .collect()
    }
}

/// The filter context a timeline is read in (lists count as home, tags
/// as public).
pub fn context_of(which: &Timeline) -> &'static str {
    match which {
        Timeline::Home(_) | Timeline::List { .. } => "home",
        Timeline::Public(_) | Timeline::Tag { .. } => "public",
        Timeline::Account { .. } => "account",
    }
}

/// Whether any of the matches hides the status.
pub fn hides(matches: &[FilterMatch<'_>]) -> bool {
    matches.iter().any(|m| m.filter.row.action == "hide")
}

/// The text a filter looks at: a post's title and text, a comment's text.
fn searchable_text(status: &Status) -> String {
    match &status.target {
        Target::Post(p) => format!("{}\n{}", p.title, super::text::plain_text(&p.content_html)),
        Target::Comment(c) => super::text::plain_text(&c.content_html),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `keyword` (lowercased) occurs in `text` (lowercased); a whole
/// word must not touch a word character on a side where it starts or ends
/// with one.
fn keyword_found(text: &str, keyword: &str, whole_word: bool) -> bool {
    if keyword.is_empty() {
        return false;
    }
    if !whole_word {
        return text.contains(keyword);
    }
    let starts_word = keyword.chars().next().is_some_and(is_word_char);
    let ends_word = keyword.chars().next_back().is_some_and(is_word_char);
    text.match_indices(keyword).any(|(at, found)| {
        let before = text[..at].chars().next_back();
        let after = text[at + found.len()..].chars().next();
        let glued_before = starts_word && before.is_some_and(is_word_char);
        let glued_after = ends_word && after.is_some_and(is_word_char);
        !glued_before && !glued_after
    })
}

#[cfg(test)]
mod tests {
    use super::keyword_found;

    #[test]
    fn whole_words_respect_accented_letters() {
        assert!(keyword_found("un café chaud", "café", true));
        assert!(!keyword_found("les cafés", "café", true));
        assert!(keyword_found("les cafés", "café", false));
        assert!(!keyword_found("écart", "cart", true));
        assert!(keyword_found("écart", "cart", false));
        assert!(keyword_found("(cart)", "cart", true));
        assert!(keyword_found("#rust!", "#rust", true));
        assert!(!keyword_found("rien", "", false));
    }
}
