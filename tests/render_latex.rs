//! The LaTeX printer: the blog post's formulas and the notation choices, as exact strings.
mod common;

use common::*;
use gradproof::render::{to_latex, FracStyle, PrintOptions};
use gradproof::syntax::expr::{add, delta, div, mul, neg, pow, recip, sub};
use gradproof::{Expr, Index};

fn latex(e: &Expr) -> String {
    to_latex(e, &PrintOptions::default())
}

#[test]
fn the_posts_chain_rule() {
    let line = format!("{} = {}", latex(&post_lhs()), latex(&post_chain()));
    assert_eq!(
        line,
        r"\dfrac{\partial L}{\partial s_k} = \sum_{j=1}^{K} \dfrac{\partial L}{\partial p_j} \cdot \dfrac{\partial p_j}{\partial s_k}"
    );
}

#[test]
fn the_posts_softmax() {
    let line = format!("{} = {}", latex(&s("p", free("j"))), latex(&post_softmax()));
    assert_eq!(line, r"p_j = \dfrac{e^{s_j}}{\sum_{m=1}^{K} e^{s_m}}");
}

#[test]
fn the_posts_softmax_derivative() {
    assert_eq!(
        latex(&post_softmax_grad()),
        r"p_j\left(\delta_{jk} - p_k\right)"
    );
}

#[test]
fn the_posts_split_sum() {
    assert_eq!(
        latex(&post_split()),
        r"-\sum_{j=1}^{K} q_j \delta_{jk} + p_k \sum_{j=1}^{K} q_j"
    );
}

#[test]
fn the_posts_result_and_loss() {
    assert_eq!(latex(&post_result()), r"p_k - q_k");
    assert_eq!(latex(&post_loss()), r"-\sum_{j=1}^{K} q_j \log p_j");
}

#[test]
fn negative_coefficients_lead_with_a_minus() {
    let q_over_p = div(s("q", free("j")), s("p", free("j")));
    assert_eq!(latex(&neg(q_over_p)), r"-\dfrac{q_j}{p_j}");
    assert_eq!(latex(&mul(vec![Expr::int(-2), x("x")])), r"-2 x");
    assert_eq!(latex(&add(vec![x("a"), Expr::int(-3)])), r"a - 3");
    assert_eq!(
        latex(&sub(x("a"), mul(vec![Expr::int(2), x("b")]))),
        r"a - 2 b"
    );
    assert_eq!(latex(&mul(vec![rat(-1, 2), x("x")])), r"-\dfrac{1}{2} x");
    assert_eq!(latex(&rat(-3, 4)), r"-\dfrac{3}{4}");
    assert_eq!(
        latex(&neg(add(vec![x("a"), x("b")]))),
        r"-\left(a + b\right)"
    );
}

#[test]
fn fractions_stack_and_nest() {
    let y2 = pow(x("y"), Expr::int(-2));
    assert_eq!(latex(&mul(vec![x("x"), y2])), r"\dfrac{x}{y^{2}}");
    assert_eq!(latex(&recip(x("x"))), r"\dfrac{1}{x}");
    let three_x_over_2y = mul(vec![rat(3, 2), x("x"), recip(x("y"))]);
    assert_eq!(latex(&three_x_over_2y), r"\dfrac{3 x}{2 y}");
    let inner = div(x("c"), add(vec![x("d"), Expr::one()]));
    assert_eq!(latex(&div(x("a"), inner)), r"\dfrac{a}{\dfrac{c}{d + 1}}");
    let over_product = div(x("a"), mul(vec![x("b"), x("c")]));
    assert_eq!(latex(&over_product), r"\dfrac{a}{b c}");
}

#[test]
fn powers_parenthesise_their_base_only_when_needed() {
    let a_plus_b = add(vec![x("a"), x("b")]);
    assert_eq!(
        latex(&pow(a_plus_b, Expr::int(2))),
        r"\left(a + b\right)^{2}"
    );
    let total = sum_k("j", s("q", bound()));
    assert_eq!(
        latex(&pow(total, Expr::int(2))),
        r"\left(\sum_{j=1}^{K} q_j\right)^{2}"
    );
    assert_eq!(latex(&pow(s("p", free("j")), Expr::int(2))), r"p_j^{2}");
    assert_eq!(latex(&pow(x("x"), rat(1, 2))), r"x^{\frac{1}{2}}");
    assert_eq!(latex(&pow(x("x"), neg(x("y")))), r"x^{-y}");
    assert_eq!(
        latex(&pow(neg(x("x")), Expr::int(2))),
        r"\left(-x\right)^{2}"
    );
    assert_eq!(latex(&neg(pow(x("x"), Expr::int(2)))), r"-x^{2}");
}

#[test]
fn a_sum_is_parenthesised_unless_it_is_the_last_factor() {
    let total = sum_k("j", s("q", bound()));
    let last = mul(vec![s("p", free("k")), total.clone()]);
    assert_eq!(latex(&last), r"p_k \sum_{j=1}^{K} q_j");
    let first = mul(vec![total.clone(), s("p", free("k"))]);
    assert_eq!(latex(&first), r"\left(\sum_{j=1}^{K} q_j\right) p_k");
    let negative_body = sum_open("j", neg(s("q", bound())));
    assert_eq!(latex(&negative_body), r"\sum_{j} \left(-q_j\right)");
    let add_body = sum_open("j", add(vec![s("q", bound()), x("c")]));
    assert_eq!(latex(&add_body), r"\sum_{j} \left(q_j + c\right)");
}

#[test]
fn a_clashing_bound_index_is_renamed() {
    let opts = PrintOptions {
        index_names: vec!["j".into(), "m".into()],
        ..PrintOptions::default()
    };
    let e = d(post_loss(), symbol("p", &[free("j")]));
    assert_eq!(
        to_latex(&e, &opts),
        r"\dfrac{\partial}{\partial p_j}\left(-\sum_{m=1}^{K} q_m \log p_m\right)"
    );
    // Nested sums with the same letter: the inner one is renamed, the outer keeps its letter.
    let nested = sum_k(
        "j",
        sum_k("j", mul(vec![s("q", bound()), s("p", Index::Bound(1))])),
    );
    assert_eq!(
        to_latex(&nested, &opts),
        r"\sum_{j=1}^{K} \sum_{m=1}^{K} q_m p_j"
    );
}

#[test]
fn exp_is_a_power_of_e_for_short_arguments() {
    assert_eq!(latex(&exp(s("s", free("j")))), r"e^{s_j}");
    assert_eq!(latex(&exp(neg(s("s", free("j"))))), r"e^{-s_j}");
    assert_eq!(
        latex(&exp(div(s("s", free("j")), x("T")))),
        r"e^{\frac{s_j}{T}}"
    );
    assert_eq!(latex(&exp(mul(vec![Expr::int(2), x("x")]))), r"e^{2 x}");
    assert_eq!(
        latex(&exp(add(vec![x("a"), x("b")]))),
        r"\exp\left(a + b\right)"
    );
    let total = sum_open("m", s("s", bound()));
    assert_eq!(latex(&exp(total)), r"\exp\left(\sum_{m} s_m\right)");
    assert_eq!(
        latex(&pow(exp(x("x")), Expr::int(2))),
        r"\left(e^{x}\right)^{2}"
    );
}

#[test]
fn log_is_bare_only_for_a_symbol_at_the_end() {
    assert_eq!(latex(&log(s("p", free("y")))), r"\log p_y");
    assert_eq!(
        latex(&mul(vec![log(x("p")), x("q")])),
        r"\log\left(p\right) q"
    );
    assert_eq!(
        latex(&log(add(vec![Expr::one(), x("x")]))),
        r"\log\left(1 + x\right)"
    );
    assert_eq!(
        latex(&pow(log(x("p")), Expr::int(2))),
        r"\left(\log p\right)^{2}"
    );
}

#[test]
fn names_indices_and_deltas() {
    assert_eq!(
        latex(&sqrt(add(vec![x("eps"), x("gamma")]))),
        r"\sqrt{\epsilon + \gamma}"
    );
    assert_eq!(latex(&s("sigma", free("k"))), r"\sigma_k");
    assert_eq!(latex(&x("lr")), r"\mathrm{lr}");
    assert_eq!(
        latex(&Expr::Sym(symbol("c", &[free("k"), free("d")]))),
        r"c_{kd}"
    );
    assert_eq!(latex(&s("c", free("k1"))), r"c_{k1}");
    assert_eq!(latex(&delta(free("k1"), free("j"))), r"\delta_{k1,j}");
}

#[test]
fn dot_only_where_juxtaposition_is_ambiguous() {
    let deriv = d(x("L"), symbol("x", &[]));
    assert_eq!(
        latex(&mul(vec![Expr::int(2), deriv])),
        r"2 \cdot \dfrac{\partial L}{\partial x}"
    );
    let two_x_sum = mul(vec![Expr::int(2), x("x"), add(vec![x("a"), x("b")])]);
    assert_eq!(latex(&two_x_sum), r"2 x\left(a + b\right)");
    assert_eq!(latex(&mul(vec![Expr::int(2), exp(x("x"))])), r"2 e^{x}");
}

#[test]
fn frac_style_option() {
    let opts = PrintOptions {
        frac: FracStyle::Frac,
        ..PrintOptions::default()
    };
    assert_eq!(
        to_latex(&post_softmax(), &opts),
        r"\frac{e^{s_j}}{\sum_{m=1}^{K} e^{s_m}}"
    );
    assert_eq!(
        to_latex(&post_lhs(), &opts),
        r"\frac{\partial L}{\partial s_k}"
    );
}

/// A long sum: `2 w_0 exp(a_0 + b) + 3 w_1 exp(a_1 + b) + ...`.
fn long_sum(terms: i128) -> Expr {
    add((0..terms)
        .map(|i| {
            let k = format!("{i}");
            let arg = add(vec![s("a", free(&k)), x("b")]);
            mul(vec![Expr::int(i + 2), s("w", free(&k)), exp(arg)])
        })
        .collect())
}

#[test]
fn long_sums_break_before_operators_within_the_width() {
    let opts = PrintOptions {
        width: 60,
        ..PrintOptions::default()
    };
    let e = sub(long_sum(8), x("z"));
    let out = to_latex(&e, &opts);
    assert!(out.lines().count() > 1, "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 60), "{out}");
    assert!(out
        .lines()
        .skip(1)
        .all(|l| l.starts_with("  + ") || l.starts_with("  - ")));
    // Line breaks only replace spaces.
    let flat = to_latex(
        &e,
        &PrintOptions {
            width: 10_000,
            ..opts
        },
    );
    assert_eq!(out.replace("\n  ", " "), flat);
    insta::assert_snapshot!("latex_long_sum", out);
}
