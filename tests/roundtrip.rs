//! The law: printing in the input syntax and parsing back gives an equal tree.

mod common;

use gradproof::parse::parse_expr;
use gradproof::render::to_input;
use proptest::prelude::*;

/// Every formula of the blog post, written in the input syntax.
const POST: &[&str] = &[
    "-log(p_y)",
    "exp(s_j) / sum_m exp(s_m)",
    "sum_j d(L)/d(p_j) * d(p_j)/d(s_k)",
    "-1/p_y",
    "p_j*(delta(j,k) - p_k)",
    "p_k*(1 - p_k)",
    "-p_j*p_k",
    "sum_j (-q_j/p_j) * p_j*(delta(j,k) - p_k)",
    "-q_j/p_j",
    "sum_j (-q_j)*(delta(j,k) - p_k)",
    "-sum_j q_j*delta(j,k) + p_k*sum_j q_j",
    "p_k - q_k",
    "p_y - 1",
    "sum_k (p_k - q_k)",
    "d(L)/d(p_y) * d(p_y)/d(s_y)",
    "(-1/p_y) * p_y*(1 - p_y)",
    "-sum_j q_j * log(p_j)",
    "1/2 * sum_j (p_j - q_j)^2",
    "-(1 - p_y)^gamma * log(p_y)",
    "x/y^2",
    "1/x^(1/2)",
    "sqrt(x)^-1",
];

fn round_trip(text: &str) {
    let once = parse_expr(text).unwrap_or_else(|e| panic!("{text}: {e:#}"));
    let printed = to_input(&once);
    let twice =
        parse_expr(&printed).unwrap_or_else(|e| panic!("{text} printed as {printed}: {e:#}"));
    assert_eq!(once, twice, "{text} printed as {printed}");
}

#[test]
fn the_posts_formulas_round_trip() {
    for f in POST {
        round_trip(f);
    }
}

#[test]
fn the_round_trip_check_can_fail() {
    // Two different trees: the comparison the law relies on tells them apart.
    assert_ne!(parse_expr("a - b - c").ok(), parse_expr("a - (b - c)").ok());
    assert_ne!(
        parse_expr("sum_j a_j*b + c").ok(),
        parse_expr("sum_j (a_j*b + c)").ok()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_trees_round_trip(e in common::arb_expr()) {
        let printed = to_input(&e);
        let once = parse_expr(&printed);
        // A tree with a literal undefined subterm (`log(0)`, `0^(-1)`) is refused, rightly.
        if let Err(err) = &once {
            if matches!(err.kind(), gradproof::parse::ErrorKind::Undefined { .. }) {
                prop_assert!(common::has_literal_undefined(&e), "{printed}: {err}");
                return Ok(());
            }
        }
        prop_assert!(once.is_ok(), "{printed} does not parse: {:?}", once.err());
        let once = once.unwrap_or_else(|_| unreachable!());
        let again = to_input(&once);
        let twice = parse_expr(&again);
        prop_assert_eq!(Some(&once), twice.as_ref().ok(), "{} -> {}", printed, again);
    }
}
