//! Derivations written for review, outside `derivations/`: other families, other names, three
//! index ranges. Each closed form was checked first by an independent oracle in
//! `tests/oracles/`.

mod common;

use common::{run, stdout, temp_file};

const TANH_MLP: &str = include_str!("fixtures/unseen/tanh_mlp.deriv");

#[test]
fn a_tanh_layer_under_squared_error_reaches_its_closed_form_through_a_via_list() {
    let path = temp_file("tanh_mlp.deriv", TANH_MLP);
    let o = run(&["derive", &path]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    let result = out
        .lines()
        .find(|l| l.starts_with("Result:"))
        .expect("a result line");
    // The hidden range H, the input range N and the output range M never mix.
    assert_eq!(
        result,
        "Result: ∂E/∂A_ij = (Σ_{o=1..M} (y_o − t_o) W_oi(1 − g_i^2)) x_j"
    );
}

#[test]
fn a_false_expect_on_it_exits_1() {
    let wrong = TANH_MLP.replace("(1 - g_i^2)", "(1 + g_i^2)");
    assert_ne!(wrong, TANH_MLP);
    let path = temp_file("tanh_mlp_wrong.deriv", &wrong);
    assert_eq!(run(&["derive", &path]).status.code(), Some(1));
}
