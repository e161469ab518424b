//! Text of posts and comments: Markdown written here is rendered to HTML
//! (its hashtags linked to their tag page), and any HTML (ours or a remote
//! server's) is sanitised before it is stored or shown. Hashtags: `#mot`,
//! letters of any script (accents included), digits and `_`, not digits
//! only, outside code and links; compared lowercased.

use std::sync::LazyLock;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// The sanitiser's rules, built once (building them is about as costly as
/// cleaning a short post).
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut rules = ammonia::Builder::default();
    rules.link_rel(Some("nofollow noopener noreferrer"));
    rules
});

/// No tags at all: what is left is text.
static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(ammonia::Builder::empty);

/// Longest Markdown body accepted.
pub const BODY_MAX: usize = 50_000;

/// Longest hashtag kept, in characters.
pub const HASHTAG_MAX_CHARS: usize = 100;
/// Most hashtags kept from one text.
pub const HASHTAGS_MAX: usize = 20;

/// Renders Markdown to sanitised HTML.
pub fn markdown_to_html(markdown: &str) -> String {
    render(markdown, None).0
}

/// Renders a post's or comment's Markdown to sanitised HTML, its hashtags
/// linked to `{base_url}/tags/NAME`.
pub fn status_html(markdown: &str, base_url: &str) -> String {
    render(markdown, Some(base_url)).0
}

/// The hashtags of a Markdown text, lowercased, each once, in order (at
/// most [`HASHTAGS_MAX`]).
pub fn hashtags(markdown: &str) -> Vec<String> {
    render(markdown, None).1
}

/// The address of a tag's page.
pub fn tag_url(base_url: &str, name: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("{base_url}/tags/{encoded}")
}

/// Renders Markdown; with a base URL, links its hashtags. Returns the HTML
/// and the hashtags found.
fn render(markdown: &str, base_url: Option<&str>) -> (String, Vec<String>) {
    let options =
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut tags: Vec<String> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut inside = 0usize;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_) | Tag::Image { .. }) => {
                inside += 1;
                events.push(event);
            }
            Event::End(TagEnd::Link | TagEnd::CodeBlock | TagEnd::Image) => {
                inside = inside.saturating_sub(1);
                events.push(event);
            }
            Event::Text(text) if inside == 0 => {
                let found = find_hashtags(&text);
                if found.is_empty() {
                    events.push(Event::Text(text));
                    continue;
                }
                let mut last = 0;
                for (start, end) in found {
                    let name = text[start + 1..end].to_lowercase();
                    if !tags.contains(&name) && tags.len() < HASHTAGS_MAX {
                        tags.push(name.clone());
                    }
                    let Some(base) = base_url else { continue };
                    events.push(Event::Text(CowStr::from(text[last..start].to_string())));
                    let shown = escape(&text[start..end]);
                    let href = escape(&tag_url(base, &name));
                    events.push(Event::InlineHtml(CowStr::from(format!(
                        "<a href=\"{href}\" class=\"mention hashtag\" rel=\"tag\">{shown}</a>"
                    ))));
                    last = end;
                }
                if base_url.is_some() {
                    events.push(Event::Text(CowStr::from(text[last..].to_string())));
                } else {
                    events.push(Event::Text(text));
                }
            }
            other => events.push(other),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    (sanitize(&out), tags)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Byte ranges of the `#tag`s of a plain text (the `#` included).
fn find_hashtags(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let starts = c == '#' && !previous.is_some_and(|p| is_tag_char(p) || "&#/".contains(p));
        previous = Some(c);
        if !starts {
            continue;
        }
        let mut end = i + 1;
        let mut count = 0;
        let mut digits_only = true;
        while let Some(&(j, d)) = chars.peek() {
            if !is_tag_char(d) {
                break;
            }
            digits_only &= d.is_ascii_digit();
            count += 1;
            end = j + d.len_utf8();
            previous = Some(d);
            chars.next();
        }
        if count > 0 && count <= HASHTAG_MAX_CHARS && !digits_only {
            found.push((i, end));
        }
    }
    found
}

/// Keeps safe formatting only: no scripts, styles, event handlers or
/// foreign embeds; links get `rel="nofollow noopener noreferrer"`.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Plain text of some HTML, for titles made from content.
pub fn plain_text(html: &str) -> String {
    // Block ends become line breaks, so that paragraphs stay apart.
    let spaced = html
        .replace("</p>", "</p>\n")
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n");
    let cleaned = TEXT_ONLY.clean(&spaced).to_string();
    cleaned
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_scripts_removed() {
        let html =
            markdown_to_html("# Titre\n\n**gras** <script>alert(1)</script> [lien](https://x.org)");
        assert!(html.contains("<h1>Titre</h1>"));
        assert!(html.contains("<strong>gras</strong>"));
        assert!(!html.contains("<script"));
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""));
        assert_eq!(sanitize("<p onclick=\"x()\">a</p>"), "<p>a</p>");
        assert_eq!(plain_text("<p>a &amp; <b>b</b></p><p>c</p>"), "a & b\nc\n");
    }

    #[test]
    fn hashtags_are_found_and_linked() {
        let text = "Fête du #Vélo et #économie_locale, #2026 non, C#sharp non, \
                    `#code` non, [#lien](https://x.org) non. #vélo encore";
        assert_eq!(hashtags(text), vec!["vélo", "économie_locale"]);
        let html = status_html("Vive le #Compost !", "https://r.test");
        assert!(
            html.contains("<a href=\"https://r.test/tags/compost\" rel=\"nofollow noopener noreferrer\">#Compost</a>"),
            "{html}"
        );
        assert_eq!(
            tag_url("https://r.test", "vélo"),
            "https://r.test/tags/v%C3%A9lo"
        );
        assert!(hashtags(&"#a ".repeat(30)).len() == 1);
        let many: String = (0..30).map(|i| format!("#t{i} ")).collect();
        assert_eq!(hashtags(&many).len(), HASHTAGS_MAX);
        assert!(hashtags(&format!("#{}", "a".repeat(101))).is_empty());
    }
}
