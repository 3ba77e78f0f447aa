//! Piecewise functions and Iverson brackets (issue #21): the sugar, the printers, one
//! `input => expected` test per bracket rule with the cases where it must not fire, the facts,
//! the kinks, and the three derivations (false `expect`s exit 1; renaming gives the same proof).
//!
//! The closed forms of `derivations/multiclass_hinge.deriv`, `huber.deriv` and
//! `relu_layer.deriv`, and of the renamed variants below, were checked by the independent
//! oracle `tests/oracles/piecewise.py` (mpmath central differences of the losses written
//! directly in Python); the renamed files below are the same mathematics under other names.

mod common;

use common::rule_bench::{blocked_in, fires_in, with_expect_in};

use common::{rename, run, stderr, stdout, temp_file};
use gradproof::check::{check_derivation, CheckOptions, Status};
use gradproof::documents::proof_text;
use gradproof::engine::{derive, Limits};
use gradproof::parse::{parse_expr, parse_problem};
use gradproof::render::proof::options_for;
use gradproof::render::report::report_text;
use gradproof::render::{to_input, to_latex, to_text, PrintOptions};
use gradproof::rules::piecewise::{is_indicator, is_nonnegative};
use gradproof::rules::Ctx;
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;

const DECLS: &str = "\
index j, k in 1..K
var s_j real
var u real
var v real
var w positive
var x real
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

#[test]
fn d_bracket() {
    fires("d-bracket", "d([u*v > 0])/d(u)", "0");
    fires("d-bracket", "d([s_j - s_k + 1 >= 0])/d(s_k)", "0");
    // Not a bracket, or a bracket that does not depend on the variable (d-constant's job).
    blocked("d-bracket", "d(u*v)/d(u)");
    blocked("d-bracket", "d([v > 0])/d(u)");
    // A bracket of something that may be undefined keeps its derivative.
    blocked("d-bracket", "d([log(u) > 0])/d(u)");
}

#[test]
fn bracket_of_number() {
    fires("bracket-of-number", "[3 > 0]", "1");
    fires("bracket-of-number", "[0 >= 0]", "1");
    fires("bracket-of-number", "[0 > 0]", "0");
    fires("bracket-of-number", "[-1/2 <= 0]", "1");
    fires("bracket-of-number", "[2 < 0]", "0");
    blocked("bracket-of-number", "[w > 0]");
    blocked("bracket-of-number", "[u > 0]");
}

#[test]
fn bracket_power() {
    fires("bracket-power", "[u > 0]^2", "[u > 0]");
    fires("bracket-power", "[u - v <= 0]^7", "[u - v <= 0]");
    // 1/[c] and sqrt([c]) are not [c] (undefined where the bracket is 0, or not an integer).
    blocked("bracket-power", "[u > 0]^(-1)");
    blocked("bracket-power", "[u > 0]^(1/2)");
    blocked("bracket-power", "u^2");
}

#[test]
fn bracket_exclusive() {
    fires("bracket-exclusive", "u*[u > 0]*[u <= 0]", "0");
    fires("bracket-exclusive", "[v >= 0]*[v < 0]", "0");
    fires("bracket-exclusive", "[u - v > 0]*[v - u >= 0]", "0");
    // Both may hold: [u > 0] and [u >= 0]; different arguments.
    blocked("bracket-exclusive", "[u > 0]*[u >= 0]");
    blocked("bracket-exclusive", "[u > 0]*[v <= 0]");
    // The product is undefined where log(u) is: it cannot become 0.
    blocked("bracket-exclusive", "log(u)*[u > 0]*[u <= 0]");
}

#[test]
fn bracket_complement() {
    fires("bracket-complement", "v*[u > 0] + v*[u <= 0]", "v");
    fires(
        "bracket-complement",
        "w + 2*v*[u - 1 < 0] + 2*v*[u - 1 >= 0]",
        "w + 2*v",
    );
    fires("bracket-complement", "[u > 0] + [u <= 0]", "1");
    // Different factors, coefficients or conditions.
    blocked("bracket-complement", "v*[u > 0] + w*[u <= 0]");
    blocked("bracket-complement", "v*[u > 0] + 2*v*[u <= 0]");
    blocked("bracket-complement", "v*[u > 0] + v*[u < 0]");
    // The brackets have no value where log(u) has none: `v` would give one there.
    blocked("bracket-complement", "v*[log(u) > 0] + v*[log(u) <= 0]");
}

#[test]
fn a_bracket_without_the_bound_index_leaves_the_sum() {
    fires(
        "factor-out-of-sum",
        "sum_j s_j*[u > 0]",
        "[u > 0]*sum_j s_j",
    );
    blocked("factor-out-of-sum", "sum_j [s_j > 0]");
}

#[test]
fn facts_of_piecewise_functions() {
    let (problem, _) = with_expect("1");
    let ctx = Ctx::new(&problem);
    let nonneg = |e: &str| is_nonnegative(&with_expect(e).1, &ctx);
    assert!(nonneg("relu(u)"));
    assert!(nonneg("abs(u - v)"));
    assert!(nonneg("[u > 0]"));
    assert!(nonneg("max(0, u)"));
    assert!(nonneg("sum_j relu(s_j)"));
    assert!(!nonneg("u"));
    assert!(!nonneg("min(0, u)"));
    assert!(!nonneg("u*[v > 0]"));
    assert!(!nonneg("-relu(u)"));
    assert!(is_indicator(&with_expect("[u > 0]*[v <= 0]").1));
    assert!(!is_indicator(&with_expect("2*[u > 0]").1));
    // The fact is used: sqrt(relu(u)) has a derivative wherever u > 0, so the constant rule
    // may drop it; sqrt(u) with u real may be undefined.
    fires("d-constant", "d(sqrt(relu(u)))/d(v)", "0");
    blocked("d-constant", "d(sqrt(u))/d(v)");
}

#[test]
fn brackets_print_and_parse_back() {
    for text in [
        "[x > 0]",
        "[x - y >= 0]*a + [x - y < 0]*b",
        "relu(s_j)",
        "abs(x)",
        "clamp(a_k - b_k, -h, h)",
        "if(x <= 2*y, x^2, 3)",
        "sum_j [s_j - s_y + 1 > 0]",
        "-[x > 0]",
        "[x > 0]^2",
    ] {
        let e = parse_expr(text).unwrap();
        let printed = to_input(&e);
        assert_eq!(
            parse_expr(&printed).unwrap(),
            e,
            "{text} printed as {printed}"
        );
        let typed = gradproof::parse::text_to_input(&to_text(&e, &PrintOptions::default()));
        assert_eq!(parse_expr(&typed).unwrap(), e, "{text}: text form {typed}");
    }
    let e = parse_expr("max(0, u - v)").unwrap();
    assert_eq!(to_input(&e), "(u - v)*[u - v > 0]");
    assert_eq!(to_text(&e, &PrintOptions::default()), "(u − v) [u − v > 0]");
    assert_eq!(
        to_latex(
            &parse_expr("[x >= 0] - [x <= 0]").unwrap(),
            &PrintOptions::default()
        ),
        "\\left[x \\geq 0\\right] - \\left[x \\leq 0\\right]"
    );
}

#[test]
fn bad_piecewise_input_is_an_error_at_its_place() {
    for (text, at, what) in [
        ("[x 0]", "1:4", "a comparison"),
        ("[x > 0", "1:7", "']'"),
        ("if(x, 1, 2)", "1:5", "a comparison"),
        ("if(x > 0, 1)", "1:12", "','"),
        ("relu(x, y)", "1:7", "')'"),
        ("clamp(x, 2, 1)", "1:1", "lower bound above"),
        ("heaviside(x)", "1:1", "unknown function"),
        ("[x = 0]", "1:4", "a comparison"),
    ] {
        let err = parse_expr(text).unwrap_err().to_string();
        assert!(err.starts_with(at), "{text}: {err}");
        assert!(err.contains(what), "{text}: {err}");
    }
    let file = temp_file("bad.deriv", "var x real\nlet L = relu(x) + [x >> 0]\n");
    let out = run(&["check", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(":2:23:"), "{}", stderr(&out));
}

const HINGE: &str = include_str!("../derivations/multiclass_hinge.deriv");
const HUBER: &str = include_str!("../derivations/huber.deriv");
const RELU: &str = include_str!("../derivations/relu_layer.deriv");

/// A renaming of every symbol and index of the three derivations (names of the same length, so
/// lines wrap alike, and free indices in the same alphabetical order, the checker's order), except the hidden-unit index
/// `d` of the ReLU layer: [`rename`] works on words, and `d` is also the derivative's `d(`.
const RENAMING: &[(&str, &str)] = &[
    ("s", "t"),
    ("j", "u"),
    ("k", "v"),
    ("y", "w"),
    ("K", "M"),
    ("L", "G"),
    ("a", "f"),
    ("b", "g"),
    ("h", "o"),
    ("r", "l"),
    ("N", "P"),
    ("m", "n"),
    ("c", "a"),
    ("e", "l"),
    ("i", "y"),
    ("D", "H"),
    ("E", "I"),
    ("x", "X"),
    ("q", "Q"),
    ("z", "Z"),
    ("p", "R"),
];

fn renamed(text: &str) -> String {
    // One pass per name would chain (s -> t -> ...): rename each word once.
    rename(text, RENAMING)
}

#[test]
fn renaming_every_name_gives_the_same_proofs() {
    for text in [HINGE, HUBER, RELU] {
        let p1 = parse_problem(text).unwrap();
        let new = renamed(text);
        let p2 = parse_problem(&new).unwrap_or_else(|e| panic!("{new}\n{e:#}"));
        let d1 = derive(&p1, Limits::default()).unwrap();
        let d2 = derive(&p2, Limits::default()).unwrap();
        // The text printer writes `c_kd` for two subscripts, which `rename` cannot split: the
        // steps are compared in the input syntax (`c_{k,d}`), and the text proofs where every
        // symbol has at most one subscript.
        let steps = |d: &gradproof::engine::trace::Derivation, f: &dyn Fn(&str) -> String| {
            let mut out = vec![f(&to_input(&d.goal))];
            for s in &d.steps {
                out.push(format!(
                    "{} {:?} {}",
                    s.title,
                    s.rules,
                    f(&to_input(&s.expr))
                ));
            }
            out
        };
        assert_eq!(steps(&d2, &|s| s.to_string()), steps(&d1, &renamed));
        if !text.contains("_{") {
            // The proof up to its cancellation report, whose prose (`is a normalised …`)
            // holds English words that `rename` would take for names.
            let proof = |p: &Problem, d| {
                let text = proof_text(p, d);
                text.split("\nCancellation report")
                    .next()
                    .unwrap_or_default()
                    .to_string()
            };
            assert_eq!(proof(&p2, &d2), renamed(&proof(&p1, &d1)));
        }
        let report = |p: &Problem, d| {
            report_text(
                &check_derivation(p, d, &CheckOptions::default()),
                &options_for(p),
            )
        };
        // The report's prose has the English word `a` ("a distribution"), which is also a name
        // here: it is kept out of the renaming.
        let renamed_report = rename(&report(&p1, &d1).replace(" a ", " ARTICLE "), RENAMING)
            .replace(" ARTICLE ", " a ");
        // As for the proofs: only where every symbol has at most one subscript (`a_de` is one
        // word to `rename`).
        if !text.contains("_{") {
            assert_eq!(report(&p2, &d2), renamed_report);
        }
    }
}

#[test]
fn the_new_derivations_pass_and_a_false_expect_exits_1() {
    for (name, text, wrong) in [
        (
            "hinge.deriv",
            HINGE,
            "expect [s_k - s_y + 1 > 0] - delta(k,y)*sum_j [s_j - s_y + 1 >= 0] + delta(k,y)",
        ),
        ("huber.deriv", HUBER, "expect clamp(a_k - b_k, -h/2, h)"),
        (
            "relu.deriv",
            RELU,
            "expect sum_k (p_k - q_k) * b_{k,d} * [z_d >= 0] * x_e * 2",
        ),
    ] {
        let good = run(&["check", &temp_file(name, text)]);
        assert_eq!(good.status.code(), Some(0), "{name}: {}", stdout(&good));
        let expect_line = text.lines().find(|l| l.starts_with("expect")).unwrap();
        let bad = text.replace(expect_line, wrong);
        let out = run(&["check", &temp_file(name, &bad)]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stdout(&out));
    }
}

#[test]
fn a_derivative_asked_only_on_a_kink_is_not_a_pass() {
    let text = "var x real\nlet z = x - x\nlet L = abs(z)\nderive d(L)/d(x)\n";
    let problem = parse_problem(text).unwrap();
    let d = derive(&problem, Limits::default()).unwrap();
    let report = check_derivation(&problem, &d, &CheckOptions::default());
    assert!(!report.ok());
    assert!(report.kinks.on_kink > 0);
    match &report.goal.status {
        Status::Unchecked { message } => assert!(message.contains("kink"), "{message}"),
        other => panic!("{other:?}"),
    }
    let out = run(&["check", &temp_file("kink.deriv", text)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("every sample lies on a kink"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn samples_near_a_kink_are_redrawn_and_counted() {
    // The ReLU layer's default check meets a hidden unit on its kink at one instance (seed 0):
    // that instance is re-drawn, the count is reported, and every line passes.
    let problem = parse_problem(RELU).unwrap();
    let d = derive(&problem, Limits::default()).unwrap();
    let report = check_derivation(&problem, &d, &CheckOptions::default());
    assert!(report.ok());
    assert!(report.kinks.redrawn > 0, "{:?}", report.kinks);
    assert_eq!(report.kinks.on_kink, 0);
    let text = report_text(&report, &options_for(&problem));
    assert!(text.contains("re-drawn off their kinks"), "{text}");
    // A problem without brackets re-draws nothing and says nothing about kinks.
    let smooth = RELU.replace("relu(z_d)", "z_d").replace(" * [z_d > 0]", "");
    let problem = parse_problem(&smooth).unwrap();
    let d = derive(&problem, Limits::default()).unwrap();
    let report = check_derivation(&problem, &d, &CheckOptions::default());
    assert!(
        report.ok(),
        "{}",
        report_text(&report, &options_for(&problem))
    );
    assert!(report.kinks.is_empty());
}
