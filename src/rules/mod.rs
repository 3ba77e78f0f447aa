//! Named rewrite rules and the registry.
//!
//! A rule is a named local rewrite: given one subterm and the context it sits in, it returns the
//! replacement or `None`. Each rule lives in the file of its family; [`registry`] lists them all
//! with a one-line description, and the name is what a proof shows. No rule knows a symbol name:
//! every fact a side condition needs comes from the [`Problem`] through [`facts`].

pub mod diff;

pub mod algebra;
pub mod definitions;
pub mod derived;
pub mod facts;
pub mod piecewise;
pub mod fold_context;
pub mod regroup;
pub mod logistic;
pub mod sums;

use crate::syntax::expr::{Binder, Expr, Symbol};
use crate::syntax::problem::{Definition, Problem, VarDecl};
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Where a rule is applied: the problem's facts and the binders around the subterm.
#[derive(Clone)]
pub struct Ctx<'a> {
    /// The declarations and definitions.
    pub problem: &'a Problem,
    /// The sums enclosing the subterm, outermost first.
    pub binders: Vec<Binder>,
    /// True when the subterm is inside an unevaluated derivative.
    pub in_deriv: bool,
    /// The definition the chain rule goes through (`via p_j`): the goal's, unless set with
    /// [`Ctx::with_via`].
    pub via: Option<&'a Symbol>,
    facts: Rc<Facts<'a>>,
}

/// A fact about a defined symbol that side conditions look up through its definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    /// The definition depends on the symbol named by the key.
    DependsOn,
    /// The definition depends on the symbol named by the key other than through the via symbol.
    DependsExcept,
    /// The definition is provably positive.
    Positive,
    /// The definition is provably non-zero.
    Nonzero,
    /// The definition is provably in (0, 1).
    InUnitInterval,
}

/// Lookups and memoised facts shared by every context of one problem: definitions and variables
/// by name, and the answers of [`Ctx::through_definition`] (the problem does not change while a
/// context lives, so an answer stays true).
struct Facts<'a> {
    defs: HashMap<&'a str, &'a Definition>,
    vars: HashMap<&'a str, &'a VarDecl>,
    visiting: RefCell<HashSet<String>>,
    memo: RefCell<HashMap<(Fact, String, String), bool>>,
    acyclic: OnceCell<bool>,
}

impl<'a> Facts<'a> {
    fn new(problem: &'a Problem) -> Facts<'a> {
        let mut defs = HashMap::with_capacity(problem.defs.len());
        for d in &problem.defs {
            defs.entry(d.symbol.name.as_str()).or_insert(d);
        }
        let mut vars = HashMap::with_capacity(problem.vars.len());
        for v in &problem.vars {
            vars.entry(v.symbol.name.as_str()).or_insert(v);
        }
        Facts {
            defs,
            vars,
            visiting: RefCell::new(HashSet::new()),
            memo: RefCell::new(HashMap::new()),
            acyclic: OnceCell::new(),
        }
    }

    /// True when no definition depends on itself: then an answer about a definition does not
    /// depend on which definitions are being looked through, and may be memoised.
    fn acyclic(&self) -> bool {
        *self.acyclic.get_or_init(|| {
            // 0: unvisited, 1: on the stack, 2: done.
            let mut state: HashMap<&str, u8> = HashMap::new();
            self.defs
                .keys()
                .all(|name| self.no_cycle_from(name, &mut state))
        })
    }

    fn no_cycle_from<'s>(&'s self, name: &'s str, state: &mut HashMap<&'s str, u8>) -> bool {
        match state.get(name) {
            Some(1) => return false,
            Some(_) => return true,
            None => {}
        }
        let Some(def) = self.defs.get(name) else {
            return true;
        };
        state.insert(name, 1);
        let mut used = Vec::new();
        def.body.symbol_names(&mut used);
        let ok = used.into_iter().all(|n| self.no_cycle_from(n, state));
        state.insert(name, 2);
        ok
    }
}

impl<'a> Ctx<'a> {
    /// The context at the root of an expression.
    pub fn new(problem: &'a Problem) -> Ctx<'a> {
        Ctx {
            problem,
            binders: Vec::new(),
            in_deriv: false,
            via: problem.goal.as_ref().and_then(|g| g.via.as_ref()),
            facts: Rc::new(Facts::new(problem)),
        }
    }

    /// This context with the chain rule going through `via` instead of the goal's `via`.
    pub fn with_via(self, via: Option<&'a Symbol>) -> Ctx<'a> {
        Ctx { via, ..self }
    }

    /// The definition of the symbol named `name` (as [`Problem::def`], without a linear scan).
    pub fn def(&self, name: &str) -> Option<&'a Definition> {
        self.facts.defs.get(name).copied()
    }

    /// The declaration of the variable named `name` (as [`Problem::var`], without a linear
    /// scan).
    pub fn var(&self, name: &str) -> Option<&'a VarDecl> {
        self.facts.vars.get(name).copied()
    }

    /// Runs `f` while `name` is marked as being looked through; a definition already being
    /// looked through answers `false` (a guard against cyclic definitions).
    pub fn visiting(&self, name: &str, f: impl FnOnce() -> bool) -> bool {
        if self.facts.visiting.borrow().contains(name) {
            return false;
        }
        self.facts.visiting.borrow_mut().insert(name.to_string());
        let answer = f();
        self.facts.visiting.borrow_mut().remove(name);
        answer
    }

    /// `fact` of the definition of `name` with respect to `key`, computed by `f` from the
    /// definition while `name` is being looked through (see [`Ctx::visiting`]); `false` when
    /// `name` has no definition. Answers are memoised when the definitions are acyclic, so a
    /// chain of definitions is looked through once, not once per question.
    pub fn through_definition(
        &self,
        fact: Fact,
        name: &str,
        key: &str,
        f: impl FnOnce(&'a Definition) -> bool,
    ) -> bool {
        let Some(def) = self.def(name) else {
            return false;
        };
        if !self.facts.acyclic() {
            return self.visiting(name, || f(def));
        }
        let memo_key = (fact, name.to_string(), key.to_string());
        if let Some(&answer) = self.facts.memo.borrow().get(&memo_key) {
            return answer;
        }
        let answer = self.visiting(name, || f(def));
        self.facts.memo.borrow_mut().insert(memo_key, answer);
        answer
    }

    /// The context one level further in: under `binder` if the parent is a sum, inside a
    /// derivative if the parent is one.
    pub fn enter(&self, parent: &Expr) -> Ctx<'a> {
        let mut binders = self.binders.clone();
        if let Expr::Sum(b, _) = parent {
            binders.push(b.clone());
        }
        Ctx {
            problem: self.problem,
            binders,
            in_deriv: self.in_deriv || matches!(parent, Expr::Deriv(..)),
            via: self.via,
            facts: Rc::clone(&self.facts),
        }
    }
}

/// The most nodes a rule that copies its input (the product rule, distribution) may build in
/// one firing. Such a rule's output grows with the square of its input — the product rule on
/// a product of 30,000 factors would build 900 million nodes before the engine could compare
/// the result with `crate::engine::Limits::max_size` — so above this it does not fire and
/// the derivation ends with that step left undone.
pub const MAX_RULE_OUTPUT: usize = 200_000;

/// True when `copies` copies of something of `size` nodes stay within [`MAX_RULE_OUTPUT`].
pub fn within_output_limit(copies: usize, size: usize) -> bool {
    copies.saturating_mul(size) <= MAX_RULE_OUTPUT
}

/// A named local rewrite.
pub struct Rule {
    /// The kebab-case name shown in proofs.
    pub name: &'static str,
    /// One line saying what it does.
    pub description: &'static str,
    /// The rewrite: the replacement for `e`, or `None` when the rule does not apply.
    pub apply: fn(&Expr, &Ctx) -> Option<Expr>,
}

/// Every rule, in priority order within its family.
pub fn registry() -> &'static [Rule] {
    static RULES: &[Rule] = &[
        definitions::CHAIN_RULE,
        definitions::UNFOLD,
        crate::rules::diff::D_VARIABLE,
        crate::rules::diff::D_CONSTANT,
        crate::rules::diff::D_SUM_RULE,
        crate::rules::diff::D_CONSTANT_FACTOR,
        crate::rules::diff::D_QUOTIENT,
        crate::rules::diff::D_PRODUCT,
        crate::rules::diff::D_POWER,
        crate::rules::diff::D_EXP,
        crate::rules::diff::D_LOG,
        crate::rules::diff::D_SQRT,
        crate::rules::diff::D_INDEXED_SUM,
        algebra::CANCEL,
        sums::DELTA_SELECT,
        sums::DELTA_SAME,
        sums::SUM_TO_ONE,
        sums::SUM_OF_CONSTANT,
        sums::DISTRIBUTE_IN_SUM,
        sums::SPLIT_SUM,
        sums::FACTOR_OUT_OF_SUM,
        definitions::FOLD,
        definitions::FOLD_COMPLEMENT,
        algebra::DISTRIBUTE,
        algebra::MERGE_POWERS,
        algebra::POWER_OF_PRODUCT,
        algebra::COLLECT,
        algebra::FACTOR_COMMON,
        algebra::ORDER_TERMS,
        piecewise::D_BRACKET,
        piecewise::BRACKET_OF_NUMBER,
        piecewise::BRACKET_POWER,
        piecewise::BRACKET_EXCLUSIVE,
        piecewise::BRACKET_COMPLEMENT,
        derived::NORMALISED_SUMS_TO_ONE,
        regroup::GROUP_TERMS,
        regroup::FACTOR_INTO_SUM,
        regroup::MERGE_SUMS,
        fold_context::FOLD_BODY,
        logistic::D_SIGMOID,
        logistic::D_TANH,
        logistic::D_SOFTPLUS,
        logistic::SIGMOID_COMPLEMENT,
    ];
    RULES
}

/// The rule named `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    registry().iter().find(|r| r.name == name)
}

/// The name a proof records for a piece taken from a `given` line (a move of the strategy: the
/// stated result, checked numerically like every line).
pub const GIVEN: &str = "given";

/// The name a proof records for substituting the lemmas' results into the chain rule's
/// derivatives (a move of the strategy, not a rewrite rule: it needs the lemmas).
pub const SUBSTITUTE: &str = "substitute";

/// What a firing's recorded name stands for.
#[derive(Clone, Copy)]
pub enum Move {
    /// A rule of the registry.
    Rule(&'static Rule),
    /// Substituting the lemmas of the step for the derivatives ([`SUBSTITUTE`]).
    Substitute,
    /// A piece stated by a `given` line ([`GIVEN`]).
    Given,
}

impl Move {
    /// The name a proof records.
    pub fn name(self) -> &'static str {
        match self {
            Move::Rule(r) => r.name,
            Move::Substitute => SUBSTITUTE,
            Move::Given => GIVEN,
        }
    }
}

/// The move a proof names `name`: a rule of the registry or [`SUBSTITUTE`].
pub fn lookup(name: &str) -> Option<Move> {
    match name {
        SUBSTITUTE => Some(Move::Substitute),
        GIVEN => Some(Move::Given),
        _ => rule(name).map(Move::Rule),
    }
}

/// Every rewrite a firing of `rule` at `e` may record, as the engine fires it: the rule's own
/// rewrite (when it changes `e`), and for `unfold-definition` also every definition in `e`
/// unfolded at once ([`definitions::unfold_all`], the engine's first step when a goal has no
/// `via`). Replaying a saved proof accepts exactly these.
pub fn replay_outputs(rule: &Rule, e: &Expr, ctx: &Ctx) -> Vec<Expr> {
    let mut outs: Vec<Expr> = regroup::alternatives(rule, e, ctx);
    if rule.name == definitions::UNFOLD.name {
        let all = definitions::unfold_all(e, ctx.problem);
        if all != *e && !outs.contains(&all) {
            outs.push(all);
        }
    }
    outs
}
