//! Differentiating by a defined symbol (issue #12, item 5): `d(L)/d(p_k)` without `via`, where
//! `p` is a `let`, holds `p` as an input, in the engine as in the checker. The engine used to
//! substitute `p`'s own definition, so `d-constant` gave 0 and a false `expect 0` could pass.

mod common;

use gradproof::analysis::normal;
use gradproof::check::{check_derivation, CheckOptions};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::syntax::index::free_indices;
use gradproof::Expr;

/// Softmax and cross-entropy, differentiated by the softmax output `p` without `via`; the
/// loss is scaled down so that every value is tiny (an absolute tolerance would then call 0
/// right).
const BY_DEFINED: &str = "index j, k, m in 1..K
var s_j real
var q_j distribution
let p_j = exp(s_j) / sum_m exp(s_m)
let L = -sum_j q_j * log(p_j) / 1000000000000
derive d(L)/d(p_k)
";

/// Runs `gradproof derive` on `text` and returns (exit code, stdout, stderr).
fn cli(name: &str, text: &str) -> (Option<i32>, String, String) {
    let o = common::run(&["derive", &common::temp_file(name, text)]);
    (o.status.code(), common::stdout(&o), common::stderr(&o))
}

#[test]
fn a_defined_symbol_differentiated_by_is_held_as_an_input() {
    let problem = parse_problem(BY_DEFINED).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    let result = d.result();
    // Every line agrees with the checker's reference gradient, which holds `p` as an input.
    let report = check_derivation(&problem, &d, &CheckOptions::default());
    assert!(report.ok(), "{:?}", report.first_failure());
    // The result is not 0 and still mentions the symbol differentiated by (folded).
    assert!(
        !normal::equivalent(result, &Expr::zero(), &problem),
        "{result:?}"
    );
    assert!(result.mentions_symbol("p"), "{result:?}");
    assert_eq!(free_indices(result), free_indices(&d.goal));
    // No line substitutes `p`'s own definition inside the derivative.
    for line in d.lines() {
        if let Expr::Deriv(f, _) = line {
            assert!(
                f.mentions_symbol("p") || !f.mentions_symbol("s"),
                "{line:?}"
            );
        }
    }
}

#[test]
fn a_false_expect_zero_exits_1_and_the_true_result_exits_0() {
    let (code, _, stderr) = cli("by_defined_zero.deriv", &format!("{BY_DEFINED}expect 0\n"));
    assert_eq!(code, Some(1), "{stderr}");
    // The result the engine prints in the input syntax, typed back as `expect`, holds.
    let problem = parse_problem(BY_DEFINED).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    let printed = gradproof::render::to_input(d.result());
    let (code, stdout, stderr) = cli(
        "by_defined_true.deriv",
        &format!("{BY_DEFINED}expect {printed}\n"),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
}
