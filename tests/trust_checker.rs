//! Issue 12 ("Trust"), the checker's items: each test runs a file of `tests/trust/` (or the
//! tolerance itself) and failed before the fix it names.

mod common;

use common::{run, stderr, stdout};
use gradproof::check::eval::LogNum;
use gradproof::check::{check_expect_against_goal, CheckOptions, Tolerance};
use gradproof::parse::{parse_expr, parse_problem};

/// `gradproof check tests/trust/NAME.deriv`: the exit code and standard output.
fn check_file(name: &str) -> (Option<i32>, String) {
    let path = format!("{}/tests/trust/{name}.deriv", env!("CARGO_MANIFEST_DIR"));
    let o = run(&["check", &path]);
    assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
    (o.status.code(), stdout(&o) + &stderr(&o))
}

/// Item 1: `exp(-30) * x` and `2 * exp(-30) * x` differ by a factor of 2, whatever the scale.
#[test]
fn a_factor_of_two_at_a_small_scale_is_false() {
    let (code, out) = check_file("absolute_tolerance");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✗ false"), "{out}");
}

/// Item 1: the tolerance is relative at every magnitude, down to `e^-700` and up to `e^700`.
#[test]
fn the_tolerance_is_relative_at_every_magnitude() {
    for ln in [-700.0, -30.0, 0.0, 30.0, 700.0] {
        let a = LogNum::from_f64(ln).and_then(LogNum::exp).expect("finite");
        let b = a
            .checked_mul(LogNum::from_f64(2.0).expect("finite"))
            .expect("finite");
        let c = Tolerance::STEP.compare(a, b);
        assert!(!c.equal, "e^{ln} vs 2 e^{ln}: {c:?}");
        assert!((c.rel_error - 0.5).abs() < 1e-12, "{c:?}");
        let near = a
            .checked_mul(LogNum::from_f64(1.0 + 1e-12).expect("finite"))
            .expect("finite");
        assert!(Tolerance::STEP.compare(a, near).equal, "e^{ln}");
    }
}

/// Item 11: at extreme logits the reference `e^(2 s_y) Σ_j ∂p_j/∂s_k` carries rounding noise of
/// about `1e-17 · e^100`; the steps that compute the exact 0 are true.
#[test]
fn an_exact_zero_beside_rounding_noise_passes() {
    let (code, out) = check_file("exact_zero_at_extreme_logits");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("of the cancelled terms"), "{out}");
}

/// Items 1 and 11: the cancellation floor is relative to the terms that cancelled, so a value
/// that no cancellation produced is compared relatively even next to an exact 0.
#[test]
fn the_floor_needs_cancelled_terms() {
    let tiny = LogNum::from_f64(-80.0)
        .and_then(LogNum::exp)
        .expect("finite");
    let c = Tolerance::STEP.compare(tiny, LogNum::ZERO);
    assert!(!c.equal, "{c:?}");
    // The same value left over from cancelling two terms of size 1 is rounding noise.
    let one = LogNum::ONE;
    let noise = LogNum::sum(&[one, tiny, -one]).expect("finite");
    assert!(noise.scale_ln() >= 0.0, "{}", noise.scale_ln());
    assert!(Tolerance::STEP.compare(noise, LogNum::ZERO).equal);
}

/// Item 12: a fixed class that appears only inside a `let` gets every value.
#[test]
fn a_fixed_class_inside_a_let_gets_values() {
    let (code, out) = check_file("fixed_class_in_a_let");
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("has no value"), "{out}");
}

/// Item 14: after a false step the result can equal `expect` while both are wrong; `expect` is
/// checked against the goal's reference gradient and reported false.
#[test]
fn expect_is_checked_against_the_reference_gradient() {
    let (code, out) = check_file("expect_after_a_false_step");
    assert_eq!(code, Some(1), "{out}");
    let expected = out
        .lines()
        // A false `expect` is reported at its place: `FILE:LINE:COL: Expected: …`.
        .find(|l| l.contains(": Expected:"))
        .unwrap_or_else(|| panic!("no Expected line: {out}"));
    assert!(!expected.contains('✓'), "{expected}");
    assert!(expected.contains("reference gradient"), "{expected}");
}

/// Item 14, in the library: a wrong result that equals a wrong `expect` is not "ok".
#[test]
fn a_wrong_result_equal_to_a_wrong_expect_is_not_ok() {
    let problem = parse_problem(
        "index j, k, m in 1..K\nvar s_j real\nvar q_j distribution\n\
         let p_j = exp(s_j) / sum_m exp(s_m)\nlet L = -sum_j q_j * log(p_j)\n\
         derive d(L)/d(s_k) via p_j\n",
    )
    .expect("parses");
    let goal = parse_expr("d(L)/d(s_k)").expect("parses");
    let wrong = parse_expr("q_k - p_k").expect("parses");
    let right = parse_expr("p_k - q_k").expect("parses");
    let opts = CheckOptions::default();
    let both_wrong = check_expect_against_goal(&problem, &goal, &wrong, &wrong, &opts);
    assert!(both_wrong.equals_result() && !both_wrong.equals_reference());
    assert!(!both_wrong.ok());
    let result_wrong = check_expect_against_goal(&problem, &goal, &wrong, &right, &opts);
    assert!(result_wrong.equals_reference() && !result_wrong.equals_result());
    assert!(check_expect_against_goal(&problem, &goal, &right, &right, &opts).ok());
}

/// Item 13: where the numbers agree and only the rules did not reach the form, the report says
/// exactly that, once, with no "differs" beside a ✓.
#[test]
fn numbers_agree_but_not_the_form_is_said_once() {
    let text = include_str!("../derivations/softmax_cross_entropy.deriv")
        .replace("expect p_k - q_k", "expect (p_k^2 - q_k^2) / (p_k + q_k)");
    let dir = std::env::temp_dir().join(format!("gradproof-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("form.deriv");
    std::fs::write(&path, text).expect("write");
    let o = run(&["check", path.to_str().expect("utf-8")]);
    let out = stdout(&o) + &stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let expected: Vec<&str> = out.lines().filter(|l| l.contains("Expected:")).collect();
    assert_eq!(expected.len(), 1, "{out}");
    let line = expected[0];
    assert!(line.contains("the numbers agree"), "{line}");
    assert!(line.contains("did not bring"), "{line}");
    assert!(!line.contains("differs"), "{line}");
}

/// Item 16: the mark prints the figure the verdict was decided on (the relative error), not an
/// absolute error that is huge for huge values.
#[test]
fn the_mark_prints_the_relative_error() {
    let problem = "var x real\nshow exp(60)*x\n= x*exp(60)\n= exp(30)*exp(30)*x\n";
    let dir = std::env::temp_dir().join(format!("gradproof-trust16-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("huge.deriv");
    std::fs::write(&path, problem).expect("write");
    let o = run(&["check", path.to_str().expect("utf-8")]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let marks: Vec<&str> = out.lines().filter(|l| l.contains('✓')).collect();
    assert_eq!(marks.len(), 2, "{out}");
    for m in marks {
        let figure = m
            .split("max rel error ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no relative error in {m}"));
        let value: f64 = figure.parse().expect("a number");
        assert!(value < 1e-12, "{m}");
    }
}

/// Item 2: a claim true only at the sizes of a fixed set is caught by the random sizes.
#[test]
fn random_range_sizes_catch_a_claim_true_at_fixed_sizes() {
    let (code, out) = check_file("range_sizes");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✗ false"), "{out}");
}

/// Item 2: every range draws its own random sizes, up to 40, and different seeds draw different
/// ones.
#[test]
fn two_ranges_get_independent_random_sizes() {
    use gradproof::check::sample::{instances, SampleOptions};
    let problem = parse_problem("index j in 1..K\nindex d in 1..D\nvar w_d real\nvar s_j real\n")
        .expect("parses");
    let opts = SampleOptions {
        random_sizes: 40,
        ..SampleOptions::default()
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut differ = 0;
    for seed in 0..4 {
        for inst in instances(&problem, seed, &opts).expect("draws") {
            let (k, d) = (inst.size("K").expect("K"), inst.size("D").expect("D"));
            assert!((1..=opts.max_size).contains(&k) && (1..=opts.max_size).contains(&d));
            differ += usize::from(k != d);
            seen.insert(k);
        }
    }
    assert!(seen.iter().any(|&k| k > 30), "{seen:?}");
    assert!(seen.len() > 15, "{seen:?}");
    assert!(differ > 100, "{differ}");
}

/// `tests/trust/NAME.deriv` derived and checked in the library: every line of the derivation
/// passes, and `expect` equals the reference gradient numerically (whether the rules reach its
/// form is the engine's business, not the checker's).
fn assert_checks_numerically(name: &str) {
    use gradproof::check::check_derivation;
    use gradproof::engine::{derive, Limits};
    let path = format!("{}/tests/trust/{name}.deriv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("reads");
    let problem = parse_problem(&text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("derives");
    let opts = CheckOptions::default();
    let report = check_derivation(&problem, &d, &opts);
    assert!(report.ok(), "{name}: {:#?}", report.first_failure());
    let (expect, _) = problem.expect.as_ref().expect("an expect line");
    let e = check_expect_against_goal(&problem, &d.goal, d.result(), expect, &opts);
    assert!(
        e.equals_reference(),
        "{name}: {:#?}",
        e.expect_line().status
    );
    assert!(e.equals_result(), "{name}");
}

/// Item 10: the sigmoid of a dot product, `-log(1 - σ(w·x))`.
#[test]
fn the_sigmoid_of_a_dot_product_checks() {
    assert_checks_numerically("sigmoid_of_a_dot_product");
}

/// Item 10: logistic regression with binary cross-entropy.
#[test]
fn logistic_regression_checks() {
    assert_checks_numerically("logistic_regression");
}

/// Item 10: skip-gram with negative sampling.
#[test]
fn skip_gram_with_negative_sampling_checks() {
    assert_checks_numerically("skip_gram_negative_sampling");
}

/// Item 10: after fitting, the scores the loss sees (arguments of `exp`) are within the regime's
/// bound, and the extreme regime still reaches its extreme.
#[test]
fn fitted_scores_cover_the_regimes() {
    use gradproof::check::eval::{Assignment, Evaluator};
    use gradproof::check::sample::{instances, Regime, SampleOptions};
    use gradproof::check::sample_fit::{fit, ORDINARY_SCORE};
    let path = format!(
        "{}/tests/trust/logistic_regression.deriv",
        env!("CARGO_MANIFEST_DIR")
    );
    let problem = parse_problem(&std::fs::read_to_string(path).expect("reads")).expect("parses");
    let z = parse_expr("z").expect("parses");
    let opts = SampleOptions::default();
    for mut inst in instances(&problem, 7, &opts).expect("draws") {
        fit(&problem, &mut inst);
        let score = Evaluator::new(&problem, &inst, &Assignment::new())
            .eval(&z)
            .expect("finite")
            .abs()
            .to_f64();
        let bound = match inst.regime {
            Regime::Ordinary => ORDINARY_SCORE,
            _ => inst.extreme,
        };
        assert!(
            score <= bound * (1.0 + 1e-9),
            "{:?}: |z| = {score}",
            inst.regime
        );
        if inst.regime == Regime::Extreme {
            assert!(score >= bound / 2.0, "extreme regime, |z| = {score}");
        }
    }
}

/// Item 2: the default sizes include 1 for every range, and a derivation whose intermediate
/// lines have no value at `K = 1` (a chain rule through a constant softmax, an infinite slope)
/// still checks where it is defined.
#[test]
fn size_one_is_drawn_for_every_range() {
    use gradproof::check::sample::{instances, SampleOptions};
    let problem = parse_problem("index j in 1..K\nindex d in 1..D\nvar w_d real\nvar s_j real\n")
        .expect("parses");
    let drawn = instances(&problem, 0, &SampleOptions::default()).expect("draws");
    for upper in ["K", "D"] {
        assert!(drawn.iter().any(|i| i.size(upper) == Some(1)), "{upper}");
    }
    let (code, out) = {
        let path = format!("{}/derivations/focal.deriv", env!("CARGO_MANIFEST_DIR"));
        let o = run(&["check", &path]);
        (o.status.code(), stdout(&o))
    };
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("K=1") || out.contains("skipped"), "{out}");
}

/// Item 11: with no cancellation floor at all, the arbitrary-precision re-evaluation alone
/// finds the exact 0 of the extreme-logit steps equal to the noisy reference, and still finds a
/// false line false.
#[test]
fn the_precise_re_evaluation_decides_where_f64_cannot() {
    use gradproof::check::check_derivation;
    use gradproof::engine::{derive, Limits};
    let path = format!(
        "{}/tests/trust/exact_zero_at_extreme_logits.deriv",
        env!("CARGO_MANIFEST_DIR")
    );
    let problem = parse_problem(&std::fs::read_to_string(path).expect("reads")).expect("parses");
    let d = derive(&problem, Limits::default()).expect("derives");
    let opts = CheckOptions {
        tolerance: Tolerance {
            rel: 1e-8,
            cancellation: 0.0,
        },
        cross_check: false,
        sizes: vec![2, 3],
        random_sizes: 0,
        ..CheckOptions::default()
    };
    let report = check_derivation(&problem, &d, &opts);
    assert!(report.ok(), "{:#?}", report.first_failure());
    assert!(
        report.steps.iter().any(|s| s.precise_samples > 0),
        "no sample needed the precise re-evaluation"
    );
    // The same chain with the last line doubled is false.
    let last = d.result().clone();
    let doubled = gradproof::syntax::expr::mul(vec![gradproof::Expr::int(2), last.clone()]);
    let lines = gradproof::check::check_lines(&problem, &d.goal, &[last, doubled], &opts);
    assert_eq!(lines.first_false(), Some(2), "{:#?}", lines.steps[1].status);
}

/// Item 11: the arbitrary-precision evaluator agrees with every line of the reference
/// derivation, and tells a factor of 2 apart.
#[test]
fn the_precise_evaluator_agrees_with_the_reference_derivation() {
    use gradproof::check::eval_precise::agree_precisely;
    use gradproof::check::sample::{instances, SampleOptions};
    use gradproof::engine::{derive, Limits};
    let text = include_str!("../derivations/softmax_cross_entropy.deriv");
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("derives");
    let opts = SampleOptions {
        sizes: vec![1, 3],
        random_sizes: 0,
        ..SampleOptions::default()
    };
    let twice = gradproof::syntax::expr::mul(vec![gradproof::Expr::int(2), d.goal.clone()]);
    for inst in instances(&problem, 3, &opts).expect("draws") {
        let free: gradproof::check::eval::Assignment = [("k".to_string(), 1)].into();
        for line in d.lines() {
            // Not closer than 1e-12: the sampled `q` sums to 1 only to `f64` rounding.
            let same = agree_precisely(&problem, &inst, &free, line, &d.goal, 1e-12);
            assert_eq!(same, Some(true), "{line:?} at {:?}", inst.regime);
        }
        // The gradient is p_k - q_k, not 0: twice it differs (at K = 1 both are 0).
        let k = inst.size("K").expect("K");
        let differs = agree_precisely(&problem, &inst, &free, &twice, &d.goal, 1e-12);
        assert_eq!(differs, Some(k == 1), "K = {k}");
    }
}
