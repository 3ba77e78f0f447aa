//! The input-syntax printer: exact strings, and laws over random trees.
mod common;

use common::*;
use gradproof::render::{to_input, to_input_with, to_latex, to_text, PrintOptions};
use gradproof::syntax::expr::{add, delta, div, mul, neg, pow, recip, sub, sum};
use gradproof::{Binder, Expr, Index};
use proptest::prelude::*;

#[test]
fn the_posts_formulas() {
    assert_eq!(to_input(&post_lhs()), "d(L)/d(s_k)");
    assert_eq!(to_input(&post_chain()), "sum_j d(L)/d(p_j)*d(p_j)/d(s_k)");
    assert_eq!(to_input(&post_softmax()), "exp(s_j)/sum_m exp(s_m)");
    assert_eq!(to_input(&post_softmax_grad()), "p_j*(delta(j,k) - p_k)");
    assert_eq!(
        to_input(&post_split()),
        "-sum_j q_j*delta(j,k) + p_k*sum_j q_j"
    );
    assert_eq!(to_input(&post_result()), "p_k - q_k");
    assert_eq!(to_input(&post_loss()), "-sum_j q_j*log(p_j)");
}

#[test]
fn display_is_the_input_syntax() {
    assert_eq!(post_result().to_string(), "p_k - q_k");
}

#[test]
fn subtraction_negation_and_division() {
    assert_eq!(
        to_input(&neg(div(s("q", free("j")), s("p", free("j"))))),
        "-q_j/p_j"
    );
    assert_eq!(
        to_input(&mul(vec![x("x"), pow(x("y"), Expr::int(-2))])),
        "x/y^2"
    );
    assert_eq!(to_input(&recip(x("x"))), "1/x");
    assert_eq!(to_input(&add(vec![x("a"), Expr::int(-3)])), "a - 3");
    assert_eq!(to_input(&add(vec![Expr::int(-3), x("a")])), "-3 + a");
    assert_eq!(
        to_input(&sub(x("a"), mul(vec![Expr::int(2), x("b"), x("c")]))),
        "a - 2*b*c"
    );
    assert_eq!(
        to_input(&sub(x("a"), add(vec![x("b"), x("c")]))),
        "a - (b + c)"
    );
    assert_eq!(to_input(&neg(add(vec![x("a"), x("b")]))), "-(a + b)");
    // Factors keep their order, so reading back rebuilds the same product.
    assert_eq!(to_input(&mul(vec![recip(x("b")), x("a")])), "1/b*a");
    assert_eq!(to_input(&div(div(x("a"), x("b")), x("c"))), "a/b/c");
    assert_eq!(to_input(&div(x("a"), mul(vec![x("b"), x("c")]))), "a/(b*c)");
    let nested = div(x("a"), div(x("c"), add(vec![x("d"), Expr::one()])));
    assert_eq!(to_input(&nested), "a/(c/(d + 1))");
}

#[test]
fn rationals() {
    assert_eq!(to_input(&rat(1, 2)), "1/2");
    assert_eq!(to_input(&rat(-3, 4)), "-3/4");
    assert_eq!(to_input(&mul(vec![rat(1, 2), x("x")])), "x/2");
    assert_eq!(to_input(&mul(vec![rat(-3, 2), x("x"), x("y")])), "-3*x*y/2");
    assert_eq!(
        to_input(&mul(vec![rat(3, 2), x("x"), recip(x("y"))])),
        "3/2*x/y"
    );
    assert_eq!(to_input(&pow(x("x"), rat(1, 2))), "x^(1/2)");
    assert_eq!(to_input(&pow(x("x"), rat(-1, 2))), "1/x^(1/2)");
    assert_eq!(to_input(&pow(rat(1, 2), x("x"))), "(1/2)^x");
}

#[test]
fn powers_and_unary_minus() {
    assert_eq!(to_input(&neg(pow(x("x"), Expr::int(2)))), "-x^2");
    assert_eq!(to_input(&pow(neg(x("x")), Expr::int(2))), "(-x)^2");
    assert_eq!(to_input(&pow(Expr::int(-2), x("x"))), "(-2)^x");
    assert_eq!(to_input(&pow(x("x"), pow(x("y"), x("z")))), "x^y^z");
    assert_eq!(to_input(&pow(pow(x("x"), x("y")), x("z"))), "(x^y)^z");
    assert_eq!(to_input(&pow(x("x"), neg(x("y")))), "x^(-y)");
    assert_eq!(
        to_input(&pow(add(vec![x("a"), x("b")]), Expr::int(2))),
        "(a + b)^2"
    );
    let deriv = d(x("L"), symbol("x", &[]));
    assert_eq!(to_input(&pow(deriv.clone(), Expr::int(2))), "(d(L)/d(x))^2");
    assert_eq!(to_input(&div(x("a"), deriv)), "a/(d(L)/d(x))");
}

#[test]
fn a_sum_takes_the_following_product() {
    let total = sum_k("j", s("q", bound()));
    let body_product = sum_k("j", mul(vec![s("q", bound()), x("b")]));
    assert_eq!(
        to_input(&mul(vec![x("a"), body_product.clone()])),
        "a*sum_j q_j*b"
    );
    assert_eq!(
        to_input(&add(vec![body_product, x("c")])),
        "sum_j q_j*b + c"
    );
    assert_eq!(to_input(&mul(vec![total.clone(), x("b")])), "(sum_j q_j)*b");
    assert_eq!(to_input(&pow(total.clone(), Expr::int(2))), "(sum_j q_j)^2");
    assert_eq!(
        to_input(&mul(vec![x("a"), recip(total.clone()), x("c")])),
        "a/(sum_j q_j)*c"
    );
    assert_eq!(to_input(&div(x("a"), total.clone())), "a/sum_j q_j");
    assert_eq!(to_input(&mul(vec![rat(1, 2), total])), "(sum_j q_j)/2");
    assert_eq!(
        to_input(&sum_open("j", neg(s("q", bound())))),
        "sum_j (-q_j)"
    );
    assert_eq!(
        to_input(&sum_open("j", add(vec![s("q", bound()), x("c")]))),
        "sum_j (q_j + c)"
    );
}

#[test]
fn bound_indices_never_capture() {
    let e = d(post_loss(), symbol("p", &[free("j")]));
    let opts = PrintOptions {
        index_names: vec!["j".into(), "m".into()],
        ..PrintOptions::default()
    };
    assert_eq!(to_input_with(&e, &opts), "d(-sum_m q_m*log(p_m))/d(p_j)");
    // With no candidates, the letter gets the smallest free number.
    assert_eq!(to_input(&e), "d(-sum_{j1} q_{j1}*log(p_{j1}))/d(p_j)");
    let nested = sum_k(
        "j",
        sum_k("j", mul(vec![s("q", bound()), s("p", Index::Bound(1))])),
    );
    assert_eq!(to_input_with(&nested, &opts), "sum_j sum_m q_m*p_j");
    let reserved = PrintOptions {
        reserved_indices: vec!["j".into()],
        ..opts
    };
    assert_eq!(
        to_input_with(&post_loss(), &reserved),
        "-sum_m q_m*log(p_m)"
    );
    // Out of candidates: the hint with a number.
    let none = PrintOptions {
        index_names: Vec::new(),
        ..PrintOptions::default()
    };
    let clash = mul(vec![s("q", free("j")), sum_k("j", s("q", bound()))]);
    assert_eq!(to_input_with(&clash, &none), "q_j*sum_{j1} q_{j1}");
}

#[test]
fn subscripts_and_deltas() {
    assert_eq!(
        to_input(&Expr::Sym(symbol("c", &[free("k"), free("d")]))),
        "c_{k,d}"
    );
    assert_eq!(to_input(&s("c", free("k1"))), "c_{k1}");
    assert_eq!(to_input(&delta(free("j"), free("k"))), "delta(j,k)");
    assert_eq!(to_input(&sqrt(x("eps"))), "sqrt(eps)");
}

#[test]
fn an_unusable_hint_falls_back_to_a_letter() {
    let e = sum(Binder::new("", None), s("q", bound()));
    assert_eq!(to_input(&e), "sum_i q_i");
}

#[test]
fn deep_trees_do_not_overflow_the_stack() {
    let mut e = s("s", free("k"));
    for i in 0..300 {
        e = match i % 5 {
            0 => exp(e),
            1 => sum_k("j", mul(vec![s("q", bound()), e])),
            2 => neg(add(vec![e, x("x")])),
            3 => pow(e, Expr::int(2)),
            _ => div(x("a"), e),
        };
    }
    let opts = PrintOptions::default();
    for out in [to_input(&e), to_text(&e, &opts), to_latex(&e, &opts)] {
        assert!(out.len() > 300);
        assert!(balanced(&out, '(', ')'));
    }
}

/// True when `open`/`close` pairs nest properly.
fn balanced(text: &str, open: char, close: char) -> bool {
    let mut depth = 0i64;
    for c in text.chars() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth < 0 {
                return false;
            }
        }
    }
    depth == 0
}

proptest! {
    #[test]
    fn input_is_one_balanced_line_and_deterministic(e in arb_expr()) {
        let out = to_input(&e);
        prop_assert!(!out.is_empty());
        prop_assert!(!out.contains('\n'));
        prop_assert!(balanced(&out, '(', ')'), "{}", out);
        prop_assert!(balanced(&out, '{', '}'), "{}", out);
        // Every bound index points inside the tree, so none prints as `?n`.
        prop_assert!(!out.contains('?'), "{}", out);
        prop_assert_eq!(&out, &to_input(&e.clone()));
    }

    #[test]
    fn text_and_latex_are_balanced_and_deterministic(e in arb_expr()) {
        let opts = PrintOptions { width: 30, ..PrintOptions::default() };
        let text = to_text(&e, &opts);
        prop_assert!(!text.is_empty());
        prop_assert!(balanced(&text, '(', ')'), "{}", text);
        prop_assert_eq!(&text, &to_text(&e, &opts));
        let latex = to_latex(&e, &opts);
        prop_assert!(!latex.is_empty());
        prop_assert!(balanced(&latex, '{', '}'), "{}", latex);
        // (Marks that a bracket's `[u > 0]` cannot contain.)
        prop_assert!(balanced(&latex.replace("\\left(", "⟨").replace("\\right)", "⟩"), '⟨', '⟩'), "{}", latex);
        prop_assert!(!latex.contains("\n\n"), "{}", latex);
        prop_assert!(latex.lines().all(|l| !l.ends_with(' ')), "{:?}", latex);
        prop_assert_eq!(&latex, &to_latex(&e, &opts));
    }
}
