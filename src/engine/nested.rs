//! Nested derivatives: `d(d(L)/d(s_k))/d(s_l)`, or `d(g_k)/d(s_l)` with `let g_k = d(L)/d(s_k)`.
//!
//! The inner derivative is derived first, as a lemma with its own steps (the reader sees the
//! gradient appear), its result is substituted for it, and the outer derivative of that result
//! is then derived like any other: definitions substituted, differentiated, simplified, folded
//! back. A `let` whose body is a derivative is first unfolded (one step), so both spellings give
//! the same proof after it.

use super::{deriv, step, Run, SUBSTITUTE};
use crate::engine::trace::{Derivation, Firing, Step, Stop};
use crate::rules::definitions::{self, instantiate};
use crate::syntax::expr::{Expr, Symbol};

impl Run<'_> {
    /// The derivation of `start` when it is a derivative of a derivative (directly, or through
    /// one definition whose body is a derivative); `None` otherwise.
    pub(super) fn derive_nested(&mut self, start: &Expr, vias: &[Symbol]) -> Option<Derivation> {
        let Expr::Deriv(of, wrt) = start else {
            return None;
        };
        let mut steps = Vec::new();
        let inner = match &**of {
            Expr::Deriv(..) => (**of).clone(),
            Expr::Sym(g) => {
                let def = self.problem.def(&g.name)?;
                let body = instantiate(def, &g.indices)?;
                if !matches!(body, Expr::Deriv(..)) {
                    return None;
                }
                let unfolded = deriv(body.clone(), wrt.clone());
                self.fired += 1;
                steps.push(step(
                    "substitute the definition",
                    &unfolded,
                    vec![Firing {
                        rule: definitions::UNFOLD.name,
                        path: Vec::new(),
                        replacement: unfolded.clone(),
                    }],
                ));
                body
            }
            _ => return None,
        };
        let lemma = self.derive_goal(inner, vias);
        if lemma.stop != Stop::Saturated {
            // The inner derivation stopped at a limit: so does this one, before substituting.
            return Some(Derivation {
                goal: start.clone(),
                steps,
                stop: lemma.stop,
            });
        }
        let outer = deriv(lemma.result().clone(), wrt.clone());
        steps.push(Step {
            lemmas: vec![lemma.clone()],
            ..step(
                "substitute the inner derivative",
                &outer,
                vec![Firing {
                    rule: SUBSTITUTE,
                    path: vec![0],
                    replacement: lemma.result().clone(),
                }],
            )
        });
        let rest = self.direct(outer);
        steps.extend(rest.steps);
        Some(Derivation {
            goal: start.clone(),
            steps,
            stop: rest.stop,
        })
    }
}
