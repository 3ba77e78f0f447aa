//! The proof as data: presented steps, the rule firings under them, and lemmas.
//!
//! The engine writes a [`Derivation`]; the checker and the renderers only read it. A *firing* is
//! one application of one named rule at one place; a *presented step* groups the firings a
//! reader sees as one move ("cancel", "split the sum").

use crate::syntax::expr::Expr;
use serde::Serialize;

/// The position of a subterm: the child numbers from the root (see [`Expr::children`]).
pub type Path = Vec<usize>;

/// One application of one rule. Only the rewritten subterm is kept, so a long run costs memory
/// in proportion to what changed; [`Step::replay`] rebuilds the whole expressions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Firing {
    /// The rule's registry name.
    pub rule: &'static str,
    /// Where it fired, in the expression before the firing.
    pub path: Path,
    /// What the subterm at `path` became.
    pub replacement: Expr,
}

/// A step as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What the step does, in a few words ("cancel", "split the sum").
    pub title: String,
    /// The distinct rules that fired in this step, in order of first firing.
    pub rules: Vec<&'static str>,
    /// The whole expression after the step.
    pub expr: Expr,
    /// The smallest subterm containing every change (the common prefix of the firings' paths).
    pub path: Path,
    /// Every firing, in order.
    pub firings: Vec<Firing>,
    /// Sub-derivations this step uses (the pieces substituted into a chain rule).
    pub lemmas: Vec<Derivation>,
}

impl Step {
    /// The whole expression after each firing, starting from `before` (the previous line).
    pub fn replay(&self, before: &Expr) -> Vec<Expr> {
        let mut e = before.clone();
        self.firings
            .iter()
            .map(|f| {
                e = crate::syntax::edit::replace_at(&e, &f.path, f.replacement.clone());
                e.clone()
            })
            .collect()
    }
}

/// Why the engine stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Stop {
    /// No rule applies any more.
    Saturated,
    /// The step limit was reached.
    StepLimit(usize),
    /// An expression grew beyond the size limit.
    SizeLimit(usize),
    /// The rewritten subterms recorded in the trace grew beyond this many nodes in total (many
    /// firings on a large subterm: each keeps its own copy).
    TraceLimit(usize),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Saturated => write!(f, "no rule applies"),
            Stop::StepLimit(n) => write!(f, "stopped after the step limit of {n} rule firings"),
            Stop::SizeLimit(n) => write!(f, "stopped: an expression grew past {n} nodes"),
            Stop::TraceLimit(n) => write!(
                f,
                "stopped: the rewrites recorded for the proof grew past {n} nodes"
            ),
        }
    }
}

/// A derivation of `goal` to `result`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Derivation {
    /// The expression derived (for a gradient: `d(L)/d(s_k)`).
    pub goal: Expr,
    /// The presented steps, in order; each one's `expr` is the next line of the proof.
    pub steps: Vec<Step>,
    /// Why the engine stopped.
    pub stop: Stop,
}

impl Derivation {
    /// The last expression: the result of the derivation (the goal when there are no steps).
    pub fn result(&self) -> &Expr {
        self.steps.last().map(|s| &s.expr).unwrap_or(&self.goal)
    }

    /// Every expression of the proof, starting with the goal.
    pub fn lines(&self) -> impl Iterator<Item = &Expr> {
        std::iter::once(&self.goal).chain(self.steps.iter().map(|s| &s.expr))
    }
}

impl Firing {
    /// True when this is a firing of the rule `rule`.
    pub fn is(&self, rule: &crate::rules::Rule) -> bool {
        self.rule == rule.name
    }
}

impl Step {
    /// True when the rule `rule` fired in this step.
    pub fn fired(&self, rule: &crate::rules::Rule) -> bool {
        self.rules.contains(&rule.name)
    }

    /// True when the move `m` (a rule, or substituting lemmas) was made in this step.
    pub fn made(&self, m: crate::rules::Move) -> bool {
        self.rules.contains(&m.name())
    }
}
