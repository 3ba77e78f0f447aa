//! Faults injected into the engine's own derivation of the reference case are each caught by the
//! numeric check at the step where they are injected; the correct derivations raise no false
//! alarm over many random instances.

mod common;

use gradproof::check::{check_derivation, CheckOptions, CheckReport, Status};
use gradproof::engine::trace::Derivation;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;

const REFERENCE: &str = include_str!("../derivations/softmax_cross_entropy.deriv");

fn reference() -> (Problem, Derivation) {
    let problem = parse_problem(REFERENCE).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    (problem, d)
}

/// `e` read in the reference file's context.
fn read(e: &str) -> Expr {
    let decls = REFERENCE.replace("expect p_k - q_k", "");
    parse_problem(&format!("{decls}expect {e}\n"))
        .expect("parses")
        .expect
        .expect("expect line")
        .0
}

fn first_failure(report: &CheckReport) -> Option<usize> {
    report.first_failure().map(|s| s.number)
}

/// Replaces main step `step` (1-based) by `wrong` and returns the number of the first failing
/// line.
fn inject(step: usize, wrong: &str) -> Option<usize> {
    let (problem, mut d) = reference();
    d.steps[step - 1].expr = read(wrong);
    first_failure(&check_derivation(&problem, &d, &CheckOptions::default()))
}

#[test]
fn the_unmutated_derivation_passes() {
    let (problem, d) = reference();
    let report = check_derivation(&problem, &d, &CheckOptions::default());
    assert!(report.ok(), "{report:#?}");
}

#[test]
fn a_sign_flip_is_caught_where_it_is_injected() {
    assert_eq!(inject(3, "sum_j q_j*(delta(j,k) - p_k)"), Some(3));
    assert_eq!(inject(6, "q_k - p_k"), Some(6));
}

#[test]
fn an_index_swap_is_caught_where_it_is_injected() {
    // p_k turned into p_j inside the sum.
    assert_eq!(inject(3, "sum_j -q_j*(delta(j,k) - p_j)"), Some(3));
}

#[test]
fn a_dropped_term_is_caught_where_it_is_injected() {
    assert_eq!(inject(4, "p_k*sum_j q_j"), Some(4));
}

#[test]
fn a_changed_constant_is_caught_where_it_is_injected() {
    assert_eq!(
        inject(4, "-2*sum_j q_j*delta(j,k) + p_k*sum_j q_j"),
        Some(4)
    );
}

#[test]
fn a_delta_selecting_the_wrong_index_is_caught_where_it_is_injected() {
    // In the softmax piece, delta(m,k) selects m = k; selecting m = j instead is wrong.
    let (problem, mut d) = reference();
    let lemma = &mut d.steps[1].lemmas[1];
    assert_eq!(lemma.steps[2].title, "the delta selects one term");
    lemma.steps[2].expr =
        read("(exp(s_j)*delta(j,k)*sum_m exp(s_m) - exp(s_j)*exp(s_j))/(sum_m exp(s_m))^2");
    let report = check_derivation(&problem, &d, &CheckOptions::default());
    assert!(!report.ok());
    let lemma_report = &report.steps[1].lemmas[1];
    assert_eq!(first_failure(lemma_report), Some(3));
    // The main line that substitutes the (correct) lemma result still passes.
    assert!(report.steps[1].status.is_pass());
}

#[test]
fn no_false_alarm_over_many_instances_of_every_derivation() {
    // 4 sizes x 250 instances = 1,000 instances per derivation, each at every free-index value.
    let opts = CheckOptions {
        samples: 250,
        cross_check: false,
        ..CheckOptions::default()
    };
    for (path, text) in common::derivation_files() {
        let problem = parse_problem(&text).expect("parses");
        let Some(d) = derive(&problem, Limits::default()) else {
            continue;
        };
        let report = check_derivation(&problem, &d, &opts);
        for line in report.lines() {
            assert!(
                matches!(line.status, Status::Pass),
                "{}: line {} {:?}",
                path.display(),
                line.number,
                line.status
            );
            assert!(line.max_abs_error.is_finite(), "{}", path.display());
        }
        assert!(report.ok(), "{}", path.display());
    }
}
