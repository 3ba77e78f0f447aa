//! A checked hand-written derivation (a `show` block) in a document: each of the user's lines with
//! its file line, the rules that connect it to the previous line and its numeric check mark.
//!
//! In text the lines read as the user wrote them (their source text); re-printing them in the
//! printer's normal form is an option. Documents (Markdown, HTML, LaTeX) print each line's
//! expression as LaTeX.

use super::document::{Block, Inline};
use super::report::{inputs, mark};
use super::statement::MathStyle;
use super::{to_text, PrintOptions};
use crate::check::handwritten::ShowReport;
use crate::check::Status;
use std::fmt::Write;

/// The source text of a `show` line: the file's line `line` (1-based) without the leading `=` or
/// `show` keyword and without a trailing comment. `None` when the source has no such line.
pub fn as_written(source: &str, line: usize) -> Option<String> {
    let text = source.lines().nth(line.checked_sub(1)?)?;
    let text = text.split_once('#').map_or(text, |(code, _)| code).trim();
    let text = text
        .strip_prefix('=')
        .or_else(|| text.strip_prefix("show"))
        .unwrap_or(text);
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// The `show` block as text. With `source` (the file's text) each line reads as the user wrote
/// it; without it, each line is re-printed by the text printer (normalised).
pub fn show_text_as_written(
    show: &ShowReport,
    show_line: usize,
    opts: &PrintOptions,
    source: Option<&str>,
) -> String {
    let written = |line: usize| source.and_then(|s| as_written(s, line));
    let mut out = String::new();
    let start = written(show_line).unwrap_or_else(|| to_text(&show.start, opts));
    let _ = writeln!(out, "{start}");
    for (n, line) in show.lines.iter().enumerate() {
        let expr = written(line.file_line).unwrap_or_else(|| to_text(&line.expr, opts));
        let _ = writeln!(out, "  = {expr}");
        let checked = show.check.steps.get(n);
        let _ = writeln!(
            out,
            "      (line {}: {}){}",
            line.file_line,
            how(&line.rules),
            checked
                .map(|c| format!("  {}", mark(c)))
                .unwrap_or_default()
        );
        if let Some(Status::Fail(c)) = checked.map(|c| &c.status) {
            out.push_str(&inputs(&c.at));
        }
    }
    out
}

/// "by chain-rule, cancel" or the note that only the numbers connect the line.
fn how(rules: &Option<Vec<&'static str>>) -> String {
    match rules {
        Some(rules) if rules.is_empty() => String::from("the same expression"),
        Some(rules) => format!("by {}", rules.join(", ")),
        None => String::from("the rules do not connect it to the previous line"),
    }
}

/// The `show` block as document blocks: a heading, then per line a sentence (its file line, the
/// connecting rules, the check mark) and the display equation `start = line`.
pub(crate) fn show_blocks(show: &ShowReport, opts: &PrintOptions, level: usize) -> Vec<Block> {
    let style = MathStyle::Latex;
    let start = style.display(&show.start, opts);
    let mut out = vec![
        Block::Heading(
            level,
            vec![Inline::Text(String::from("The hand-written derivation"))],
        ),
        Block::Para(vec![
            Inline::Text(String::from("Starting from ")),
            Inline::Math(style.inline(&show.start, opts)),
            Inline::Text(String::from(
                ", each line is checked numerically against the previous one; where the rules \
                 lead from one line to the next, they are named.",
            )),
        ]),
    ];
    for (n, line) in show.lines.iter().enumerate() {
        let mut words = vec![Inline::Text(format!("Line {}", line.file_line))];
        match &line.rules {
            Some(rules) if !rules.is_empty() => {
                words.push(Inline::Text(String::from(", by ")));
                for (i, rule) in rules.iter().enumerate() {
                    if i > 0 {
                        words.push(Inline::Text(String::from(", ")));
                    }
                    words.push(Inline::Code((*rule).to_string()));
                }
            }
            Some(_) => words.push(Inline::Text(String::from(", the same expression"))),
            None => words.push(Inline::Text(String::from(
                ", not connected by the rules (checked by the numbers only)",
            ))),
        }
        words.push(Inline::Text(String::from(": ")));
        if let Some(c) = show.check.steps.get(n) {
            words.push(Inline::Text(mark(c)));
        }
        out.push(Block::Para(words));
        out.push(Block::Display(format!(
            "{start} = {}",
            style.display(&line.expr, opts)
        )));
    }
    out
}
