//! Precedence made visible: a test-only printer that parenthesises every node.
//!
//! The tree is semi-canonical, so the printer shows what the tree *is*: `a - b` is a sum with
//! the term `-b`, `a / b` is a product with the factor `b ^ -1`, and a product whose
//! coefficient is -1 prints as a negation.

use gradproof::parse::parse_expr;
use gradproof::{Expr, Index, Rational, Symbol};

/// `e` with every compound node in parentheses; `bound` holds the letters of enclosing sums.
fn show(e: &Expr, bound: &mut Vec<String>) -> String {
    match e {
        Expr::Num(r) => r.to_string(),
        Expr::Sym(s) => symbol(s, bound),
        Expr::Add(terms) => format!("({})", join(terms, " + ", bound)),
        Expr::Mul(factors) => match factors.split_first() {
            Some((Expr::Num(c), rest)) if *c == Rational::minus_one() => {
                let rest = match rest {
                    [one] => show(one, bound),
                    many => format!("({})", join(many, " * ", bound)),
                };
                format!("(-{rest})")
            }
            _ => format!("({})", join(factors, " * ", bound)),
        },
        Expr::Pow(b, x) => format!("({} ^ {})", show(b, bound), show(x, bound)),
        Expr::Func(f, a) => format!("{}({})", f.name(), show(a, bound)),
        Expr::Delta(a, b) => format!("delta({}, {})", index(a, bound), index(b, bound)),
        Expr::Sum(binder, body) => {
            bound.push(binder.hint.0.to_string());
            let body = show(body, bound);
            bound.pop();
            format!("(Σ_{} {body})", binder.hint.0)
        }
        Expr::Deriv(f, x) => format!("d({})/d({})", show(f, bound), symbol(x, bound)),
    }
}

fn join(xs: &[Expr], sep: &str, bound: &mut Vec<String>) -> String {
    xs.iter()
        .map(|x| show(x, bound))
        .collect::<Vec<_>>()
        .join(sep)
}

fn symbol(s: &Symbol, bound: &[String]) -> String {
    let indices: Vec<String> = s.indices.iter().map(|i| index(i, bound)).collect();
    match indices.len() {
        0 => s.name.to_string(),
        1 => format!("{}_{}", s.name, indices[0]),
        _ => format!("{}_{{{}}}", s.name, indices.join(",")),
    }
}

/// A free index by name; a bound one by its binder's letter (or `?n` if it escapes).
fn index(i: &Index, bound: &[String]) -> String {
    match i {
        Index::Free(name) => name.to_string(),
        Index::Bound(n) => bound
            .len()
            .checked_sub(1 + *n as usize)
            .map_or_else(|| format!("?{n}"), |at| bound[at].clone()),
    }
}

fn paren(input: &str) -> String {
    match parse_expr(input) {
        Ok(e) => show(&e, &mut Vec::new()),
        Err(err) => panic!("{input:?} did not parse:\n{err:#}"),
    }
}

#[test]
fn additive_and_multiplicative_layers() {
    assert_eq!(paren("1 + 2 * 3"), "7");
    assert_eq!(paren("a + b * c"), "(a + (b * c))");
    assert_eq!(paren("(a + b) * c"), "((a + b) * c)");
    assert_eq!(paren("a - b - c"), "(a + (-b) + (-c))");
    assert_eq!(paren("a - (b - c)"), "(a + (-(b + (-c))))");
    assert_eq!(paren("a / b * c"), "(a * (b ^ -1) * c)");
    assert_eq!(paren("a / (b * c)"), "(a * ((b * c) ^ -1))");
    assert_eq!(paren("a * b + c * d"), "((a * b) + (c * d))");
}

#[test]
fn unary_minus_and_powers() {
    assert_eq!(paren("-x^2"), "(-(x ^ 2))");
    assert_eq!(paren("(-x)^2"), "((-x) ^ 2)");
    assert_eq!(paren("x^y^z"), "(x ^ (y ^ z))");
    assert_eq!(paren("x^2^3"), "(x ^ 8)");
    assert_eq!(paren("x^-y"), "(x ^ (-y))");
    assert_eq!(paren("x^-y^z"), "(x ^ (-(y ^ z)))");
    assert_eq!(paren("-a * b"), "(-(a * b))");
    assert_eq!(paren("a * -b"), "(-(a * b))");
    assert_eq!(paren("2 * x^2"), "(2 * (x ^ 2))");
    assert_eq!(paren("exp(x)^2"), "(exp(x) ^ 2)");
}

#[test]
fn sums_take_the_following_product() {
    assert_eq!(paren("sum_j a*b + c"), "((Σ_j (a * b)) + c)");
    assert_eq!(paren("sum_j a_j*b + c"), "((Σ_j (a_j * b)) + c)");
    assert_eq!(paren("a * sum_j b_j * c"), "(a * (Σ_j (b_j * c)))");
    assert_eq!(paren("-sum_j q_j * log(p_j)"), "(-(Σ_j (q_j * log(p_j))))");
    assert_eq!(paren("sum_j (a_j + c)"), "(Σ_j (a_j + c))");
    assert_eq!(paren("(sum_j a_j) * c"), "((Σ_j a_j) * c)");
    assert_eq!(paren("a / sum_j b_j * c"), "(a * ((Σ_j (b_j * c)) ^ -1))");
    assert_eq!(paren("sum_j x_j^2"), "(Σ_j (x_j ^ 2))");
    assert_eq!(
        paren("sum_j sum_k c_{j,k} + 1"),
        "((Σ_j (Σ_k c_{j,k})) + 1)"
    );
    assert_eq!(
        paren("exp(s_j) / sum_m exp(s_m)"),
        "(exp(s_j) * ((Σ_m exp(s_m)) ^ -1))"
    );
}

#[test]
fn derivatives_are_atoms() {
    assert_eq!(paren("d(L)/d(s_k) * 2"), "(2 * d(L)/d(s_k))");
    assert_eq!(paren("a / d(L)/d(x)"), "(a * (d(L)/d(x) ^ -1))");
    assert_eq!(paren("d(a + b)/d(x)^2"), "(d((a + b))/d(x) ^ 2)");
}
