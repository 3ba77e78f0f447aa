//! The chain rule through several definitions, and stated results used as its pieces.
//!
//! `derive d(L)/d(w_d) via s_k, p_j` goes through the definitions outermost first: the chain
//! rule through `s_k` gives `Σ_k d(L)/d(s_k) · d(s_k)/d(w_d)`, and the piece `d(L)/d(s_k)` is
//! derived by the chain rule through `p_j` (a lemma of the lemma). [`validate`] refuses a list
//! that cannot apply, saying why; [`route`] is the list the engine follows. A `given
//! d(L)/d(s_k) = p_k - q_k` line states a piece instead of deriving it: [`given_for`] finds the
//! stated result that answers a piece, under the piece's own index names.

use crate::engine::trace::{Derivation, Firing, Step, Stop};
use crate::rules::definitions::{chain_rule, depends_except};
use crate::rules::facts::depends_on;
use crate::rules::Ctx;
use crate::syntax::expr::{deriv, Expr, Index, Symbol};
use crate::syntax::index::{free_indices, rename_free};
use crate::syntax::problem::{Given, Pos, Problem};

pub use crate::rules::GIVEN;

/// Why a `via` list cannot apply: where the offending symbol was written, and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViaError {
    /// Where the `via` symbol was written.
    pub pos: Pos,
    /// The `via` symbol as written (`p_j`).
    pub via: String,
    /// Why the chain rule cannot go through it, in words.
    pub why: String,
}

fn shown(s: &Symbol) -> String {
    Expr::Sym(s.clone()).to_string()
}

fn shown_expr(e: &Expr) -> String {
    e.to_string()
}

/// Checks that every symbol of the goal's `via` list can carry the chain rule: the first one
/// for `d(F)/d(x)`, each next one for the piece `d(F)/d(previous)`. Each must be a definition
/// other than the variable, that `F` depends on, that depends on the variable, and `F` must not
/// depend on the variable by any other path.
pub fn validate(problem: &Problem) -> Result<(), ViaError> {
    let Some(goal) = &problem.goal else {
        return Ok(());
    };
    let ctx = Ctx::new(problem);
    let mut x = goal.wrt.clone();
    let mut given: Option<&Given> = None;
    for (via, pos) in &goal.vias {
        if let Some(g) = given {
            return Err(ViaError {
                pos: *pos,
                via: shown(via),
                why: format!(
                    "the piece `{}` is given (line {}), so the chain rule never goes through it",
                    g.of, g.pos.line
                ),
            });
        }
        let fail = |why: String| ViaError {
            pos: *pos,
            via: shown(via),
            why,
        };
        let f = shown_expr(&goal.of);
        let (v, xs) = (shown(via), shown(&x));
        if via.name == x.name {
            return Err(fail(format!(
                "`{v}` is the variable the piece differentiates by (`d({f})/d({xs})`)"
            )));
        }
        if !depends_on(&Expr::Sym(via.clone()), &x.name, &ctx) {
            return Err(fail(format!("`{v}` does not depend on `{xs}`")));
        }
        if !depends_on(&goal.of, &via.name, &ctx) {
            return Err(fail(format!("`{f}` does not depend on `{v}`")));
        }
        if depends_except(&goal.of, &x.name, &via.name, &ctx) {
            return Err(fail(format!(
                "`{f}` depends on `{xs}` by another path than through `{v}`"
            )));
        }
        if chain_rule(&deriv(goal.of.clone(), x.clone()), via, &ctx).is_none() {
            return Err(fail(format!(
                "the chain rule cannot go through `{v}` for `d({f})/d({xs})`"
            )));
        }
        given = problem
            .givens
            .iter()
            .find(|g| matches!(&g.of, Expr::Deriv(f, y) if **f == goal.of && y.name == via.name));
        x = via.clone();
    }
    Ok(())
}

/// The definitions the chain rule goes through, outermost first: the goal's `via` list, or
/// without one, the variable of a `given` result for the same function when the chain rule
/// can go through it (`given d(L)/d(s_k) = …` and `derive d(L)/d(w_d)`: through `s_k`).
pub fn route(problem: &Problem) -> Vec<Symbol> {
    let Some(goal) = &problem.goal else {
        return Vec::new();
    };
    if !goal.vias.is_empty() {
        return goal.vias.iter().map(|(v, _)| v.clone()).collect();
    }
    let ctx = Ctx::new(problem);
    let start = deriv(goal.of.clone(), goal.wrt.clone());
    problem
        .givens
        .iter()
        .filter_map(|g| match &g.of {
            Expr::Deriv(f, y) if **f == goal.of && y.name != goal.wrt.name => Some(y),
            _ => None,
        })
        .find(|y| chain_rule(&start, y, &ctx).is_some())
        .map(|y| vec![y.clone()])
        .unwrap_or_default()
}

/// The lemma for a piece stated by a `given` line: one step, the stated result, titled with
/// where it comes from. `None` when no given states `goal`.
pub fn given_lemma(problem: &Problem, goal: &Expr) -> Option<Derivation> {
    let (result, given) = given_with_source(problem, goal)?;
    let title = match &given.from {
        Some(file) => format!("from {file}, checked numerically"),
        None => "given, checked numerically".to_string(),
    };
    let firing = Firing {
        rule: GIVEN,
        path: Vec::new(),
        replacement: result.clone(),
    };
    let step = Step {
        title,
        rules: vec![GIVEN],
        expr: result,
        path: Vec::new(),
        firings: vec![firing],
        lemmas: Vec::new(),
    };
    Some(Derivation {
        goal: goal.clone(),
        steps: vec![step],
        stop: Stop::Saturated,
    })
}

/// The result of the first `given` line that states `goal` (a derivative), written with the
/// goal's indices: the given's variable indices are renamed to the goal's, every other free
/// index must agree. `None` when no given states it.
pub fn given_for(problem: &Problem, goal: &Expr) -> Option<Expr> {
    given_with_source(problem, goal).map(|(e, _)| e)
}

/// [`given_for`] with the `given` line it comes from.
fn given_with_source<'p>(problem: &'p Problem, goal: &Expr) -> Option<(Expr, &'p Given)> {
    let Expr::Deriv(_, x) = goal else {
        return None;
    };
    problem.givens.iter().find_map(|g| {
        let Expr::Deriv(_, y) = &g.of else {
            return None;
        };
        if y.name != x.name || y.indices.len() != x.indices.len() {
            return None;
        }
        let mut letters: Vec<&str> = Vec::new();
        for i in &y.indices {
            match i {
                Index::Free(l) if !letters.contains(&l.as_str()) => letters.push(l),
                _ => return None,
            }
        }
        // Rename simultaneously: first to names no expression uses, then to the goal's.
        let mut used = free_indices(goal);
        used.extend(free_indices(&g.of));
        used.extend(free_indices(&g.result));
        let temp: Vec<String> = (0..letters.len())
            .map(|n| {
                let mut t = format!("given{n}");
                while used.contains(&t) {
                    t.push('_');
                }
                t
            })
            .collect();
        let rename = |e: &Expr| {
            let mut e = e.clone();
            for (l, t) in letters.iter().zip(&temp) {
                e = rename_free(&e, l, &Index::Free(t.into()));
            }
            for (t, to) in temp.iter().zip(&x.indices) {
                e = rename_free(&e, t, to);
            }
            e
        };
        (rename(&g.of) == *goal).then(|| (rename(&g.result), g))
    })
}

/// Rules that only reshape an expression (split or join sums and products, order terms): a run
/// of them at the end of a derivation is worth keeping only where it makes the line smaller.
const RESHAPING: &[&crate::rules::Rule] = &[
    &crate::rules::sums::DISTRIBUTE_IN_SUM,
    &crate::rules::sums::SPLIT_SUM,
    &crate::rules::sums::FACTOR_OUT_OF_SUM,
    &crate::rules::algebra::DISTRIBUTE,
    &crate::rules::algebra::FACTOR_COMMON,
    &crate::rules::algebra::ORDER_TERMS,
    &crate::rules::regroup::GROUP_TERMS,
    &crate::rules::regroup::FACTOR_INTO_SUM,
    &crate::rules::regroup::MERGE_SUMS,
];

/// After the chain rule's pieces are substituted into `start`, the steps that follow: when they
/// end with a run of steps that only reshape (split a sum, multiply out), the run is cut back to
/// its smallest line, so `Σ_k (p_k − q_k) c_kd` stays whole rather than becoming
/// `Σ_k p_k c_kd − Σ_k q_k c_kd`. Steps that simplify (cancel, select by a delta, sum to one)
/// are never dropped.
pub fn drop_reshaping_tail(start: &Expr, steps: &mut Vec<crate::engine::trace::Step>) {
    let reshaping = |s: &crate::engine::trace::Step| {
        s.lemmas.is_empty()
            && s.rules
                .iter()
                .all(|r| RESHAPING.iter().any(|k| k.name == *r))
    };
    let tail = steps.iter().rev().take_while(|s| reshaping(s)).count();
    if tail == 0 {
        return;
    }
    let first = steps.len() - tail;
    let before = match first {
        0 => start,
        n => &steps[n - 1].expr,
    };
    let mut keep = first;
    let mut best = before.size();
    for (n, s) in steps.iter().enumerate().skip(first) {
        if s.expr.size() < best {
            best = s.expr.size();
            keep = n + 1;
        }
    }
    steps.truncate(keep);
}

/// [`crate::parse::parse_problem`], then the checks that need the rules: every `via` symbol must
/// be able to carry the chain rule ([`validate`]); an error points at the symbol.
pub fn parse_and_validate(input: &str) -> Result<Problem, crate::parse::ParseError> {
    let problem = crate::parse::parse_problem(input)?;
    validate(&problem).map_err(|e| {
        let kind = crate::parse::ErrorKind::ViaCannotApply {
            via: e.via,
            why: e.why,
        };
        crate::parse::error_at(input, e.pos, kind)
    })?;
    Ok(problem)
}
