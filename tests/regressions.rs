//! Inputs found by fuzzing (`fuzz/`) and by the limit hunt, kept as ordinary tests: each ran into
//! a panic, a hang, a blow-up or a broken law before it was fixed.

use gradproof::check::{check_derivation, CheckOptions};
use gradproof::engine::{derive, Limits};
use gradproof::normal;
use gradproof::parse::{parse_expr, parse_problem, ErrorKind};
use gradproof::render::{proof, to_input, to_latex};
use std::time::{Duration, Instant};

/// Parse → print → parse gives the same tree (the `parse_expr` fuzz target's law).
fn assert_round_trip(text: &str) {
    let e = parse_expr(text).unwrap_or_else(|err| panic!("{text:?}: {err}"));
    let printed = to_input(&e);
    let again = parse_expr(&printed).unwrap_or_else(|err| panic!("{printed:?}: {err}"));
    assert_eq!(again, e, "{text:?} printed as {printed:?}");
}

/// The whole pipeline of the `pipeline` fuzz target, with its small options; returns the time.
fn run_pipeline(text: &str) -> Duration {
    let start = Instant::now();
    if let Ok(problem) = parse_problem(text) {
        let limits = Limits {
            max_firings: 300,
            max_size: 5_000,
        };
        if let Some(d) = derive(&problem, limits) {
            let opts = CheckOptions {
                samples: 1,
                sizes: vec![2, 3],
                random_sizes: 0,
                max_assignments: 8,
                cross_check: false,
                ..CheckOptions::default()
            };
            check_derivation(&problem, &d, &opts);
            proof::proof_text(&problem, &d);
            let print = proof::options_for(&problem);
            d.lines().for_each(|l| {
                to_latex(l, &print);
            });
        }
    }
    start.elapsed()
}

/// fuzz `parse_expr`: numbers whose exact product overflows were left as separate factors in
/// an order that depended on how the product was grouped, and the printer split the
/// coefficient into `p*.../q`; the printed text folded differently when parsed back.
#[test]
fn overflowing_numeric_product_round_trips() {
    assert_round_trip(
        "2/444*77.77777777777777777*77.77772217777777*77.7*77.777777777777\
         *77.77777777777777777777*77.77772217777777*77.7*77.777777777777*77.777/77.77",
    );
}

/// Soundness harness (`tests/soundness.rs`): `factor-common` took the common factor out of every
/// occurrence of its base in a term, so `w_k*x + w_k*w_k` became `w_k*(x + 1)`.
#[test]
fn factor_common_takes_one_occurrence_per_term() {
    let file = "index k in 1..K\nvar w_k positive\nvar x real\nexpect w_k*x + w_k*w_k\n";
    let problem = parse_problem(file).expect("parses");
    let (e, _) = problem.expect.clone().expect("expect");
    let rule = gradproof::rules::rule("factor-common").expect("rule");
    let out = (rule.apply)(&e, &gradproof::rules::Ctx::new(&problem)).expect("fires");
    assert_eq!(out, parse_expr("w_k*(x + w_k)").expect("parses"));
}

/// Limit hunt: `let a_i = a_(i-1) * a_(i-1)` doubles the unfolded size per line; the engine's
/// side conditions walked it in exponential time (a hang) and `unfold_all` built it (OOM).
#[test]
fn doubling_definitions_stop_at_the_size_limit() {
    let mut text = String::from("var x real\nlet a0 = x\n");
    for i in 1..40 {
        text.push_str(&format!("let a{i} = a{}*a{}\n", i - 1, i - 1));
    }
    text.push_str("derive d(a39)/d(x)\n");
    let err = parse_problem(&text).expect_err("over the limit");
    assert!(
        matches!(err.kind(), ErrorKind::UnfoldedTooLarge { .. }),
        "{err}"
    );
    assert_eq!(err.pos().line, 16, "{err}: a14 has 2^15 - 1 nodes");
    assert!(run_pipeline(&text) < Duration::from_secs(2));
}

/// Limit hunt: a chain of 10,000 definitions, each using the previous one, recursed 10,000
/// levels deep in `depends_on`, `unfold_all` and the evaluator.
#[test]
fn long_definition_chains_stop_at_the_depth_limit() {
    let mut text = String::from("var x real\nlet a0 = x\n");
    for i in 1..10_000 {
        text.push_str(&format!("let a{i} = a{} + x\n", i - 1));
    }
    text.push_str("derive d(a9999)/d(x)\n");
    let err = parse_problem(&text).expect_err("over the limit");
    assert!(
        matches!(err.kind(), ErrorKind::UnfoldedTooDeep { .. }),
        "{err}"
    );
    assert!(run_pipeline(&text) < Duration::from_secs(2));
    // Just within the limit, everything runs.
    let mut ok = String::from("var x real\nlet a0 = x\n");
    for i in 1..99 {
        ok.push_str(&format!("let a{i} = a{} + x\n", i - 1));
    }
    ok.push_str("derive d(a98)/d(x)\nexpect 99\n");
    let problem = parse_problem(&ok).expect("within the limit");
    let d = derive(&problem, Limits::default()).expect("a goal");
    assert!(normal::equivalent(
        d.result(),
        &parse_expr("99").expect("99"),
        &problem
    ));
    let report = check_derivation(&problem, &d, &CheckOptions::default());
    assert!(report.ok(), "{report:?}");
}

/// Limit hunt: eight nested sums cost `12^8` evaluations per sample, and a variable with eight
/// subscripts `12^8` sampled values (8 GB).
#[test]
fn nested_sums_and_many_subscripts_are_refused() {
    let sums = "index a, b, c, d, e, f, g, h, k in 1..K\nvar x_a real\n\
                let L = sum_a sum_b sum_c sum_d sum_e x_a*x_b*x_c*x_d*x_e\nderive d(L)/d(x_k)\n";
    let err = parse_problem(sums).expect_err("over the limit");
    assert!(
        matches!(err.kind(), ErrorKind::SumsTooDeep { found: 5, .. }),
        "{err}"
    );
    let subs = "index a, b, c, d, e in 1..K\nvar x_{a,b,c,d,e} real\n";
    let err = parse_problem(subs).expect_err("over the limit");
    assert!(
        matches!(err.kind(), ErrorKind::TooManySubscripts { found: 5, .. }),
        "{err}"
    );
    assert!(run_pipeline(sums) < Duration::from_secs(2));
}

/// Limit hunt: the normal form multiplied `(a0 + b0) * ... * (a29 + b29)` out into `2^30`
/// monomials (5 GB and no end) when deciding `expect`.
#[test]
fn expect_with_a_huge_expansion_is_decided_quickly() {
    let mut text = String::from("var x real\n");
    let mut factors = Vec::new();
    for i in 0..30 {
        text.push_str(&format!("var a{i} real\nvar b{i} real\n"));
        factors.push(format!("(a{i} + b{i})"));
    }
    text.push_str(&format!(
        "let L = x*{}\nderive d(L)/d(x)\n",
        factors.join("*")
    ));
    text.push_str(&format!("expect {}\n", factors.join("*")));
    let problem = parse_problem(&text).expect("parses");
    let start = Instant::now();
    let (expect, _) = problem.expect.clone().expect("expect");
    let product = parse_expr(&factors.join("*")).expect("parses");
    assert!(normal::equivalent(&product, &expect, &problem));
    let other = parse_expr(&factors[1..].join("*")).expect("parses");
    assert!(!normal::equivalent(&other, &expect, &problem));
    assert!(start.elapsed() < Duration::from_secs(5));
}
