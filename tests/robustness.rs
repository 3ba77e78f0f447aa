//! Random `.deriv`-like text, built from a grammar of valid and invalid fragments, goes through
//! parse → derive → check (small options) → render without panicking, and every error is a
//! positioned message. Bounded so that it runs in a few seconds.

use gradproof::check::{check_derivation, CheckOptions};
use gradproof::documents as proof;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::{to_input, to_latex, to_text};
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Well-formed leaves over the declarations of [`HEAD`].
const LEAVES: &[&str] = &[
    "s_k",
    "s_j",
    "q_j",
    "p_j",
    "p_k",
    "w_k",
    "x",
    "y",
    "K",
    "2",
    "1/2",
    "0.25",
    "delta(j,k)",
];

/// Broken fragments: unknown names, wrong subscripts, unbalanced parentheses, huge numbers.
const BROKEN: &[&str] = &[
    "s_",
    "q_{j,k}",
    "zz",
    "exp(",
    ")",
    "9999999999999999999999999999999999999999",
    "$",
    "x^",
    "sum_z x",
    "delta(j)",
    "d(x)/d(2)",
    "L",
];

/// An expression over `leaves` (free index `k`; `j` only under `sum_j`, added at random).
fn expr(leaves: Vec<&'static str>) -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(leaves).prop_map(str::to_string);
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} * {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} / ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b})^2")),
            inner.clone().prop_map(|a| format!("exp({a})")),
            inner.clone().prop_map(|a| format!("log({a})")),
            inner.clone().prop_map(|a| format!("sqrt({a})")),
            inner.clone().prop_map(|a| format!("sum_j ({a})")),
            inner.prop_map(|a| format!("-{a}")),
        ]
    })
}

/// A valid expression: `j` only inside a sum over `j`.
fn valid_expr() -> impl Strategy<Value = String> {
    expr(LEAVES.to_vec()).prop_map(|e| format!("sum_j ({e})"))
}

/// A line that may or may not be valid.
fn noise() -> impl Strategy<Value = String> {
    let mut mixed = LEAVES.to_vec();
    mixed.extend_from_slice(BROKEN);
    let kind = prop::sample::select(vec![
        "real",
        "positive",
        "unit",
        "distribution",
        "onehot",
        "big",
    ]);
    let name = prop::sample::select(vec!["a", "b_j", "c_{j,k}", "L", "p_j", "s_k", "t_j", "7"]);
    prop_oneof![
        (name.clone(), kind).prop_map(|(n, k)| format!("var {n} {k}")),
        (name.clone(), expr(mixed.clone())).prop_map(|(n, e)| format!("let {n} = {e}")),
        expr(mixed.clone()).prop_map(|e| format!("expect {e}")),
        expr(mixed.clone()).prop_map(|e| format!("show {e}")),
        expr(mixed).prop_map(|e| format!("= {e}")),
        name.prop_map(|v| format!("derive d(L)/d(s_k) via {v}")),
        Just("index y, k in 1..K".to_string()),
        Just("title \"t # \\\"x\\\"\"".to_string()),
        "[ -~]{0,20}",
    ]
}

/// The declarations every generated file starts with.
const HEAD: &str = "index j, k, m in 1..K
var s_j real
var q_j distribution
var w_j positive
var x real
var y unit
let p_j = exp(s_j) / sum_m exp(s_m)
";

/// A file: [`HEAD`], a loss, a goal, maybe an `expect` and a `show` block, and maybe a noisy
/// line somewhere.
fn file() -> impl Strategy<Value = String> {
    let wrt = prop::sample::select(vec!["s_k", "x", "w_k", "p_k", "y"]);
    let via = prop::sample::select(vec!["", " via p_j"]);
    (
        valid_expr(),
        wrt,
        via,
        prop::option::of(valid_expr()),
        prop::option::of((valid_expr(), valid_expr())),
        prop::option::of((noise(), 0..12usize)),
    )
        .prop_map(|(loss, wrt, via, expect, show, noise)| {
            let mut lines: Vec<String> = HEAD.lines().map(str::to_string).collect();
            lines.push(format!("let L = {loss}"));
            lines.push(format!("derive d(L)/d({wrt}){via}"));
            if let Some(e) = expect {
                lines.push(format!("expect {e}"));
            }
            if let Some((a, b)) = show {
                lines.push(format!("show d(L)/d({wrt})"));
                lines.push(format!("= {a}"));
                lines.push(format!("= {b}"));
            }
            if let Some((n, at)) = noise {
                lines.insert(at.min(lines.len()), n);
            }
            lines.join("\n") + "\n"
        })
}

/// Generated files per run.
const CASES: u32 = 200;

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn any_file_runs_through_the_pipeline(text in file()) {
        match parse_problem(&text) {
            Err(err) => {
                let shown = format!("{err:#}");
                prop_assert!(err.pos().line >= 1 && err.pos().column >= 1, "{shown}");
                prop_assert!(shown.contains('^'), "{shown}");
            }
            Ok(problem) => {
                let limits = Limits { max_firings: 200, max_size: 5_000 };
                if let Some(d) = derive(&problem, limits) {
                    let opts = CheckOptions {
                        samples: 1,
                        sizes: vec![2, 3],
                        random_sizes: 0,
                        max_assignments: 4,
                        cross_check: false,
                        ..CheckOptions::default()
                    };
                    let report = check_derivation(&problem, &d, &opts);
                    prop_assert_eq!(report.steps.len(), d.steps.len());
                    let print = gradproof::render::proof::options_for(&problem);
                    prop_assert!(!proof::proof_text(&problem, &d).is_empty());
                    for l in d.lines() {
                        to_latex(l, &print);
                        to_text(l, &print);
                        to_input(l);
                    }
                }
            }
        }
    }
}

/// The generator is not all noise: at least half of the files parse, so the property above
/// exercises the engine, the checker and the printers, not only the parser's errors.
#[test]
fn most_generated_files_are_derived() {
    let config = ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let parsed = AtomicUsize::new(0);
    runner
        .run(&file(), |text| {
            if parse_problem(&text).is_ok() {
                parsed.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        })
        .expect("runs");
    let parsed = parsed.load(Ordering::Relaxed);
    assert!(
        parsed * 2 >= CASES as usize,
        "only {parsed} of {CASES} files parsed"
    );
}
