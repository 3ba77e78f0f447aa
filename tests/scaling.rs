//! The generated inputs of `benches/scaling.rs` derive to their known gradients, so the
//! benchmarks measure complete derivations (and a regression to quadratic time shows up here as
//! a slow test).

#[path = "../benches/support/mod.rs"]
mod support;

use gradproof::engine::trace::Stop;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::syntax::expr::{pow, Expr};

const LIMITS: Limits = Limits {
    max_firings: 1_000_000,
    max_size: 10_000_000,
};

#[test]
fn a_sum_of_n_terms_differentiates_term_by_term() {
    let n = 200;
    let problem = parse_problem(&support::sum_of_terms(n)).unwrap_or_else(|e| panic!("{e:#}"));
    let d = derive(&problem, LIMITS).expect("a derive line");
    assert_eq!(d.stop, Stop::Saturated);
    // 2*aI*s_k - 2*aI*tI for every term.
    assert!(matches!(d.result(), Expr::Add(ts) if ts.len() == 2 * n));
}

#[test]
fn a_deep_expression_reduces_to_a_power() {
    let depth = 300;
    let d = derive(&support::deep_tree(depth), LIMITS).expect("a derive line");
    assert_eq!(d.stop, Stop::Saturated);
    let expected = i128::try_from(depth / 2).expect("small");
    assert_eq!(*d.result(), pow(Expr::plain("a"), Expr::int(expected)));
}

#[test]
fn a_chain_of_definitions_reduces_to_a_power() {
    // The longest chain within `parse::MAX_UNFOLDED_DEPTH` (each `a*f + b` adds two levels).
    let depth = 49;
    let text = support::definition_chain(depth);
    let problem = parse_problem(&text).unwrap_or_else(|e| panic!("{e:#}"));
    let d = derive(&problem, LIMITS).expect("a derive line");
    assert_eq!(d.stop, Stop::Saturated);
    let expected = i128::try_from(depth).expect("small");
    assert_eq!(*d.result(), pow(Expr::plain("a"), Expr::int(expected)));
}
