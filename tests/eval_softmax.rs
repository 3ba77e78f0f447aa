//! Numeric evaluation of the softmax cross-entropy problem: derivative nodes, stability at
//! extreme logits, domain errors, and the sampling of declared kinds.

mod check_support;

use check_support::*;
use gradproof::check::eval::{
    central_difference, eval, eval_lognum, Assignment, EvalError, LogNum,
};
use gradproof::check::sample::{self, draw, Instance, Regime, SampleOptions};
use gradproof::syntax::expr::{deriv, div, func, mul, sub, sum};
use gradproof::{Binder, Expr, Func, Kind, Problem, Symbol};
use std::collections::BTreeMap;

fn assign(pairs: &[(&str, usize)]) -> Assignment {
    pairs.iter().map(|(n, v)| (n.to_string(), *v)).collect()
}

fn instances(seed: u64, per_size: usize) -> Vec<Instance> {
    let opts = SampleOptions {
        per_size,
        ..SampleOptions::default()
    };
    sample::instances(&softmax_problem(), seed, &opts).expect("the problem declares its indices")
}

fn close(a: f64, b: f64) -> bool {
    approx::relative_eq!(a, b, epsilon = 1e-10, max_relative = 1e-8)
}

/// An instance of size `k` whose logits are `logits` (cycled) and targets Dirichlet.
fn with_logits(k: usize, logits: &[f64], seed: u64) -> Instance {
    let sizes: BTreeMap<String, usize> = [("K".to_string(), k)].into();
    let mut inst = draw(&softmax_problem(), &sizes, seed, Regime::Ordinary, 50.0).expect("draws");
    let s = inst.values.get_mut("s").expect("s is declared");
    for j in 1..=k {
        assert!(s.set(&[j], logits[(j - 1) % logits.len()]));
    }
    inst
}

#[test]
fn gradient_of_cross_entropy_is_p_minus_q_everywhere() {
    let problem = softmax_problem();
    let mut checked = 0;
    for inst in instances(7, 6) {
        let k_max = inst.size("K").expect("K is sized");
        for k in 1..=k_max {
            let free = assign(&[("k", k)]);
            let g = eval(&goal(), &problem, &inst, &free).expect("finite gradient");
            let e = eval(&expected(), &problem, &inst, &free).expect("finite p_k - q_k");
            assert!(
                g.is_finite() && close(g, e),
                "K={k_max} k={k}: {g} vs {e} ({inst:?})"
            );
            checked += 1;
        }
    }
    assert!(checked > 100);
}

#[test]
fn extreme_logits_stay_finite_and_exact() {
    let problem = softmax_problem();
    for (logits, k) in [
        (vec![50.0, -50.0], 2),
        (vec![-50.0, 50.0, 0.0], 12),
        (vec![1000.0, -1000.0, 3.0], 5),
        (vec![-800.0], 3),
    ] {
        let inst = with_logits(k, &logits, 3);
        for kk in 1..=k {
            let free = assign(&[("k", kk)]);
            let g = eval(&goal(), &problem, &inst, &free).expect("finite");
            let e = eval(&expected(), &problem, &inst, &free).expect("finite");
            assert!(close(g, e), "{logits:?} k={kk}: {g} vs {e}");
            let loss = eval(&Expr::plain("L"), &problem, &inst, &free).expect("finite loss");
            assert!(loss.is_finite() && loss >= 0.0);
        }
    }
}

#[test]
fn softmax_jacobian_and_outer_derivative() {
    let problem = softmax_problem();
    let dp = deriv(x("p", "j"), Symbol::indexed("s", &["k"]));
    let dl = deriv(Expr::plain("L"), Symbol::indexed("p", &["j"]));
    for inst in instances(11, 3) {
        let n = inst.size("K").expect("sized");
        for j in 1..=n {
            for k in 1..=n {
                let free = assign(&[("j", j), ("k", k)]);
                let a = eval(&dp, &problem, &inst, &free).expect("finite");
                let b = eval(&softmax_jacobian(), &problem, &inst, &free).expect("finite");
                assert!(close(a, b), "d(p_{j})/d(s_{k}): {a} vs {b}");
            }
            let free = assign(&[("j", j)]);
            let a = eval_lognum(&dl, &problem, &inst, &free).expect("finite");
            let b = eval_lognum(&dl_dp(), &problem, &inst, &free).expect("finite");
            assert!(
                close(a.to_f64(), b.to_f64()),
                "d(L)/d(p_{j}): {a:?} vs {b:?}"
            );
        }
    }
}

#[test]
fn forward_mode_fails_on_a_wrong_claim() {
    // The same comparison as above must be able to fail: d(p_j)/d(s_k) is not p_j * delta(j,k).
    let problem = softmax_problem();
    let inst = with_logits(3, &[0.5, -1.0, 2.0], 1);
    let free = assign(&[("j", 2), ("k", 2)]);
    let dp = deriv(x("p", "j"), Symbol::indexed("s", &["k"]));
    let wrong = mul(vec![x("p", "j"), d("j", "k")]);
    let a = eval(&dp, &problem, &inst, &free).expect("finite");
    let b = eval(&wrong, &problem, &inst, &free).expect("finite");
    assert!(!close(a, b));
}

#[test]
fn central_differences_agree_with_forward_mode() {
    let problem = softmax_problem();
    let s_k = Symbol::indexed("s", &["k"]);
    let p_j = Symbol::indexed("p", &["j"]);
    for inst in instances(5, 1) {
        let n = inst.size("K").expect("sized");
        for k in 1..=n {
            let free = assign(&[("j", 1), ("k", k)]);
            for (f, x) in [
                (Expr::plain("L"), &s_k),
                (Expr::plain("L"), &p_j),
                (x("p", "j"), &s_k),
            ] {
                let fwd =
                    eval(&deriv(f.clone(), x.clone()), &problem, &inst, &free).expect("finite");
                let cd = central_difference(&f, x, &problem, &inst, &free).expect("finite");
                assert!(
                    approx::relative_eq!(fwd, cd, epsilon = 1e-6, max_relative = 1e-5),
                    "{f:?} / {x:?}: forward {fwd}, central {cd}"
                );
            }
        }
    }
}

#[test]
fn domain_errors_are_typed_not_nan() {
    let problem = softmax_problem();
    let inst = with_logits(3, &[0.0], 1);
    let free = assign(&[("k", 1)]);
    let cases = [
        func(Func::Log, Expr::int(-2)),
        func(Func::Log, Expr::zero()),
        div(Expr::one(), sub(x("p", "k"), x("p", "k"))),
        func(Func::Sqrt, Expr::int(-1)),
        gradproof::syntax::expr::pow(
            Expr::int(-8),
            Expr::Num(gradproof::Rational::new(1, 3).expect("1/3")),
        ),
    ];
    for e in cases {
        let err = eval(&e, &problem, &inst, &free).expect_err("undefined");
        assert!(err.is_domain(), "{e:?}: {err}");
    }
    assert!(matches!(
        eval(&func(Func::Log, Expr::int(-2)), &problem, &inst, &free),
        Err(EvalError::LogOfNonPositive(_))
    ));
    // Integer powers of negative numbers are fine.
    let cube = gradproof::syntax::expr::pow(Expr::int(-2), Expr::plain("K"));
    let v = eval(&cube, &problem, &inst, &free).expect("(-2)^3");
    assert!(close(v, -8.0), "{v}");
}

#[test]
fn ill_formed_expressions_are_errors_not_panics() {
    let problem = softmax_problem();
    let inst = with_logits(2, &[0.0], 1);
    let free = assign(&[("k", 1)]);
    let unknown_range = sum(Binder::new("j", Some("N")), Expr::one());
    // No upper end and a letter with no declared range.
    let no_range = sum(Binder::new("z", None), Expr::one());
    type Case = (Expr, fn(&EvalError) -> bool);
    let cases: Vec<Case> = vec![
        (Expr::plain("zzz"), |e| {
            matches!(e, EvalError::UnknownSymbol(_))
        }),
        (x("s", "y"), |e| matches!(e, EvalError::UnboundIndex(_))),
        (xb("s", 0), |e| matches!(e, EvalError::LooseBound(0))),
        (Expr::plain("s"), |e| matches!(e, EvalError::Arity { .. })),
        (unknown_range, |e| matches!(e, EvalError::UnknownRange(_))),
        (no_range, |e| matches!(e, EvalError::UnknownRange(_))),
        (deriv(Expr::plain("L"), Symbol::plain("K")), |e| {
            matches!(e, EvalError::NotAnInput(_))
        }),
        (
            // A third derivative (a second one is evaluated by nested forward mode).
            deriv(
                deriv(
                    deriv(Expr::plain("L"), Symbol::indexed("s", &["k"])),
                    Symbol::indexed("s", &["k"]),
                ),
                Symbol::indexed("s", &["k"]),
            ),
            |e| matches!(e, EvalError::NestedDerivative),
        ),
    ];
    for (e, is_expected) in cases {
        let err = eval(&e, &problem, &inst, &free).expect_err("ill-formed");
        assert!(is_expected(&err) && !err.is_domain(), "{e:?}: {err:?}");
    }
    // s_3 with K = 2 is out of range.
    let free3 = assign(&[("k", 3)]);
    assert!(matches!(
        eval(&x("s", "k"), &problem, &inst, &free3),
        Err(EvalError::OutOfRange { .. })
    ));
    // A definition that refers to itself.
    let mut cyclic = problem.clone();
    cyclic.defs[1].body = mul(vec![Expr::plain("L"), Expr::int(2)]);
    assert!(matches!(
        eval(&Expr::plain("L"), &cyclic, &inst, &free),
        Err(EvalError::Cycle(_))
    ));
    // A very deep expression.
    let mut deep = Expr::one();
    for _ in 0..2000 {
        deep = func(Func::Exp, func(Func::Log, deep));
    }
    assert_eq!(eval(&deep, &problem, &inst, &free), Err(EvalError::TooDeep));
}

#[test]
fn lognum_arithmetic_is_exact_in_range_and_finite_beyond() {
    let big = LogNum::from_f64(1000.0)
        .and_then(LogNum::exp)
        .expect("e^1000");
    assert!(big.to_f64().is_infinite() && (big.ln_abs() - 1000.0).abs() < 1e-12);
    let ratio = big
        .checked_div(LogNum::sum(&[big, big]).expect("sum"))
        .expect("ratio");
    // Relative precision is about |ln| * 1e-16: here 1e-13.
    assert!((ratio.to_f64() - 0.5).abs() < 1e-12);
    let zero = LogNum::sum(&[big, -big]).expect("cancels");
    assert!(zero.is_zero());
    assert_eq!(zero.checked_mul(big), Ok(LogNum::ZERO));
    assert_eq!(LogNum::ZERO.recip(), Err(EvalError::DivisionByZero));
    assert_eq!(LogNum::from_f64(f64::NAN), Err(EvalError::Overflow));
}

#[test]
fn sampling_is_reproducible_and_respects_kinds() {
    let mut problem = softmax_problem();
    for (name, kind) in [
        ("a", Kind::Positive),
        ("u", Kind::Unit),
        ("y", Kind::Onehot),
    ] {
        problem.vars.push(gradproof::syntax::problem::VarDecl {
            symbol: Symbol::indexed(name, &["j"]),
            kind,
            pos: Default::default(),
        });
    }
    let opts = SampleOptions::default();
    let a = sample::instances(&problem, 99, &opts).expect("draws");
    let b = sample::instances(&problem, 99, &opts).expect("draws");
    let c = sample::instances(&problem, 100, &opts).expect("draws");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(
        a.len(),
        opts.sizes.len() * opts.per_size + opts.random_sizes
    );
    let sizes: Vec<usize> = a.iter().filter_map(|i| i.size("K")).collect();
    assert!(sizes.contains(&2) && sizes.iter().any(|&k| k > 10));
    let mut max_logit: f64 = 0.0;
    for inst in &a {
        let v = |n: &str| inst.values[n].data.clone();
        let q = v("q");
        assert!((q.iter().sum::<f64>() - 1.0).abs() < 1e-12 && q.iter().all(|&x| x > 0.0));
        assert!(v("a").iter().all(|&x| x > 0.0));
        assert!(v("u").iter().all(|&x| x > 0.0 && x < 1.0));
        let y = v("y");
        assert_eq!(y.iter().filter(|&&x| x == 1.0).count(), 1);
        assert_eq!(y.iter().filter(|&&x| x == 0.0).count(), y.len() - 1);
        max_logit = v("s").iter().fold(max_logit, |m, x| m.max(x.abs()));
        // An instance is reproduced from what a counterexample reports.
        let again =
            draw(&problem, &inst.sizes, inst.seed, inst.regime, inst.extreme).expect("draws");
        assert_eq!(&again, inst);
    }
    assert_eq!(max_logit, 50.0);
}

#[test]
fn undeclared_index_of_a_variable_is_a_sample_error() {
    let mut problem: Problem = softmax_problem();
    problem.vars[0].symbol = Symbol::indexed("s", &["z"]);
    assert!(sample::instances(&problem, 0, &SampleOptions::default()).is_err());
}

#[test]
fn one_minus_a_saturated_softmax_keeps_its_digits() {
    // p_1 = e^50 / (e^50 + e^1) = 1 - e^-49 / (1 + e^-49): the complement is exact, not 0.
    let problem = softmax_problem();
    let inst = with_logits(2, &[50.0, 1.0], 1);
    let free = assign(&[("k", 1)]);
    let complement = sub(Expr::one(), x("p", "k"));
    let v = eval(&complement, &problem, &inst, &free).expect("finite");
    let exact = (-49f64).exp() / (1.0 + (-49f64).exp());
    assert!(
        approx::relative_eq!(v, exact, max_relative = 1e-12),
        "{v} vs {exact}"
    );
    let log_v = eval(&func(Func::Log, complement), &problem, &inst, &free).expect("finite");
    assert!(approx::relative_eq!(
        log_v,
        exact.ln(),
        max_relative = 1e-12
    ));
}

#[test]
fn awkward_inputs_give_values_or_typed_errors() {
    let problem = softmax_problem();
    let inst = with_logits(3, &[0.0, -2.0, 700.0], 1);
    let free = assign(&[("j", 2), ("k", 3)]);
    let cases = [
        ("0^0", Some(1.0)),
        ("0^(-1)", None),
        ("(-1)^(1/2)", None),
        ("(-2)^K", Some(-8.0)),
        ("sqrt(0)", Some(0.0)),
        ("d(sqrt(s_j + 2))/d(s_j)", None),
        ("d(sqrt(s_j - s_j))/d(s_j)", Some(0.0)),
        ("exp(exp(exp(10)))", None),
        ("exp(-exp(exp(5)))", Some(0.0)),
        ("log(exp(s_k))", Some(700.0)),
        ("p_k", Some(1.0)),
        ("1 - p_k", Some(0.0)),
        ("d(L)/d(q_j)", None),
        ("K^1000 / K^999", Some(3.0)),
        ("sum_j sum_m delta(j,m)", Some(3.0)),
    ];
    for (text, want) in cases {
        // Literal undefined powers are parse errors; a derivation can still build them.
        let e = match text {
            "0^(-1)" => gradproof::syntax::expr::pow(Expr::zero(), Expr::int(-1)),
            "(-1)^(1/2)" => gradproof::syntax::expr::pow(
                Expr::int(-1),
                Expr::Num(gradproof::Rational::new(1, 2).expect("1/2")),
            ),
            _ => gradproof::parse::parse_expr(text).expect("parses"),
        };
        let got = eval(&e, &problem, &inst, &free);
        match (want, &got) {
            (Some(w), Ok(v)) => assert!(
                approx::relative_eq!(*v, w, epsilon = 1e-12, max_relative = 1e-9),
                "{text}: {v} vs {w}"
            ),
            (None, Err(err)) => assert!(err.is_domain(), "{text}: {err:?}"),
            // d(L)/d(q_j) = -log(p_j): a value, finite; only its sign is checked here.
            (None, Ok(v)) if text.contains("q_j") => assert!(*v > 0.0, "{text}: {v}"),
            _ => panic!("{text}: {got:?}"),
        }
    }
}

/// One evaluator reused for many lines and every assignment (as the checker uses it, with its
/// memo of definition entries and of sums by their outer indices) gives every value bit for
/// bit as a fresh evaluator per line and assignment does.
#[test]
fn a_reused_evaluator_gives_the_values_of_fresh_ones_bit_for_bit() {
    use gradproof::check::eval::Evaluator;
    // Sums mentioning free indices, outer bound indices, and derivatives; in the second
    // problem a definition mentions a free index that is not its parameter (`M` uses `k`), so
    // that its values depend on the assignment, and so do those of `N`, which uses `M`.
    let base = "index j, k, m, n in 1..K
        var s_j real
        var q_j distribution
        var c_{j,m} real
        let p_j = exp(s_j) / sum_m exp(s_m)
        let L = -sum_j q_j * log(p_j)
        derive d(L)/d(s_k) via p_j";
    let with_free = format!("{base}\nlet M = sum_m c_{{m,k}} * p_m\nlet N_j = M * s_j");
    let lines: Vec<Expr> = [
        "sum_m exp(s_m) * delta(m,k)",
        "sum_j sum_m c_{j,m} * exp(s_m - s_j) * delta(j,k)",
        "sum_j q_j * sum_m exp(s_m - s_j) + sum_m exp(s_m)",
        "sum_m c_{j,m} * p_m - sum_n c_{k,n} * p_n",
        "d(L)/d(s_k)",
        "d(p_j)/d(s_k) + sum_m d(p_m)/d(s_k)",
        "sum_j d(L)/d(p_j) * d(p_j)/d(s_k)",
        "sum_m exp(s_m) * delta(m,k)",
    ]
    .iter()
    .map(|t| gradproof::parse::parse_expr(t).expect("parses"))
    .collect();
    let uses_m = ["M * sum_n c_{j,n} + d(M)/d(s_j)", "N_j + sum_n N_n"]
        .map(|t| gradproof::parse::parse_expr(t).expect("parses"));
    let opts = SampleOptions {
        sizes: vec![2, 5],
        per_size: 3,
        extreme: 50.0,
        random_sizes: 0,
        max_size: 0,
    };
    let mut compared = 0;
    for (text, extra) in [(base, &uses_m[..0]), (with_free.as_str(), &uses_m[..])] {
        let problem = gradproof::parse::parse_problem(text).expect("parses");
        let lines: Vec<&Expr> = lines.iter().chain(extra).collect();
        for inst in sample::instances(&problem, 11, &opts).expect("draws") {
            let n = inst.size("K").expect("K is sized");
            let mut reused = Evaluator::new(&problem, &inst, &Assignment::new());
            for j in 1..=n {
                for k in 1..=n {
                    let free = assign(&[("j", j), ("k", k)]);
                    reused.set_free(&free);
                    for &line in &lines {
                        let fresh = eval_lognum(line, &problem, &inst, &free);
                        assert_eq!(reused.eval(line), fresh, "{line} at j={j} k={k}");
                        compared += usize::from(fresh.is_ok());
                    }
                }
            }
        }
    }
    assert!(compared > 1400, "only {compared} values compared");
}

/// An inner sum that depends on the outer sum's index is computed for each value of it, not
/// memoised across them: nested sums agree with forms that have no nesting.
#[test]
fn inner_sums_follow_the_outer_index() {
    let text = "index j, k, m in 1..K
        var s_j real
        var q_j distribution
        var c_{j,m} real
        derive d(s_k)/d(s_k)";
    let problem = gradproof::parse::parse_problem(text).expect("parses");
    let pairs = [
        (
            "sum_j q_j * sum_m exp(s_m - s_j)",
            "(sum_m exp(s_m)) * sum_j q_j * exp(-s_j)",
        ),
        ("sum_j sum_m c_{j,m} * delta(j,k)", "sum_m c_{k,m}"),
        ("sum_j sum_m c_{m,j} * s_j", "sum_m sum_j c_{m,j} * s_j"),
        (
            "sum_j sum_m exp(s_m) * delta(m,j) * q_j",
            "sum_j exp(s_j) * q_j",
        ),
    ];
    let opts = SampleOptions {
        sizes: vec![3, 5],
        per_size: 3,
        extreme: 5.0,
        random_sizes: 0,
        max_size: 0,
    };
    for inst in sample::instances(&problem, 5, &opts).expect("draws") {
        for k in 1..=inst.size("K").expect("K is sized") {
            let free = assign(&[("k", k)]);
            for (nested, flat) in pairs {
                let parse = |t: &str| gradproof::parse::parse_expr(t).expect("parses");
                let a = eval(&parse(nested), &problem, &inst, &free).expect("finite");
                let b = eval(&parse(flat), &problem, &inst, &free).expect("finite");
                assert!(close(a, b), "{nested} = {a} but {flat} = {b} at k={k}");
            }
        }
    }
}

/// `Evaluator::set_entry` evaluates as if the instance had that entry, forgetting what it had
/// memoised at the old value, and refuses entries that do not exist.
#[test]
fn set_entry_overrides_one_entry_and_forgets_memoised_values() {
    use gradproof::check::eval::Evaluator;
    let problem = softmax_problem();
    let inst = with_logits(5, &[0.3, -1.0, 2.0], 3);
    let free = assign(&[("k", 2)]);
    let mut changed = inst.clone();
    assert!(changed.values.get_mut("s").expect("s").set(&[4], 7.5));
    let mut ev = Evaluator::new(&problem, &inst, &free);
    let lines = [goal(), expected(), partition()];
    for line in &lines {
        assert_eq!(ev.eval(line), eval_lognum(line, &problem, &inst, &free));
    }
    ev.set_entry("s", &[4], 7.5).expect("s_4 exists");
    for line in &lines {
        let want = eval_lognum(line, &problem, &changed, &free);
        assert_eq!(ev.eval(line), want, "{line}");
        assert_ne!(
            want,
            eval_lognum(line, &problem, &inst, &free),
            "{line} moved"
        );
    }
    // A derivative with respect to the overridden entry itself: its value is overridden, it
    // is still the input (at k = 4, d(exp(s_k))/d(s_k) is exp(7.5), not 0).
    let mut at_four = Evaluator::new(&problem, &inst, &assign(&[("k", 4)]));
    at_four.set_entry("s", &[4], 7.5).expect("s_4 exists");
    let self_derivative = gradproof::parse::parse_expr("d(exp(s_k))/d(s_k)").expect("parses");
    let fresh = eval_lognum(&self_derivative, &problem, &changed, &assign(&[("k", 4)]));
    assert_eq!(at_four.eval(&self_derivative), fresh);
    assert!((fresh.expect("finite").to_f64() - 7.5f64.exp()).abs() < 1e-9 * 7.5f64.exp());
    assert_eq!(
        at_four.eval(&goal()),
        eval_lognum(&goal(), &problem, &changed, &assign(&[("k", 4)]))
    );
    assert!(ev.set_entry("s", &[6], 1.0).is_err(), "out of range");
    assert!(ev.set_entry("s", &[1, 1], 1.0).is_err(), "too many indices");
    assert!(
        ev.set_entry("p", &[1], 1.0).is_err(),
        "a definition, not a variable"
    );
    assert!(ev.set_entry("nope", &[], 1.0).is_err(), "no such symbol");
}
