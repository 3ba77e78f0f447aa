//! Second derivatives (#16): the nested and `let` forms, the checker's nested forward mode, the
//! delta substitution of the normal form, and the refusal of a third derivative. The closed
//! forms were checked by an independent oracle (tests/oracles/hessian.py: mpmath central
//! differences of the loss itself).

mod common;

use common::{rename, run, stderr, stdout, temp_file};
use gradproof::documents::proof_text;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;

const DECLS: &str = "index j, k, l, m in 1..K
var s_j real
var q_j distribution
let p_j = exp(s_j) / sum_m exp(s_m)
let L = -sum_j q_j * log(p_j)
";

fn file(derive: &str, expect: &str) -> String {
    format!("title \"Hessian\"\n{DECLS}{derive}\nexpect {expect}\n")
}

/// Runs the CLI on `text` and returns the exit code and the output.
fn cli(name: &str, text: &str) -> (i32, String) {
    let path = temp_file(name, text);
    let out = run(&[&path]);
    let code = out.status.code().expect("an exit code");
    (code, format!("{}{}", stdout(&out), stderr(&out)))
}

const NESTED: &str = "derive d(d(L)/d(s_k))/d(s_l)";
const CLOSED: &str = "p_k*(delta(k,l) - p_l)";

#[test]
fn the_nested_form_derives_the_inner_gradient_first_and_exits_0() {
    let (code, out) = cli("nested.deriv", &file(NESTED, CLOSED));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Result: ∂(∂L/∂s_k)/∂s_l = p_k(δ_kl − p_l)"),
        "{out}"
    );
    // The inner derivative appears as a lemma ending in the gradient, then is substituted.
    assert!(out.contains("= p_k − q_k"), "{out}");
    assert!(out.contains("= ∂(p_k − q_k)/∂s_l"), "{out}");
    assert!(!out.contains("unchecked"), "{out}");
}

#[test]
fn the_let_form_exits_0_with_the_closed_form() {
    let text = file("let g_k = d(L)/d(s_k)\nderive d(g_k)/d(s_l)", CLOSED);
    let (code, out) = cli("let.deriv", &text);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Result: ∂g_k/∂s_l = p_k(δ_kl − p_l)"), "{out}");
    assert!(!out.contains("unchecked"), "{out}");
}

#[test]
fn the_symmetric_expect_holds() {
    let (code, out) = cli("sym.deriv", &file(NESTED, "p_l*(delta(k,l) - p_k)"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("equal after normalisation"), "{out}");
}

#[test]
fn a_false_hessian_expect_exits_1() {
    let (code, out) = cli("false.deriv", &file(NESTED, "p_k*(delta(k,l) + p_l)"));
    assert_eq!(code, 1, "{out}");
}

#[test]
fn a_wrong_second_derivative_step_fails() {
    let show = |line: &str| {
        format!("title \"H\"\n{DECLS}show d(d(L)/d(s_k))/d(s_l)\n= d(p_k - q_k)/d(s_l)\n= {line}\n")
    };
    let (code, out) = cli("show_ok.deriv", &show("p_k*delta(k,l) - p_k*p_l"));
    assert_eq!(code, 0, "{out}");
    for wrong in ["p_k*delta(k,l) + p_k*p_l", "p_l*delta(k,l) - p_k"] {
        let (code, out) = cli("show_wrong.deriv", &show(wrong));
        assert_eq!(code, 1, "{wrong}: {out}");
    }
}

#[test]
fn a_third_derivative_is_refused_with_line_and_column() {
    let text = "title \"third\"\nvar x positive\nlet L = exp(2*x) + x^3\nderive d(d(d(L)/d(x))/d(x))/d(x)\n";
    let (code, out) = cli("third.deriv", text);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(":4:1:") && out.contains("nests 3 derivatives"),
        "{out}"
    );
    // Through a definition too.
    let text = "title \"third\"\nvar x positive\nlet L = x^4\nlet g = d(d(L)/d(x))/d(x)\nderive d(g)/d(x)\n";
    let (code, out) = cli("third_let.deriv", text);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn a_scalar_second_derivative_is_checked() {
    // d²/dx² (exp(2x) + x³) = 4 exp(2x) + 6x (oracle: by hand and tests/oracles/hessian.py's method).
    let text = "title \"scalar\"\nvar x positive\nlet L = exp(2*x) + x^3\nderive d(d(L)/d(x))/d(x)\nexpect 4*exp(2*x) + 6*x\n";
    let (code, out) = cli("scalar.deriv", text);
    assert_eq!(code, 0, "{out}");
    let (code, out) = cli("scalar_false.deriv", &text.replace("6*x", "3*x"));
    assert_eq!(code, 1, "{out}");
}

#[test]
fn renaming_every_name_gives_the_same_hessian_proof() {
    // `l` goes to a letter before `v` (the new `k`): the delta substitution's choice flips.
    let table = [
        ("s", "z"),
        ("q", "t"),
        ("p", "r"),
        ("j", "u"),
        ("k", "v"),
        ("l", "a"),
        ("m", "w"),
        ("L", "E"),
        ("K", "N"),
    ];
    let original = file(&format!("{NESTED} via p_j"), "p_l*(delta(k,l) - p_k)");
    let renamed = rename(&original, &table);
    assert!(renamed.contains("derive d(d(E)/d(z_v))/d(z_a) via r_u"));
    // The proof (the cancellation report after it orders its leftover terms by name).
    let proved = |text: &str| {
        let p = parse_problem(text).expect("parses");
        let d = derive(&p, Limits::default()).expect("a derive line");
        let text = proof_text(&p, &d);
        let end = text.find("Cancellation report").unwrap_or(text.len());
        text[..end].to_string()
    };
    let proof1 = proved(&original);
    assert!(
        proof1.contains("Result: ∂(∂L/∂s_k)/∂s_l = p_k(δ_kl − p_l)"),
        "{proof1}"
    );
    assert_eq!(proved(&renamed), rename(&proof1, &table));
}
