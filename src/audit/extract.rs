//! Finding the formulas of a post: Markdown (`$..$`, `$$..$$`, `\(..\)`, `\[..\]`), HTML (the
//! same delimiters in its text, and MathJax `<script type="math/tex">` tags) and LaTeX
//! (`equation`, `align`, `gather`, `multline` and their starred forms, and inline math).

use super::AuditError;
use crate::syntax::problem::Pos;

/// What kind of document a post is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    /// Markdown, or plain text with the same delimiters (an export of a web page).
    Markdown,
    /// HTML.
    Html,
    /// A LaTeX document.
    Latex,
}

impl PostKind {
    /// The kind of the file at `path`, by its extension, or by its first characters for HTML
    /// without one: `.tex` is LaTeX, `.html`/`.htm` (or text starting with `<`) is HTML,
    /// anything else Markdown.
    pub fn of(path: &str, text: &str) -> PostKind {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".tex") {
            PostKind::Latex
        } else if lower.ends_with(".html")
            || lower.ends_with(".htm")
            || (text.trim_start().starts_with('<') && !lower.ends_with(".md"))
        {
            PostKind::Html
        } else {
            PostKind::Markdown
        }
    }
}

/// One formula of a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formula {
    /// Where its mathematics starts in the post (after the opening delimiter).
    pub pos: Pos,
    /// The mathematics (HTML entities decoded).
    pub latex: String,
    /// The post's text from the end of this formula to the start of the next one.
    pub after: String,
}

/// Delimiters: opening, closing, and whether a missing close is an error (a lone `$` is text).
const DELIMITERS: [(&str, &str, bool); 4] = [
    ("$$", "$$", true),
    ("\\(", "\\)", true),
    ("\\[", "\\]", true),
    ("$", "$", false),
];

/// Display environments of LaTeX documents.
const ENVIRONMENTS: [&str; 6] = [
    "equation", "align", "gather", "multline", "eqnarray", "math",
];

/// The formulas of `text`, in order.
pub fn formulas(text: &str, kind: PostKind) -> Result<Vec<Formula>, AuditError> {
    // (where the mathematics starts, where the formula's closing delimiter ends, the mathematics)
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let rest = &text[i..];
        if kind == PostKind::Markdown && rest.starts_with("```") {
            i = skip_past(text, i + 3, "```");
            continue;
        }
        if kind == PostKind::Markdown && rest.starts_with('`') {
            i = skip_past(text, i + 1, "`");
            continue;
        }
        if kind == PostKind::Latex && rest.starts_with('%') && !escaped(bytes, i) {
            i = text[i..].find('\n').map_or(text.len(), |n| i + n);
            continue;
        }
        if kind == PostKind::Html {
            if let Some(next) = html_tag(text, i, &mut found)? {
                i = next;
                continue;
            }
        }
        if kind == PostKind::Html && rest.starts_with("<script") {
            let open_end = match rest.find('>') {
                Some(n) => i + n + 1,
                None => return Err(AuditError::at(text, i, "'>' closing the <script tag")),
            };
            let Some(close) = text[open_end..].find("</script>") else {
                return Err(AuditError::at(text, i, "</script> closing this <script>"));
            };
            if text[i..open_end].contains("math/tex") {
                let body = &text[open_end..open_end + close];
                found.push((
                    open_end,
                    open_end + close + "</script>".len(),
                    decode_entities(body),
                ));
            }
            i = open_end + close + "</script>".len();
            continue;
        }
        if kind == PostKind::Latex && rest.starts_with("\\begin{") {
            if let Some((name, body_at)) = environment(text, i) {
                let end_tag = format!("\\end{{{name}}}");
                let Some(close) = text[body_at..].find(&end_tag) else {
                    return Err(AuditError::at(text, i, format!("{end_tag} closing this")));
                };
                let body = text[body_at..body_at + close].to_string();
                found.push((body_at, body_at + close + end_tag.len(), body));
                i = body_at + close + end_tag.len();
                continue;
            }
        }
        if rest.starts_with('\\')
            && rest.len() > 1
            && !rest.starts_with("\\(")
            && !rest.starts_with("\\[")
        {
            // An escaped character (`\$`) or a command outside math.
            i += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        let hit = DELIMITERS
            .iter()
            .find(|(open, _, _)| rest.starts_with(open));
        match hit {
            Some((open, close, strict)) => {
                let body_at = i + open.len();
                if *open == "$" && !opens_inline_dollar(text, body_at) {
                    i += 1;
                    continue;
                }
                match find_close(text, body_at, close) {
                    Some(end) => {
                        let body = &text[body_at..end];
                        let latex = match kind {
                            PostKind::Html => decode_entities(body),
                            _ => body.to_string(),
                        };
                        found.push((body_at, end + close.len(), latex));
                        i = end + close.len();
                    }
                    None if *strict => {
                        return Err(AuditError::at(
                            text,
                            i,
                            format!("`{close}` closing this `{open}`"),
                        ))
                    }
                    None => i += 1,
                }
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    let lines = LineStarts::new(text);
    let mut out = Vec::new();
    for (n, (start, end, latex)) in found.iter().enumerate() {
        let next = found.get(n + 1).map_or(text.len(), |f| f.0);
        let after_start = (*end).min(next);
        out.push(Formula {
            pos: lines.pos(text, *start),
            latex: latex.clone(),
            after: text[after_start..next].to_string(),
        });
    }
    Ok(out)
}

/// True when the byte at `i` is escaped by a backslash.
fn escaped(bytes: &[u8], i: usize) -> bool {
    i > 0 && bytes[i - 1] == b'\\'
}

/// The index just past the next `needle` from `from` (the end of the text if there is none).
fn skip_past(text: &str, from: usize, needle: &str) -> usize {
    text[from..]
        .find(needle)
        .map_or(text.len(), |n| from + n + needle.len())
}

/// The byte where `close` next occurs at or after `from`, not escaped. A closing `$` of inline
/// math follows a non-space and is not followed by a digit (Pandoc's rule, so that "from $5 to
/// $6" is text).
fn find_close(text: &str, from: usize, close: &str) -> Option<usize> {
    let mut at = from;
    while let Some(n) = text[at..].find(close) {
        let k = at + n;
        let inline_ok = close != "$"
            || (!text[..k].ends_with(char::is_whitespace)
                && !text[k + 1..].starts_with(|c: char| c.is_ascii_digit() || c == '$'));
        if (!escaped(text.as_bytes(), k) || close.starts_with('\\')) && inline_ok {
            return Some(k);
        }
        at = k + 1;
    }
    None
}

/// True when a `$` whose mathematics would start at `body_at` opens inline math: it is
/// followed by a non-space (Pandoc's rule).
fn opens_inline_dollar(text: &str, body_at: usize) -> bool {
    text[body_at..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace())
}

/// HTML that is not prose: `<code>`, `<pre>`, `<style>` and comments are skipped, and the TeX
/// source that KaTeX keeps in `<annotation encoding="application/x-tex">` is a formula. The
/// index to continue from when the tag at `i` is one of them.
fn html_tag(
    text: &str,
    i: usize,
    found: &mut Vec<(usize, usize, String)>,
) -> Result<Option<usize>, AuditError> {
    let rest = &text[i..];
    if rest.starts_with("<!--") {
        return match text[i..].find("-->") {
            Some(n) => Ok(Some(i + n + 3)),
            None => Err(AuditError::at(text, i, "--> closing this comment")),
        };
    }
    for name in ["code", "pre", "style", "annotation"] {
        let open = format!("<{name}");
        if !rest.starts_with(&open) {
            continue;
        }
        let after = rest[open.len()..].chars().next();
        if !matches!(after, Some('>' | ' ' | '\n' | '\t')) {
            continue;
        }
        let Some(open_end) = rest.find('>').map(|n| i + n + 1) else {
            return Err(AuditError::at(
                text,
                i,
                format!("'>' closing the <{name} tag"),
            ));
        };
        let close = format!("</{name}>");
        let Some(n) = text[open_end..].find(&close) else {
            return Err(AuditError::at(
                text,
                i,
                format!("{close} closing this <{name}>"),
            ));
        };
        if name == "annotation" && text[i..open_end].contains("x-tex") {
            let body = &text[open_end..open_end + n];
            found.push((open_end, open_end + n + close.len(), decode_entities(body)));
        }
        return Ok(Some(open_end + n + close.len()));
    }
    Ok(None)
}

/// `\begin{NAME}` (NAME a display environment, starred or not) at `i`: the name and where its
/// body starts.
fn environment(text: &str, i: usize) -> Option<(String, usize)> {
    let after = &text[i + "\\begin{".len()..];
    let close = after.find('}')?;
    let name = &after[..close];
    let base = name.trim_end_matches('*');
    ENVIRONMENTS
        .contains(&base)
        .then(|| (name.to_string(), i + "\\begin{".len() + close + 1))
}

/// Where each line of a text starts, for positions in time logarithmic in its length.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(n, _)| n + 1))
            .collect();
        LineStarts(starts)
    }

    /// The line and column (in characters) of byte `at` of `text`.
    fn pos(&self, text: &str, at: usize) -> Pos {
        let line = self.0.partition_point(|&s| s <= at);
        let start = self.0[line - 1];
        Pos {
            line,
            column: 1 + text[start..at].chars().count(),
        }
    }
}

/// The line and column (in characters) of byte `at`.
pub(crate) fn pos_of(text: &str, at: usize) -> Pos {
    let before = &text[..at];
    let line = 1 + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    Pos {
        line,
        column: 1 + text[line_start..at].chars().count(),
    }
}

/// `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#39;` and `&nbsp;` decoded.
fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}
