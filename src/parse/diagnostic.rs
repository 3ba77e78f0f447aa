//! Diagnostics: one report about the input (a parse error, a false `show` line, a false
//! `expect`, a usage mistake) with its place in a file, what went wrong and hints for a way
//! forward, printed for people (`FILE:LINE:COL: message`, the line with a caret, `= help:`
//! lines) or as one JSON object per line for tools (`--message-format json`, as cargo does).
//!
//! The hints for parse errors are in [`crate::parse::hints`]; this module only carries and prints them.

use crate::parse::ParseError;
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The run cannot succeed: bad input (exit 2) or a false claim (exit 1).
    Error,
}

/// What a diagnostic is about, for tools that group them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The file does not parse or does not validate (exit 2).
    Parse,
    /// The command line or a file could not be used (exit 2).
    Usage,
    /// A `show` line is numerically false (exit 1).
    FalseShowLine,
    /// The `expect` line does not hold (exit 1).
    FalseExpect,
    /// A step of the derivation is numerically false or undefined (exit 1).
    FalseStep,
}

/// One report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub level: Level,
    /// What it is about.
    pub code: Code,
    /// What went wrong, one line, without the position.
    pub message: String,
    /// The file it points into, if any.
    pub file: Option<String>,
    /// The 1-based line, if it points at one.
    pub line: Option<usize>,
    /// The 1-based column in characters, if it points at one.
    pub column: Option<usize>,
    /// Hints for a way forward, each one sentence.
    pub help: Vec<String>,
    /// The human form (without colour), as printed without `--message-format json`.
    pub rendered: String,
}

impl Diagnostic {
    /// A diagnostic without a place (`cannot read FILE`, a usage mistake).
    pub fn plain(code: Code, message: impl Into<String>, help: Vec<String>) -> Diagnostic {
        let message = message.into();
        let mut d = Diagnostic {
            level: Level::Error,
            code,
            message,
            file: None,
            line: None,
            column: None,
            help,
            rendered: String::new(),
        };
        d.rendered = d.compose(false);
        d
    }

    /// A diagnostic at `file:line:column`.
    pub fn at(
        code: Code,
        file: &str,
        (line, column): (usize, usize),
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut d = Diagnostic::plain(code, message, Vec::new());
        d.file = Some(file.to_string());
        d.line = Some(line);
        d.column = Some(column);
        d.rendered = d.compose(false);
        d
    }

    /// The parse error `e` of the file `file` whose text is `text`, with its hints.
    pub fn from_parse(file: &str, text: &str, e: &ParseError) -> Diagnostic {
        let pos = e.pos();
        let mut d = Diagnostic::at(
            Code::Parse,
            file,
            (pos.line, pos.column),
            e.kind().to_string(),
        );
        d.help = crate::parse::hints::parse_hints(e, text);
        let lines =
            crate::parse::snippet::caret_lines(e.source_line(), pos.line, pos.column, &d.help);
        d.rendered = format!("{}\n{lines}", d.head(false));
        d
    }

    /// `error: FILE:LINE:COL: message`, the head line.
    fn head(&self, color: bool) -> String {
        let place = match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
            (Some(f), _, _) => format!("{f}: "),
            _ => String::new(),
        };
        let label = paint("error", RED_BOLD, color);
        format!("{label}: {place}{}", self.message)
    }

    /// The human form; `color` paints the labels with ANSI escapes.
    pub fn human(&self, color: bool) -> String {
        if color && !self.rendered.is_empty() {
            // The rendered form with its labels painted.
            let mut out = self
                .rendered
                .replacen("error", &paint("error", RED_BOLD, true), 1);
            for h in &self.help {
                out = out.replace(
                    &format!("= help: {h}"),
                    &format!("= {}: {h}", paint("help", CYAN_BOLD, true)),
                );
            }
            return out;
        }
        if !self.rendered.is_empty() {
            return self.rendered.clone();
        }
        self.compose(color)
    }

    /// The head line and the help lines (a diagnostic without a snippet).
    fn compose(&self, color: bool) -> String {
        format!("{}{}", self.head(color), help_lines(&self.help, color))
    }

    /// One line of JSON (no line breaks inside).
    pub fn json(&self) -> String {
        serde_json::to_string(self)
            .expect("a diagnostic holds only strings, numbers and enums: serialising cannot fail")
    }
}

const RED_BOLD: &str = "1;31";
const CYAN_BOLD: &str = "1;36";

/// `text` in the ANSI colour `code` when `color`.
pub fn paint(text: &str, code: &str, color: bool) -> String {
    match color {
        true => format!("\x1b[{code}m{text}\x1b[0m"),
        false => text.to_string(),
    }
}

/// The `  = help: …` lines, each after a line break.
fn help_lines(help: &[String], color: bool) -> String {
    help.iter()
        .map(|h| format!("\n  = {}: {h}", paint("help", CYAN_BOLD, color)))
        .collect()
}
