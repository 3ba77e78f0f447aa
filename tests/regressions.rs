//! Inputs found by fuzzing (`fuzz/`) and by the limit hunt, kept as ordinary tests: each ran into
//! a panic, a hang, a blow-up or a broken law before it was fixed.

mod common;

use gradproof::analysis::normal;
use gradproof::check::{check_derivation, CheckOptions};
use gradproof::documents as proof;
use gradproof::engine::{derive, Limits};
use gradproof::parse::{parse_expr, parse_problem, ErrorKind};
use gradproof::render::{to_input, to_latex};
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
            let print = gradproof::render::proof::options_for(&problem);
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

/// Issue #12 item 3: `0/0` and friends. A literal undefined expression is a parse error with
/// its line and column (exit 2); it never simplifies to a number.
#[test]
fn literal_undefined_expressions_are_parse_errors() {
    for (text, column) in [
        ("2*x + 0/0", 9),
        ("(1/0)^0", 4),
        ("x * 0^(1 - 2)", 5),
        ("0^-1", 1),
        ("log(1 - 1)", 5),
        ("sqrt(-4)", 6),
        ("(-8)^(1/3)", 1),
        ("x/(2 - 2)", 3),
    ] {
        let err = parse_expr(text).expect_err(text);
        assert!(
            matches!(err.kind(), ErrorKind::Undefined { .. }),
            "{text}: {err}"
        );
        assert_eq!(
            (err.pos().line, err.pos().column),
            (1, column),
            "{text}: {err}"
        );
    }
    // `0^0` is 1 (the convention that makes `x^0 = 1` for every real x); `0^2` is 0.
    assert_eq!(parse_expr("0^0").map(|e| e.is_one()), Ok(true));
    assert_eq!(parse_expr("0^2").map(|e| e.is_zero()), Ok(true));
}

/// Issue #12 item 3 through the CLI: `print "(1/0)^0"` printed `1`, and `expect 2*x + 0/0`
/// "held" for the result `2*x`. Both are input errors now: exit 2, with line and column.
#[test]
fn undefined_literals_exit_2_from_the_cli() {
    let o = common::run(&["print", "(1/0)^0"]);
    assert_eq!(o.status.code(), Some(2), "{}", common::stdout(&o));
    assert!(common::stderr(&o).contains("1:4"), "{}", common::stderr(&o));
    let text = "var x real\nlet L = x^2\nderive d(L)/d(x)\nexpect 2*x + 0/0\n";
    let path = common::temp_file("zero_over_zero.deriv", text);
    let o = common::run(&["derive", &path]);
    assert_eq!(o.status.code(), Some(2), "{}", common::stdout(&o));
    let err = common::stderr(&o);
    assert!(err.contains("4:16") && err.contains("undefined"), "{err}");
}

/// Issue #12 item 4: exact arithmetic that overflowed. A product whose coefficient overflowed
/// i128 was dropped by the normal form, so a wrong `expect` held (exit 0, JSON `"holds": true`).
#[test]
fn a_coefficient_beyond_i128_is_not_dropped() {
    for name in ["overflow_expect_x.deriv", "overflow_expect_0.deriv"] {
        let path = format!("{}/tests/repros/{name}", env!("CARGO_MANIFEST_DIR"));
        let o = common::run(&["derive", &path]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", common::stdout(&o));
        let o = common::run(&["derive", "--format", "json", &path]);
        let json: serde_json::Value =
            serde_json::from_str(&common::stdout(&o)).expect("JSON output");
        assert_eq!(json["expect"]["holds"], false, "{name}");
        // The symbolic verdict alone, too.
        let text = std::fs::read_to_string(&path).expect("readable");
        let problem = parse_problem(&text).expect("parses");
        let d = derive(&problem, Limits::default()).expect("derives");
        let expect = &problem.expect.as_ref().expect("an expect line").0;
        assert!(!normal::equivalent(d.result(), expect, &problem), "{name}");
    }
}

/// Issue #12 item 9: `fold-definition` folded `x^2` into `r^4` for `let r = x^(1/2)` with `x`
/// real, a step undefined for `x < 0`. The derivation now ends at `x^2` with every step true.
#[test]
fn a_fold_that_would_narrow_the_domain_does_not_fire() {
    let path = format!(
        "{}/tests/repros/fold_square_root.deriv",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = common::run(&["derive", &path]);
    let out = common::stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(!out.contains(": fold-definition"), "{out}");
    assert!(!out.contains("r^"), "{out}");
    let text = std::fs::read_to_string(&path).expect("readable");
    let problem = parse_problem(&text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("derives");
    assert!(!d.result().mentions_symbol("r"), "{}", d.result());
}

/// Issue #12 item 4, the other side of exact arithmetic: it must not hang. A product of 1,000
/// literals of 2,466 digits folded into one coefficient took minutes (each product grew); every
/// number now stays within `MAX_EXACT_BITS`, so the numbers that do not fit stay apart.
#[test]
fn a_product_of_huge_literals_does_not_hang() {
    let literal = "9".repeat(2466);
    let product = vec![literal.as_str(); 1000].join("*");
    let text = format!("var x real\nlet L = x * {product}\nderive d(L)/d(x)\n");
    let start = Instant::now();
    let problem = parse_problem(&text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("derives");
    to_input(d.result());
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

/// Issue #12 item 4 in the normal form itself: a term whose coefficient is too large to form
/// exactly is kept (its number as a factor), never dropped, so `expect 0` cannot hold for it.
#[test]
fn the_normal_form_keeps_terms_whose_coefficient_is_too_large() {
    let problem =
        parse_problem("var x real\nvar y real\nlet L = x\nderive d(L)/d(x)\n").expect("parses");
    let e = |t: &str| parse_expr(t).unwrap_or_else(|err| panic!("{t}: {err}"));
    let big = "2^5000 * 3^3000 * x";
    assert!(!normal::equivalent(&e(big), &e("0"), &problem));
    assert!(!normal::equivalent(
        &e(&format!("{big} + x")),
        &e("x"),
        &problem
    ));
    // The same term written twice still cancels. (Beyond the bound the normal form is
    // incomplete: `big + big` and `2*big` may keep their numbers apart differently.)
    assert!(normal::equivalent(
        &e(&format!("{big} - {big}")),
        &e("0"),
        &problem
    ));
}
