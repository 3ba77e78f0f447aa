//! Parsing: the expression grammar and the `.deriv` file format, written with nom.
//!
//! - [`parse_expr`] reads one expression. Any names are allowed and sums have no known upper
//!   end.
//! - [`parse_problem`] reads a whole `.deriv` file and validates it: every name declared, every
//!   index declared, subscript counts consistent, no cyclic definitions. Sums get the upper end
//!   of their index's range.
//! - [`text_to_input`] rewrites the Unicode text form of the printers (`Σ_j q_j δ_jk`) into the
//!   input syntax, so that a printed result can be typed back.
//!
//! The expression grammar, loosest first:
//!
//! ```text
//! expression := term (('+' | '-') term)*
//! term       := factor (('*' | '/') factor)*      a sum factor takes the rest of the term
//! factor     := '-'* (sum | power)
//! sum        := 'sum_' INDEX term                  sum_j a*b + c is (sum_j a*b) + c
//! power      := atom ('^' '-'* atom)*              right associative: x^2^3 = x^(2^3)
//! atom       := NUMBER | '(' expression ')' | exp|log|sqrt '(' expression ')'
//!             | 'delta(' INDEX ',' INDEX ')' | 'd(' expression ')/d(' SYMBOL ')' | SYMBOL
//!             | '[' condition ']' | relu|abs|max|min|clamp|if '(' ... ')'   (see piecewise)
//! SYMBOL     := NAME ('_' INDEX | '_{' INDEX (',' INDEX)* '}')?
//! NAME, INDEX:= an ASCII letter followed by ASCII letters and digits
//! NUMBER     := DIGITS ('.' DIGITS)?               exact; too large is an error
//! ```
//!
//! `sum`, `delta`, `exp`, `log` and `sqrt` are reserved; `d` is reserved only before `(`. Trees
//! are built with the smart constructors of [`crate::syntax::expr`], so `a - b` is `a + (-1)*b` and
//! `a / b` is `a * b^(-1)`.
//!
//! Errors are [`ParseError`]s with a line and column, what was expected and what was found; the
//! alternate form (`{:#}`) shows the source line with a caret. No input makes the parser panic
//! or overflow the stack: nesting is limited by [`MAX_NESTING`] and size by [`MAX_INPUT_BYTES`],
//! and the work is linear in the input's size (a sum's body is closed over its index once per
//! enclosing sum, so at most [`MAX_NESTING`] times).
//!
//! ```
//! use gradproof::syntax::expr::{add, neg, Expr};
//! use gradproof::parse::parse_expr;
//!
//! let e = parse_expr("p_k - q_k").unwrap();
//! assert_eq!(e, add(vec![Expr::indexed("p", &["k"]), neg(Expr::indexed("q", &["k"]))]));
//! let err = parse_expr("exp(s_k").unwrap_err();
//! assert_eq!(err.to_string(), "1:8: expected ')' after the argument of exp, found end of input");
//! ```

pub mod diagnostic;
mod error;
pub mod hints;
mod expr;
mod file;
pub mod latex;
mod limits;
mod nesting;
mod piecewise;
pub mod snippet;
mod source;
mod text_form;

pub use crate::syntax::limits::{
    MAX_SUBSCRIPTS, MAX_SUM_NESTING, MAX_UNFOLDED_DEPTH, MAX_UNFOLDED_SIZE,
};
pub use error::{ErrorKind, ParseError, RangeMismatch};
pub use latex::{parse_latex, parse_statements, Condition, LatexError, Relation, Statement};
pub use text_form::text_to_input;

use crate::syntax::expr::Expr;
use crate::syntax::problem::Problem;
use expr::Grammar;
use source::Source;

/// The deepest nesting of parentheses, calls, sums and powers (`^`) an expression may have.
///
/// The parser recurses once per level, and an unoptimised build uses up to about 16 KiB of
/// stack per level; 64 levels stay well inside the 2 MiB stack of a test thread. Real
/// derivations nest a handful of levels deep.
pub const MAX_NESTING: usize = 64;

/// The longest input, in bytes, that [`parse_expr`] and [`parse_problem`] accept (4 MiB).
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Parses one expression. Any identifiers are allowed; `sum_j` gets no upper end.
pub fn parse_expr(input: &str) -> Result<Expr, ParseError> {
    let source = Source::new(input);
    check_size(&source, input)?;
    let grammar = Grammar::new("end of input");
    match grammar.complete(input, "an expression") {
        Ok((_, e)) => Ok(e),
        Err(e) => Err(source::from_nom(e, &source, "end of input")),
    }
}

/// Parses and validates a whole `.deriv` file.
///
/// One directive per line; `#` starts a comment (outside the title's quotes); blank lines are
/// ignored:
///
/// ```text
/// title "TEXT"                   at most once; \" and \\ are escapes
/// index a, b in 1..K             declares index letters and the range bound K
/// var NAME KIND                  KIND: real | positive | unit | distribution | onehot
/// let NAME = EXPR                NAME's subscripts are the definition's parameters
/// derive d(F)/d(x_k) [via p_j]   at most once
/// expect EXPR                    at most once
/// show EXPR                      at most once, followed by one or more lines:
/// = EXPR
/// ```
///
/// Every symbol must be declared by `var` or `let` (above or below its use) or be the upper end
/// of a range, with as many subscripts as declared; every free index must be declared by
/// `index` (in a `let` body, the definition's parameters are allowed too); a `sum_j` letter
/// must be declared; `via` must name a definition and `d(F)/d(x)` must differentiate by a `var`
/// or `let` symbol; definitions must not depend on themselves; nothing is declared twice; a
/// `distribution` or `onehot` variable has exactly one index. Declared symbols have at most
/// [`MAX_SUBSCRIPTS`] subscripts, and every expression, with the definitions it uses
/// substituted, stays within [`MAX_UNFOLDED_DEPTH`], [`MAX_UNFOLDED_SIZE`] and
/// [`MAX_SUM_NESTING`].
///
/// Positions: an `index` declaration is at its letter; every other declaration and line
/// (`var`, `let`, `derive`, `expect`, `show`, `= E`) is at its first character. An empty file
/// gives an empty [`Problem`].
pub fn parse_problem(input: &str) -> Result<Problem, ParseError> {
    let source = Source::new(input);
    check_size(&source, input)?;
    file::parse(&source, input)
}

/// A parse error at `pos` of `input`, for checks made after parsing (such as
/// `crate::engine::chain::parse_and_validate`).
pub fn error_at(input: &str, pos: crate::syntax::problem::Pos, kind: ErrorKind) -> ParseError {
    ParseError::new(pos, kind, Source::new(input).line_text(pos.line))
}

/// Fails when `input` is longer than [`MAX_INPUT_BYTES`].
fn check_size(source: &Source<'_>, input: &str) -> Result<(), ParseError> {
    if input.len() > MAX_INPUT_BYTES {
        let kind = ErrorKind::InputTooLarge {
            bytes: input.len(),
            limit: MAX_INPUT_BYTES,
        };
        return Err(source.error(0, kind));
    }
    Ok(())
}

/// Turns the bytes of a file into text, refusing binary files (a NUL byte) and invalid UTF-8
/// with a [`ParseError`] at the offending byte. The error's source line is the text before it,
/// with invalid bytes and control characters shown as `�`.
pub fn decode_text(bytes: Vec<u8>) -> Result<String, ParseError> {
    let (at, kind) = match bytes.iter().position(|&b| b == 0) {
        Some(at) => (at, ErrorKind::BinaryFile),
        None => match String::from_utf8(bytes) {
            Ok(text) => return Ok(text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                return Err(byte_error(e.as_bytes(), at, ErrorKind::NotUtf8 { byte }));
            }
        },
    };
    Err(byte_error(&bytes, at, kind))
}

/// The error `kind` at byte `at` of `bytes`, which need not be text.
fn byte_error(bytes: &[u8], at: usize, kind: ErrorKind) -> ParseError {
    let before = &bytes[..at];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |n| n + 1);
    let line_end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| at + n);
    let head = String::from_utf8_lossy(&bytes[line_start..at]);
    let line: String = String::from_utf8_lossy(&bytes[line_start..line_end])
        .chars()
        .map(|c| match c.is_control() && c != '\t' {
            true => '\u{fffd}',
            false => c,
        })
        .collect();
    let pos = crate::syntax::problem::Pos {
        line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
        column: 1 + head.chars().count(),
    };
    ParseError::new(pos, kind, &line)
}
