//! One test per rule, in `input => expected` form, with the cases where a side condition blocks
//! the rule. Expressions are read in the context of one declaration block, so sums know their
//! ranges and side conditions see the declared kinds.

mod common;

use common::rule_bench::{apply_in, blocked_in, fires_in, with_expect_in};

use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;

const DECLS: &str = "\
index j, k, m in 1..K
index d in 1..D
var s_j real
var q_j distribution
var r_j real
var x real
var w positive
var c_d real
let p_j = exp(s_j) / sum_m exp(s_m)
let L = -sum_j q_j * log(p_j)
derive d(L)/d(s_k) via p_j
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

/// A logistic definition, for the complement rule.
const LOGISTIC: &str = "\
var z real
var t unit
let v = 1/(1 + exp(-z))
let E = -log(v)
derive d(E)/d(z) via v
";

#[test]
fn chain_rule() {
    fires(
        "chain-rule",
        "d(L)/d(s_k)",
        "sum_j d(L)/d(p_j) * d(p_j)/d(s_k)",
    );
    // The via symbol itself is differentiated by its definition, not by the chain rule.
    blocked("chain-rule", "d(p_j)/d(s_k)");
    // Something that does not depend on the via symbol.
    blocked("chain-rule", "d(s_j)/d(s_k)");
}

#[test]
fn unfold_definition() {
    fires(
        "unfold-definition",
        "d(p_j)/d(s_k)",
        "d(exp(s_j)/sum_m exp(s_m))/d(s_k)",
    );
    fires(
        "unfold-definition",
        "d(p_m)/d(s_k)",
        "d(exp(s_m)/sum_j exp(s_j))/d(s_k)",
    );
    blocked("unfold-definition", "d(q_j)/d(s_k)");
    blocked("unfold-definition", "d(p_j)/d(q_k)");
}

#[test]
fn d_variable() {
    fires("d-variable", "d(s_j)/d(s_k)", "delta(j,k)");
    fires("d-variable", "d(s_k)/d(s_k)", "1");
    fires("d-variable", "d(x)/d(x)", "1");
    blocked("d-variable", "d(q_j)/d(s_k)");
}

#[test]
fn d_constant() {
    fires("d-constant", "d(q_j * x)/d(s_k)", "0");
    // p depends on s through its definition.
    blocked("d-constant", "d(p_j)/d(s_k)");
}

#[test]
fn d_sum_rule() {
    fires(
        "d-sum-rule",
        "d(s_j + q_j + x*s_j)/d(s_k)",
        "d(s_j)/d(s_k) + d(x*s_j)/d(s_k)",
    );
    blocked("d-sum-rule", "d(s_j*x)/d(s_k)");
}

#[test]
fn d_constant_factor() {
    fires(
        "d-constant-factor",
        "d(q_j*exp(s_j))/d(s_k)",
        "q_j*d(exp(s_j))/d(s_k)",
    );
    blocked("d-constant-factor", "d(s_j*exp(s_j))/d(s_k)");
}

#[test]
fn d_quotient() {
    fires(
        "d-quotient",
        "d(exp(s_j)/sum_m exp(s_m))/d(s_k)",
        "(d(exp(s_j))/d(s_k)*sum_m exp(s_m) - exp(s_j)*d(sum_m exp(s_m))/d(s_k)) / (sum_m exp(s_m))^2",
    );
    blocked("d-quotient", "d(s_j*exp(s_j))/d(s_k)");
}

#[test]
fn d_product() {
    fires(
        "d-product",
        "d(s_j*exp(s_j))/d(s_k)",
        "d(s_j)/d(s_k)*exp(s_j) + s_j*d(exp(s_j))/d(s_k)",
    );
    blocked("d-product", "d(exp(s_j)/sum_m exp(s_m))/d(s_k)");
}

#[test]
fn d_power() {
    fires("d-power", "d(s_j^2)/d(s_k)", "2*s_j*d(s_j)/d(s_k)");
    fires(
        "d-power",
        "d((1 - p_k)^w)/d(p_k)",
        "w*(1 - p_k)^(w - 1)*d(1 - p_k)/d(p_k)",
    );
    blocked("d-power", "d(exp(s_j))/d(s_k)");
}

#[test]
fn d_exp_log_sqrt() {
    fires(
        "d-exp",
        "d(exp(x*s_j))/d(s_k)",
        "exp(x*s_j)*d(x*s_j)/d(s_k)",
    );
    fires("d-log", "d(log(p_j))/d(s_k)", "d(p_j)/d(s_k)/p_j");
    fires("d-sqrt", "d(sqrt(w))/d(w)", "d(w)/d(w)/(2*sqrt(w))");
    blocked("d-exp", "d(log(p_j))/d(s_k)");
    blocked("d-log", "d(exp(s_j))/d(s_k)");
}

#[test]
fn d_indexed_sum() {
    fires(
        "d-indexed-sum",
        "d(sum_j q_j*s_j)/d(s_k)",
        "sum_j d(q_j*s_j)/d(s_k)",
    );
    blocked("d-indexed-sum", "d(q_j*s_j)/d(s_k)");
}

#[test]
fn cancel_needs_a_nonzero_base() {
    fires("cancel", "q_j/q_j", "1");
    fires("cancel", "x*p_j/p_j", "x");
    fires("cancel", "exp(s_j)*w/exp(s_j)^2", "1/exp(s_j)*w");
    fires("cancel", "K/K", "1");
    // A real variable may be zero: x/x is not 1 there.
    blocked("cancel", "r_j/r_j");
    blocked("cancel", "x*w/x");
}

#[test]
fn delta_select_needs_the_same_range() {
    fires("delta-select", "sum_j q_j*delta(j,k)", "q_k");
    fires("delta-select", "sum_j delta(k,j)*p_j*s_j", "p_k*s_k");
    fires("delta-select", "sum_j delta(j,k)", "1");
    // d runs over 1..D, j over 1..K: the delta may select nothing.
    blocked("delta-select", "sum_j q_j*delta(j,d)");
    blocked("delta-select", "sum_j q_j*s_j");
}

#[test]
fn delta_same() {
    fires("delta-same", "delta(k,k)", "1");
    blocked("delta-same", "delta(j,k)");
}

#[test]
fn sum_to_one_needs_a_distribution() {
    fires("sum-to-one", "sum_j q_j", "1");
    fires("sum-to-one", "sum_m q_m", "1");
    blocked("sum-to-one", "sum_j r_j");
    blocked("sum-to-one", "sum_j p_j");
    blocked("sum-to-one", "sum_j q_j*x");
}

#[test]
fn sum_of_constant() {
    fires("sum-of-constant", "sum_j x", "K*x");
    fires("sum-of-constant", "sum_j 1", "K");
    fires("sum-of-constant", "sum_d q_k", "D*q_k");
    blocked("sum-of-constant", "sum_j q_j");
}

#[test]
fn distribute_in_sum() {
    fires(
        "distribute-in-sum",
        "sum_j x*(q_j + r_j)",
        "sum_j (x*q_j + x*r_j)",
    );
    // The sum of terms does not mention j: it is a constant factor, not something to split.
    blocked("distribute-in-sum", "sum_j q_j*(x + w)");
}

#[test]
fn split_sum() {
    fires(
        "split-sum",
        "sum_j (q_j + x*r_j)",
        "sum_j q_j + sum_j x*r_j",
    );
    blocked("split-sum", "sum_j q_j*r_j");
}

#[test]
fn factor_out_of_sum() {
    fires("factor-out-of-sum", "sum_j -x*q_j*p_k", "-x*p_k*sum_j q_j");
    blocked("factor-out-of-sum", "sum_j q_j*r_j");
}

#[test]
fn fold_definition() {
    fires("fold-definition", "exp(s_j)/sum_m exp(s_m)", "p_j");
    fires(
        "fold-definition",
        "x*exp(s_k)*exp(s_j)/(sum_m exp(s_m))^2",
        "x*p_k*exp(s_j)/sum_m exp(s_m)",
    );
    blocked("fold-definition", "exp(s_j)/sum_m exp(s_m)^2");
    blocked("fold-definition", "exp(s_j)*sum_m exp(s_m)");
}

#[test]
fn distribute() {
    fires("distribute", "x*(q_j + w)", "x*q_j + x*w");
    fires(
        "distribute",
        "(x + w)*(q_j + w)/(q_j + w)^2",
        "x*(q_j + w)/(q_j + w)^2 + w*(q_j + w)/(q_j + w)^2",
    );
    blocked("distribute", "x*q_j");
    // The product divides by the sum: it is about to cancel, so it stays whole.
    blocked("distribute", "x*(q_j + w)/(q_j + w)");
}

#[test]
fn fold_complement() {
    let fold = |input: &str| apply_in(LOGISTIC, "fold-complement", input);
    let (_, want) = with_expect_in(LOGISTIC, "(1 - v)/(1 + exp(-z))");
    assert_eq!(fold("exp(-z)/(1 + exp(-z))^2"), Some(want));
    assert_eq!(fold("exp(-z)*(1 + exp(-z))"), None);
    assert_eq!(fold("exp(z)/(1 + exp(-z))"), None);
}

#[test]
fn the_complement_of_a_unit_quantity_cancels() {
    let cancel = |input: &str| apply_in(LOGISTIC, "cancel", input);
    let (_, one) = with_expect_in(LOGISTIC, "1");
    assert_eq!(cancel("(1 - v)/(1 - v)"), Some(one.clone()));
    assert_eq!(cancel("(1 - t)/(1 - t)"), Some(one));
    // 1 - z may be zero for a real z.
    assert_eq!(cancel("(1 - z)/(1 - z)"), None);
}

#[test]
fn merge_powers() {
    fires("merge-powers", "x*w*x", "x^2*w");
    fires("merge-powers", "1/x * 1/x", "1/x^2");
    // Opposite signs would divide: that is cancellation, which needs a non-zero base.
    blocked("merge-powers", "x/x");
}

#[test]
fn power_of_product() {
    fires("power-of-product", "1/(x*w^2)", "1/x * 1/w^2");
    blocked("power-of-product", "(x*w)^w");
}

#[test]
fn collect_like_terms() {
    fires("collect-like-terms", "2*x*w + 3*w*x", "5*x*w");
    fires("collect-like-terms", "x*w + q_k - w*x", "q_k");
    blocked("collect-like-terms", "x*w + x");
}

#[test]
fn factor_common() {
    fires("factor-common", "x*q_j - x*w*r_j", "x*(q_j - w*r_j)");
    blocked("factor-common", "x*q_j + w*r_j");
}

#[test]
fn order_terms() {
    fires("order-terms", "-x + w - q_k", "w - x - q_k");
    blocked("order-terms", "w - x");
    blocked("order-terms", "-w - x");
}

#[test]
fn normalised_sums_to_one() {
    // `p_j = exp(s_j) / sum_m exp(s_m)`: a positive term over its own sum over j's range.
    fires("normalised-sums-to-one", "sum_j p_j", "1");
    blocked("normalised-sums-to-one", "sum_j p_j * q_j");
    blocked("normalised-sums-to-one", "sum_j s_j");
    // Normalised by another sum, or a term that may be negative: no distribution.
    let decls = "index j, k, m in 1..K\nvar s_j real\nlet a_j = exp(s_j) / sum_m exp(2*s_m)\n\
                 let b_j = s_j / sum_m s_m\n";
    assert!(apply_in(decls, "normalised-sums-to-one", "sum_j a_j").is_none());
    assert!(apply_in(decls, "normalised-sums-to-one", "sum_j b_j").is_none());
}

#[test]
fn group_terms() {
    fires("group-terms", "x*q_j + x*r_j + w", "x*(q_j + r_j) + w");
    // The group's cofactor starts with a term that is not negated.
    fires("group-terms", "-x*q_j - x*r_j + w", "-x*(q_j + r_j) + w");
    // Two terms, or a factor every term shares: `factor-common`'s business.
    blocked("group-terms", "x*q_j + x*r_j");
    blocked("group-terms", "x*q_j + x*r_j + x");
    blocked("group-terms", "q_j + r_j + w");
}

#[test]
fn factor_into_sum() {
    fires("factor-into-sum", "x * sum_j q_j", "sum_j x*q_j");
    blocked("factor-into-sum", "x * w");
    blocked("factor-into-sum", "sum_j q_j * sum_m r_m");
}

#[test]
fn merge_sums() {
    fires(
        "merge-sums",
        "sum_j q_j + sum_m r_m + x",
        "sum_j (q_j + r_j) + x",
    );
    blocked("merge-sums", "sum_j q_j + sum_d c_d");
    blocked("merge-sums", "sum_j q_j + x");
}

#[test]
fn fold_body() {
    let decls = "index j, k, m in 1..K\nindex d in 1..D\nvar c_{j,d} real\nvar x_d real\n\
                 let h_j = sum_d x_d * c_{j,d}\nlet g = log(sum_j exp(h_j))\n";
    assert_eq!(
        apply_in(decls, "fold-body", "sum_d x_d * c_{k,d}"),
        Some(with_expect_in(decls, "h_k").1)
    );
    // Inside a sum the parameter binds the sum's index.
    assert_eq!(
        apply_in(decls, "fold-body", "log(sum_m exp(h_m))"),
        Some(with_expect_in(decls, "g").1)
    );
    assert!(apply_in(decls, "fold-body", "sum_d x_d * c_{k,d} * 2").is_none());
    assert!(apply_in(decls, "fold-body", "log(sum_m exp(2*h_m))").is_none());
}

#[test]
fn fold_complement_of_an_indexed_definition() {
    let decls = "index n, k in 1..N\nvar z_n real\nlet v_n = 1/(1 + exp(-z_n))\n";
    assert_eq!(
        apply_in(decls, "fold-complement", "exp(-z_k) / (1 + exp(-z_k))"),
        Some(with_expect_in(decls, "1 - v_k").1)
    );
    // `u` and `1 + u` at different indices: no complement.
    assert!(apply_in(decls, "fold-complement", "exp(-z_k) / (1 + exp(-z_n))").is_none());
}

#[test]
fn every_rule_is_tested_here() {
    let source = include_str!("rules.rs");
    // The bracket rules of issue #21 are tested in tests/piecewise.rs.
    let piecewise = include_str!("piecewise.rs");
    for r in gradproof::rules::registry() {
        let quoted = format!("\"{}\"", r.name);
        assert!(
            source.contains(&quoted) || piecewise.contains(&quoted),
            "rule {} has no test in tests/rules.rs or tests/piecewise.rs",
            r.name
        );
    }
}

/// −2^127, the smallest i128, written so that the old i128 parser could read it.
const MIN_I128: &str = "(-170141183460469231731687303715884105727 - 1)";

/// Issue #12 item 4: at the exponent −2^127 the quotient rule negated the exponent with
/// `checked_neg().unwrap_or(1)` and divided by `w^1`. It must do there what it does at −7.
#[test]
fn d_quotient_at_the_old_i128_limit() {
    let small = apply_in(DECLS, "d-quotient", "d(w*w^(-7))/d(w)").expect("fires at -7");
    let big =
        apply_in(DECLS, "d-quotient", &format!("d(w*w^{MIN_I128})/d(w)")).expect("fires at -2^127");
    let two_127 = "170141183460469231731687303715884105728";
    let (_, want) = with_expect(&gradproof::render::to_input(&small).replace('7', two_127));
    assert_eq!(big, want, "{big}");
}

/// Issue #12 item 4: folding a definition whose exponent is −2^127 consumed nothing of the
/// target's exponent (`checked_neg().unwrap_or(0)`), leaving `w^(-2^127)` next to `g`.
#[test]
fn fold_definition_at_the_old_i128_limit() {
    let decls = format!("{DECLS}var y positive\nlet g = y*w^{MIN_I128}\n");
    let got = apply_in(&decls, "fold-definition", &format!("x*y*w^{MIN_I128}"));
    let (_, want) = with_expect_in(&decls, "x*g");
    assert_eq!(got, Some(want));
}

/// Issue #12 item 9: a fold fires only where both sides are defined on the declared domain.
/// With `let r = x^(1/2)` and `x` real, folding `x^2` would give `r*x^(3/2)` (and in the end
/// `r^4`), undefined for `x < 0`; with `x` positive, or where the input already needs `x >= 0`,
/// the fold is sound and fires.
#[test]
fn fold_definition_only_where_both_sides_are_defined() {
    let real = "var x real\nvar y real\nlet r = x^(1/2)\nlet E = r*y\nderive d(E)/d(y)\n";
    assert_eq!(apply_in(real, "fold-definition", "y*x^2"), None);
    assert_eq!(apply_in(real, "fold-definition", "x^2"), None);
    // The input itself needs x >= 0: folding keeps the domain.
    let (_, want) = with_expect_in(real, "y*r");
    assert_eq!(apply_in(real, "fold-definition", "y*x^(1/2)"), Some(want));
    let positive = real.replace("var x real", "var x positive");
    let (_, want) = with_expect_in(&positive, "y*r*x^(3/2)");
    assert_eq!(apply_in(&positive, "fold-definition", "y*x^2"), Some(want));
    // A denominator the input already has may be folded.
    let quotient = "var x real\nvar y real\nlet g = y/x\nlet E = g\nderive d(E)/d(y)\n";
    let (_, want) = with_expect_in(quotient, "g*x^2");
    assert_eq!(
        apply_in(quotient, "fold-definition", "y*x^(-1)*x^2"),
        Some(want)
    );
}

/// Issue #12 item 3 at the rule level: a constant that may be undefined does not become 0.
#[test]
fn d_constant_and_d_sum_rule_keep_an_undefined_constant() {
    blocked("d-constant", "d(0*(x - x)^(-1))/d(w)");
    blocked("d-constant", "d(log(x))/d(w)");
    fires("d-constant", "d(log(w))/d(x)", "0");
    fires(
        "d-sum-rule",
        "d(w + log(x) + 3)/d(w)",
        "d(w)/d(w) + d(log(x))/d(w)",
    );
}

/// Issue #12 items 3 and 9 for the power rules: merging or distributing powers with a
/// fractional exponent must not give a value where the input has none (`x^(1/2)*x^(1/2)` is
/// undefined for `x < 0`, `x` is not), unless the base is known positive.
#[test]
fn power_rules_keep_the_domain_of_fractional_powers() {
    blocked("merge-powers", "x^(1/2)*x^(1/2)");
    blocked("power-of-product", "(x^(1/2)*w)^2");
    fires("merge-powers", "w^(1/2)*w^(1/2)", "w");
    fires("merge-powers", "x^(1/3)*x^(1/3)", "x^(2/3)");
    fires("power-of-product", "(w^(1/2)*x)^2", "w*x^2");
}

/// The logistic family (more cases, with their blocked shapes, in tests/logistic.rs).
#[test]
fn logistic_family() {
    fires(
        "d-sigmoid",
        "d(sigmoid(s_k))/d(s_k)",
        "sigmoid(s_k)*(1 - sigmoid(s_k))*d(s_k)/d(s_k)",
    );
    blocked("d-sigmoid", "d(exp(s_k))/d(s_k)");
    fires("d-tanh", "d(tanh(x))/d(x)", "(1 - tanh(x)^2)*d(x)/d(x)");
    blocked("d-tanh", "d(sigmoid(x))/d(x)");
    fires(
        "d-softplus",
        "d(softplus(w*x))/d(x)",
        "sigmoid(w*x)*d(w*x)/d(x)",
    );
    blocked("d-softplus", "d(log(1 + exp(x)))/d(x)");
    fires("sigmoid-complement", "1 - sigmoid(s_k)", "sigmoid(-s_k)");
    blocked("sigmoid-complement", "1 - sigmoid(s_k)^2");
    blocked("sigmoid-complement", "w - sigmoid(s_k)");
}
