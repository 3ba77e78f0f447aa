//! The LaTeX reader: the mathematics bloggers write, read into the same [`Expr`] trees as the
//! expression parser ([`crate::parse::parse_expr`]).
//!
//! - [`parse_latex`] reads one expression (the grammar is in [`grammar`]'s documentation):
//!   `\frac`/`\dfrac`/`\tfrac`, `\sum_{j=1}^{K}`, derivatives written as `\dfrac{\partial
//!   L}{\partial s_k}` or `\partial L / \partial s_k`, `\log`, `\ln`, `\exp`, `e^{..}`,
//!   `\sqrt`, `\delta_{jk}`, subscripts with and without braces, `\left( .. \right)`, `\cdot`,
//!   `\times`, implicit multiplication, `\boxed{..}`, spacing commands and `\displaystyle`.
//! - [`parse_statements`] reads a whole formula into [`Statement`]s: relation chains
//!   (`A = B = C`), several statements separated by `,` or `\qquad`, rows of aligned
//!   environments (`&` and `\\`; a row that starts with a relation continues the previous one)
//!   and `\text{ for all } j \ne y` side conditions.
//!
//! Anything else is an error with the byte offset where reading stopped: nothing is guessed.
//!
//! ```
//! use gradproof::parse::{parse_expr, parse_latex};
//!
//! let latex = parse_latex(r"p_j \left(\delta_{jk} - p_k\right)").unwrap();
//! assert_eq!(latex, parse_expr("p_j * (delta(j,k) - p_k)").unwrap());
//! ```

mod grammar;
mod statement;

pub use statement::{parse_statements, Condition, Relation, Statement};

use crate::syntax::expr::Expr;
use grammar::Grammar;

/// Why a piece of LaTeX could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatexError {
    /// The byte offset in the input where reading stopped.
    pub offset: usize,
    /// What was expected or what is not read.
    pub message: String,
}

impl std::fmt::Display for LatexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for LatexError {}

/// An error inside the grammar: the rest of the input where it happened.
#[derive(Clone, Debug)]
pub(crate) struct GrammarError<'a> {
    at: &'a str,
    message: String,
}

pub(crate) use GrammarError as LatexErrorAt;

impl<'a> GrammarError<'a> {
    pub(crate) fn at(at: &'a str, message: impl Into<String>) -> GrammarError<'a> {
        GrammarError {
            at,
            message: message.into(),
        }
    }

    /// The error with its offset in `input` (of which `at` is a part).
    pub(crate) fn locate(self, input: &str) -> LatexError {
        let offset = (self.at.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
        LatexError {
            offset: offset.min(input.len()),
            message: self.message,
        }
    }
}

impl<'a> nom::error::ParseError<&'a str> for GrammarError<'a> {
    fn from_error_kind(input: &'a str, kind: nom::error::ErrorKind) -> Self {
        GrammarError::at(input, format!("unexpected input ({})", kind.description()))
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

/// The result of a grammar function.
pub(crate) type Res<'a, T> = nom::IResult<&'a str, T, GrammarError<'a>>;

/// Turns a nom error into a located [`LatexError`].
pub(crate) fn located(e: nom::Err<GrammarError<'_>>, input: &str) -> LatexError {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.locate(input),
        nom::Err::Incomplete(_) => LatexError {
            offset: input.len(),
            message: "unexpected end of the formula".to_string(),
        },
    }
}

/// Reads one LaTeX expression (the whole input).
pub fn parse_latex(input: &str) -> Result<Expr, LatexError> {
    let g = Grammar::new();
    let (rest, e) = g.expression(input).map_err(|e| located(e, input))?;
    let rest = grammar::ws(rest);
    if !rest.is_empty() {
        let found: String = rest.chars().take(12).collect();
        return Err(LatexError {
            offset: input.len() - rest.len(),
            message: format!("the end of the expression, found `{found}`"),
        });
    }
    Ok(e)
}
