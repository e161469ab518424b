//! Readers for the varying shapes of real fediverse JSON: a reference may be
//! an IRI, an object with an `id`, a `Link` with an `href`, or a list of
//! those; text may be a string or a language map; dates come with or without
//! fractional seconds and time zone. These helpers never fail: what cannot be
//! read is absent.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// The special collection addressing everyone.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The ids in `v`: a string, an object with `id` (or `href` for a `Link`),
/// or an array of either, in order. Null, absent or other values give none.
pub fn ids(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(single_id).collect(),
        other => single_id(other).into_iter().collect(),
    }
}

/// The first of [`ids`].
pub fn first_id(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => items.iter().find_map(single_id),
        other => single_id(other),
    }
}

fn single_id(v: &Value) -> Option<String> {
    let id = match v {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("id").or_else(|| o.get("href"))?.as_str()?,
        _ => return None,
    };
    (!id.is_empty()).then(|| id.to_string())
}

/// A string, or the first value of a language map (`{"en": "…"}`).
pub fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) => map.values().find_map(|s| s.as_str()).map(str::to_string),
        _ => None,
    }
}

/// Parses an RFC 3339 date (with or without fractional seconds, with `Z` or
/// an offset), or a date without time zone such as `2023-01-01T10:00:00`
/// (Pleroma polls), read as UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map(|n| n.and_utc()))
        .ok()
}

/// Whether `id` addresses the public, in full or compact (`as:Public`,
/// `Public`) form.
pub fn is_public(id: &str) -> bool {
    matches!(id, PUBLIC | "as:Public" | "Public")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_of_every_shape() {
        assert_eq!(ids(&json!("https://a")), ["https://a"]);
        assert_eq!(
            ids(&json!({"type": "Person", "id": "https://a"})),
            ["https://a"]
        );
        assert_eq!(
            ids(&json!({"type": "Link", "href": "https://l"})),
            ["https://l"]
        );
        assert_eq!(
            ids(&json!(["https://a", {"id": "https://b"}, 3, {"type": "Image"}, ""])),
            ["https://a", "https://b"]
        );
        assert!(ids(&json!(null)).is_empty());
        assert!(ids(&json!({"a": 1})["missing"]).is_empty());
        assert_eq!(
            first_id(&json!([{"href": "https://l"}, "https://a"])).as_deref(),
            Some("https://l")
        );
        assert_eq!(first_id(&json!([])), None);
    }

    #[test]
    fn strings_and_language_maps() {
        assert_eq!(string(&json!("x")).as_deref(), Some("x"));
        assert_eq!(string(&json!({"en": "hello"})).as_deref(), Some("hello"));
        assert_eq!(string(&json!(null)), None);
        assert_eq!(string(&json!(3)), None);
    }

    #[test]
    fn dates_in_fixture_formats() {
        let expect = |s: &str, rfc: &str| {
            assert_eq!(
                parse_date(s).map(|d| d.to_rfc3339()).as_deref(),
                Some(rfc),
                "{s}"
            )
        };
        expect("2021-02-26T12:35:34Z", "2021-02-26T12:35:34+00:00");
        expect(
            "2021-02-26T12:35:34.292626Z",
            "2021-02-26T12:35:34.292626+00:00",
        );
        expect("2025-03-01T02:51:31+02:00", "2025-03-01T00:51:31+00:00");
        expect(
            "2025-03-01T02:51:31.392518+00:00",
            "2025-03-01T02:51:31.392518+00:00",
        );
        expect(
            "2019-09-09T14:45:13.775911",
            "2019-09-09T14:45:13.775911+00:00",
        );
        expect("2023-01-01T10:00:00", "2023-01-01T10:00:00+00:00");
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn public_forms() {
        assert!(is_public(PUBLIC));
        assert!(is_public("as:Public"));
        assert!(is_public("Public"));
        assert!(!is_public("https://x/followers"));
    }
}
