//! The checker on other problems: a fixed class index, one-hot targets, a temperature, and two
//! ranges with a two-index variable.

mod check_support;

use check_support::*;
use gradproof::check::{check_derivation, check_expect, CheckOptions, CheckReport};
use gradproof::syntax::expr::{delta, deriv, div, mul, neg, sub, sum};
use gradproof::syntax::index::close;
use gradproof::syntax::problem::{Definition, IndexDecl, Pos, VarDecl};
use gradproof::{Binder, Expr, Index, Kind, Problem, Symbol};

fn expect(problem: &Problem, goal: &Expr, claim: &Expr) -> CheckReport {
    check_expect(problem, goal, claim, &CheckOptions::default())
}

fn index(name: &str, upper: &str) -> IndexDecl {
    IndexDecl {
        name: name.to_string(),
        upper: upper.to_string(),
        pos: Pos::default(),
    }
}

fn def(symbol: Symbol, body: Expr) -> Definition {
    Definition {
        symbol,
        body,
        pos: Pos::default(),
    }
}

#[test]
fn a_fixed_class_index_is_enumerated() {
    // index y in 1..K; let L = -log(p_y): the gradient is p_k - delta(k, y).
    let mut problem = softmax_problem();
    problem.indices.push(index("y", "K"));
    problem.defs[1] = def(Symbol::plain("L"), neg(log(x("p", "y"))));
    let right = sub(x("p", "k"), d("k", "y"));
    let report = expect(&problem, &goal(), &right);
    assert!(report.ok(), "{:#?}", report.first_failure());
    assert_eq!(report.free_indices, vec!["k".to_string(), "y".to_string()]);
    // Every (k, y) pair at every instance, or `max_assignments` of them at large sizes.
    let opts = CheckOptions::default();
    let instances = gradproof::check::sample::instances(
        &problem,
        opts.seed,
        &gradproof::check::sample::SampleOptions::default(),
    )
    .expect("draws");
    let pairs: usize = instances
        .iter()
        .map(|i| (i.size("K").expect("K").pow(2)).min(opts.max_assignments))
        .sum();
    assert_eq!(report.steps[0].samples, pairs);
    for wrong in [sub(x("p", "k"), d("k", "k")), sub(x("p", "y"), d("k", "y"))] {
        assert!(!expect(&problem, &goal(), &wrong).ok());
    }
}

#[test]
fn one_hot_targets_are_exact_zeros_and_ones() {
    let mut problem = softmax_problem();
    problem.vars[1].kind = Kind::Onehot;
    let report = check_derivation(&problem, &post_derivation(), &CheckOptions::default());
    assert!(report.ok(), "{:#?}", report.first_failure());
    assert!(!expect(&problem, &goal(), &x("p", "k")).ok());
}

#[test]
fn a_temperature_scales_the_gradient() {
    // var T positive; let p_j = exp(s_j / T) / sum_m exp(s_m / T).
    let mut problem = softmax_problem();
    problem.vars.push(VarDecl {
        symbol: Symbol::plain("T"),
        kind: Kind::Positive,
        pos: Pos::default(),
    });
    let t = || Expr::plain("T");
    let scaled = |i: &str| exp(div(x("s", i), t()));
    problem.defs[0] = def(
        Symbol::indexed("p", &["j"]),
        div(scaled("j"), sum_over("m", scaled("m"))),
    );
    let right = div(expected(), t());
    assert!(expect(&problem, &goal(), &right).ok());
    assert!(!expect(&problem, &goal(), &expected()).ok());
    // The derivative with respect to the temperature itself is checked against central
    // differences too.
    let d_t = deriv(Expr::plain("L"), Symbol::plain("T"));
    let r = expect(&problem, &d_t, &d_t);
    assert!(r.ok());
    let cc = r.cross_check.expect("a derivative goal");
    assert_eq!(cc.disagreements, 0, "{cc:?}");
}

#[test]
fn two_ranges_and_a_two_index_variable() {
    // index j, k in 1..K; index d, e in 1..D; var w_{k,d} real; var v_d real;
    // let z_j = sum_e w_{j,e} * v_e; d(z_j)/d(w_{k,d}) = delta(j,k) * v_d.
    let problem = Problem {
        indices: vec![
            index("j", "K"),
            index("k", "K"),
            index("d", "D"),
            index("e", "D"),
        ],
        vars: vec![
            VarDecl {
                symbol: Symbol::indexed("w", &["k", "d"]),
                kind: Kind::Real,
                pos: Pos::default(),
            },
            VarDecl {
                symbol: Symbol::indexed("v", &["d"]),
                kind: Kind::Real,
                pos: Pos::default(),
            },
        ],
        defs: vec![def(
            Symbol::indexed("z", &["j"]),
            sum(
                Binder::new("e", Some("D")),
                close(
                    &mul(vec![Expr::indexed("w", &["j", "e"]), x("v", "e")]),
                    "e",
                ),
            ),
        )],
        ..Problem::default()
    };
    let goal = deriv(x("z", "j"), Symbol::indexed("w", &["k", "d"]));
    let right = mul(vec![d("j", "k"), x("v", "d")]);
    let report = expect(&problem, &goal, &right);
    assert!(report.ok(), "{:#?}", report.first_failure());
    assert_eq!(report.free_indices.len(), 3);
    // Without the delta: false whenever j != k.
    let wrong = x("v", "d");
    let bad = expect(&problem, &goal, &wrong);
    assert_eq!(bad.first_false(), Some(1));
    // An index of the wrong range is an evaluation error, not a counterexample.
    let misindexed = mul(vec![delta(Index::free("j"), Index::free("k")), x("v", "k")]);
    let r = expect(&problem, &goal, &misindexed);
    assert!(!r.ok() && r.first_false().is_none());
}
