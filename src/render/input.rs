//! The input syntax printer. (Placeholder: being written.)
use crate::expr::Expr;

/// Prints `e` in the input syntax.
pub fn to_input(e: &Expr) -> String {
    format!("{e:?}")
}
