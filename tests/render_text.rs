//! The Unicode text printer, as exact strings.
mod common;

use common::*;
use gradproof::render::{to_text, PrintOptions};
use gradproof::syntax::expr::{add, delta, div, mul, neg, pow, recip, sub};
use gradproof::{Expr, Index};

fn text(e: &Expr) -> String {
    to_text(e, &PrintOptions::default())
}

#[test]
fn the_posts_formulas() {
    let chain = format!("{} = {}", text(&post_lhs()), text(&post_chain()));
    assert_eq!(chain, "∂L/∂s_k = Σ_j ∂L/∂p_j · ∂p_j/∂s_k");
    assert_eq!(text(&post_softmax()), "exp(s_j)/Σ_m exp(s_m)");
    assert_eq!(text(&post_softmax_grad()), "p_j(δ_jk − p_k)");
    assert_eq!(text(&post_split()), "−Σ_j q_j δ_jk + p_k Σ_j q_j");
    assert_eq!(text(&post_result()), "p_k − q_k");
    assert_eq!(text(&post_loss()), "−Σ_j q_j log p_j");
}

#[test]
fn negative_coefficients_and_fractions() {
    assert_eq!(
        text(&neg(div(s("q", free("j")), s("p", free("j"))))),
        "−q_j/p_j"
    );
    assert_eq!(
        text(&mul(vec![x("x"), pow(x("y"), Expr::int(-2))])),
        "x/y^2"
    );
    assert_eq!(text(&recip(x("x"))), "1/x");
    assert_eq!(text(&add(vec![x("a"), Expr::int(-3)])), "a − 3");
    assert_eq!(text(&mul(vec![rat(1, 2), x("x")])), "x/2");
    assert_eq!(text(&mul(vec![rat(-1, 2), x("x")])), "−x/2");
    assert_eq!(
        text(&mul(vec![rat(3, 2), x("x"), recip(x("y"))])),
        "(3 x)/(2 y)"
    );
    assert_eq!(text(&rat(-3, 4)), "−3/4");
    assert_eq!(text(&sub(x("a"), add(vec![x("b"), x("c")]))), "a − (b + c)");
    let nested = div(x("a"), div(x("c"), add(vec![x("d"), Expr::one()])));
    assert_eq!(text(&nested), "a/(c/(d + 1))");
    assert_eq!(text(&div(x("a"), mul(vec![x("b"), x("c")]))), "a/(b c)");
}

#[test]
fn powers() {
    assert_eq!(
        text(&pow(add(vec![x("a"), x("b")]), Expr::int(2))),
        "(a + b)^2"
    );
    assert_eq!(text(&neg(pow(x("x"), Expr::int(2)))), "−x^2");
    assert_eq!(text(&pow(neg(x("x")), Expr::int(2))), "(−x)^2");
    assert_eq!(text(&pow(x("x"), rat(1, 2))), "x^(1/2)");
    assert_eq!(text(&pow(x("x"), pow(x("y"), x("z")))), "x^(y^z)");
    assert_eq!(text(&pow(x("x"), s("s", free("k")))), "x^(s_k)");
    assert_eq!(
        text(&pow(sum_k("j", s("q", bound())), Expr::int(2))),
        "(Σ_j q_j)^2"
    );
}

#[test]
fn sums_in_products_and_renaming() {
    let total = sum_k("j", s("q", bound()));
    assert_eq!(
        text(&mul(vec![total.clone(), s("p", free("k"))])),
        "(Σ_j q_j) p_k"
    );
    // A free j outside forces the bound j to take a fresh name (no candidates given).
    assert_eq!(
        text(&mul(vec![s("q", free("j")), total])),
        "q_j Σ_{j1} q_{j1}"
    );
    let opts = PrintOptions {
        index_names: vec!["m".into()],
        ..PrintOptions::default()
    };
    let e = d(post_loss(), symbol("p", &[free("j")]));
    assert_eq!(to_text(&e, &opts), "∂(−Σ_m q_m log p_m)/∂p_j");
    let nested = sum_k(
        "j",
        sum_k("j", mul(vec![s("q", bound()), s("p", Index::Bound(1))])),
    );
    assert_eq!(to_text(&nested, &opts), "Σ_j Σ_m q_m p_j");
}

#[test]
fn functions_and_deltas() {
    assert_eq!(text(&exp(neg(s("s", free("j"))))), "exp(−s_j)");
    assert_eq!(text(&mul(vec![log(x("p")), x("q")])), "log(p) q");
    assert_eq!(text(&pow(log(x("p")), Expr::int(2))), "(log p)^2");
    assert_eq!(text(&sqrt(x("x"))), "√x");
    assert_eq!(
        text(&sqrt(add(vec![x("eps"), x("gamma")]))),
        "√(eps + gamma)"
    );
    assert_eq!(text(&delta(free("k1"), free("j"))), "δ_{k1,j}");
    assert_eq!(
        text(&Expr::Sym(symbol("c", &[free("k"), free("d")]))),
        "c_kd"
    );
    let two_dl = mul(vec![Expr::int(2), d(x("L"), symbol("x", &[]))]);
    assert_eq!(text(&two_dl), "2 · ∂L/∂x");
}

#[test]
fn long_sums_break_before_operators() {
    let terms = (0..10)
        .map(|i| {
            let k = format!("{i}");
            mul(vec![
                Expr::int(i + 2),
                s("w", free(&k)),
                exp(s("a", free(&k))),
            ])
        })
        .collect();
    let e = add(terms);
    let opts = PrintOptions {
        width: 40,
        ..PrintOptions::default()
    };
    let out = to_text(&e, &opts);
    assert!(out.lines().count() > 1, "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
    let flat = to_text(
        &e,
        &PrintOptions {
            width: 10_000,
            ..opts
        },
    );
    assert!(!flat.contains('\n'));
    assert_eq!(out.replace("\n  ", " "), flat);
    insta::assert_snapshot!("text_long_sum", out);
}
