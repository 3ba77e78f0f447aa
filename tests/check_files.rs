//! Every `derivations/*.deriv` file: its `expect` must equal its goal numerically, at ordinary
//! and at extreme inputs. This checks the numeric semantics (and stability) on every example
//! without any symbolic rule: the goal is evaluated by forward-mode dual numbers.

mod common;

use gradproof::check::eval::{eval, Assignment};
use gradproof::check::sample::{draw, Regime};
use gradproof::check::{check_expect, CheckOptions, Status};
use gradproof::parse::parse_problem;
use gradproof::syntax::expr::{add, deriv, mul, neg, Expr};
use gradproof::Problem;
use std::collections::BTreeMap;

fn problems() -> Vec<(String, Problem)> {
    let mut out = Vec::new();
    for (path, text) in common::derivation_files() {
        let problem = parse_problem(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        // A file with only a hand-written `show` block has no goal and `expect` to compare.
        if problem.goal.is_some() && problem.expect.is_some() {
            out.push((path.display().to_string(), problem));
        }
    }
    assert!(out.len() >= 2);
    out
}

fn goal_and_expect(problem: &Problem) -> (Expr, Expr) {
    let goal = problem.goal.as_ref().expect("a derive line");
    let expect = problem.expect.as_ref().expect("an expect line");
    (deriv(goal.of.clone(), goal.wrt.clone()), expect.0.clone())
}

#[test]
fn every_expect_equals_its_goal_numerically() {
    for extreme in [50.0, 300.0] {
        // Not at size 1: the focal loss's closed form has a power `gamma - 1` of `1 - p_y = 0`
        // there, where its gradient is 0 (the CLI compares `expect` only where the
        // derivation's result has a value).
        let defaults = CheckOptions::default();
        let opts = CheckOptions {
            extreme,
            sizes: defaults.sizes.iter().copied().filter(|&k| k > 1).collect(),
            ..defaults
        };
        for (path, problem) in problems() {
            let (goal, expect) = goal_and_expect(&problem);
            // Known limitation (#16): at ±300 a second derivative's entries fall ~e^-600 below
            // the terms its nested forward-mode reference sums in log space, whose rounding
            // noise then exceeds the precise re-evaluations' budget. Checked at ±50 here and
            // at the ordinary extremes by the CLI (tests/hessian.rs).
            let second_derivative = matches!(&goal, Expr::Deriv(f, _) if f.has_deriv());
            if extreme > 100.0 && second_derivative {
                continue;
            }
            let report = check_expect(&problem, &goal, &expect, &opts);
            assert!(
                report.ok(),
                "{path} at ±{extreme}: {:#?}",
                report.first_failure()
            );
            let cc = report.cross_check.expect("a derivative goal");
            assert_eq!(cc.errors, 0, "{path}: {cc:?}");
        }
    }
}

#[test]
fn every_expect_fails_when_perturbed() {
    // The same check must be able to fail on every file: 1.01 * expect + 0.001.
    let thousandth = Expr::Num(gradproof::Rational::new(1, 1000).expect("1/1000"));
    let factor = Expr::Num(gradproof::Rational::new(101, 100).expect("101/100"));
    for (path, problem) in problems() {
        let (goal, expect) = goal_and_expect(&problem);
        let wrong = add(vec![mul(vec![factor.clone(), expect]), thousandth.clone()]);
        let report = check_expect(&problem, &goal, &wrong, &CheckOptions::default());
        assert_eq!(report.first_false(), Some(1), "{path}");
        let Status::Fail(cx) = &report.steps[0].status else {
            panic!("{path}: {:?}", report.steps[0].status)
        };
        assert!(cx.value.is_finite() && cx.expected.is_finite());
    }
}

#[test]
fn sigmoid_losses_stay_finite_at_logits_of_fifty() {
    // log(1 - sigma) at z = 50 needs 1 - 1/(1 + exp(-50)) = exp(-50) to full precision.
    let (_, problem) = problems()
        .into_iter()
        .find(|(p, _)| p.ends_with("sigmoid_bce.deriv"))
        .expect("the sigmoid example");
    let mut inst = draw(&problem, &BTreeMap::new(), 1, Regime::Ordinary, 50.0).expect("draws");
    let free = Assignment::new();
    for z in [50.0, -50.0, 300.0, -300.0] {
        assert!(inst.values.get_mut("z").expect("z").set(&[], z));
        let loss = eval(&Expr::plain("L"), &problem, &inst, &free).expect("finite loss");
        let y = inst.value("y", &[]).expect("y");
        // -(y log s + (1-y) log(1-s)) with log s = -log(1+e^-z), log(1-s) = -z - log(1+e^-z).
        let softplus = |x: f64| x.max(0.0) + (-x.abs()).exp().ln_1p();
        let exact = y * softplus(-z) + (1.0 - y) * softplus(z);
        assert!(
            approx::relative_eq!(loss, exact, max_relative = 1e-12),
            "z={z}: {loss} vs {exact}"
        );
        let (goal, expect) = goal_and_expect(&problem);
        let g = eval(&goal, &problem, &inst, &free).expect("finite gradient");
        let e = eval(&expect, &problem, &inst, &free).expect("finite");
        assert!(approx::relative_eq!(
            g,
            e,
            epsilon = 1e-12,
            max_relative = 1e-9
        ));
    }
    let _ = neg(Expr::one());
}
