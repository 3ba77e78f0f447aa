//! Generated inputs for the scaling benchmarks (shared with `tests/scaling.rs`).
//!
//! - [`sum_of_terms`]: a loss that is a sum of `n` squared-error terms
//!   `a1*(s_k - t1)^2 + a2*(s_k - t2)^2 + ...`, as `.deriv` text. Its gradient is the sum of
//!   `2*aI*s_k - 2*aI*tI`: the size of the result grows linearly with `n`.
//! - [`deep_tree`]: `d(F)/d(x)` for `F = a*(...(a*(a*x + b) + b)...) + b`, an expression of
//!   nesting depth `depth` built with the smart constructors (the parser caps nesting at 64).
//!   Its gradient is `a^(depth/2)`.
//! - [`definition_chain`]: `let f1 = a*x + b`, `let fI = a*f(I-1) + b`, ..., and
//!   `derive d(fD)/d(x) via f1`: a definition `depth` levels deep, derived through the chain rule.
//!   Its gradient is `a^depth`.
#![allow(dead_code)]

use gradproof::parse::parse_problem;
use gradproof::syntax::expr::{add, mul};
use gradproof::syntax::problem::{Goal, Problem};
use gradproof::{Expr, Symbol};
use std::fmt::Write;

/// The `.deriv` text of a loss with `n` terms.
pub fn sum_of_terms(n: usize) -> String {
    let mut text = String::from("index j, k in 1..K\nvar s_j real\n");
    for i in 1..=n {
        let _ = writeln!(text, "var a{i} positive\nvar t{i} real");
    }
    let terms: Vec<String> = (1..=n).map(|i| format!("a{i}*(s_k - t{i})^2")).collect();
    let _ = writeln!(text, "let L = {}", terms.join(" + "));
    text.push_str("derive d(L)/d(s_k)\n");
    text
}

/// The problem `d(F)/d(x)` with `F` nested `depth` levels deep (alternately `a*_` and `_ + b`).
pub fn deep_tree(depth: usize) -> Problem {
    let mut p = parse_problem("var x real\nvar a positive\nvar b real\n")
        .unwrap_or_else(|e| panic!("{e:#}"));
    let mut f = Expr::plain("x");
    for level in 0..depth {
        f = if level % 2 == 0 {
            mul(vec![Expr::plain("a"), f])
        } else {
            add(vec![f, Expr::plain("b")])
        };
    }
    p.goal = Some(Goal {
        of: f,
        wrt: Symbol::plain("x"),
        via: None,
        pos: Default::default(),
        vias: Vec::new(),
    });
    p
}

/// The `.deriv` text of a chain of `depth` definitions, derived through the first.
pub fn definition_chain(depth: usize) -> String {
    let mut text = String::from("var x real\nvar a positive\nvar b real\nlet f1 = a*x + b\n");
    for i in 2..=depth {
        let _ = writeln!(text, "let f{i} = a*f{} + b", i - 1);
    }
    let _ = writeln!(text, "derive d(f{depth})/d(x) via f1");
    text
}
