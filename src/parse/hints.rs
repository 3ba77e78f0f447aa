//! Hints for parse errors: a way forward for each common mistake, in the style of the undeclared
//! index's "add a line such as `index m in 1..K`".
//!
//! - a misspelt directive, kind or function: "did you mean …?", against the table that defines
//!   them ([`crate::syntax::suggest`]);
//! - a line `NAME KIND` or `NAME = E` without its directive: the forgotten `var` or `let`;
//! - text-form symbols (`Σ_m`, `−`, `·`) where the input syntax has `sum_m`, `-`, `*`;
//! - two operands side by side (`w_d c_{k,d}`): the missing `*`;
//! - an undeclared symbol: a declared name it may be a misspelling of, else the `var` line that
//!   would declare it.
//!
//! Every hint is computed from the error and the file's text; none knows a particular name.

use crate::parse::{ErrorKind, ParseError};
use crate::syntax::expr::Func;
use crate::syntax::problem::Kind;
use crate::syntax::suggest::{closest, closest_by};

/// The directives of the file format, as [`crate::parse`] reads them.
pub const DIRECTIVES: [&str; 7] = ["title", "index", "var", "let", "derive", "expect", "show"];

/// Text-form characters and what the input syntax writes instead.
const TEXT_FORM: [(char, &str); 6] = [
    ('Σ', "sum"),
    ('∑', "sum"),
    ('−', "-"),
    ('·', "*"),
    ('×', "*"),
    ('⋅', "*"),
];

/// The hints for the parse error `e` of the file `text`.
pub fn parse_hints(e: &ParseError, text: &str) -> Vec<String> {
    let line = e.source_line();
    let column = e.pos().column;
    let mut out = Vec::new();
    match e.kind() {
        ErrorKind::UnknownDirective { .. } => out.extend(directive_hint(line)),
        ErrorKind::UnknownKind { word } => {
            if let Some(k) = closest_by(word, |w| Kind::from_keyword(w).is_some()) {
                out.push(format!("did you mean `{k}`?"));
            }
        }
        ErrorKind::UnknownFunction { name } => {
            if let Some(f) = closest_by(name, is_function) {
                out.push(format!("did you mean `{f}`?"));
            }
        }
        ErrorKind::UnknownSymbol { name } | ErrorKind::WrtNotVariable { name } => {
            out.push(symbol_hint(name, &token_at(line, column), text));
        }
        ErrorKind::Syntax { expected, .. } => {
            if let Some(h) = text_form_hint(line, column) {
                out.push(h);
            } else if let Some(h) = juxtaposition_hint(line, column, expected) {
                out.push(h);
            }
        }
        _ => {}
    }
    out
}

/// Is `name` a function of the input syntax (the parser's function table, or `delta`)?
fn is_function(name: &str) -> bool {
    Func::from_name(name).is_some() || name == "delta"
}

/// A line that starts with something other than a directive.
fn directive_hint(line: &str) -> Option<String> {
    let line = line.split_once('#').map_or(line, |(code, _)| code).trim();
    let mut words = line.split_whitespace();
    let first = words.next()?;
    let second = words.next();
    if let Some(second) = second {
        let is_kind = Kind::from_keyword(second).is_some();
        if is_kind && words.next().is_none() {
            return Some(format!(
                "a variable needs `var` in front: `var {first} {second}`"
            ));
        }
        if second == "=" || second.starts_with('=') || first.contains('=') {
            return Some(format!("a definition needs `let` in front: `let {line}`"));
        }
    }
    let word: String = first
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    closest(&word, DIRECTIVES).map(|d| format!("did you mean `{d}`?"))
}

/// The name written at `column` (1-based, in characters) of `line`, with its subscripts.
fn token_at(line: &str, column: usize) -> String {
    line.chars()
        .skip(column.saturating_sub(1))
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '{' | '}' | ','))
        .collect::<String>()
        .trim_end_matches(',')
        .to_string()
}

/// An undeclared symbol `name`, written `written`: a declared name it may be a misspelling of,
/// else the line that would declare it.
fn symbol_hint(name: &str, written: &str, text: &str) -> String {
    let declared: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            match w.next() {
                Some("var" | "let") => w.next(),
                _ => None,
            }
        })
        .map(|s| s.find(['_', '=']).map_or(s, |end| &s[..end]))
        .collect();
    if let Some(d) = closest(name, declared.iter().copied()) {
        return format!("did you mean `{d}`?");
    }
    let written = if written.is_empty() { name } else { written };
    format!("if `{name}` is an input, declare it before this line: `var {written} real`")
}

/// The text form's `Σ`, `−`, `·` where the input syntax is expected.
fn text_form_hint(line: &str, column: usize) -> Option<String> {
    let found = line.chars().nth(column.checked_sub(1)?)?;
    let (_, instead) = TEXT_FORM.iter().find(|(c, _)| *c == found)?;
    let fixed: String = line
        .chars()
        .map(|c| match TEXT_FORM.iter().find(|(t, _)| *t == c) {
            Some((_, s)) => s.to_string(),
            None => c.to_string(),
        })
        .collect();
    let letter: String = line
        .chars()
        .skip(column)
        .skip_while(|c| *c == '_')
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let letter = if letter.is_empty() { "LETTER" } else { &letter };
    let what = match *instead {
        "sum" => format!("a sum is written `sum_{letter} BODY`"),
        other => format!("the input syntax writes `{other}` for `{found}`"),
    };
    Some(format!("{what}: `{}`", fixed.trim()))
}

/// Two operands side by side (`w_d c_{k,d}`, `s_k (1 - s_k)`): the product needs a `*`.
fn juxtaposition_hint(line: &str, column: usize, expected: &str) -> Option<String> {
    if !expected.contains("an operator") {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let at = column.checked_sub(1)?;
    let next = *chars.get(at)?;
    if !(next.is_ascii_alphanumeric() || next == '(') {
        return None;
    }
    let before: String = chars[..at].iter().collect();
    let trimmed = before.trim_end();
    let last = trimmed.chars().last()?;
    if !(last.is_ascii_alphanumeric() || matches!(last, ')' | '}')) {
        return None;
    }
    let after: String = chars[at..].iter().collect();
    Some(format!(
        "a product needs an explicit `*`: `{} * {}`",
        trimmed.trim_start(),
        after.trim_end()
    ))
}
