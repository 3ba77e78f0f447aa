//! The expression language as data: expressions with indexed symbols and bound indices, the
//! index ranges, exact numbers, the parsed problem, printing in the input syntax and tree edits.
//! Nothing here knows about rules, checking or rendering.

pub mod edit;
pub mod expr;
pub mod index;
pub mod limits;
pub mod name;
pub mod piecewise;
pub mod print;
pub mod problem;
pub mod rational;
pub mod shared;
pub mod suggest;
