//! The limits of the language: how deep, large and nested an expression may be with every
//! definition substituted, and how many subscripts a symbol may have. The parser refuses files over
//! them (`crate::parse`), and every later stage may rely on them.

/// The deepest an expression may be with every definition it uses substituted (a leaf has depth
/// 1). It bounds the recursion of every stage that walks through definitions; the engine's
/// derivatives can be about three times deeper than what they differentiate, which stays within
/// the evaluator's own guard.
pub const MAX_UNFOLDED_DEPTH: usize = 100;

/// The most nodes an expression may have with every definition it uses substituted.
pub const MAX_UNFOLDED_SIZE: usize = 20_000;

/// The deepest sums may nest with every definition substituted. The checker evaluates a line at
/// range sizes up to 12, so `n` nested sums cost `12^n` evaluations of the innermost body.
pub const MAX_SUM_NESTING: usize = 4;

/// The most subscripts a declared symbol may have. The checker samples every entry of a
/// variable, `12^n` values for `n` subscripts.
pub const MAX_SUBSCRIPTS: usize = 4;
