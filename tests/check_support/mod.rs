//! Shared fixtures for the checker's tests: the softmax cross-entropy problem built by hand and
//! the derivation of the blog post, step by step, with its two lemmas.
#![allow(dead_code)]

use gradproof::engine::trace::{Derivation, Step, Stop};
use gradproof::syntax::expr::{add, delta, deriv, div, func, mul, neg, recip, sub, sum};
use gradproof::syntax::index::close;
use gradproof::syntax::problem::{Definition, Goal, IndexDecl, Pos, VarDecl};
use gradproof::{Binder, Expr, Func, Index, Kind, Problem, Symbol};

/// `x_i` for a free index letter.
pub fn x(name: &str, i: &str) -> Expr {
    Expr::indexed(name, &[i])
}

/// `x_i` for a bound index (0: innermost sum).
pub fn xb(name: &str, n: u32) -> Expr {
    Expr::Sym(Symbol {
        name: name.into(),
        indices: vec![Index::Bound(n)],
    })
}

/// `sum_i body`, where `body` mentions the free index `i`.
pub fn sum_over(i: &str, body: Expr) -> Expr {
    sum(Binder::new(i, Some("K")), close(&body, i))
}

/// `delta(a, b)` of two free indices.
pub fn d(a: &str, b: &str) -> Expr {
    delta(Index::free(a), Index::free(b))
}

pub fn exp(e: Expr) -> Expr {
    func(Func::Exp, e)
}

pub fn log(e: Expr) -> Expr {
    func(Func::Log, e)
}

/// `sum_m exp(s_m)`.
pub fn partition() -> Expr {
    sum_over("m", exp(x("s", "m")))
}

/// `index j,k,m in 1..K; var s_j real; var q_j distribution; let p_j = ...; let L = ...;
/// derive d(L)/d(s_k) via p_j; expect p_k - q_k`.
pub fn softmax_problem() -> Problem {
    let idx = |n: &str| IndexDecl {
        name: n.to_string(),
        upper: "K".to_string(),
        pos: Pos::default(),
    };
    let var = |n: &str, kind| VarDecl {
        symbol: Symbol::indexed(n, &["j"]),
        kind,
        pos: Pos::default(),
    };
    Problem {
        title: Some("Softmax cross-entropy".to_string()),
        indices: vec![idx("j"), idx("k"), idx("m")],
        vars: vec![var("s", Kind::Real), var("q", Kind::Distribution)],
        defs: vec![
            Definition {
                symbol: Symbol::indexed("p", &["j"]),
                body: div(exp(x("s", "j")), partition()),
                pos: Pos::default(),
            },
            Definition {
                symbol: Symbol::plain("L"),
                body: neg(sum_over("j", mul(vec![x("q", "j"), log(x("p", "j"))]))),
                pos: Pos::default(),
            },
        ],
        goal: Some(Goal {
            of: Expr::plain("L"),
            wrt: Symbol::indexed("s", &["k"]),
            via: Some(Symbol::indexed("p", &["j"])),
            pos: Pos::default(),
            vias: vec![(Symbol::indexed("p", &["j"]), Pos::default())],
        }),
        expect: Some((expected(), Pos::default())),
        show: None,
        givens: Vec::new(),
    }
}

/// `d(L)/d(s_k)`.
pub fn goal() -> Expr {
    deriv(Expr::plain("L"), Symbol::indexed("s", &["k"]))
}

/// `p_k - q_k`.
pub fn expected() -> Expr {
    sub(x("p", "k"), x("q", "k"))
}

/// `p_j * (delta(j,k) - p_k)`.
pub fn softmax_jacobian() -> Expr {
    mul(vec![x("p", "j"), sub(d("j", "k"), x("p", "k"))])
}

/// `-q_j / p_j`.
pub fn dl_dp() -> Expr {
    neg(div(x("q", "j"), x("p", "j")))
}

pub fn step(title: &str, rules: &[&'static str], expr: Expr) -> Step {
    Step {
        title: title.to_string(),
        rules: rules.to_vec(),
        expr,
        path: Vec::new(),
        firings: Vec::new(),
        lemmas: Vec::new(),
    }
}

pub fn derivation(goal: Expr, steps: Vec<Step>) -> Derivation {
    Derivation {
        goal,
        steps,
        stop: Stop::Saturated,
    }
}

/// The lemma `d(L)/d(p_j) = -q_j/p_j`.
pub fn lemma_dl_dp() -> Derivation {
    let p_j = Symbol::indexed("p", &["j"]);
    let lq = |i: &str| mul(vec![x("q", i), log(x("p", i))]);
    derivation(
        deriv(Expr::plain("L"), p_j.clone()),
        vec![
            step(
                "unfold L",
                &["unfold-definition"],
                deriv(neg(sum_over("i", lq("i"))), p_j.clone()),
            ),
            step(
                "linearity",
                &["d-sum", "d-const-factor"],
                neg(sum_over(
                    "i",
                    mul(vec![x("q", "i"), deriv(log(x("p", "i")), p_j.clone())]),
                )),
            ),
            step(
                "derivative of log",
                &["d-log"],
                neg(sum_over(
                    "i",
                    mul(vec![
                        x("q", "i"),
                        recip(x("p", "i")),
                        deriv(x("p", "i"), p_j.clone()),
                    ]),
                )),
            ),
            step(
                "derivative of an input",
                &["d-input"],
                neg(sum_over(
                    "i",
                    mul(vec![x("q", "i"), recip(x("p", "i")), d("i", "j")]),
                )),
            ),
            step("the delta selects i = j", &["delta-select"], dl_dp()),
        ],
    )
}

/// The lemma `d(p_j)/d(s_k) = p_j * (delta(j,k) - p_k)`.
pub fn lemma_dp_ds() -> Derivation {
    let s_k = Symbol::indexed("s", &["k"]);
    let z = partition;
    let e = |i: &str| exp(x("s", i));
    derivation(
        deriv(x("p", "j"), s_k.clone()),
        vec![
            step(
                "unfold p",
                &["unfold-definition"],
                deriv(div(e("j"), z()), s_k.clone()),
            ),
            step(
                "quotient rule",
                &["d-quotient", "d-exp", "d-input", "d-sum"],
                sub(
                    div(mul(vec![e("j"), d("j", "k")]), z()),
                    div(
                        mul(vec![e("j"), sum_over("m", mul(vec![e("m"), d("m", "k")]))]),
                        mul(vec![z(), z()]),
                    ),
                ),
            ),
            step(
                "the delta selects m = k",
                &["delta-select"],
                sub(
                    div(mul(vec![e("j"), d("j", "k")]), z()),
                    div(mul(vec![e("j"), e("k")]), mul(vec![z(), z()])),
                ),
            ),
            step(
                "fold the definition",
                &["fold-definition"],
                sub(
                    mul(vec![x("p", "j"), d("j", "k")]),
                    mul(vec![x("p", "j"), x("p", "k")]),
                ),
            ),
            step("factor", &["factor"], softmax_jacobian()),
        ],
    )
}

/// The main lines of the post's derivation, after the goal.
pub fn main_lines() -> Vec<Expr> {
    let s_k = Symbol::indexed("s", &["k"]);
    let p_j = Symbol::indexed("p", &["j"]);
    vec![
        // 1. chain rule
        sum_over(
            "j",
            mul(vec![
                deriv(Expr::plain("L"), p_j.clone()),
                deriv(x("p", "j"), s_k),
            ]),
        ),
        // 2. substitute the lemmas
        sum_over("j", mul(vec![dl_dp(), softmax_jacobian()])),
        // 3. cancel p_j / p_j
        sum_over(
            "j",
            neg(mul(vec![x("q", "j"), sub(d("j", "k"), x("p", "k"))])),
        ),
        // 4. distribute
        sum_over(
            "j",
            sub(
                mul(vec![x("q", "j"), x("p", "k")]),
                mul(vec![x("q", "j"), d("j", "k")]),
            ),
        ),
        // 5. split the sum
        sub(
            sum_over("j", mul(vec![x("q", "j"), x("p", "k")])),
            sum_over("j", mul(vec![x("q", "j"), d("j", "k")])),
        ),
        // 6. pull p_k out
        sub(
            mul(vec![x("p", "k"), sum_over("j", x("q", "j"))]),
            sum_over("j", mul(vec![x("q", "j"), d("j", "k")])),
        ),
        // 7. the delta selects j = k
        sub(
            mul(vec![x("p", "k"), sum_over("j", x("q", "j"))]),
            x("q", "k"),
        ),
        // 8. the distribution sums to one
        expected(),
    ]
}

pub const TITLES: [(&str, &[&str]); 8] = [
    ("chain rule", &["chain-rule"]),
    ("substitute the lemmas", &["substitute"]),
    ("cancel", &["cancel-div"]),
    ("distribute", &["distribute"]),
    ("split the sum", &["sum-split"]),
    ("pull the factor out", &["sum-pull-factor"]),
    ("the delta selects j = k", &["delta-select"]),
    ("the distribution sums to one", &["sum-to-one"]),
];

/// The post's derivation of `d(L)/d(s_k)`, with the lines given (so tests can mutate them).
pub fn derivation_with(lines: Vec<Expr>) -> Derivation {
    let steps = lines
        .into_iter()
        .zip(TITLES)
        .enumerate()
        .map(|(i, (expr, (title, rules)))| {
            let mut s = step(title, rules, expr);
            if i == 0 {
                s.lemmas = vec![lemma_dl_dp(), lemma_dp_ds()];
            }
            s
        })
        .collect();
    derivation(goal(), steps)
}

/// The post's derivation, correct.
pub fn post_derivation() -> Derivation {
    derivation_with(main_lines())
}

/// Silences "unused" for helpers only some test files use.
pub fn _unused() -> Expr {
    add(vec![xb("q", 0)])
}
