//! `input => expected` tests of one named rule: expressions are read as the `expect` line of a
//! file whose declarations are given, and the rule is applied once at the root.

use gradproof::parse::parse_problem;
use gradproof::rules::{rule, Ctx};
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;

/// The problem of `decls` with `e` as its `expect` line, and that expression.
pub fn with_expect_in(decls: &str, e: &str) -> (Problem, Expr) {
    let problem = parse_problem(&format!("{decls}expect {e}\n"))
        .unwrap_or_else(|err| panic!("{e} does not parse: {err:#}"));
    let expr = problem.expect.clone().expect("the expect line").0;
    (problem, expr)
}

/// The result of applying the rule `name` once at the root of `input`, read in `decls`.
pub fn apply_in(decls: &str, name: &str, input: &str) -> Option<Expr> {
    let (problem, e) = with_expect_in(decls, input);
    let r = rule(name).unwrap_or_else(|| panic!("no rule {name}"));
    (r.apply)(&e, &Ctx::new(&problem))
}

/// Fails unless `name` rewrites `input` to exactly `expected` (both read in `decls`).
#[track_caller]
pub fn fires_in(decls: &str, name: &str, input: &str, expected: &str) {
    let got =
        apply_in(decls, name, input).unwrap_or_else(|| panic!("{name} did not fire on {input}"));
    let (_, want) = with_expect_in(decls, expected);
    assert_eq!(got, want, "{name}: {input} => {got}, expected {want}");
}

/// Fails if `name` fires on `input` (read in `decls`).
#[track_caller]
pub fn blocked_in(decls: &str, name: &str, input: &str) {
    if let Some(got) = apply_in(decls, name, input) {
        panic!("{name} must not fire on {input}, but gave {got}");
    }
}
