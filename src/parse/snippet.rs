//! The source line of a diagnostic with a caret under its column, and its `= help:` lines, laid
//! out by annotate-snippets (plain text: the callers paint labels themselves when the output is
//! a terminal). The head line (`FILE:LINE:COL: message`) stays the callers' own, so that editors
//! which read `FILE:LINE:COL:` keep finding the place.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// The display width the rendering of a long source line is cut to around the caret (the gutter
/// included), with `...` where it is cut.
const SNIPPET_WIDTH: usize = 110;

/// The lines under a diagnostic's head: the gutter, the 1-based line `line` whose text is
/// `text`, a caret under the 1-based character `column` (one past the end for the end of the
/// line), then one `= help:` line per entry of `help`. No trailing line break.
pub fn caret_lines(text: &str, line: usize, column: usize, help: &[String]) -> String {
    let start = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    let snippet = Snippet::source(text)
        .line_start(line)
        .annotation(AnnotationKind::Primary.span(start..end));
    let group = help
        .iter()
        .fold(Group::with_level(Level::ERROR).element(snippet), |g, h| {
            g.element(Level::HELP.message(h.as_str()))
        });
    Renderer::plain()
        .term_width(SNIPPET_WIDTH)
        .render(&[group])
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_is_under_the_column_in_display_columns() {
        // A wide character before the column: the caret moves by its display width (2).
        let out = caret_lines("let 漢 = x @", 3, 11, &[]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "3 | let 漢 = x @");
        let at = lines[1].find('@').expect("an @");
        let at = unicode_width::UnicodeWidthStr::width(&lines[1][..at]);
        assert_eq!(lines[2].find('^'), Some(at), "{out}");
    }

    #[test]
    fn each_help_line_is_kept() {
        let help = vec!["first".to_string(), "second".to_string()];
        let out = caret_lines("x y", 1, 3, &help);
        assert!(
            out.contains("= help: first") && out.contains("= help: second"),
            "{out}"
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let text = format!("{} @ {}", "a ".repeat(200), "b ".repeat(200));
        let column = text.chars().position(|c| c == '@').expect("an @") + 1;
        let out = caret_lines(&text, 1, column, &[]);
        assert!(
            out.lines().all(|l| l.chars().count() <= SNIPPET_WIDTH),
            "{out}"
        );
        assert!(out.contains("...") && out.contains('@'), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let at = lines[1].chars().position(|c| c == '@');
        assert_eq!(lines[2].chars().position(|c| c == '^'), at, "{out}");
    }
}
