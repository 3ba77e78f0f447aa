//! The per-step checker on the post's derivation: the correct one passes, and every injected
//! error is caught at the step where it was injected.

mod check_support;

use check_support::*;
use gradproof::check::{check_derivation, Against, CheckOptions, CheckReport, Status};
use gradproof::syntax::expr::{mul, neg, sub};
use gradproof::{Expr, Index, Rational};
use std::time::Instant;

fn check(lines: Vec<Expr>) -> CheckReport {
    check_derivation(
        &softmax_problem(),
        &derivation_with(lines),
        &CheckOptions::default(),
    )
}

/// Asserts that exactly step `at` (1-based) of the main derivation is reported false.
fn assert_caught_at(report: &CheckReport, at: usize) {
    assert!(!report.ok());
    assert_eq!(report.first_false(), Some(at), "{report:#?}");
    for s in &report.steps {
        if s.number == at {
            let Status::Fail(cx) = &s.status else {
                panic!("step {at} should fail: {:?}", s.status)
            };
            assert_eq!(cx.against, Against::Reference);
            assert!(cx.at.sizes.contains_key("K") && !cx.at.inputs.is_empty());
            assert!(cx.abs_error > 1e-6 && (cx.value - cx.expected).abs() > 1e-6);
        } else {
            assert!(
                s.status.is_pass(),
                "step {} should pass: {:?}",
                s.number,
                s.status
            );
        }
    }
    // The step after the false one disagrees with it but agrees with the reference.
    if let Some(next) = report.steps.get(at) {
        assert!(next.disagreements_with_previous > 0);
    }
}

#[test]
fn the_post_derivation_passes_with_its_lemmas() {
    let started = Instant::now();
    let report = check_derivation(
        &softmax_problem(),
        &post_derivation(),
        &CheckOptions::default(),
    );
    let elapsed = started.elapsed();
    assert!(report.ok(), "{report:#?}");
    assert_eq!(report.steps.len(), 8);
    assert_eq!(report.free_indices, vec!["k".to_string()]);
    let opts = CheckOptions::default();
    let instances = gradproof::check::sample::instances(
        &softmax_problem(),
        opts.seed,
        &gradproof::check::sample::SampleOptions::default(),
    )
    .expect("draws");
    assert_eq!(report.instances, instances.len());
    // Every value of k at every instance, or `max_assignments` of them at large sizes.
    let values: usize = instances
        .iter()
        .map(|i| i.size("K").expect("K").min(opts.max_assignments))
        .sum();
    assert_eq!(report.goal.samples, values);
    for s in &report.steps {
        assert_eq!(s.samples, report.goal.samples);
        assert!(
            s.max_rel_error < 1e-10,
            "step {}: {}",
            s.number,
            s.max_rel_error
        );
    }
    let lemmas = &report.steps[0].lemmas;
    assert_eq!(lemmas.len(), 2);
    assert!(lemmas.iter().all(CheckReport::ok));
    // d(p_j)/d(s_k) has two free indices: every pair is checked, up to `max_assignments`.
    let pairs: usize = instances
        .iter()
        .map(|i| i.size("K").expect("K").pow(2).min(opts.max_assignments))
        .sum();
    assert_eq!(lemmas[1].goal.samples, pairs);
    let cc = report
        .cross_check
        .as_ref()
        .expect("the goal is a derivative");
    assert_eq!(cc.disagreements, 0, "{cc:?}");
    assert!(cc.samples > 0);
    eprintln!("default check of the post's derivation: {elapsed:?}");
}

#[test]
fn a_sign_flip_is_caught_where_injected() {
    let mut lines = main_lines();
    lines[2] = sum_over("j", mul(vec![x("q", "j"), sub(d("j", "k"), x("p", "k"))]));
    assert_caught_at(&check(lines), 3);
}

#[test]
fn an_index_swap_is_caught_where_injected() {
    // p_k turned into p_j inside the sum (the bound index captured).
    let mut lines = main_lines();
    lines[3] = sum_over(
        "j",
        sub(
            mul(vec![x("q", "j"), x("p", "j")]),
            mul(vec![x("q", "j"), d("j", "k")]),
        ),
    );
    assert_caught_at(&check(lines), 4);
}

#[test]
fn a_free_index_swap_is_caught_where_injected() {
    // The result written with p_j instead of p_k: j becomes a free index and is enumerated.
    let mut lines = main_lines();
    lines[7] = sub(x("p", "j"), x("q", "k"));
    let report = check(lines);
    assert_caught_at(&report, 8);
    assert_eq!(report.free_indices, vec!["j".to_string(), "k".to_string()]);
}

#[test]
fn a_dropped_term_is_caught_where_injected() {
    let mut lines = main_lines();
    lines[4] = sum_over("j", mul(vec![x("q", "j"), x("p", "k")]));
    assert_caught_at(&check(lines), 5);
}

#[test]
fn a_changed_constant_is_caught_where_injected() {
    let mut lines = main_lines();
    let half = Expr::Num(Rational::new(1, 2).expect("1/2"));
    lines[5] = sub(
        mul(vec![half, x("p", "k"), sum_over("j", x("q", "j"))]),
        sum_over("j", mul(vec![x("q", "j"), d("j", "k")])),
    );
    assert_caught_at(&check(lines), 6);
}

#[test]
fn a_delta_selecting_the_wrong_index_is_caught_where_injected() {
    // delta(j, j) instead of delta(j, k): the "selection" keeps every j.
    let mut lines = main_lines();
    lines[3] = sum_over(
        "j",
        sub(
            mul(vec![x("q", "j"), x("p", "k")]),
            mul(vec![
                x("q", "j"),
                gradproof::syntax::expr::delta(Index::free("j"), Index::free("j")),
            ]),
        ),
    );
    assert_caught_at(&check(lines), 4);
}

#[test]
fn a_wrong_lemma_step_is_caught_in_the_lemma() {
    let mut proof = post_derivation();
    let lemma = &mut proof.steps[0].lemmas[1];
    // p_j * (delta(j,k) + p_k): a sign flip in the last step of the softmax Jacobian.
    lemma.steps[4].expr = mul(vec![
        x("p", "j"),
        gradproof::syntax::expr::add(vec![d("j", "k"), x("p", "k")]),
    ]);
    let report = check_derivation(&softmax_problem(), &proof, &CheckOptions::default());
    assert!(!report.ok());
    assert!(report.lines().all(|s| s.status.is_pass()));
    let lemmas = &report.steps[0].lemmas;
    assert!(lemmas[0].ok());
    assert_eq!(lemmas[1].first_false(), Some(5));
}

#[test]
fn a_wrong_chain_rule_is_caught_at_step_one() {
    // Forgetting the sum over j in the chain rule.
    let mut lines = main_lines();
    let p_k = gradproof::Symbol::indexed("p", &["k"]);
    let s_k = gradproof::Symbol::indexed("s", &["k"]);
    lines[0] = mul(vec![
        gradproof::syntax::expr::deriv(Expr::plain("L"), p_k.clone()),
        gradproof::syntax::expr::deriv(Expr::sym(p_k), s_k),
    ]);
    assert_caught_at(&check(lines), 1);
}

#[test]
fn a_domain_error_is_reported_as_such() {
    let mut lines = main_lines();
    lines[7] = gradproof::syntax::expr::func(
        gradproof::Func::Log,
        neg(mul(vec![x("p", "k"), x("p", "k")])),
    );
    let report = check(lines);
    assert!(!report.ok());
    let last = &report.steps[7];
    let Status::DomainError(failure) = &last.status else {
        panic!("expected a domain error, got {:?}", last.status)
    };
    assert!(failure.message.contains("log"), "{}", failure.message);
    assert!(failure.at.free.contains_key("k"));
    assert_eq!(report.first_false(), None);
    assert_eq!(report.first_failure().map(|s| s.number), Some(8));
}

#[test]
fn an_unknown_symbol_is_invalid_not_false() {
    let mut lines = main_lines();
    lines[7] = sub(x("p", "k"), x("r", "k"));
    let report = check(lines);
    assert!(matches!(report.steps[7].status, Status::Invalid { .. }));
    assert_eq!(report.first_false(), None);
}

#[test]
fn the_report_serialises_to_json() {
    let mut lines = main_lines();
    lines[2] = sum_over("j", mul(vec![x("q", "j"), sub(d("j", "k"), x("p", "k"))]));
    let report = check(lines);
    let json = serde_json::to_string(&report).expect("serialises");
    assert!(json.contains("\"status\":\"fail\""), "{json}");
    assert!(json.contains("\"against\":\"reference\""));
}
