//! The logistic family `sigmoid`, `tanh`, `softplus`: reading and printing, the rules and where
//! they are blocked, the normal form that equates the spellings of the logistic function,
//! evaluation at extreme arguments, and whole derivations (closed forms checked by the oracle
//! tests/oracles/logistic_family.py) under renaming and with false expects.

mod common;

use common::rule_bench::{blocked_in, fires_in, with_expect_in};

use common::{rename, run, stdout, temp_file};
use gradproof::analysis::normal::equivalent;
use gradproof::check::eval::{central_difference, eval_lognum, Assignment, Evaluator, FastNum};
use gradproof::check::eval_precise::agree_precisely;
use gradproof::check::sample::{draw, Instance, Regime};
use gradproof::documents::proof_text;
use gradproof::engine::{derive, Limits};
use gradproof::parse::{parse_expr, parse_problem, text_to_input};
use gradproof::render::{text::to_text, to_input, PrintOptions};
use gradproof::syntax::expr::{deriv, func};
use gradproof::syntax::problem::Problem;
use gradproof::{Expr, Func};
use std::collections::BTreeMap;

const DECLS: &str = "\
index i, k in 1..D
var w_i real
var x real
var r positive
var y unit
";

fn with_expect(e: &str) -> (Problem, Expr) {
    with_expect_in(DECLS, e)
}

#[track_caller]
fn fires(name: &str, input: &str, expected: &str) {
    fires_in(DECLS, name, input, expected)
}

#[track_caller]
fn blocked(name: &str, input: &str) {
    blocked_in(DECLS, name, input)
}

#[track_caller]
fn same(a: &str, b: &str) -> bool {
    let (problem, a) = with_expect(a);
    let (_, b) = with_expect(b);
    equivalent(&a, &b, &problem)
}

#[test]
fn the_functions_read_and_print_back() {
    for src in [
        "sigmoid(x)",
        "tanh(2*x - w_i)",
        "softplus(-x)",
        "sigmoid(tanh(softplus(x)))^2",
    ] {
        let e = parse_expr(src).unwrap();
        assert_eq!(parse_expr(&to_input(&e)).unwrap(), e, "{src}");
        let text = to_text(&e, &PrintOptions::default());
        assert_eq!(
            parse_expr(&text_to_input(&text)).unwrap(),
            e,
            "{src} as {text}"
        );
    }
    let latex = gradproof::render::latex::to_latex(
        &parse_expr("sigmoid(x) + tanh(x) + softplus(x)").unwrap(),
        &PrintOptions::default(),
    );
    for command in ["\\sigma", "\\tanh", "\\operatorname{softplus}"] {
        assert!(latex.contains(command), "{latex}");
    }
    assert_eq!(Func::from_name("softplus"), Some(Func::Softplus));
    assert_eq!(Func::Tanh.name(), "tanh");
}

#[test]
fn d_sigmoid() {
    fires(
        "d-sigmoid",
        "d(sigmoid(r*x))/d(x)",
        "sigmoid(r*x)*(1 - sigmoid(r*x))*d(r*x)/d(x)",
    );
    blocked("d-sigmoid", "d(tanh(x))/d(x)");
    blocked("d-sigmoid", "sigmoid(x)");
}

#[test]
fn d_tanh() {
    fires(
        "d-tanh",
        "d(tanh(w_k))/d(w_k)",
        "(1 - tanh(w_k)^2)*d(w_k)/d(w_k)",
    );
    blocked("d-tanh", "d(softplus(x))/d(x)");
}

#[test]
fn d_softplus() {
    fires(
        "d-softplus",
        "d(softplus(x^2))/d(x)",
        "sigmoid(x^2)*d(x^2)/d(x)",
    );
    blocked("d-softplus", "d(sigmoid(x))/d(x)");
}

#[test]
fn sigmoid_complement() {
    fires("sigmoid-complement", "1 - sigmoid(x*r)", "sigmoid(-x*r)");
    fires("sigmoid-complement", "1 - sigmoid(-x)", "sigmoid(x)");
    // Not `1 - sigmoid`: another constant, a coefficient, a power, or a sum with more terms.
    blocked("sigmoid-complement", "2 - sigmoid(x)");
    blocked("sigmoid-complement", "1 + sigmoid(x)");
    blocked("sigmoid-complement", "1 - 2*sigmoid(x)");
    blocked("sigmoid-complement", "1 - sigmoid(x)^2");
    blocked("sigmoid-complement", "1 - sigmoid(x) - r");
    blocked("sigmoid-complement", "1 - tanh(x)");
}

#[test]
fn every_spelling_of_the_logistic_function_has_one_normal_form() {
    for spelling in [
        "1/(1 + exp(-x))",
        "1/(exp(-x) + 1)",
        "exp(x)/(1 + exp(x))",
        "exp(x)/(exp(x) + 1)",
        "1 - sigmoid(-x)",
        "1 - 1/(1 + exp(x))",
    ] {
        assert!(same("sigmoid(x)", spelling), "sigmoid(x) vs {spelling}");
    }
    for spelling in ["1 - sigmoid(x)", "1/(1 + exp(x))", "exp(-x)/(1 + exp(-x))"] {
        assert!(same("sigmoid(-x)", spelling), "sigmoid(-x) vs {spelling}");
    }
    assert!(same("sigmoid(r*x)^2", "exp(r*x)^2/(1 + exp(r*x))^2"));
    assert!(same("sigmoid(r*x)^3", "(exp(r*x)/(1 + exp(r*x)))^3"));
    assert!(same(
        "sigmoid(x)*(1 - sigmoid(x))",
        "sigmoid(x)*sigmoid(-x)"
    ));
    // What is not equal stays apart.
    for other in [
        "1/(1 + exp(x))",
        "2*sigmoid(x)",
        "sigmoid(2*x)",
        "1/(2 + exp(-x))",
        "exp(x)/(1 + exp(-x))",
        "tanh(x)",
    ] {
        assert!(
            !same("sigmoid(x)", other),
            "sigmoid(x) must differ from {other}"
        );
    }
}

/// A problem with one real variable `t`, drawn once and set to `value`.
fn at(value: f64) -> (Problem, Instance) {
    let problem = parse_problem("var t real\n").unwrap();
    let mut inst = draw(&problem, &BTreeMap::new(), 1, Regime::Ordinary, 50.0).unwrap();
    assert!(inst.values.get_mut("t").unwrap().set(&[], value));
    (problem, inst)
}

#[test]
fn extreme_arguments_neither_overflow_nor_lose_the_value() {
    let t = parse_expr("t").unwrap();
    let Expr::Sym(ts) = &t else { unreachable!() };
    let free = Assignment::new();
    // The logarithms of the exact values, from the definitions in log space:
    // ln sigmoid(x) = -ln(1 + e^-x), ln softplus(x) = ln(x + ln(1 + e^-x)) for x > 0, and
    // softplus(x) = e^x (1 - e^x/2 + ...) for x << 0; 1 - tanh(x)^2 = 4 e^-2|x| / (1 + e^-2|x|)^2.
    for x in [800.0f64, -800.0, 40.0, -40.0, 0.0, 1e-9] {
        let (problem, inst) = at(x);
        let value = |f: Func| eval_lognum(&func(f, t.clone()), &problem, &inst, &free).unwrap();
        let slope = |f: Func| {
            eval_lognum(
                &deriv(func(f, t.clone()), ts.clone()),
                &problem,
                &inst,
                &free,
            )
            .unwrap()
        };
        let ln1pexp = |u: f64| {
            if u > 0.0 {
                u + (-u).exp().ln_1p()
            } else {
                u.exp().ln_1p()
            }
        };
        let close = |got: f64, want: f64, what: &str| {
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "{what} at {x}: {got} vs {want}"
            )
        };
        close(value(Func::Sigmoid).ln_abs(), -ln1pexp(-x), "ln sigmoid");
        close(
            slope(Func::Sigmoid).ln_abs(),
            -ln1pexp(-x) - ln1pexp(x),
            "ln sigmoid'",
        );
        close(slope(Func::Softplus).ln_abs(), -ln1pexp(-x), "ln softplus'");
        let softplus = value(Func::Softplus);
        match x > 0.0 {
            true => close(softplus.to_f64(), ln1pexp(x), "softplus"),
            false if x < -30.0 => close(softplus.ln_abs(), x, "ln softplus"),
            false => close(softplus.to_f64(), ln1pexp(x), "softplus"),
        }
        let a = 2.0 * x.abs();
        close(
            slope(Func::Tanh).ln_abs(),
            4f64.ln() - a - 2.0 * (-a).exp().ln_1p(),
            "ln tanh'",
        );
        let tanh = value(Func::Tanh).to_f64();
        close(tanh, x.tanh(), "tanh");
        // The arbitrary-precision evaluator agrees with the formulas written through exp.
        for (f, spelled) in [
            (Func::Sigmoid, "1/(1 + exp(-t))"),
            (Func::Tanh, "(exp(2*t) - 1)/(exp(2*t) + 1)"),
        ] {
            let e = func(f, t.clone());
            let other = parse_expr(spelled).unwrap();
            if x.abs() < 100.0 {
                assert_eq!(
                    agree_precisely(&problem, &inst, &free, &e, &other, 1e-30),
                    Some(true),
                    "{spelled} at {x}"
                );
            }
        }
        // The fast f64 path either gives the same value or declines (leaving it to log space).
        let mut fast = Evaluator::<FastNum>::with_numbers(&problem, &inst, &free);
        let sig = func(Func::Sigmoid, t.clone());
        if let Ok(v) = fast.eval(&sig) {
            close(v.value(), value(Func::Sigmoid).to_f64(), "fast sigmoid");
        }
        // Central differences agree with the forward mode where the slope is not tiny.
        if x.abs() < 50.0 {
            for f in [Func::Sigmoid, Func::Tanh, Func::Softplus] {
                let cd =
                    central_difference(&func(f, t.clone()), ts, &problem, &inst, &free).unwrap();
                let fwd = slope(f).to_f64();
                assert!(
                    (cd - fwd).abs() <= 1e-6 * fwd.abs().max(1e-12),
                    "{f:?} at {x}"
                );
            }
        }
    }
    // The precise evaluator's series for softplus far out: softplus(-800) = e^-800 (1 - ...).
    let (problem, inst) = at(-800.0);
    let e = func(Func::Softplus, t.clone());
    let other = parse_expr("exp(t)").unwrap();
    assert_eq!(
        agree_precisely(&problem, &inst, &free, &e, &other, 1e-12),
        Some(true)
    );
    assert_eq!(
        agree_precisely(
            &problem,
            &inst,
            &free,
            &e,
            &parse_expr("2*exp(t)").unwrap(),
            1e-12
        ),
        Some(false)
    );
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/logistic/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("fixture")
}

fn derivation(name: &str) -> String {
    let path = format!("{}/derivations/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("derivation")
}

/// Every derivation of the family, with its text.
fn family() -> Vec<(String, String)> {
    let mut all = vec![
        (
            "sigmoid_bce_builtin.deriv".to_string(),
            derivation("sigmoid_bce_builtin.deriv"),
        ),
        (
            "tanh_softplus.deriv".to_string(),
            derivation("tanh_softplus.deriv"),
        ),
    ];
    for f in [
        "sigmoid_squared.deriv",
        "softplus_margin.deriv",
        "bce_exp_spelling.deriv",
    ] {
        all.push((f.to_string(), fixture(f)));
    }
    all
}

#[test]
fn every_derivation_of_the_family_checks_and_meets_its_expect() {
    for (name, text) in family() {
        let path = temp_file(&name, &text);
        let o = run(&[&path]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stdout(&o));
        assert!(
            stdout(&o).contains("equal after normalisation"),
            "{name}: {}",
            stdout(&o)
        );
    }
}

/// The `expect` line of `text` replaced by `expect`.
fn with_expect_line(text: &str, expect: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("expect ") {
                format!("expect {expect}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_false_expect_exits_1() {
    for (name, wrong) in [
        ("sigmoid_bce_builtin.deriv", "2*(sigmoid(z) - y)*x_k"),
        ("sigmoid_bce_builtin.deriv", "(sigmoid(-z) - y)*x_k"),
        ("tanh_softplus.deriv", "-y*sigmoid(y*h)*(1 - h^2)*x_k"),
        ("tanh_softplus.deriv", "-y*sigmoid(-y*h)*(1 - h)*x_k"),
    ] {
        let text = with_expect_line(&derivation(name), wrong);
        let o = run(&[&temp_file(&format!("wrong_{name}"), &text)]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name} with {wrong}: {}",
            stdout(&o)
        );
    }
    let text = with_expect_line(&fixture("bce_exp_spelling.deriv"), "sigmoid(-q) - lbl");
    let o = run(&[&temp_file("wrong_spelling.deriv", &text)]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

#[test]
fn renaming_every_symbol_gives_the_same_proof() {
    let table = [
        ("w", "alpha"),
        ("x", "feat"),
        ("y", "target"),
        ("z", "logit"),
        ("h", "act"),
        ("L", "Loss"),
        ("i", "n"),
        ("k", "l"),
        ("D", "Dim"),
        ("u", "U"),
        ("v", "V"),
        ("a", "e"),
        ("b", "o"),
        ("t", "tt"),
        ("g", "gg"),
        ("E", "Err"),
        ("N", "Num"),
        ("theta", "beta"),
        ("f", "phi"),
        ("lab", "sign"),
        ("m", "margin"),
        ("J", "Cost"),
        ("r", "j"),
        ("c", "h"),
        ("M", "Mm"),
        ("q", "s"),
        ("lbl", "tgt"),
        ("P", "Prob"),
        ("C", "CE"),
    ];
    for (name, text) in family() {
        let proof = |t: &str| {
            let problem = parse_problem(t).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            let d = derive(&problem, Limits::default()).expect("a derive line");
            // Up to the cancellation report, whose English prose (`is a normalised …`) has
            // words that `rename` would take for names.
            let text = proof_text(&problem, &d);
            text.split("\nCancellation report")
                .next()
                .unwrap_or_default()
                .to_string()
        };
        // Longer names break the lines elsewhere: the proofs are compared word by word.
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let renamed = rename(&text, &table);
        assert_ne!(renamed, text, "{name}: the table renames nothing");
        assert_eq!(
            words(&proof(&renamed)),
            words(&rename(&proof(&text), &table)),
            "{name}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// The round-trip law of tests/roundtrip.rs, for the three functions around any expression:
    /// the input syntax and the text form both read back to the same tree.
    #[test]
    fn the_functions_round_trip_around_any_expression(e in common::arb_expr(), which in 0usize..3) {
        let f = [Func::Sigmoid, Func::Tanh, Func::Softplus][which];
        // A tree with a literal undefined subterm (`log(0)`) is refused by the parser, rightly.
        proptest::prop_assume!(!common::has_literal_undefined(&e));
        let printed = to_input(&func(f, e));
        let once = parse_expr(&printed).unwrap_or_else(|err| panic!("{printed}: {err}"));
        let again = to_input(&once);
        let twice = parse_expr(&again).ok();
        proptest::prop_assert_eq!(Some(&once), twice.as_ref(), "{}", again);
    }
}
