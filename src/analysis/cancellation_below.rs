//! The cancellation report when the variable sits below the logits (weights, embeddings:
//! `let z_a = sum_e v_e * x_{a,e}`, softmax over `z`, `derive d(R)/d(v_e)`).
//!
//! The rules, which the README states for readers:
//! - A *probability* is a definition that is a normalised positive vector (`f_a / Σ_b f_b` with
//!   `f` provably positive, as softmax is) or provably in (0, 1) (a logistic). A file without
//!   one gets "not applicable", whatever else it defines.
//! - The *logits* are the definition the probability's body mentions that depends on the
//!   variable and has as many subscripts as the probability (`z_a` for `r_a`).
//! - The report derives, with the engine, the gap at the logits `∂R/∂z_a` (through the
//!   probability) and the weight `∂z_a/∂v_e`, and checks that the result equals
//!   `Σ_a (∂R/∂z_a)(∂z_a/∂v_e)` after normalisation: "the gap, weighted by …".
//!
//! No name is known here: every symbol printed is a symbol of the file, at its declared indices.

use crate::analysis::normal;
use crate::engine::trace::Derivation;
use crate::engine::{self, Limits};
use crate::rules::{facts, Ctx};
use crate::syntax::expr::{mul, sum, Binder, Expr, Index, Symbol};
use crate::syntax::index::{close, open};
use crate::syntax::problem::{Definition, Goal, Problem};
use serde::Serialize;

/// The chain below the logits.
#[derive(Clone, Debug, Serialize)]
pub struct BelowLogits {
    /// The logits at their declared indices (`z_a`).
    pub logit: Expr,
    /// `∂R/∂z_a`, derived through the probability (`r_a − t_a`), when the engine finds it.
    pub gap: Option<Expr>,
    /// `∂z_a/∂v_e`, derived (`x_ae`), when the engine finds it.
    pub weight: Option<Expr>,
    /// `Σ_a gap · weight`, when both were derived.
    pub chain: Option<Expr>,
    /// The result equals [`BelowLogits::chain`] after normalisation.
    pub chain_holds: bool,
}

/// Is the definition a probability: a normalised positive vector or a value in (0, 1)?
pub fn is_probability(problem: &Problem, def: &Definition) -> bool {
    let ctx = Ctx::new(problem);
    if facts::is_in_unit_interval(&def.body, &ctx) {
        return true;
    }
    let [Index::Free(letter)] = def.symbol.indices.as_slice() else {
        return false;
    };
    let Expr::Mul(factors) = &def.body else {
        return false;
    };
    factors.iter().enumerate().any(|(i, f)| {
        let Expr::Pow(base, n) = f else {
            return false;
        };
        let Expr::Sum(_, body) = &**base else {
            return false;
        };
        let minus_one = n
            .as_num()
            .is_some_and(|r| r.is_negative() && (-r.clone()).is_one());
        let rest: Vec<Expr> = factors
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, f)| f.clone())
            .collect();
        let numerator = mul(rest);
        minus_one
            && numerator == open(body, &Index::Free(*letter))
            && facts::is_positive(&numerator, &ctx)
    })
}

/// The probability definition of the file: the `via` symbol's when it is one, else the first
/// definition that is one.
pub fn probability_def(problem: &Problem) -> Option<&Definition> {
    let goal = problem.goal.as_ref()?;
    if let Some(via) = &goal.via {
        let def = problem.def(&via.name)?;
        if is_probability(problem, def) {
            return Some(def);
        }
    }
    problem.defs.iter().find(|d| is_probability(problem, d))
}

/// The logits of the probability `prob`: a definition its body mentions, with as many
/// subscripts, that depends on the variable.
fn logits<'p>(problem: &'p Problem, prob: &Definition) -> Option<&'p Definition> {
    let goal = problem.goal.as_ref()?;
    let ctx = Ctx::new(problem);
    problem.defs.iter().find(|d| {
        d.symbol.name != prob.symbol.name
            && d.symbol.indices.len() == prob.symbol.indices.len()
            && prob.body.mentions_symbol(&d.symbol.name)
            && facts::depends_on(&d.body, &goal.wrt.name, &ctx)
    })
}

/// The probability at the logits' indices and the chain below the logits, when the variable
/// is below them; `None` when there is no probability or no logits.
pub fn below_logits(problem: &Problem, d: &Derivation) -> Option<(Symbol, BelowLogits)> {
    let prob = probability_def(problem)?;
    let logit = logits(problem, prob)?.symbol.clone();
    let prob_at = Symbol {
        name: prob.symbol.name,
        indices: logit.indices.clone(),
    };
    Some((
        prob_at,
        chain_below(problem, d, &logit, Some(prob.symbol.clone())),
    ))
}

/// The chain below the logit `logit` (a defined symbol): the gap `∂R/∂logit` derived by the
/// engine (through `via` when given), the weight `∂logit/∂v` and, when both are derived, the
/// chain `Σ_a gap · weight` (a plain product for a logit without subscripts), compared with the
/// result of `d`.
pub fn chain_below(
    problem: &Problem,
    d: &Derivation,
    logit: &Symbol,
    via: Option<Symbol>,
) -> BelowLogits {
    let derive_sub = |of: Expr, wrt: Symbol, via: Option<Symbol>| {
        let goal = problem.goal.as_ref()?;
        let mut sub = problem.clone();
        sub.goal = Some(Goal {
            of,
            wrt,
            vias: via.iter().map(|v| (v.clone(), goal.pos)).collect(),
            via,
            pos: goal.pos,
        });
        sub.expect = None;
        sub.show = None;
        engine::derive(&sub, Limits::default()).map(|d| d.result().clone())
    };
    let Some(goal) = problem.goal.as_ref() else {
        return BelowLogits {
            logit: Expr::Sym(logit.clone()),
            gap: None,
            weight: None,
            chain: None,
            chain_holds: false,
        };
    };
    let gap = derive_sub(goal.of.clone(), logit.clone(), via);
    let weight = derive_sub(Expr::Sym(logit.clone()), goal.wrt.clone(), None);
    let chain = match (&gap, &weight, logit.indices.as_slice()) {
        (Some(g), Some(w), [Index::Free(letter)]) => {
            let upper = problem.upper_of(letter).map(str::to_string);
            Some(sum(
                Binder::new(letter, upper.as_deref()),
                close(&mul(vec![g.clone(), w.clone()]), letter),
            ))
        }
        (Some(g), Some(w), []) => Some(mul(vec![g.clone(), w.clone()])),
        _ => None,
    };
    let chain_holds = chain
        .as_ref()
        .is_some_and(|c| normal::equivalent(d.result(), c, problem));
    BelowLogits {
        logit: Expr::Sym(logit.clone()),
        gap,
        weight,
        chain,
        chain_holds,
    }
}
