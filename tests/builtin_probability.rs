//! The probability of a loss written with the built-in logistic functions
//! (src/analysis/builtin_probability.rs): every spelling of a log-probability is log sigmoid(v),
//! the first term wins, and `v` must depend on the variable.

use gradproof::analysis::builtin_probability::builtin_probability;
use gradproof::parse::{parse_expr, parse_problem};

/// The logit `v` the rule finds in a file with `loss` differentiated by `w_k`.
fn logit_of(loss: &str) -> Option<String> {
    let src = format!(
        "index i, k in 1..D\nvar w_i real\nvar x_i real\nvar c real\nvar t unit\n\
         let z = sum_i w_i*x_i\nlet R = {loss}\nderive d(R)/d(w_k)\n"
    );
    let problem = parse_problem(&src).expect("a valid file");
    builtin_probability(&problem).map(|b| {
        let expected = parse_expr(&format!("sigmoid({})", b.logit)).expect("parses");
        assert_eq!(b.probability, expected, "the probability is sigmoid(logit)");
        b.logit.to_string()
    })
}

#[test]
fn each_spelling_of_log_sigmoid_names_its_logit() {
    assert_eq!(logit_of("-log(sigmoid(z))").as_deref(), Some("z"));
    // log(1 − sigmoid(w)) = log sigmoid(−w).
    assert_eq!(logit_of("-log(1 - sigmoid(z))").as_deref(), Some("-z"));
    // softplus(−v) = −log sigmoid(v); softplus(w) = −log sigmoid(−w).
    assert_eq!(logit_of("softplus(-c*z)").as_deref(), Some("c*z"));
    assert_eq!(logit_of("softplus(z)").as_deref(), Some("-z"));
}

#[test]
fn the_first_term_wins() {
    // Binary cross-entropy: the class t = 1 marks, sigmoid(z), not the other class's.
    assert_eq!(
        logit_of("-(t*log(sigmoid(z)) + (1 - t)*log(1 - sigmoid(z)))").as_deref(),
        Some("z")
    );
    assert_eq!(
        logit_of("t*softplus(-z) + (1 - t)*softplus(z)").as_deref(),
        Some("z")
    );
}

#[test]
fn it_does_not_fire_without_a_log_probability_or_a_logit_that_moves() {
    // A sigmoid that is no log-probability (squared error on a sigmoid).
    assert_eq!(logit_of("(sigmoid(z) - t)^2/2"), None);
    // A log sigmoid whose argument does not depend on the variable: skipped for the next term.
    assert_eq!(logit_of("-log(sigmoid(c))"), None);
    assert_eq!(
        logit_of("-log(sigmoid(c)) - log(sigmoid(z))").as_deref(),
        Some("z")
    );
    // log(1 + sigmoid(z)) is no log-probability.
    assert_eq!(logit_of("-log(1 + sigmoid(z))"), None);
}

/// The report's cancellation answer for a fixture file.
fn cancelled(path: &str) -> (Option<bool>, Option<usize>) {
    let src = std::fs::read_to_string(path).expect("readable");
    let problem = parse_problem(&src).expect("a valid file");
    let d = gradproof::engine::derive(&problem, gradproof::engine::Limits::default())
        .expect("a derive line");
    let c = gradproof::analysis::cancellation::analyse(&problem, &d);
    (c.cancelled, c.cancelled_at_step)
}

#[test]
fn the_reciprocal_of_a_builtin_probability_is_followed_to_its_cancellation() {
    // log sigmoid(s) differentiates to sigmoid(s)(1 − sigmoid(s))/sigmoid(s) (the steps print s
    // unfolded): that reciprocal cancels, in the step that fires `cancel`.
    let (c, step) = cancelled("tests/fixtures/sweep/bce_letters.deriv");
    assert_eq!(c, Some(true));
    assert!(step.is_some());
    // The softplus spelling differentiates to a sigmoid directly: nothing divides, nothing to
    // answer; the same for tanh under softplus.
    assert_eq!(
        cancelled("tests/fixtures/sweep/bce_softplus.deriv"),
        (None, None)
    );
    assert_eq!(cancelled("derivations/tanh_softplus.deriv"), (None, None));
}
