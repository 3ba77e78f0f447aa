//! The cancellation report: whether the loss piece's 1/p cancels, the shape of the result, and
//! the true-class gradient as its probability falls.

mod common;

use gradproof::analysis::cancellation::{analyse, Cancellation, Shape, Trend};
use gradproof::engine::trace::Derivation;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;

fn derived(file: &str) -> (Problem, Derivation) {
    let text = std::fs::read_to_string(format!("derivations/{file}.deriv")).expect("readable");
    let problem = parse_problem(&text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    (problem, d)
}

fn report(file: &str) -> Cancellation {
    let (problem, d) = derived(file);
    analyse(&problem, &d)
}

/// `e` read in `file`'s context.
fn read(file: &str, e: &str) -> Expr {
    let text = std::fs::read_to_string(format!("derivations/{file}.deriv")).expect("readable");
    let decls: String = text
        .lines()
        .filter(|l| !l.starts_with("expect"))
        .map(|l| format!("{l}\n"))
        .collect();
    parse_problem(&format!("{decls}expect {e}\n"))
        .expect("parses")
        .expect
        .expect("expect line")
        .0
}

fn gradients(c: &Cancellation) -> Vec<f64> {
    let tc = c.true_class.as_ref().expect("a true-class report");
    tc.points.iter().map(|(_, g)| g.expect("reached")).collect()
}

#[test]
fn cross_entropy_cancels_and_stays_bounded() {
    let c = report("softmax_cross_entropy");
    assert_eq!(
        c.loss_piece,
        Some(read("softmax_cross_entropy", "-q_j/p_j"))
    );
    assert!(c.loss_piece_divides);
    assert_eq!(c.cancelled, Some(true));
    assert_eq!(c.cancelled_at_step, Some(3));
    match &c.shape {
        Shape::Gap { scale, target } => {
            assert!(scale.is_one());
            assert_eq!(target, &read("softmax_cross_entropy", "q_k"));
        }
        other => panic!("expected the gap, got {other:?}"),
    }
    // p - 1 on the true class.
    for (g, p) in gradients(&c).iter().zip([0.5, 0.1, 0.01, 0.001]) {
        assert!((g - (p - 1.0)).abs() < 1e-9, "{g} at {p}");
    }
    assert!(
        matches!(c.true_class.expect("report").trend, Trend::Bounded(v) if (v + 0.999).abs() < 1e-6)
    );
}

#[test]
fn squared_error_has_nothing_to_cancel_and_vanishes() {
    let c = report("squared_error");
    assert!(!c.loss_piece_divides);
    assert_eq!(c.cancelled, None);
    assert!(matches!(c.shape, Shape::Beyond { .. }), "{:?}", c.shape);
    let g = gradients(&c);
    assert!(g[3].abs() < 2e-3, "{g:?}");
    assert!(g[3].abs() < g[0].abs() / 50.0, "{g:?}");
    assert_eq!(c.true_class.expect("report").trend, Trend::Vanishing);
}

/// Issue #21: the hinge loss switches off. At the fixed instance (10 classes, other scores 0) the
/// true class's gradient is 0 while its score beats the others by the margin 1 (p = 0.5 needs
/// the score ln 9 > 1), then minus the number of violated margins, all 9 of them.
#[test]
fn the_hinge_loss_switches_off() {
    let c = report("multiclass_hinge");
    assert_eq!(c.cancelled, None);
    let g = gradients(&c);
    assert_eq!(g[0], 0.0, "{g:?}");
    for v in &g[1..] {
        assert!((v + 9.0).abs() < 1e-9, "{g:?}");
    }
    assert!(
        matches!(c.true_class.expect("report").trend, Trend::SwitchesOff(v) if (v + 9.0).abs() < 1e-9)
    );
    // Cross-entropy's gradient is never exactly 0 there: it does not switch off.
    let ce = report("softmax_cross_entropy");
    assert!(!matches!(
        ce.true_class.expect("report").trend,
        Trend::SwitchesOff(_)
    ));
}

#[test]
fn a_temperature_scales_the_gap() {
    let c = report("temperature");
    match &c.shape {
        Shape::Gap { scale, target } => {
            assert_eq!(scale, &read("temperature", "1/T"));
            assert_eq!(target, &read("temperature", "q_k"));
        }
        other => panic!("expected a scaled gap, got {other:?}"),
    }
}

#[test]
fn label_smoothing_pulls_towards_the_smoothed_target() {
    let c = report("label_smoothing");
    match &c.shape {
        Shape::Gap { target, .. } => {
            let (problem, _) = derived("label_smoothing");
            assert!(gradproof::analysis::normal::equivalent(
                target,
                &read("label_smoothing", "(1 - eps)*q_k + eps/K"),
                &problem
            ));
        }
        other => panic!("expected the gap, got {other:?}"),
    }
}

/// Softmax written as the gradient of log-sum-exp: the true-class report evaluates derivative
/// nodes with respect to the very entry it drives (a regression: it once gave `n/a` here).
#[test]
fn a_probability_defined_by_a_derivative_is_driven_too() {
    let text = "index j, k, m in 1..K
        var s_j real
        var q_j distribution
        let A = log(sum_m exp(s_m))
        let p_j = d(A)/d(s_j)
        let L = -sum_j q_j * log(p_j)
        derive d(L)/d(s_k) via p_j";
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    let c = analyse(&problem, &d);
    for (g, p) in gradients(&c).iter().zip([0.5, 0.1, 0.01, 0.001]) {
        assert!((g - (p - 1.0)).abs() < 1e-9, "{g} at {p}");
    }
}

#[test]
fn a_surviving_reciprocal_is_reported() {
    // The analysis must be able to say "not cancelled": replace the result by one that still
    // divides by p.
    let (problem, mut d) = derived("softmax_cross_entropy");
    let last = d.steps.len() - 1;
    d.steps[last].expr = read("softmax_cross_entropy", "p_k - q_k/p_k");
    let c = analyse(&problem, &d);
    assert_eq!(c.cancelled, Some(false));
    assert!(matches!(c.shape, Shape::Beyond { .. }));
}

#[test]
fn compare_lines_the_losses_up() {
    let out = common::run(&[
        "compare",
        "derivations/softmax_cross_entropy.deriv",
        "derivations/squared_error.deriv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row {name}: {text}"))
            .to_string()
    };
    assert!(row("softmax_cross_entropy").contains("-0.9990"), "{text}");
    assert!(row("softmax_cross_entropy").contains("bounded"), "{text}");
    assert!(row("squared_error").contains("vanishing"), "{text}");
    // "none": the loss piece does not divide by p, nothing to cancel.
    assert!(row("squared_error").contains("none"), "{text}");
}
