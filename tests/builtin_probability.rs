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

/// The report of a file with `loss` differentiated by `w_k` (the letters of [`logit_of`]): its
/// probability, the true-class gradients of the sweep and the trend.
fn report_of(loss: &str, z: &str) -> (Option<String>, Vec<Option<f64>>, String) {
    let src = format!(
        "index i, k in 1..D\nvar w_i real\nvar x_i real\nvar t unit\n\
         let z = {z}\nlet R = {loss}\nderive d(R)/d(w_k)\n"
    );
    let problem = parse_problem(&src).expect("a valid file");
    let d = gradproof::engine::derive(&problem, gradproof::engine::Limits::default())
        .expect("a derive line");
    let c = gradproof::analysis::cancellation::analyse(&problem, &d);
    let tc = c.true_class.expect("a sweep");
    (
        c.probability.map(|p| p.to_string()),
        tc.points.iter().map(|(_, g)| *g).collect(),
        tc.trend.to_string(),
    )
}

#[test]
fn every_order_and_spelling_of_binary_cross_entropy_sweeps_the_same_class() {
    // The sweep's targets sit at class 1 (t = 1): the true class's probability is sigmoid(z)
    // whichever term comes first. Before the orientation, the swapped orders swept the other
    // class's probability and read "vanishing".
    let z = "sum_i w_i*x_i";
    let spellings = [
        "-(t*log(sigmoid(z)) + (1 - t)*log(1 - sigmoid(z)))",
        "-((1 - t)*log(1 - sigmoid(z)) + t*log(sigmoid(z)))",
        "(1 - t)*softplus(z) + t*softplus(-z)",
        "softplus(z) - t*z",
    ];
    // tests/oracles/sweep_oracle.py, bce_letters: the same loss at the same instance.
    let oracle = [-0.5, -0.9, -0.99, -0.999];
    for loss in spellings {
        let (p, points, trend) = report_of(loss, z);
        assert_eq!(p.as_deref(), Some("sigmoid(z)"), "{loss}");
        for (g, want) in points.iter().zip(oracle) {
            let g = g.unwrap_or_else(|| panic!("{loss}: a number at every target"));
            assert!((g - want).abs() < 1e-6, "{loss}: {g} vs {want}");
        }
        assert!(trend.starts_with("bounded"), "{loss}: {trend}");
    }
}

#[test]
fn a_logit_under_a_sum_is_not_taken_out_of_it() {
    // A multi-output BCE: the log sigmoid terms sit under `sum_m`, their logit `z_m` speaks of
    // the sum's own index. Taken out, it would print as `z_{?0}`: the rule passes it by.
    let src = "index i, k in 1..D\nindex m, j in 1..M\nvar w_{j,i} real\nvar x_i real\n\
               var y_m unit\nlet z_j = sum_i w_{j,i}*x_i\n\
               let L = -sum_m (y_m*log(sigmoid(z_m)) + (1 - y_m)*log(1 - sigmoid(z_m)))\n\
               derive d(L)/d(w_{j,k})\n";
    let problem = parse_problem(src).expect("a valid file");
    assert_eq!(builtin_probability(&problem), None);
    // Outside a sum the same spelling is found.
    assert_eq!(
        logit_of("-log(sigmoid(z))").as_deref(),
        Some("z"),
        "the rule itself still fires"
    );
}

#[test]
fn a_probability_that_rises_and_falls_with_the_drive_gets_no_numbers() {
    // p = sigmoid(w_1 x_1 exp(−(w_1 x_1)²)) rises, then falls back to 1/2 as w_1 grows: a
    // bisection on the drive's range would find p = 1/2 at a saturated drive (gradient 0), and
    // a reach from three samples would claim a floor of 1/2 (the true floor is
    // sigmoid(−1/sqrt(2e)) ≈ 0.394). The sweep says "unknown" instead.
    let bent = report_of("-log(sigmoid(z))", "sum_i w_i*x_i*exp(-(w_i*x_i)^2)");
    assert!(bent.1.iter().all(Option::is_none), "{bent:?}");
    assert_eq!(bent.2, "unknown");
    // The same loss on a logit that moves one way gets its numbers.
    let straight = report_of("-log(sigmoid(z))", "sum_i w_i*x_i*exp(-(x_i)^2)");
    assert!(straight.1.iter().all(Option::is_some), "{straight:?}");
}
