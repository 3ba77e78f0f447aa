//! Issue #15: closed forms a person would write, as `input => final form`.
//!
//! Each final form below was written by hand from the mathematics and checked by the
//! independent oracle `tests/oracles/closed_forms.py` (mpmath central differences at 50 digits,
//! random points, every class), not copied from gradproof's output. A case passes when the
//! derived result is equal to the person's form symbolically (the normal form of `expect`) and
//! is no longer than it by the search's readability cost; `exact` cases must also be the
//! person's form itself, up to the order of terms and factors.

mod common;

use gradproof::analysis::normal::equivalent;
use gradproof::engine::search::cost;
use gradproof::engine::{canonical_order, derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;

fn result_of(text: &str) -> (Problem, Expr) {
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    (problem, d.result().clone())
}

/// `form` read in the context of `text`'s declarations (its sums get their ranges).
fn read_in(text: &str, form: &str) -> Expr {
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("expect"))
        .collect();
    let line = format!("expect {form}");
    lines.push(&line);
    let problem = parse_problem(&lines.join("\n")).expect("the person's form parses");
    problem.expect.expect("an expect line").0
}

/// Derives `text` and compares its result with the person's `form`.
fn closes(text: &str, form: &str, exact: bool) {
    let (problem, result) = result_of(text);
    let person = read_in(text, form);
    assert!(
        equivalent(&result, &person, &problem),
        "{result:?} is not equal to {form}"
    );
    assert!(
        cost(&result) <= cost(&person),
        "the result {result:?} (cost {}) is longer than {form} (cost {})",
        cost(&result),
        cost(&person)
    );
    if exact {
        assert_eq!(
            canonical_order(&result),
            canonical_order(&person),
            "the result is not the person's form {form}"
        );
    }
}

const REVERSE_KL: &str = include_str!("fixtures/closed/reverse_kl.deriv");
const ENTROPY_CE: &str = include_str!("fixtures/closed/entropy_ce.deriv");
const POLY1: &str = include_str!("fixtures/closed/poly1.deriv");
const LSE_EMBED: &str = include_str!("fixtures/closed/lse_embed.deriv");
const LOGISTIC_BATCH: &str = include_str!("fixtures/closed/logistic_batch.deriv");
const POLY1_SHOW: &str = include_str!("fixtures/closed/poly1_show.deriv");

#[test]
fn reverse_kl_uses_that_a_softmax_sums_to_one() {
    // Was `… + p_k − p_k Σ_j p_j`: the softmax `let` is now known to sum to one.
    closes(
        REVERSE_KL,
        "p_k*(log(p_k/q_k) - sum_j p_j*log(p_j/q_j))",
        true,
    );
}

#[test]
fn entropy_regularised_ce_uses_that_a_softmax_sums_to_one() {
    closes(
        ENTROPY_CE,
        "p_k - q_k + beta*p_k*(log(p_k) - sum_j p_j*log(p_j))",
        true,
    );
}

#[test]
fn poly1_is_the_gap_times_a_weight() {
    closes(POLY1, "(p_k - delta(y,k))*(1 + eps*p_y)", true);
}

#[test]
fn focal_is_the_gap_times_a_weight() {
    let text = std::fs::read_to_string("derivations/focal.deriv").unwrap();
    closes(
        &text,
        "(delta(y,k) - p_k)*(gamma*p_y*(1 - p_y)^(gamma - 1)*log(p_y) - (1 - p_y)^gamma)",
        true,
    );
}

#[test]
fn label_smoothing_is_as_short_as_the_smoothed_gap() {
    let text = std::fs::read_to_string("derivations/label_smoothing.deriv").unwrap();
    closes(&text, "p_k - ((1 - eps)*q_k + eps/K)", false);
}

#[test]
fn squared_error_is_no_longer_than_the_readme_form() {
    let text = std::fs::read_to_string("derivations/squared_error.deriv").unwrap();
    closes(
        &text,
        "p_k*(p_k - sum_j p_j^2 - q_k + sum_j q_j*p_j)",
        false,
    );
    closes(&text, "p_k*(p_k - q_k - sum_j p_j*(p_j - q_j))", false);
}

#[test]
fn temperature_is_the_gap_over_t() {
    let text = std::fs::read_to_string("derivations/temperature.deriv").unwrap();
    closes(&text, "(p_k - q_k)/T", true);
}

#[test]
fn a_softmax_folds_inside_a_sum_with_another_factor() {
    // `(Σ_m exp(s_m) c_md)/Σ_m exp(s_m)` with `s_m` itself a `let` (a sum): both fold.
    closes(LSE_EMBED, "sum_m p_m*c_{m,d}", true);
}

#[test]
fn the_logistic_complement_folds_inside_a_sum() {
    // `exp(-a_n)/(1 + exp(-a_n))` folds to `1 - sigma_n` under `Σ_n`, with `a_n` itself a `let`;
    // the two sums left merge.
    closes(LOGISTIC_BATCH, "sum_n (sigma_n - y_n)*x_n", true);
}

fn show_report(text: &str) -> gradproof::check::handwritten::ShowReport {
    let problem = parse_problem(text).unwrap();
    let show = problem.show.clone().expect("a show block");
    gradproof::check::handwritten::check_show_block(
        &problem,
        &show,
        &gradproof::check::CheckOptions::default(),
        Limits::default(),
    )
}

#[test]
fn a_hand_written_regrouping_is_named_by_its_rules() {
    let report = show_report(POLY1_SHOW);
    let rules: Vec<Option<Vec<&str>>> = report.lines.iter().map(|l| l.rules.clone()).collect();
    // Line 2 groups the terms of line 1; line 3 takes out the common factor.
    assert_eq!(rules[1], Some(vec!["group-terms"]));
    assert!(rules[2]
        .as_ref()
        .is_some_and(|r| r.contains(&"factor-common")));
    // A regrouping that changes the value is not connected, and is false.
    let wrong = POLY1_SHOW.replace(
        "= p_k*(1 + eps*p_y) - delta(y,k)*(1 + eps*p_y)",
        "= p_k*(1 + eps*p_y) - delta(y,k)*(1 + 2*eps*p_y)",
    );
    let report = show_report(&wrong);
    assert_eq!(report.lines[1].rules, None);
    assert!(!report.ok());
}

#[test]
fn expect_knows_that_a_softmax_sums_to_one() {
    // The normal form behind `expect` uses the same derived fact: a form with a leftover
    // `p_k - p_k Σ_j p_j` (which is 0) is equal to the result; with `2 p_k` it is not.
    let (problem, result) = result_of(REVERSE_KL);
    let leftover = "p_k*(log(p_k/q_k) - sum_j p_j*log(p_j/q_j)) + p_k - p_k*sum_j p_j";
    assert!(equivalent(
        &result,
        &read_in(REVERSE_KL, leftover),
        &problem
    ));
    let wrong = "p_k*(log(p_k/q_k) - sum_j p_j*log(p_j/q_j)) + 2*p_k - p_k*sum_j p_j";
    assert!(!equivalent(&result, &read_in(REVERSE_KL, wrong), &problem));
}

#[test]
fn a_wrong_final_form_is_refused() {
    // A factor of 2, a flipped sign and a dropped weight: none is equal to the result.
    for wrong in [
        "2*(p_k - delta(y,k))*(1 + eps*p_y)",
        "(delta(y,k) - p_k)*(1 + eps*p_y)",
        "p_k - delta(y,k)",
    ] {
        let (problem, result) = result_of(POLY1);
        let person = read_in(POLY1, wrong);
        assert!(!equivalent(&result, &person, &problem), "{wrong} accepted");
    }
}

#[test]
fn a_definition_not_normalised_over_its_index_does_not_sum_to_one() {
    // `exp(s_j)/Σ_m exp(2 s_m)` is positive but does not sum to one: the sum stays.
    let text = "index j, k, m in 1..K\nvar s_j real\nlet p_j = exp(s_j) / sum_m exp(2*s_m)\n\
                let L = sum_j p_j\nderive d(L)/d(s_k) via p_j\n";
    let (_, result) = result_of(text);
    assert!(
        format!("{result:?}").contains("Sum"),
        "Σ_j p_j was taken to be 1: {result:?}"
    );
    // A normalised definition of a term that may be negative is no distribution either.
    let text = "index j, k, m in 1..K\nvar s_j real\nlet p_j = s_j / sum_m s_m\n\
                let L = sum_j p_j\nderive d(L)/d(s_k) via p_j\n";
    let problem = parse_problem(text).unwrap();
    let ctx = gradproof::rules::Ctx::new(&problem);
    assert_eq!(
        gradproof::rules::derived::normalised_over(&problem.defs[0], &ctx),
        None
    );
}

#[test]
fn renaming_gives_the_same_closed_forms() {
    let table = [
        ("p", "w"),
        ("s", "z"),
        ("y", "t"),
        ("k", "a"),
        ("j", "b"),
        ("m", "n"),
        ("eps", "lam"),
        ("K", "C"),
    ];
    let renamed = common::rename(POLY1, &table);
    closes(
        &renamed,
        &common::rename("(p_k - delta(y,k))*(1 + eps*p_y)", &table),
        true,
    );
    let table = [
        ("p", "r"),
        ("c", "v"),
        ("x", "u"),
        ("m", "i"),
        ("e", "h"),
        ("s", "g"),
    ];
    let renamed = common::rename(LSE_EMBED, &table);
    closes(&renamed, &common::rename("sum_m p_m*c_{m,d}", &table), true);
}

#[test]
fn the_searched_proofs_replay() {
    use gradproof::check::{check_derivation, CheckOptions};
    use gradproof::documents::proof_json_checked;
    for text in [REVERSE_KL, ENTROPY_CE, POLY1, LSE_EMBED, LOGISTIC_BATCH] {
        let problem = parse_problem(text).unwrap();
        let d = derive(&problem, Limits::default()).unwrap();
        let report = check_derivation(&problem, &d, &CheckOptions::default());
        let json = proof_json_checked(&problem, &d, Some(&report));
        let verified = gradproof::verify::verify_json(&json, &CheckOptions::default());
        assert!(verified.is_ok(), "{:?}", verified.err());
    }
}
