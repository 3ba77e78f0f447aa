//! Named rewrite rules and the registry.
//!
//! A rule is a named local rewrite: given one subterm and the context it sits in, it returns the
//! replacement or `None`. Each rule lives in the file of its family; [`registry`] lists them all
//! with a one-line description, and the name is what a proof shows. No rule knows a symbol name:
//! every fact a side condition needs comes from the [`Problem`] through [`facts`].

pub mod algebra;
pub mod definitions;
pub mod facts;
pub mod sums;

use crate::expr::{Binder, Expr};
use crate::problem::Problem;
use std::cell::RefCell;

/// Where a rule is applied: the problem's facts and the binders around the subterm.
pub struct Ctx<'a> {
    /// The declarations and definitions.
    pub problem: &'a Problem,
    /// The sums enclosing the subterm, outermost first.
    pub binders: Vec<Binder>,
    /// True when the subterm is inside an unevaluated derivative.
    pub in_deriv: bool,
    visiting: RefCell<Vec<String>>,
}

impl<'a> Ctx<'a> {
    /// The context at the root of an expression.
    pub fn new(problem: &'a Problem) -> Ctx<'a> {
        Ctx {
            problem,
            binders: Vec::new(),
            in_deriv: false,
            visiting: RefCell::new(Vec::new()),
        }
    }

    /// Runs `f` while `name` is marked as being looked through; a definition already being
    /// looked through answers `false` (a guard against cyclic definitions).
    pub fn visiting(&self, name: &str, f: impl FnOnce() -> bool) -> bool {
        if self.visiting.borrow().iter().any(|n| n == name) {
            return false;
        }
        self.visiting.borrow_mut().push(name.to_string());
        let answer = f();
        self.visiting.borrow_mut().pop();
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
            visiting: RefCell::new(Vec::new()),
        }
    }
}

/// The most nodes a rule that copies its input (the product rule, distribution) may build in
/// one firing. Such a rule's output grows with the square of its input — the product rule on
/// a product of 30,000 factors would build 900 million nodes before the engine could compare
/// the result with [`crate::engine::Limits::max_size`] — so above this it does not fire and
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
        crate::diff::D_VARIABLE,
        crate::diff::D_CONSTANT,
        crate::diff::D_SUM_RULE,
        crate::diff::D_CONSTANT_FACTOR,
        crate::diff::D_QUOTIENT,
        crate::diff::D_PRODUCT,
        crate::diff::D_POWER,
        crate::diff::D_EXP,
        crate::diff::D_LOG,
        crate::diff::D_SQRT,
        crate::diff::D_INDEXED_SUM,
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
    ];
    RULES
}

/// The rule named `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    registry().iter().find(|r| r.name == name)
}
