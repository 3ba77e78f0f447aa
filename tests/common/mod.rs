//! Shared test helpers: tree builders for the blog post's formulas and a proptest strategy for
//! random expressions built with the smart constructors.
#![allow(dead_code)]

use gradproof::syntax::expr::{add, delta, deriv, div, func, mul, neg, pow, sub, sum};
use gradproof::syntax::index::close;
use gradproof::{Binder, Expr, Func, Index, Rational, Symbol};
use proptest::prelude::*;

pub mod rule_bench;

/// A free index.
pub fn free(name: &str) -> Index {
    Index::free(name)
}

/// The innermost bound index.
pub fn bound() -> Index {
    Index::Bound(0)
}

/// The symbol `name` with indices `indices`.
pub fn symbol(name: &str, indices: &[Index]) -> Symbol {
    Symbol {
        name: name.into(),
        indices: indices.to_vec(),
    }
}

/// `name_i` as an expression.
pub fn s(name: &str, i: Index) -> Expr {
    Expr::Sym(symbol(name, &[i]))
}

/// A plain symbol.
pub fn x(name: &str) -> Expr {
    Expr::plain(name)
}

/// `sum_{hint=1}^{K} body` (the body already uses `Bound(0)`).
pub fn sum_k(hint: &str, body: Expr) -> Expr {
    sum(Binder::new(hint, Some("K")), body)
}

/// `sum_{hint} body` with an unknown range.
pub fn sum_open(hint: &str, body: Expr) -> Expr {
    sum(Binder::new(hint, None), body)
}

/// `exp(a)`.
pub fn exp(a: Expr) -> Expr {
    func(Func::Exp, a)
}

/// `log(a)`.
pub fn log(a: Expr) -> Expr {
    func(Func::Log, a)
}

/// `sqrt(a)`.
pub fn sqrt(a: Expr) -> Expr {
    func(Func::Sqrt, a)
}

/// The rational `n/d`.
pub fn rat(n: i128, d: i128) -> Expr {
    Expr::Num(Rational::new(n, d).expect("a non-zero denominator"))
}

/// `d(f)/d(x)`.
pub fn d(f: Expr, x: Symbol) -> Expr {
    deriv(f, x)
}

/// `d(L)/d(s_k)`.
pub fn post_lhs() -> Expr {
    d(x("L"), symbol("s", &[free("k")]))
}

/// The chain rule: `sum_j d(L)/d(p_j) * d(p_j)/d(s_k)`.
pub fn post_chain() -> Expr {
    sum_k(
        "j",
        mul(vec![
            d(x("L"), symbol("p", &[bound()])),
            d(s("p", bound()), symbol("s", &[free("k")])),
        ]),
    )
}

/// Softmax: `exp(s_j) / sum_m exp(s_m)`.
pub fn post_softmax() -> Expr {
    div(exp(s("s", free("j"))), sum_k("m", exp(s("s", bound()))))
}

/// `p_j * (delta(j,k) - p_k)`.
pub fn post_softmax_grad() -> Expr {
    mul(vec![
        s("p", free("j")),
        sub(delta(free("j"), free("k")), s("p", free("k"))),
    ])
}

/// `-sum_j q_j*delta(j,k) + p_k*sum_j q_j`.
pub fn post_split() -> Expr {
    add(vec![
        neg(sum_k(
            "j",
            mul(vec![s("q", bound()), delta(bound(), free("k"))]),
        )),
        mul(vec![s("p", free("k")), sum_k("j", s("q", bound()))]),
    ])
}

/// `p_k - q_k`.
pub fn post_result() -> Expr {
    sub(s("p", free("k")), s("q", free("k")))
}

/// The loss `-sum_j q_j*log(p_j)`.
pub fn post_loss() -> Expr {
    neg(sum_k("j", mul(vec![s("q", bound()), log(s("p", bound()))])))
}

/// Index letters the random trees use.
const LETTERS: &[&str] = &["j", "k", "m"];

fn arb_letter() -> impl Strategy<Value = String> {
    prop::sample::select(LETTERS).prop_map(str::to_string)
}

fn arb_symbol() -> impl Strategy<Value = Symbol> {
    (
        prop::sample::select(&["p", "q", "s", "x", "L", "eps"][..]),
        prop::collection::vec(arb_letter(), 0..3),
    )
        .prop_map(|(name, indices)| Symbol {
            name: name.into(),
            indices: indices.iter().map(|i| Index::free(i)).collect(),
        })
}

fn arb_leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (-3i128..=6).prop_map(Expr::int),
        (-5i128..=5, 2i128..=6).prop_map(|(n, d)| rat(n, d)),
        arb_symbol().prop_map(Expr::Sym),
        (arb_letter(), arb_letter()).prop_map(|(a, b)| delta(free(&a), free(&b))),
    ]
}

/// The functions random expressions use: the elementary ones and the Iverson brackets.
const FUNCS: &[Func] = &[
    Func::Exp,
    Func::Log,
    Func::Sqrt,
    Func::IsPositive,
    Func::IsNonNegative,
    Func::IsNegative,
    Func::IsNonPositive,
];

/// Random expressions of bounded depth built with the smart constructors. Sums bind one of the
/// letters used by the leaves (via `close`), with a hint that may differ from it, so bound-index
/// names clash with free ones and with each other.
pub fn arb_expr() -> impl Strategy<Value = Expr> {
    arb_leaf().prop_recursive(5, 64, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(add),
            prop::collection::vec(inner.clone(), 2..4).prop_map(mul),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| sub(a, b)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| div(a, b)),
            inner.clone().prop_map(neg),
            (inner.clone(), -3i128..=3).prop_map(|(b, n)| pow(b, Expr::int(n))),
            (inner.clone(), inner.clone()).prop_map(|(b, e)| pow(b, e)),
            (prop::sample::select(FUNCS), inner.clone()).prop_map(|(f, a)| func(f, a)),
            (
                arb_letter(),
                arb_letter(),
                prop::option::of(Just("K")),
                inner.clone()
            )
                .prop_map(|(hint, name, upper, body)| sum(
                    Binder::new(&hint, upper),
                    close(&body, &name)
                )),
            (inner, arb_symbol()).prop_map(|(f, x)| deriv(f, x)),
        ]
    })
}

/// A renaming of every symbol and index of the reference derivation.
pub const RENAMING: [(&str, &str); 8] = [
    ("s", "z"),
    ("q", "t"),
    ("p", "r"),
    ("j", "u"),
    ("k", "v"),
    ("m", "w"),
    ("L", "E"),
    ("K", "N"),
];

/// Renames whole ASCII words by `table` in a `.deriv` file or in any output: LaTeX commands
/// (`\delta`, `\partial`) are left alone, and the subscript of the text printer's `δ_jk` and of
/// LaTeX's `\delta_{jk}` is read letter by letter.
pub fn rename(text: &str, table: &[(&str, &str)]) -> String {
    let one = |w: &str| {
        table
            .iter()
            .find(|(from, _)| *from == w)
            .map_or(w.to_string(), |(_, to)| to.to_string())
    };
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let command = out.ends_with('\\') && !out.ends_with("\\\\");
        if command {
            out.push_str(word);
        } else if out.ends_with("\\delta_{") || out.ends_with("δ_") {
            let letters: Vec<String> = word.chars().map(|c| one(&c.to_string())).collect();
            out.push_str(&letters.concat());
        } else {
            out.push_str(&one(word));
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Every `derivations/*.deriv` file with its text, sorted by path.
pub fn derivation_files() -> Vec<(std::path::PathBuf, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/derivations");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("derivations/ exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "deriv"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            (path, text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 8, "only {} derivation files", files.len());
    files
}

/// Runs the `gradproof` binary with `args`.
pub fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Writes `text` to the file `name` in a temporary folder of this test binary and process, and
/// returns its path: the repro files that the CLI tests run `gradproof` on.
pub fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!(
        "gradproof-{}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// A run's standard output as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A run's standard error as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// True when `e` has a subterm whose value is undefined on its own, numbers only: `0` to a
/// negative power, a negative number to a fractional power, `log` of a number `<= 0`, `sqrt` of
/// a negative number. The parser refuses such literals.
pub fn has_literal_undefined(e: &Expr) -> bool {
    let here = match e {
        Expr::Pow(b, x) => match (b.num(), x.num()) {
            (Some(b), Some(x)) => {
                (b.is_zero() && x.is_negative()) || (b.is_negative() && !x.is_integer())
            }
            _ => false,
        },
        Expr::Func(Func::Log, a) => a.num().is_some_and(|r| !r.is_positive()),
        Expr::Func(Func::Sqrt, a) => a.num().is_some_and(|r| r.is_negative()),
        _ => false,
    };
    here || e.iter_children().any(has_literal_undefined)
}
