//! `parse_expr`: each construct against a tree built with the smart constructors.

use gradproof::parse::{parse_expr, ErrorKind};
use gradproof::syntax::expr::{add, delta, deriv, div, func, mul, neg, pow, recip, sub, sum};
use gradproof::{Binder, Expr, Func, Index, Rational, Symbol};

fn p(input: &str) -> Expr {
    match parse_expr(input) {
        Ok(e) => e,
        Err(err) => panic!("{input:?} did not parse:\n{err:#}"),
    }
}

fn s(name: &str) -> Expr {
    Expr::plain(name)
}

fn ix(name: &str, index: &str) -> Expr {
    Expr::indexed(name, &[index])
}

/// `name` subscripted by the bound index `n`.
fn bound(name: &str, n: u32) -> Expr {
    Expr::Sym(Symbol {
        name: name.into(),
        indices: vec![Index::Bound(n)],
    })
}

fn over(letter: &str, body: Expr) -> Expr {
    sum(Binder::new(letter, None), body)
}

fn num(n: i128, d: i128) -> Expr {
    Expr::Num(Rational::new(n, d).unwrap())
}

#[test]
fn numbers_are_exact() {
    assert_eq!(p("12"), Expr::int(12));
    assert_eq!(p("0.5"), num(1, 2));
    assert_eq!(p("3.25"), num(13, 4));
    assert_eq!(p("007"), Expr::int(7));
    assert_eq!(p("-2"), Expr::int(-2));
}

#[test]
fn numbers_beyond_i128_are_exact_and_a_number_too_large_is_an_error() {
    // 10^42 and 10^-43 are exact (they overflowed the old i128 rationals).
    let ten = |n: usize| {
        (0..n).fold(Expr::int(1), |acc, _| {
            gradproof::syntax::expr::mul(vec![acc, Expr::int(10)])
        })
    };
    assert_eq!(p(&format!("1{}", "0".repeat(42))), ten(42));
    let tiny = p(&format!("0.{}1", "0".repeat(42)));
    assert_eq!(
        gradproof::syntax::expr::mul(vec![tiny, ten(43)]),
        Expr::int(1)
    );
    // A literal that would need more than MAX_EXACT_BITS bits is refused.
    let err = parse_expr(&"9".repeat(2467)).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::NumberTooLarge { .. }),
        "{err}"
    );
    let err = parse_expr(&format!("0.{}1", "0".repeat(2466))).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::NumberTooLarge { .. }),
        "{err}"
    );
}

#[test]
fn symbols_plain_and_indexed() {
    assert_eq!(p("L"), s("L"));
    assert_eq!(p("eps"), s("eps"));
    assert_eq!(p("gamma2"), s("gamma2"));
    assert_eq!(p("s_k"), ix("s", "k"));
    assert_eq!(p("w_k2"), ix("w", "k2"));
    assert_eq!(p("c_{k,d}"), Expr::indexed("c", &["k", "d"]));
    assert_eq!(p("c_{ k , d }"), Expr::indexed("c", &["k", "d"]));
    assert_eq!(p("c_{k}"), ix("c", "k"));
    // `d` is an ordinary name unless followed by `(`.
    assert_eq!(p("d"), s("d"));
    assert_eq!(p("x_d"), ix("x", "d"));
}

#[test]
fn sums_differences_and_unary_minus() {
    assert_eq!(p("a + b"), add(vec![s("a"), s("b")]));
    assert_eq!(p("a - b"), sub(s("a"), s("b")));
    assert_eq!(p("a - b - c"), add(vec![s("a"), neg(s("b")), neg(s("c"))]));
    assert_eq!(p("-x"), neg(s("x")));
    assert_eq!(p("--x"), s("x"));
    assert_eq!(p("a - -b"), add(vec![s("a"), s("b")]));
    assert_eq!(p("p_k - q_k"), sub(ix("p", "k"), ix("q", "k")));
}

#[test]
fn products_and_quotients() {
    assert_eq!(p("a * b"), mul(vec![s("a"), s("b")]));
    assert_eq!(p("a / b"), div(s("a"), s("b")));
    assert_eq!(p("a / b * c"), mul(vec![s("a"), recip(s("b")), s("c")]));
    assert_eq!(p("a / (b * c)"), div(s("a"), mul(vec![s("b"), s("c")])));
    assert_eq!(p("2 * x / 4"), mul(vec![num(1, 2), s("x")]));
    assert_eq!(p("a + b * c"), add(vec![s("a"), mul(vec![s("b"), s("c")])]));
}

#[test]
fn powers_are_right_associative_and_bind_tightest() {
    assert_eq!(p("x^2"), pow(s("x"), Expr::int(2)));
    assert_eq!(p("x^-1"), recip(s("x")));
    assert_eq!(p("x ^ - 1"), recip(s("x")));
    assert_eq!(p("x^y^z"), pow(s("x"), pow(s("y"), s("z"))));
    assert_eq!(p("x^2^3"), pow(s("x"), Expr::int(8)));
    assert_eq!(p("-x^2"), neg(pow(s("x"), Expr::int(2))));
    assert_eq!(p("x^-y^z"), pow(s("x"), neg(pow(s("y"), s("z")))));
    assert_eq!(p("(a + b)^2"), pow(add(vec![s("a"), s("b")]), Expr::int(2)));
    assert_eq!(p("a * x^2"), mul(vec![s("a"), pow(s("x"), Expr::int(2))]));
}

#[test]
fn functions_delta_and_derivatives() {
    assert_eq!(p("exp(s_j)"), func(Func::Exp, ix("s", "j")));
    assert_eq!(p("log (p_y)"), func(Func::Log, ix("p", "y")));
    assert_eq!(
        p("sqrt(x^2 + 1)"),
        func(
            Func::Sqrt,
            add(vec![pow(s("x"), Expr::int(2)), Expr::one()])
        )
    );
    assert_eq!(p("delta(j, k)"), delta(Index::free("j"), Index::free("k")));
    assert_eq!(
        p("d(L)/d(s_k)"),
        deriv(s("L"), Symbol::indexed("s", &["k"]))
    );
    assert_eq!(
        p("d(q_j * log(p_j)) / d(s_k) * 2"),
        mul(vec![
            Expr::int(2),
            deriv(
                mul(vec![ix("q", "j"), func(Func::Log, ix("p", "j"))]),
                Symbol::indexed("s", &["k"])
            )
        ])
    );
    assert_eq!(
        p("d(x)/d(c_{k,d})"),
        deriv(s("x"), Symbol::indexed("c", &["k", "d"]))
    );
}

#[test]
fn sums_bind_their_index_and_compare_up_to_renaming() {
    assert_eq!(p("sum_j q_j"), over("j", bound("q", 0)));
    assert_eq!(p("sum_j q_j"), p("sum_i q_i"));
    assert_eq!(p("sum_{j} q_j"), p("sum_i q_i"));
    assert_ne!(p("sum_j q_j"), p("sum_j q_k"));
    assert_eq!(p("sum_j q_k"), over("j", ix("q", "k")));
    assert_eq!(
        p("sum_j delta(j, k)"),
        over("j", delta(Index::Bound(0), Index::free("k")))
    );
}

#[test]
fn a_sum_takes_the_following_product() {
    let qj = || bound("q", 0);
    assert_eq!(
        p("sum_j q_j * a + c"),
        add(vec![over("j", mul(vec![qj(), s("a")])), s("c")])
    );
    assert_eq!(
        p("a * sum_j q_j * c"),
        mul(vec![s("a"), over("j", mul(vec![qj(), s("c")]))])
    );
    assert_eq!(
        p("-sum_j q_j * log(p_j)"),
        neg(over("j", mul(vec![qj(), func(Func::Log, bound("p", 0))])))
    );
    assert_eq!(
        p("sum_j (q_j + a) * c"),
        over("j", mul(vec![add(vec![qj(), s("a")]), s("c")]))
    );
    assert_eq!(p("(sum_j q_j) * c"), mul(vec![over("j", qj()), s("c")]));
    assert_eq!(p("x^(sum_j q_j)"), pow(s("x"), over("j", qj())));
    assert_eq!(p("a - sum_j q_j"), sub(s("a"), over("j", qj())));
}

#[test]
fn softmax_definition() {
    assert_eq!(
        p("exp(s_j) / sum_m exp(s_m)"),
        div(
            func(Func::Exp, ix("s", "j")),
            over("m", func(Func::Exp, bound("s", 0)))
        )
    );
}

#[test]
fn nested_sums_use_de_bruijn_indices() {
    assert_eq!(
        p("sum_j sum_k c_{j,k} * delta(j, m)"),
        over(
            "j",
            over(
                "k",
                mul(vec![
                    Expr::Sym(Symbol {
                        name: "c".into(),
                        indices: vec![Index::Bound(1), Index::Bound(0)],
                    }),
                    delta(Index::Bound(1), Index::free("m")),
                ])
            )
        )
    );
    // The inner binder shadows the outer one.
    assert_eq!(p("sum_j sum_j q_j"), over("j", over("j", bound("q", 0))));
    // A derivative's variable can be bound too.
    assert_eq!(
        p("sum_j d(L)/d(s_j)"),
        over(
            "j",
            deriv(
                s("L"),
                Symbol {
                    name: "s".into(),
                    indices: vec![Index::Bound(0)],
                }
            )
        )
    );
}

#[test]
fn whitespace_is_free() {
    assert_eq!(p("  a\t+\n b  "), add(vec![s("a"), s("b")]));
    assert_eq!(p("exp( s_k )"), func(Func::Exp, ix("s", "k")));
}

#[test]
fn display_is_short_and_alternate_adds_a_caret() {
    let err = parse_expr("exp(s_k").unwrap_err();
    assert_eq!(
        err.to_string(),
        "1:8: expected ')' after the argument of exp, found end of input"
    );
    assert_eq!(err.pos().line, 1);
    assert_eq!(err.pos().column, 8);
    assert_eq!(err.expected(), Some("')' after the argument of exp"));
    assert_eq!(err.found(), Some("end of input"));
    assert_eq!(
        format!("{err:#}"),
        "1:8: expected ')' after the argument of exp, found end of input\n  |\n1 | exp(s_k\n  |        ^"
    );
}

#[test]
fn columns_count_characters_and_lines_count_newlines() {
    let err = parse_expr("é").unwrap_err();
    assert_eq!((err.pos().line, err.pos().column), (1, 1));
    let err = parse_expr("a +\n  ü").unwrap_err();
    assert_eq!((err.pos().line, err.pos().column), (2, 3));
    assert_eq!(err.source_line(), "  ü");
    let err = parse_expr("ééé + $").unwrap_err();
    assert_eq!(err.pos().column, 1);
    let err = parse_expr("x + \"ä\" $").unwrap_err();
    assert_eq!(err.pos().column, 5);
}
