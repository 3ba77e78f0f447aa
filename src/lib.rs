//! gradproof: a symbolic derivation engine that derives gradients one named rule at a time,
//! checks every step numerically, and prints the derivation as a proof.
#![warn(missing_docs)]

pub mod expr;
pub mod index;
pub mod parse;
pub mod problem;
pub mod rational;
pub mod render;
pub mod trace;

pub use expr::{Binder, Expr, Func, Index, Symbol};
pub use problem::{Kind, Problem};
pub use rational::Rational;
pub use trace::{Derivation, Step, Stop};
pub mod cancellation;
pub mod check;
pub mod diff;
pub mod engine;
pub mod eval;
pub mod handwritten;
pub mod normal;
pub mod rules;
pub mod sample;
