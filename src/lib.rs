//! gradproof: a symbolic derivation engine that derives gradients one named rule at a time,
//! checks every step numerically, and prints the derivation as a proof.
//!
//! The stages, each a pure function of the previous one's value:
//!
//! ```text
//! .deriv text ──parse──▶ Problem ──derive──▶ Derivation ──check──▶ CheckReport
//!                                                 │                      │
//!                                                 └──────render◀─────────┘
//! ```
//!
//! The blog post's derivation, end to end:
//!
//! ```
//! use gradproof::{check, engine, parse, render};
//!
//! let problem = parse::parse_problem(
//!     "index j, k, m in 1..K
//!      var s_j real
//!      var q_j distribution
//!      let p_j = exp(s_j) / sum_m exp(s_m)
//!      let L = -sum_j q_j * log(p_j)
//!      derive d(L)/d(s_k) via p_j
//!      expect p_k - q_k",
//! )
//! .expect("a valid file");
//! let d = engine::derive(&problem, engine::Limits::default()).expect("a derive line");
//! assert_eq!(d.result().to_string(), "p_k - q_k");
//! let titles: Vec<&str> = d.steps.iter().map(|s| s.title.as_str()).collect();
//! assert_eq!(titles[2..], ["cancel", "split the sum", "the delta selects one term", "a distribution sums to one"]);
//!
//! let report = check::check_derivation(&problem, &d, &check::CheckOptions::default());
//! assert!(report.ok());
//! let (expect, _) = problem.expect.as_ref().expect("an expect line");
//! assert!(gradproof::analysis::normal::equivalent(d.result(), expect, &problem));
//!
//! let latex = gradproof::documents::proof_latex(&problem, &d, Default::default());
//! assert!(latex.contains(r"\boxed{p_k - q_k}"));
//! ```
#![warn(missing_docs)]

// The pipeline, one folder per stage; a stage uses only the stages above it in this list
// (tests/architecture.rs enforces it).
pub mod syntax;
pub mod parse;
pub mod rules;
pub mod engine;
pub mod check;
pub mod analysis;
pub mod render;
// Analysis then rendering, in one call per format.
pub mod documents;

// Tools built on the whole pipeline: re-checking a JSON proof, checking a blog post's LaTeX.
pub mod verify;
pub mod audit;

pub use engine::trace::{Derivation, Step, Stop};
pub use syntax::expr::{Binder, Expr, Func, Index, Symbol};
pub use syntax::problem::{Kind, Problem};
pub use syntax::rational::Rational;
