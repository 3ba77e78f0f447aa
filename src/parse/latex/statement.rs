//! Formulas as statements: relation chains, several statements in one formula, aligned rows
//! and `\text{..}` side conditions on indices.

use super::grammar::{command_name, ws, Grammar};
use super::{located, LatexError};
use crate::syntax::expr::Expr;
use serde::Serialize;

/// A relation between two sides of a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// `=`.
    Equal,
    /// `\ne` or `\neq`.
    NotEqual,
    /// Any other relation (`\le`, `<`, `\to`, `\approx`...), as written.
    Other(String),
}

/// A side condition on two index letters: `j \ne y` (`equal` false) or `j = k`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// The first index letter.
    pub left: String,
    /// The second index letter.
    pub right: String,
    /// True for `=`, false for `\ne`.
    pub equal: bool,
}

/// One statement of a formula: `sides[0] relations[0] sides[1] ...`, under `conditions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The sides, in order (one when the statement has no relation).
    pub sides: Vec<Expr>,
    /// The relations between consecutive sides.
    pub relations: Vec<Relation>,
    /// The side conditions written after it (`\text{ for all } j \ne y`).
    pub conditions: Vec<Condition>,
    /// The byte offset of the statement in the formula.
    pub offset: usize,
}

/// Relations by their spelling, longest first among those sharing a prefix.
const RELATIONS: [(&str, Relation); 2] = [("=", Relation::Equal), ("\\neq", Relation::NotEqual)];

/// Other relation commands: read as relations (so the statement is not misread), never checked.
const OTHER_RELATIONS: [&str; 14] = [
    "le",
    "leq",
    "ge",
    "geq",
    "lt",
    "gt",
    "to",
    "approx",
    "propto",
    "equiv",
    "in",
    "mapsto",
    "rightarrow",
    "sim",
];

/// Words that may open a side condition in `\text{..}`.
const CONDITION_WORDS: [&str; 8] = [
    "for all",
    "for every",
    "for each",
    "for",
    "if",
    "when",
    "where",
    "whenever",
];

/// Reads a whole formula into statements. Errors carry the byte offset in `input`.
pub fn parse_statements(input: &str) -> Result<Vec<Statement>, LatexError> {
    let mut out: Vec<Statement> = Vec::new();
    for (row_at, row) in split_top(input, 0, &["\\\\"]) {
        let (math, condition) = match find_top(row, "\\text") {
            Some(n) => (&row[..n], Some((row_at + n, &row[n..]))),
            None => (row, None),
        };
        let pieces = split_top(math, row_at, &[",", ";", "\\qquad", "\\quad"]);
        for (at, piece) in pieces {
            let trimmed = strip_punctuation(piece);
            if ws(trimmed).is_empty() {
                continue;
            }
            match statement(input, trimmed, at)? {
                Piece::Continues(relations, sides) => match out.last_mut() {
                    Some(last) => {
                        last.relations.extend(relations);
                        last.sides.extend(sides);
                    }
                    None => {
                        return Err(LatexError {
                            offset: at,
                            message: "a left side before the first relation".to_string(),
                        })
                    }
                },
                Piece::New(s) => out.push(s),
            }
        }
        if let Some((at, text)) = condition {
            let conditions = side_condition(input, text, at)?;
            match out.last_mut() {
                Some(last) => last.conditions.extend(conditions),
                None => {
                    return Err(LatexError {
                        offset: at,
                        message: "a statement before the side condition".to_string(),
                    })
                }
            }
        }
    }
    Ok(out)
}

/// A piece of a row: a new statement, or relations continuing the previous one (`&= B`).
enum Piece {
    New(Statement),
    Continues(Vec<Relation>, Vec<Expr>),
}

/// Reads one statement `piece`, which starts at byte `at` of `input`.
fn statement(input: &str, piece: &str, at: usize) -> Result<Piece, LatexError> {
    let locate = |e| {
        let mut e: LatexError = located(e, piece);
        e.offset += at;
        e
    };
    let g = Grammar::new();
    let body = unbox(piece);
    let mut rest = ws(body);
    let mut sides = Vec::new();
    let mut relations = Vec::new();
    let continues = relation(rest).is_some();
    if !continues {
        let (r, e) = g.expression(rest).map_err(locate)?;
        sides.push(e);
        rest = r;
    }
    while let Some((r, rel)) = relation(rest) {
        relations.push(rel);
        let (r, e) = g.expression(r).map_err(locate)?;
        sides.push(e);
        rest = r;
    }
    let rest = ws(rest);
    if !rest.is_empty() {
        let found: String = rest.chars().take(12).collect();
        let _ = input;
        return Err(LatexError {
            offset: at + (rest.as_ptr() as usize).saturating_sub(piece.as_ptr() as usize),
            message: format!("a relation or the end of the statement, found `{found}`"),
        });
    }
    Ok(match continues {
        true => Piece::Continues(relations, sides),
        false => Piece::New(Statement {
            sides,
            relations,
            conditions: Vec::new(),
            offset: at,
        }),
    })
}

/// `\boxed{S}` around a whole statement: `S`.
fn unbox(piece: &str) -> &str {
    let t = ws(piece).trim_end();
    if let Some(r) = t.strip_prefix("\\boxed") {
        let r = ws(r);
        if let Some(inner) = r.strip_prefix('{') {
            if let Some(last) = inner.len().checked_sub(1) {
                if matching_close(inner) == Some(last) {
                    return &inner[..last];
                }
            }
        }
    }
    piece
}

/// The relation at the start of `i` (after white space and an alignment `&`), and what
/// follows it.
fn relation(i: &str) -> Option<(&str, Relation)> {
    let at = ws(i);
    let at = at.strip_prefix('&').map_or(at, ws);
    for (spelling, rel) in RELATIONS.iter() {
        if let Some(r) = at.strip_prefix(spelling) {
            if !r.starts_with(|c: char| c.is_ascii_alphabetic()) || !spelling.starts_with('\\') {
                return Some((r, rel.clone()));
            }
        }
    }
    if let Some(r) = at.strip_prefix(['<', '>']) {
        return Some((r, Relation::Other(at[..1].to_string())));
    }
    let r = at.strip_prefix('\\')?;
    let (rest, name) = command_name(r);
    match name {
        "ne" => Some((rest, Relation::NotEqual)),
        n if OTHER_RELATIONS.contains(&n) => Some((rest, Relation::Other(format!("\\{n}")))),
        _ => None,
    }
}

/// Reads `\text{ for all } j \ne y` (starting at `\text`, at byte `at` of `input`).
fn side_condition(input: &str, text: &str, at: usize) -> Result<Vec<Condition>, LatexError> {
    let err = |offset: usize, message: String| LatexError {
        offset: at + offset,
        message,
    };
    let _ = input;
    let after = ws(&text["\\text".len()..]);
    let Some(inner) = after.strip_prefix('{') else {
        return Err(err(5, "'{' after \\text".to_string()));
    };
    let Some(close) = matching_close(inner) else {
        return Err(err(5, "'}' closing \\text{".to_string()));
    };
    let words = inner[..close].trim().to_lowercase();
    let words = words.trim_end_matches(',').trim();
    if !CONDITION_WORDS.contains(&words) {
        return Err(err(
            0,
            format!(
                "the text `{}` is not read as a condition",
                inner[..close].trim()
            ),
        ));
    }
    let math = &inner[close + 1..];
    let math_at = text.len() - math.len();
    let mut out = Vec::new();
    for (piece_at, piece) in split_top(math, 0, &[",", "\\text{ and }", "\\text{and}"]) {
        let piece = strip_punctuation(piece);
        let g = Grammar::new();
        let parsed = (|| {
            let (r, a) = g.expression(piece).ok()?;
            let (r, rel) = relation(r)?;
            let (r, b) = g.expression(r).ok()?;
            ws(r).is_empty().then_some((a, rel, b))
        })();
        let letter = |e: &Expr| match e {
            Expr::Sym(s) if s.indices.is_empty() => Some(s.name.to_string()),
            _ => None,
        };
        match parsed {
            Some((a, rel @ (Relation::Equal | Relation::NotEqual), b)) => {
                match (letter(&a), letter(&b)) {
                    (Some(left), Some(right)) => out.push(Condition {
                        left,
                        right,
                        equal: rel == Relation::Equal,
                    }),
                    _ => {
                        return Err(err(
                            math_at + piece_at,
                            "a condition between two index letters, as in j \\ne y".to_string(),
                        ))
                    }
                }
            }
            _ => {
                return Err(err(
                    math_at + piece_at,
                    "a condition between two index letters, as in j \\ne y".to_string(),
                ))
            }
        }
    }
    if out.is_empty() {
        return Err(err(math_at, "a condition after the text".to_string()));
    }
    Ok(out)
}

/// Drops a trailing `.` or `,` (sentence punctuation inside the formula) and the backslash of
/// a `\ ` space cut off by what followed it.
fn strip_punctuation(piece: &str) -> &str {
    let t = piece.trim_end().trim_end_matches(['.', ',']).trim_end();
    match t.strip_suffix('\\') {
        Some(r) if !r.ends_with('\\') => r.trim_end(),
        _ => t,
    }
}

/// The byte offset of the `}` that closes a group whose `{` came just before `inner`.
fn matching_close(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (n, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' if depth == 0 => return Some(n),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The byte offset of the first command `needle` (`\\text`, not `\\textstyle`) outside braces
/// and parentheses.
fn find_top(s: &str, needle: &str) -> Option<usize> {
    top_level(s).find(|&n| {
        s[n..].starts_with(needle)
            && !s[n + needle.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
    })
}

/// The byte offsets of `s` outside any `{..}`, `(..)` or `[..]` (escaped characters skipped).
fn top_level(s: &str) -> impl Iterator<Item = usize> + '_ {
    let mut depth = 0i64;
    let mut escaped = false;
    s.char_indices().filter_map(move |(n, c)| {
        let top = depth == 0 && !escaped;
        match c {
            _ if escaped => escaped = false,
            '\\' => {
                escaped = true;
                return top.then_some(n);
            }
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth -= 1,
            _ => {}
        }
        top.then_some(n)
    })
}

/// Splits `s` at top-level occurrences of any of `separators`; each piece with its byte offset
/// (plus `base`). A separator command must not continue with letters (`\quad` is not `\quads`).
fn split_top<'s>(s: &'s str, base: usize, separators: &[&str]) -> Vec<(usize, &'s str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut skip_to = 0;
    for n in top_level(s) {
        if n < skip_to {
            continue;
        }
        let hit = separators.iter().find(|sep| {
            s[n..].starts_with(*sep)
                && !(sep.starts_with('\\')
                    && sep[1..].starts_with(|c: char| c.is_ascii_alphabetic())
                    && s[n + sep.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
        });
        if let Some(sep) = hit {
            out.push((base + start, &s[start..n]));
            start = n + sep.len();
            skip_to = start;
        }
    }
    out.push((base + start, &s[start..]));
    out
}
