//! Text of posts and comments: Markdown written here is rendered to HTML,
//! and any HTML (ours or a remote server's) is sanitised before it is
//! stored or shown.

use std::sync::LazyLock;

use pulldown_cmark::{html, Options, Parser};

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

/// Renders Markdown to sanitised HTML.
pub fn markdown_to_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    sanitize(&out)
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
}
