//! gradproof: a symbolic derivation engine that derives gradients one named rule at a time,
//! checks every step numerically, and prints the derivation as a proof.
#![warn(missing_docs)]

pub mod rational;
pub mod expr;
pub mod index;
pub mod problem;
pub mod parse;
pub mod trace;
pub mod render;

pub use expr::{Binder, Expr, Func, Index, Symbol};
pub use problem::{Kind, Problem};
pub use rational::Rational;
pub use trace::{Derivation, Step, Stop};
pub mod diff;
pub mod normal;
pub mod rules;
pub mod engine;
pub mod eval;
pub mod sample;
pub mod check;
