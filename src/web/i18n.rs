//! The interface's languages: Fluent message catalogues (`locales/LANG/*.ftl`,
//! compiled into the binary), the choice of a language for a request (the
//! account's setting, then `Accept-Language`, then French), and the
//! [`Translator`] templates call: `t.get("key")`, `t.arg("key", "name", value)`,
//! `t.date(when)`.
//!
//! To add a string: add `key = …` to every `locales/*/` catalogue (a unit test
//! checks that French and English define the same keys), then call it from a
//! template or handler.
//!
//! The catalogues never change while the server runs, so a message without
//! arguments, or with one count, is formatted once per thread and then
//! copied: a thread of 500 comments repeats "Répondre" and "2 j'aime"
//! hundreds of times.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the interface is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language of a code such as `fr`, `en-GB` or `EN`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The preferred language of an `Accept-Language` header, if we have one
    /// of those it lists (by quality, then by order).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut choices: Vec<(u16, usize, Lang)> = header
            .split(',')
            .take(20)
            .enumerate()
            .filter_map(|(i, item)| {
                let mut parts = item.split(';');
                let lang = Lang::parse(parts.next()?)?;
                let quality = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .filter_map(|q| q.trim().parse::<f32>().ok())
                    .next()
                    .unwrap_or(1.0);
                (quality > 0.0).then_some(((quality * 1000.0) as u16, i, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        choices.first().map(|c| c.2)
    }

    fn sources(self) -> &'static [&'static str] {
        match self {
            Lang::Fr => &[
                include_str!("../../locales/fr/common.ftl"),
                include_str!("../../locales/fr/pages.ftl"),
                include_str!("../../locales/fr/errors.ftl"),
            ],
            Lang::En => &[
                include_str!("../../locales/en/common.ftl"),
                include_str!("../../locales/en/pages.ftl"),
                include_str!("../../locales/en/errors.ftl"),
            ],
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static FR: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
        static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
        let cell = match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        };
        cell.get_or_init(|| {
            let id = self.code().parse().expect("a valid language identifier");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // No Unicode isolation marks around arguments: the pages are
            // left-to-right and the marks would end up in attribute values.
            bundle.set_use_isolating(false);
            bundle.set_formatter(Some(match self {
                Lang::Fr => format_number_fr,
                Lang::En => format_number_en,
            }));
            for source in self.sources() {
                let resource = FluentResource::try_new(source.to_string())
                    .unwrap_or_else(|(_, errors)| panic!("{} catalogue: {errors:?}", self.code()));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|errors| panic!("{} catalogue: {errors:?}", self.code()));
            }
            bundle
        })
    }
}

/// Writes whole numbers of four digits or more with the language's group
/// separator ("12 345" in French, "12,345" in English); other values keep
/// Fluent's default formatting.
fn group_digits(value: &FluentValue, separator: &str) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    if number.value.fract() != 0.0 || number.value.abs() < 1000.0 {
        return None;
    }
    let digits = format!("{}", number.value.abs() as u64);
    let mut out = String::new();
    if number.value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(c);
    }
    Some(out)
}

fn format_number_fr<M>(value: &FluentValue, _: &M) -> Option<String> {
    // A narrow no-break space, as French typography wants.
    group_digits(value, "\u{202f}")
}

fn format_number_en<M>(value: &FluentValue, _: &M) -> Option<String> {
    group_digits(value, ",")
}

/// A value given to a message: numbers select plural forms.
pub trait MessageArg {
    fn value(&self) -> FluentValue<'static>;
}

impl MessageArg for str {
    fn value(&self) -> FluentValue<'static> {
        FluentValue::from(self.to_string())
    }
}

impl MessageArg for String {
    fn value(&self) -> FluentValue<'static> {
        FluentValue::from(self.clone())
    }
}

impl MessageArg for i64 {
    fn value(&self) -> FluentValue<'static> {
        FluentValue::from(*self)
    }
}

impl MessageArg for usize {
    fn value(&self) -> FluentValue<'static> {
        FluentValue::from(*self)
    }
}

impl<T: MessageArg + ?Sized> MessageArg for &T {
    fn value(&self) -> FluentValue<'static> {
        (**self).value()
    }
}

/// Looks messages up in one language.
#[derive(Debug, Clone, Copy)]
pub struct Translator {
    lang: Lang,
}

impl Translator {
    pub fn new(lang: Lang) -> Self {
        Translator { lang }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the catalogue has this message.
    pub fn has(&self, key: &str) -> bool {
        self.lang.bundle().has_message(key)
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.lang.bundle();
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::error!(key, lang = self.lang.code(), "missing message");
            return key.to_string();
        };
        let mut errors = vec![];
        let text: Cow<str> = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::error!(key, ?errors, "message formatting failed");
        }
        text.into_owned()
    }

    /// A message without arguments.
    pub fn get(&self, key: impl AsRef<str>) -> String {
        let key = key.as_ref();
        self.remembered(key, "", 0, || self.format(key, None))
    }

    /// A message formatted before on this thread (with the same count for
    /// the same argument), or formatted now and kept. Only messages of the
    /// catalogues are kept, and only small counts: what is kept is bounded.
    fn remembered(
        &self,
        key: &str,
        name: &'static str,
        count: i64,
        format: impl FnOnce() -> String,
    ) -> String {
        /// Counts above this are formatted each time.
        const COUNT_MAX: i64 = 1_000;
        /// By message key, then language, argument and count.
        type Kept = HashMap<String, HashMap<(Lang, &'static str, i64), String>>;
        thread_local! {
            static FORMATTED: RefCell<Kept> = RefCell::new(HashMap::new());
        }
        if !(0..=COUNT_MAX).contains(&count) {
            return format();
        }
        let variant = (self.lang, name, count);
        let kept = FORMATTED.with(|f| {
            f.borrow()
                .get(key)
                .and_then(|variants| variants.get(&variant))
                .cloned()
        });
        if let Some(text) = kept {
            return text;
        }
        let text = format();
        if self.has(key) {
            FORMATTED.with(|f| {
                f.borrow_mut()
                    .entry(key.to_string())
                    .or_default()
                    .insert(variant, text.clone())
            });
        }
        text
    }

    /// The message `PREFIX-VALUE`, for a stored value such as a community
    /// kind (`kind-project`).
    pub fn keyed(&self, prefix: &str, value: &str) -> String {
        self.get(format!("{prefix}-{value}"))
    }

    /// A message with one argument.
    pub fn arg(&self, key: impl AsRef<str>, name: &'static str, value: impl MessageArg) -> String {
        let key = key.as_ref();
        let value = value.value();
        let format = |value| {
            let mut args = FluentArgs::new();
            args.set(name, value);
            self.format(key, Some(&args))
        };
        match &value {
            FluentValue::Number(n) if n.value.fract() == 0.0 => {
                self.remembered(key, name, n.value as i64, || format(value.clone()))
            }
            FluentValue::String(text) => self
                .simple(key, &[(name, text)])
                .unwrap_or_else(|| format(value.clone())),
            _ => format(value),
        }
    }

    /// A message with two arguments.
    pub fn args(
        &self,
        key: impl AsRef<str>,
        first: &'static str,
        first_value: impl MessageArg,
        second: &'static str,
        second_value: impl MessageArg,
    ) -> String {
        let key = key.as_ref();
        let (first_value, second_value) = (first_value.value(), second_value.value());
        if let (FluentValue::String(a), FluentValue::String(b)) = (&first_value, &second_value) {
            if let Some(text) = self.simple(key, &[(first, a), (second, b)]) {
                return text;
            }
        }
        let mut args = FluentArgs::new();
        args.set(first, first_value);
        args.set(second, second_value);
        self.format(key, Some(&args))
    }

    /// A message whose pattern is only text and variables (no selector,
    /// term or function), given text arguments: put together without
    /// Fluent's resolver, to the same result. `None` for other messages,
    /// which Fluent formats.
    fn simple(&self, key: &str, args: &[(&str, &str)]) -> Option<String> {
        use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
        let pattern = self.lang.bundle().get_message(key)?.value()?;
        let mut out = String::new();
        for element in &pattern.elements {
            match element {
                PatternElement::TextElement { value } => out.push_str(value),
                PatternElement::Placeable {
                    expression: Expression::Inline(InlineExpression::VariableReference { id }),
                } => out.push_str(args.iter().find(|(name, _)| *name == id.name)?.1),
                _ => return None,
            }
        }
        Some(out)
    }

    /// A date written out: "29 novembre 2026", "29 November 2026".
    pub fn date(&self, when: &chrono::NaiveDateTime) -> String {
        self.date_message("date-long", when)
    }

    /// A date and time: "29 novembre 2026 à 14:05".
    pub fn date_time(&self, when: &chrono::NaiveDateTime) -> String {
        self.date_message("date-time", when)
    }

    /// A date message given the day, month name, year and time as text: a
    /// day needs no plural rule and a year no group separator.
    fn date_message(&self, key: &str, when: &chrono::NaiveDateTime) -> String {
        use chrono::{Datelike, Timelike};
        let (day, year) = (when.day().to_string(), when.year().to_string());
        let month = self.get(MONTHS[when.month0() as usize]);
        let time = format!("{:02}:{:02}", when.hour(), when.minute());
        let parts = [
            ("day", &day),
            ("month", &month),
            ("year", &year),
            ("time", &time),
        ];
        let parts = parts.map(|(name, value)| (name, value.as_str()));
        self.simple(key, &parts).unwrap_or_else(|| {
            let mut args = FluentArgs::new();
            for (name, value) in parts {
                args.set(name, value.to_string());
            }
            self.format(key, Some(&args))
        })
    }
}

/// The message ids of the months' names.
const MONTHS: [&str; 12] = [
    "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8",
    "month-9", "month-10", "month-11", "month-12",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_messages_read_as_fluent_formats_them() {
        let cases: [(&str, &[(&str, &str)]); 3] = [
            (
                "post-byline",
                &[("author", "Zoé <z>"), ("date", "3 mai 2026")],
            ),
            (
                "date-time",
                &[
                    ("day", "3"),
                    ("month", "mai"),
                    ("year", "2026"),
                    ("time", "09:05"),
                ],
            ),
            (
                "date-long",
                &[("day", "1"), ("month", "juin"), ("year", "2027")],
            ),
        ];
        for lang in Lang::ALL {
            let t = Translator::new(lang);
            for (key, parts) in cases {
                let mut args = FluentArgs::new();
                for (name, value) in parts {
                    args.set(*name, value.to_string());
                }
                assert_eq!(
                    t.simple(key, parts),
                    Some(t.format(key, Some(&args))),
                    "{key}"
                );
            }
            // Selectors, and missing arguments, are left to Fluent.
            assert_eq!(t.simple("comment-replies", &[("count", "2")]), None);
            assert_eq!(t.simple("post-byline", &[("author", "Zoé")]), None);
        }
        let fr = Translator::new(Lang::Fr);
        let when = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_opt(14, 5, 0)
            .unwrap();
        assert_eq!(fr.date_time(&when), "29 novembre 2026 à 14:05");
        assert_eq!(
            fr.args("post-byline", "author", "Zoé", "date", fr.date(&when)),
            "Par Zoé, le 29 novembre 2026"
        );
    }

    /// The message ids of a language's catalogues (lines `id = …`).
    fn keys(lang: Lang) -> std::collections::BTreeSet<String> {
        lang.sources()
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|line| line.split_once(" ="))
            .map(|(id, _)| id)
            .filter(|id| {
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c))
            })
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_language_has_every_key() {
        let fr = keys(Lang::Fr);
        let en = keys(Lang::En);
        assert!(fr.len() > 100);
        assert_eq!(
            fr.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in English"
        );
        assert_eq!(
            en.difference(&fr).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in French"
        );
    }

    #[test]
    fn plurals_dates_and_negotiation() {
        let fr = Translator::new(Lang::Fr);
        let en = Translator::new(Lang::En);
        assert_eq!(fr.arg("member-count", "count", 0i64), "0 membre");
        assert_eq!(fr.arg("member-count", "count", 1i64), "1 membre");
        assert_eq!(fr.arg("member-count", "count", 2i64), "2 membres");
        assert_eq!(en.arg("member-count", "count", 0i64), "0 members");
        assert_eq!(en.arg("member-count", "count", 1i64), "1 member");
        assert_eq!(
            fr.arg("member-count", "count", 12345i64),
            "12\u{202f}345 membres"
        );
        assert_eq!(en.arg("member-count", "count", 1234i64), "1,234 members");
        assert_eq!(en.arg("member-count", "count", 999i64), "999 members");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_opt(14, 5, 0)
            .unwrap();
        assert_eq!(fr.date(&day), "29 novembre 2026");
        assert_eq!(en.date(&day), "29 November 2026");
        assert_eq!(
            Lang::from_accept_language("de-DE, en-GB;q=0.8, fr;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.2, fr-CA"),
            Some(Lang::Fr)
        );
        assert_eq!(Lang::from_accept_language("de, it;q=0.9"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
    }
}
