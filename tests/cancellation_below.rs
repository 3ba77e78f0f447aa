//! The cancellation report below the logits (#17): the gap at the logits and the factor the
//! chain carries it by, symbols of the file only, a true-class sweep with numbers, and "not
//! applicable" for a file without a probability. The fixtures are in
//! tests/fixtures/below_logits/; their closed forms and the sweep's values were checked by the
//! independent oracle tests/oracles/below_logits.py (mpmath central differences).

mod common;

use gradproof::analysis::cancellation::{analyse, Cancellation, Shape, Trend};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::cancellation::cancellation_text;
use gradproof::render::proof;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/below_logits/{name}.deriv")).expect("readable")
}

/// The report and its text for `text`.
fn report(text: &str) -> (Cancellation, String) {
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("derives");
    let c = analyse(&problem, &d);
    let t = cancellation_text(&c, &proof::options_for(&problem));
    (c, t)
}

/// The gradients of the sweep; the oracle gives p − 1 at each p (target one-hot at class 1).
fn sweep(c: &Cancellation) -> Vec<f64> {
    let tc = c.true_class.as_ref().expect("a sweep");
    tc.points
        .iter()
        .map(|(_, g)| g.expect("a number at every probability"))
        .collect()
}

#[test]
fn weights_and_embeddings_report_the_gap_and_its_weight() {
    for name in ["context_weights", "embedding"] {
        let (c, text) = report(&fixture(name));
        let below = c.below.as_ref().expect("below the logits");
        assert!(below.chain_holds, "{name}: {text}");
        assert!(
            matches!(&c.shape, Shape::Gap { scale, .. } if scale.is_one()),
            "{name}: {text}"
        );
        assert_eq!(c.cancelled, Some(true), "{name}");
        // Oracle (tests/oracles/below_logits.py): -0.5, -0.9, -0.99, -0.999.
        for (g, want) in sweep(&c).iter().zip([-0.5, -0.9, -0.99, -0.999]) {
            assert!((g - want).abs() < 1e-9, "{name}: {g} vs {want}");
        }
        assert!(matches!(
            c.true_class.as_ref().map(|t| t.trend),
            Some(Trend::Bounded(_))
        ));
    }
    let (_, text) = report(&fixture("context_weights"));
    insta::assert_snapshot!(text);
}

#[test]
fn no_invented_symbols() {
    // Every subscripted symbol printed is one the file declares, at one of its letters.
    for name in ["context_weights", "embedding"] {
        let src = fixture(name);
        let (_, text) = report(&src);
        let problem = parse_problem(&src).expect("parses");
        let names: Vec<String> = problem
            .vars
            .iter()
            .map(|v| v.symbol.name.to_string())
            .chain(problem.defs.iter().map(|d| d.symbol.name.to_string()))
            .collect();
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if let Some((base, sub)) = word.split_once('_') {
                assert!(
                    base == "Σ" || names.iter().any(|n| n == base),
                    "{name}: `{word}` in {text}"
                );
                // Each subscript letter is an index the file declares (`p_cd` would fail).
                for letter in sub.chars() {
                    assert!(
                        problem.indices.iter().any(|i| i.name == letter.to_string()),
                        "{name}: `{word}` in {text}"
                    );
                }
            }
        }
    }
}

#[test]
fn renaming_gives_the_same_report() {
    let src = fixture("context_weights");
    let renamed = common::rename(
        &src,
        &[
            ("v", "w"),
            ("x", "c"),
            ("t", "q"),
            ("z", "s"),
            ("r", "p"),
            ("R", "L"),
            ("a", "k"),
            ("b", "m"),
            ("e", "d"),
        ],
    );
    let (c, _) = report(&renamed);
    let (c0, _) = report(&src);
    assert_eq!(sweep(&c), sweep(&c0));
    assert!(c.below.expect("below").chain_holds);
}

#[test]
fn a_file_without_a_probability_is_not_applicable() {
    let (c, text) = report(&fixture("layer_norm_free"));
    assert!(c.true_class.is_none() && c.below.is_none(), "{text}");
    assert!(text.contains("not applicable"), "{text}");
}

#[test]
fn an_unnormalised_softmax_is_not_a_probability() {
    // exp(z_a) / Σ_b exp(z_b) with the sum's body changed: not a normalised vector any more.
    let src = fixture("context_weights")
        .replace(
            "let r_a = exp(z_a) / sum_b exp(z_b)",
            "let r_a = exp(z_a) / sum_b exp(2*z_b)",
        )
        .replace("expect sum_a (r_a - t_a) * x_{a,e}\n", "");
    let (c, text) = report(&src);
    assert!(c.below.is_none() && c.true_class.is_none(), "{text}");
}
