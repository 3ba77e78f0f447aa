//! The parser's error type: what went wrong, where, and the source line to show it in.
//!
//! [`ParseError`] is what callers see. Inside the grammar, nom passes around the lighter
//! [`PErr`], which holds the unparsed rest of the input instead of a position; it becomes a
//! [`ParseError`] once, at the end, through [`Source`].

use super::source::Source;
use crate::syntax::problem::Pos;
use std::fmt;

/// An index filling a subscript place of a symbol whose declaration runs over another range
/// (the details of [`ErrorKind::IndexRange`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{index}` runs over 1..{range}, but the subscript of `{symbol}` in this place runs over \
     1..{expected} (declared on line {line} as `{declared}`)"
)]
pub struct RangeMismatch {
    /// The index letter used.
    pub index: String,
    /// The upper end of its range.
    pub range: String,
    /// The symbol it subscripts.
    pub symbol: String,
    /// The upper end of the range of that subscript place in the symbol's declaration.
    pub expected: String,
    /// The line of the symbol's declaration.
    pub line: usize,
    /// The symbol as declared (`w_d`).
    pub declared: String,
}

/// A syntax or validation error with its position and the source line it is on.
///
/// `Display` is one short line (`2:14: expected ')' after the argument of exp, found end of
/// line`); the alternate form (`{:#}`) adds the source line and a caret under the column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pos: Pos,
    kind: ErrorKind,
    source_line: String,
}

/// What went wrong. Each message is short, names the offending token and has no trailing period.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The input does not follow the grammar here.
    #[error("expected {expected}, found {found}")]
    Syntax {
        /// What the grammar allows here.
        expected: String,
        /// The token actually found (`'$'`, `` `foo` ``, `end of input`).
        found: String,
    },
    /// A `)` that closes nothing.
    #[error("found ')' without a matching '('")]
    UnmatchedClose,
    /// A name followed by `(` that is not a known function.
    #[error("unknown function `{name}` (known: exp, log, sqrt, relu, abs, max, min, clamp, if, delta(j, k) and d(F)/d(x))")]
    UnknownFunction {
        /// The name used as a function.
        name: String,
    },
    /// A literal whose exact value is undefined: a division by zero, `0` to a negative power,
    /// a negative number to a fractional power, `log` of a number `<= 0`, `sqrt` of a negative
    /// number. (`0^0` is 1, the convention that makes `x^0 = 1` hold for every real `x`.)
    #[error("undefined: {what}")]
    Undefined {
        /// What is undefined (`division by zero`).
        what: &'static str,
    },
    /// A number literal with more digits than an exact rational may have
    /// ([`crate::syntax::rational::MAX_EXACT_BITS`] bits).
    #[error("number `{text}` is too large to represent exactly")]
    NumberTooLarge {
        /// The literal (shortened when very long).
        text: String,
    },
    /// A `sum_j` written directly as a power operand.
    #[error("a sum in an exponent must be in parentheses, as in x^(sum_j ...)")]
    SumInExponent,
    /// Parentheses, function calls, sums and powers nested deeper than [`super::MAX_NESTING`].
    #[error("expression nested more than {limit} levels deep (limit MAX_NESTING)")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Input longer than [`super::MAX_INPUT_BYTES`].
    #[error("input is {bytes} bytes, more than {limit} (limit MAX_INPUT_BYTES)")]
    InputTooLarge {
        /// The input's length.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A file with a NUL byte: not a text file.
    #[error("this is a binary file (a NUL byte), not a .deriv text file")]
    BinaryFile,
    /// A file that is not valid UTF-8.
    #[error("the file is not UTF-8 text (byte 0x{byte:02x} here); save it as UTF-8")]
    NotUtf8 {
        /// The first byte that is not valid UTF-8.
        byte: u8,
    },
    /// A line starting with a word that is not a directive.
    #[error(
        "unknown directive `{word}` (expected title, index, var, let, derive, expect, show \
         or a `= E` line after show)"
    )]
    UnknownDirective {
        /// The first word of the line.
        word: String,
    },
    /// A `var` kind that does not exist.
    #[error("unknown kind `{word}` (expected real, positive, unit, distribution or onehot)")]
    UnknownKind {
        /// The word given as the kind.
        word: String,
    },
    /// A `distribution` or `onehot` variable without exactly one index.
    #[error("a `{kind}` variable needs exactly one index to sum over, as in `{name}_j`")]
    KindNeedsIndex {
        /// The variable's name.
        name: String,
        /// The kind's keyword.
        kind: String,
    },
    /// The same index letter twice in one declared symbol (`q_{j,j}`).
    #[error("index `{index}` appears twice in the subscripts of `{name}`")]
    RepeatedSubscript {
        /// The symbol's name.
        name: String,
        /// The repeated index.
        index: String,
    },
    /// A symbol declared by `var` or `let` more than once.
    #[error("`{name}` is already declared on line {first_line}")]
    DuplicateName {
        /// The symbol's name.
        name: String,
        /// The line of the first declaration.
        first_line: usize,
    },
    /// An index letter declared by `index` more than once.
    #[error("index `{name}` is already declared on line {first_line}")]
    DuplicateIndex {
        /// The index letter.
        name: String,
        /// The line of the first declaration.
        first_line: usize,
    },
    /// A directive that may appear once (`title`, `derive`, `expect`, `show`) appears again.
    #[error("a second `{directive}` line (the first is on line {first_line})")]
    DuplicateDirective {
        /// The directive.
        directive: String,
        /// The line of the first one.
        first_line: usize,
    },
    /// A `= E` line that does not follow `show` or another `= E` line.
    #[error("a `= E` line must follow a `show` line or another `= E` line")]
    OrphanShowLine,
    /// A `show` line without any `= E` line after it.
    #[error("`show` must be followed by at least one `= E` line")]
    EmptyShow,
    /// A symbol that no `var` or `let` declares and that is not the upper end of a range.
    #[error("unknown symbol `{name}` (declare it with `var` or define it with `let`)")]
    UnknownSymbol {
        /// The symbol's name.
        name: String,
    },
    /// An index letter used where a symbol is expected.
    #[error("`{name}` is an index, not a symbol (use it as a subscript, as in `x_{name}`)")]
    IndexAsSymbol {
        /// The index letter.
        name: String,
    },
    /// An index letter that no `index` line declares.
    #[error("index `{name}` is not declared (add a line such as `index {name} in 1..K`)")]
    UndeclaredIndex {
        /// The index letter.
        name: String,
    },
    /// A symbol used with a different number of subscripts than it was declared with.
    #[error("`{name}` takes {expected} subscript(s) as declared on line {line}, found {found}")]
    SubscriptCount {
        /// The symbol's name.
        name: String,
        /// The number in its declaration.
        expected: usize,
        /// The number used here.
        found: usize,
        /// The line of its declaration (0 for the upper end of a range).
        line: usize,
    },
    /// An index in a subscript place of a symbol whose declaration runs over another range.
    #[error("{0}")]
    IndexRange(Box<RangeMismatch>),
    /// A name used as the upper end of an index range that is also declared as something else.
    #[error(
        "`{name}` is the upper end of the range of `{index}` (line {range_line}), so it is a \
         positive integer and cannot also be {what}"
    )]
    RangeEndDeclared {
        /// The name.
        name: String,
        /// An index letter running up to it.
        index: String,
        /// The line of that `index` declaration.
        range_line: usize,
        /// What else it is declared as (`a variable`, `a definition`, `an index letter`).
        what: &'static str,
    },
    /// `via NAME` where NAME has no `let`.
    #[error("`via {name}` needs a definition of `{name}` (a `let` line)")]
    ViaNotDefined {
        /// The name after `via`.
        name: String,
    },
    /// `d(F)/d(x)` where `x` is neither a `var` nor a `let` symbol.
    #[error("cannot differentiate with respect to `{name}`: it is not declared by `var` or `let`")]
    WrtNotVariable {
        /// The name after `/d(`.
        name: String,
    },
    /// A declared symbol with more subscripts than [`super::MAX_SUBSCRIPTS`].
    #[error(
        "`{name}` has {found} subscripts, more than {limit} (limit MAX_SUBSCRIPTS: the checker \
         samples every entry)"
    )]
    TooManySubscripts {
        /// The symbol's name.
        name: String,
        /// Its number of subscripts.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// An expression nested deeper than [`super::MAX_UNFOLDED_DEPTH`] once the definitions it
    /// uses are substituted.
    #[error(
        "{what} is {found} levels deep with the definitions it uses substituted, more than \
         {limit} (limit MAX_UNFOLDED_DEPTH)"
    )]
    UnfoldedTooDeep {
        /// The expression (`the definition of `a9``, `this expression`).
        what: String,
        /// Its depth.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// An expression larger than [`super::MAX_UNFOLDED_SIZE`] nodes once the definitions it uses
    /// are substituted.
    #[error(
        "{what} has {found} nodes with the definitions it uses substituted, more than {limit} \
         (limit MAX_UNFOLDED_SIZE)"
    )]
    UnfoldedTooLarge {
        /// The expression.
        what: String,
        /// Its size in nodes (saturating at `usize::MAX`).
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// Sums nested deeper than [`super::MAX_SUM_NESTING`] once definitions are substituted.
    #[error(
        "{what} nests {found} sums with the definitions it uses substituted, more than {limit} \
         (limit MAX_SUM_NESTING: checking costs 12^n evaluations)"
    )]
    SumsTooDeep {
        /// The expression.
        what: String,
        /// Its sum nesting.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// A definition that depends on itself.
    #[error("definition of `{name}` refers to itself: {path}")]
    Cycle {
        /// The definition the cycle was found at.
        name: String,
        /// The cycle, as `a -> b -> a`.
        path: String,
    },
    /// A `via` symbol the chain rule cannot go through (see [`crate::engine::chain::validate`]).
    #[error("cannot apply the chain rule through `{via}`: {why}")]
    ViaCannotApply {
        /// The `via` symbol as written.
        via: String,
        /// Why not.
        why: String,
    },
    /// A `use` line whose file cannot be imported (see [`crate::engine::imports`]).
    #[error("cannot use \"{file}\": {why}")]
    Import {
        /// The file name as written (empty when it is not a quoted name).
        file: String,
        /// Why not.
        why: String,
    },
    /// Derivatives nested deeper than [`super::nesting::MAX_DERIVATIVE_NESTING`] (through
    /// definitions too).
    #[error(
        "{what} nests {found} derivatives, more than {limit}: second derivatives are supported, \
         a third has no reference to check it against"
    )]
    DerivativesTooDeep {
        /// The expression.
        what: String,
        /// Its derivative nesting.
        found: usize,
        /// The limit.
        limit: usize,
    },
}

impl ParseError {
    /// An error of `kind` at `pos`, on the line `source_line`.
    pub fn new(pos: Pos, kind: ErrorKind, source_line: &str) -> ParseError {
        ParseError {
            pos,
            kind,
            source_line: source_line.to_string(),
        }
    }

    /// Where the error is (1-based line, column in characters).
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The whole source line the error is on, without its line ending.
    pub fn source_line(&self) -> &str {
        &self.source_line
    }

    /// What the grammar expected, for syntax errors.
    pub fn expected(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Syntax { expected, .. } => Some(expected),
            _ => None,
        }
    }

    /// The token found instead, for syntax errors.
    pub fn found(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Syntax { found, .. } => Some(found),
            _ => None,
        }
    }
}

impl std::error::Error for ParseError {}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.column, self.kind)?;
        if f.alternate() {
            let lines =
                super::snippet::caret_lines(&self.source_line, self.pos.line, self.pos.column, &[]);
            write!(f, "\n{lines}")?;
        }
        Ok(())
    }
}

/// The error nom passes around inside the grammar: the rest of the input where it happened
/// (a sub-slice of the text being parsed) and what went wrong there.
#[derive(Clone, Debug)]
pub(crate) struct PErr<'a> {
    /// The unparsed input at the error.
    pub at: &'a str,
    /// What went wrong.
    pub what: Problem<'a>,
}

/// The position-free part of a [`PErr`].
#[derive(Clone, Debug)]
pub(crate) enum Problem<'a> {
    /// Something else was expected; the found token is read from `at`. `opener` is the `(` an
    /// expected `)` would close, to name its position.
    Expected {
        what: String,
        opener: Option<&'a str>,
    },
    /// Any other error.
    Kind(ErrorKind),
}

impl<'a> PErr<'a> {
    /// `what` was expected at `at`.
    pub fn expected(at: &'a str, what: impl Into<String>) -> PErr<'a> {
        PErr {
            at,
            what: Problem::Expected {
                what: what.into(),
                opener: None,
            },
        }
    }

    /// A `)` was expected at `at` to close the `(` at the start of `opener`.
    pub fn unclosed(at: &'a str, opener: &'a str) -> PErr<'a> {
        PErr {
            at,
            what: Problem::Expected {
                what: "')'".to_string(),
                opener: Some(opener),
            },
        }
    }

    /// The error `kind` at `at`.
    pub fn kind(at: &'a str, kind: ErrorKind) -> PErr<'a> {
        PErr {
            at,
            what: Problem::Kind(kind),
        }
    }

    /// As a committed (non-backtracking) nom error.
    pub fn fail<T>(self) -> Result<T, nom::Err<PErr<'a>>> {
        Err(nom::Err::Failure(self))
    }

    /// The public error, positioned in `source`; `end` names the end of the parsed text.
    pub fn into_error(self, source: &Source<'_>, end: &str) -> ParseError {
        let offset = source.offset_of(self.at);
        let kind = match self.what {
            Problem::Kind(kind) => kind,
            Problem::Expected { what, opener } => {
                let expected = match opener {
                    Some(open) => {
                        let p = source.pos(source.offset_of(open));
                        format!("{what} to close the '(' at {}:{}", p.line, p.column)
                    }
                    None => what,
                };
                ErrorKind::Syntax {
                    expected,
                    found: describe(self.at, end),
                }
            }
        };
        source.error(offset, kind)
    }
}

impl<'a> nom::error::ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        PErr::expected(input, "valid syntax")
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }

    fn from_char(input: &'a str, c: char) -> Self {
        PErr::expected(input, format!("'{c}'"))
    }
}

/// Names the token at the start of `rest` for a "found ..." message.
pub(crate) fn describe(rest: &str, end: &str) -> String {
    let Some(first) = rest.chars().next() else {
        return end.to_string();
    };
    if first.is_ascii_digit() {
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let mut end_of_number = digits(rest);
        let fraction = &rest[end_of_number..];
        if fraction.starts_with('.') && digits(&fraction[1..]) > 0 {
            end_of_number += 1 + digits(&fraction[1..]);
        }
        return format!("`{}`", shorten(&rest[..end_of_number]));
    }
    if first.is_ascii_alphabetic() {
        let end_of_word = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        return format!("`{}`", shorten(&rest[..end_of_word]));
    }
    match first {
        '\n' | '\r' => return "end of line".to_string(),
        ' ' => return "a space".to_string(),
        '\t' => return "a tab".to_string(),
        _ => {}
    }
    format!("'{}'", first.escape_debug())
}

/// `text` shortened to at most 24 characters for a message.
pub(crate) fn shorten(text: &str) -> String {
    if text.chars().count() <= 24 {
        return text.to_string();
    }
    let head: String = text.chars().take(21).collect();
    format!("{head}...")
}
