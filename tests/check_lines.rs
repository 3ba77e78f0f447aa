//! `expect` checks, hand-written `show` lines, and the no-false-alarm property.

mod check_support;

use check_support::*;
use gradproof::check::eval::LogNum;
use gradproof::check::sample::draw;
use gradproof::check::{
    check_derivation, check_expect, check_lines, CheckOptions, Status, Tolerance,
};
use gradproof::syntax::expr::{add, mul, neg};
use gradproof::Expr;
use std::time::Instant;

#[test]
fn a_true_expect_passes_and_a_false_one_fails() {
    let problem = softmax_problem();
    let opts = CheckOptions::default();
    assert!(check_expect(&problem, &expected(), &expected(), &opts).ok());
    // The same value written differently.
    let other = neg(add(vec![x("q", "k"), neg(x("p", "k"))]));
    assert!(check_expect(&problem, &expected(), &other, &opts).ok());
    // The derivation's goal against the expectation: the reference itself.
    assert!(check_expect(&problem, &goal(), &expected(), &opts).ok());
    for wrong in [
        add(vec![x("p", "k"), x("q", "k")]),
        x("p", "k"),
        add(vec![
            expected(),
            Expr::Num(gradproof::Rational::new(1, 1000).expect("1/1000")),
        ]),
    ] {
        let report = check_expect(&problem, &expected(), &wrong, &opts);
        assert!(!report.ok());
        assert_eq!(report.first_false(), Some(1));
        assert_eq!(report.steps[0].title, "expect");
    }
}

#[test]
fn show_lines_report_the_first_false_line_with_a_reproducible_counterexample() {
    let problem = softmax_problem();
    let opts = CheckOptions::default();
    let mut lines = main_lines();
    assert!(check_lines(&problem, &goal(), &lines, &opts).ok());
    lines[5] = mul(vec![x("p", "k"), sum_over("j", x("q", "j"))]); // dropped "- sum q_j delta"
    let report = check_lines(&problem, &goal(), &lines, &opts);
    assert_eq!(report.first_false(), Some(6));
    let Status::Fail(cx) = &report.steps[5].status else {
        panic!("line 6 should be false")
    };
    // The smallest size is tried first.
    assert_eq!(Some(&cx.at.sizes["K"]), opts.sizes.iter().min());
    // The counterexample is reproduced from what it reports: drawn, then fitted to its regime.
    let mut again = draw(
        &problem,
        &cx.at.sizes,
        cx.at.seed,
        cx.at.regime,
        cx.at.extreme,
    )
    .expect("draws");
    gradproof::check::sample_fit::fit(&problem, &mut again);
    assert_eq!(again.values, cx.at.inputs);
    let v = gradproof::check::eval::eval(&lines[5], &problem, &again, &cx.at.free).expect("finite");
    assert_eq!(v, cx.value);
    // The line after it is true again.
    assert!(report.steps[6].status.is_pass());
}

#[test]
fn tolerance_is_relative() {
    let t = Tolerance::STEP;
    let n = |x: f64| LogNum::from_f64(x).expect("finite");
    assert!(t.compare(n(1.0), n(1.0 + 1e-12)).equal);
    assert!(!t.compare(n(1.0), n(1.0 + 1e-6)).equal);
    // No absolute tolerance: a small value that no cancellation produced is not 0 (issue 12,
    // item 1; the floor for cancelled terms is tested in tests/trust_checker.rs).
    assert!(!t.compare(n(1e-13), n(0.0)).equal);
    assert!(!t.compare(n(1e-6), n(0.0)).equal);
    assert!(t.compare(n(1e30), n(1e30 * (1.0 + 1e-10))).equal);
    // Beyond f64, compared in log space.
    let big = n(1000.0).exp().expect("e^1000");
    let bigger = n(1000.001).exp().expect("e^1000.001");
    assert!(t.compare(big, big).equal);
    assert!(!t.compare(big, bigger).equal);
}

#[test]
fn no_false_alarm_over_a_thousand_instances() {
    let problem = softmax_problem();
    let opts = CheckOptions {
        seed: 2024,
        samples: 250,
        cross_check: false,
        ..CheckOptions::default()
    };
    let started = Instant::now();
    let report = check_lines(&problem, &goal(), &main_lines(), &opts);
    let elapsed = started.elapsed();
    assert_eq!(
        report.instances,
        opts.sizes.len() * opts.samples + opts.random_sizes
    );
    assert!(report.ok(), "{:#?}", report.first_failure());
    let worst = report
        .steps
        .iter()
        .map(|s| s.max_error_ratio)
        .fold(0.0, f64::max);
    let abs = report
        .steps
        .iter()
        .map(|s| s.max_abs_error)
        .fold(0.0, f64::max);
    eprintln!(
        "1000 instances, {} samples per line: {elapsed:?}; worst error {abs:e} ({worst:e} of the tolerance)",
        report.goal.samples
    );
    // A wide margin, not a near miss.
    assert!(worst < 1e-3, "{worst}");
    // The lemmas too, with two free indices (fewer instances: every (j, k) pair is checked).
    let few = CheckOptions {
        samples: 25,
        ..opts
    };
    for lemma in [lemma_dl_dp(), lemma_dp_ds()] {
        let lines: Vec<Expr> = lemma.steps.iter().map(|s| s.expr.clone()).collect();
        let r = check_lines(&problem, &lemma.goal, &lines, &few);
        assert!(r.ok(), "{:#?}", r.first_failure());
    }
}

#[test]
fn far_beyond_fifty_the_reference_stays_exact() {
    let problem = softmax_problem();
    let opts = CheckOptions {
        extreme: 2000.0,
        ..CheckOptions::default()
    };
    let report = gradproof::check::check_derivation(&problem, &post_derivation(), &opts);
    assert!(report.ok(), "{:#?}", report.first_failure());
}

#[test]
fn an_undeclared_free_index_makes_every_line_invalid() {
    let problem = softmax_problem();
    let report = check_lines(
        &problem,
        &x("p", "z"),
        &[x("p", "z")],
        &CheckOptions::default(),
    );
    assert!(!report.ok());
    assert!(report
        .lines()
        .all(|s| matches!(s.status, Status::Invalid { .. })));
}

#[test]
fn a_parsed_show_block_reports_its_false_line() {
    let text = "index j, k, m in 1..K
var s_j real
var q_j distribution
let p_j = exp(s_j) / sum_m exp(s_m)
let L = -sum_j q_j * log(p_j)
show d(L)/d(s_k)
  = sum_j d(L)/d(p_j) * d(p_j)/d(s_k)
  = sum_j (-q_j/p_j) * p_j * (delta(j,k) - p_k)
  = sum_j q_j * (delta(j,k) - p_k)
  = p_k - q_k
";
    let problem = gradproof::parse::parse_problem(text).expect("parses");
    let show = problem.show.as_ref().expect("a show block");
    let report = gradproof::check::check_show(&problem, show, &CheckOptions::default());
    // Line 3 drops the minus sign; line 4 is true again.
    assert_eq!(
        report.first_false(),
        Some(3),
        "{:#?}",
        report.first_failure()
    );
    assert!(report.steps[3].status.is_pass());
    assert_eq!(show.lines[2].pos.line, 9);
}

/// Instances are checked on several threads; the report (counts, largest errors, and which
/// counterexample is reported for a false line) is the same on any number of them.
#[test]
fn the_report_is_the_same_on_any_number_of_threads() {
    let problem = softmax_problem();
    let mut lines = main_lines();
    // A line false at most instances, so that which counterexample comes first matters.
    lines[3] = add(vec![lines[3].clone(), mul(vec![x("p", "k"), x("p", "k")])]);
    let report = |threads: usize| {
        let opts = CheckOptions {
            threads,
            ..CheckOptions::default()
        };
        (
            check_lines(&problem, &goal(), &lines, &opts),
            check_derivation(&problem, &post_derivation(), &opts),
        )
    };
    let (lines_one, derivation_one) = report(1);
    assert_eq!(lines_one.first_false(), Some(4));
    assert!(derivation_one.ok());
    // The counterexample is the first false sample in sampling order (instance, then the
    // values of `k`), found here by evaluating the line directly.
    let opts = CheckOptions::default();
    let sample_opts = gradproof::check::sample::SampleOptions {
        sizes: opts.sizes.clone(),
        per_size: opts.samples,
        extreme: opts.extreme,
        random_sizes: opts.random_sizes,
        max_size: opts.max_size,
    };
    let first = gradproof::check::sample::instances(&problem, opts.seed, &sample_opts)
        .expect("draws")
        .into_iter()
        .find_map(|inst| {
            (1..=inst.size("K").expect("sized")).find_map(|k| {
                let free: gradproof::check::eval::Assignment = [("k".to_string(), k)].into();
                let at = |e: &Expr| gradproof::check::eval::eval_lognum(e, &problem, &inst, &free);
                let (line, reference) = (at(&lines[3]).ok()?, at(&goal()).ok()?);
                let equal = opts.tolerance.compare(line, reference).equal;
                (!equal).then_some((inst.seed, k))
            })
        })
        .expect("the line is false somewhere");
    let Status::Fail(cx) = &lines_one.steps[3].status else {
        panic!("line 4 fails: {:?}", lines_one.steps[3].status);
    };
    assert_eq!((cx.at.seed, cx.at.free["k"]), first);
    for threads in [2, 3, 7, 0] {
        let (lines_many, derivation_many) = report(threads);
        assert_eq!(lines_many, lines_one, "threads = {threads}");
        assert_eq!(derivation_many, derivation_one, "threads = {threads}");
    }
}
