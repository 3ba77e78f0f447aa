//! Re-checking a saved proof: `gradproof verify PROOF.json`.
//!
//! A JSON proof (see [`crate::render::json`]) carries the problem as `.deriv` text. Verifying
//! it reparses that problem, then replays every firing of every step and lemma from the goal:
//! the named rule of the registry ([`crate::rules::lookup`]) is applied at the recorded path of
//! the expression before the firing, and the whole expression after it must print exactly as
//! recorded. Each step's expression, rules, path and changed subterm, each derivation's goal and
//! result, must be what the replayed firings give. The replayed derivation (built only from the
//! rules' outputs, never from the recorded text) is then checked numerically as `check` does.

use crate::analysis::normal::equivalent;
use crate::check::{check_derivation, CheckOptions, CheckReport};
use crate::engine::trace::{Derivation, Firing, Path, Step, Stop};
use crate::engine::{replace_at, substitute_derivatives, taken_index_names, Limits};
use crate::parse::parse_problem;
use crate::render::document::{changed_term, proof_options};
use crate::render::json::{
    expr_view, stop_view, DerivationView, ExpectView, ExprView, ProofView, StopView,
};
use crate::render::{to_input_with, PrintOptions};
use crate::rules::definitions::MAX_UNFOLD_NODES;
use crate::rules::{lookup, replay_outputs, Ctx, Move};
use crate::syntax::expr::{deriv, Expr};
use crate::syntax::problem::Problem;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

/// Why a proof did not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// The input is not a proof that can be replayed: not JSON, the wrong shape, a problem that
    /// does not parse, an unknown rule name, a path that does not exist (exit code 2).
    Unreadable(String),
    /// The proof is readable but false: a firing is not its rule's output, or a step, goal or
    /// result is not what the firings give (exit code 1). The message names the place.
    False(String),
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::Unreadable(m) | VerifyError::False(m) => f.write_str(m),
        }
    }
}

/// A proof whose every firing replayed: the problem, the replayed derivation and its numeric
/// check.
pub struct Verified {
    /// The problem the proof carries.
    pub problem: Problem,
    /// The derivation rebuilt from the rules' outputs.
    pub derivation: Derivation,
    /// The numeric check of the rebuilt derivation.
    pub report: CheckReport,
}

/// Reads the JSON proof `text`, replays every firing and checks the replayed derivation
/// numerically with `opts`.
pub fn verify_json(text: &str, opts: &CheckOptions) -> Result<Verified, VerifyError> {
    if serde_json::from_str::<crate::render::json::ShowDocumentView>(text).is_ok() {
        return Err(VerifyError::Unreadable(String::from(
            "a proof of a `show` block only (no `derive` line): there are no firings to replay; \
             `gradproof check` the .deriv file instead",
        )));
    }
    let view: ProofView = serde_json::from_str(text)
        .map_err(|e| VerifyError::Unreadable(format!("not a gradproof JSON proof: {e}")))?;
    let problem = parse_problem(&view.problem).map_err(|e| {
        VerifyError::Unreadable(format!("the proof's `problem` does not parse: {e:#}"))
    })?;
    let goal = problem.goal.as_ref().ok_or_else(|| {
        VerifyError::Unreadable("the proof's `problem` has no `derive` line".to_string())
    })?;
    let start = deriv(goal.of.clone(), goal.wrt.clone());
    if view.title != problem.title {
        return Err(VerifyError::False(
            "title: the proof's title is not its problem's".to_string(),
        ));
    }
    let derivation = replay(&problem, start, &view.derivation)?;
    let expect = problem.expect.as_ref().map(|(e, _)| ExpectView {
        expr: expr_view(e, &proof_options(&problem, &derivation)),
        holds: equivalent(derivation.result(), e, &problem),
    });
    if view.expect != expect {
        return Err(VerifyError::False(
            "expect: the proof's `expect` is not its problem's, or not what its result gives"
                .to_string(),
        ));
    }
    let report = check_derivation(&problem, &derivation, opts);
    Ok(Verified {
        problem,
        derivation,
        report,
    })
}

/// Replays the main derivation `view` of `problem` from `start`.
pub fn replay(
    problem: &Problem,
    start: Expr,
    view: &DerivationView,
) -> Result<Derivation, VerifyError> {
    let skeleton = Derivation {
        goal: start.clone(),
        steps: Vec::new(),
        stop: Stop::Saturated,
    };
    let replay = Replay {
        problem,
        ctx: Ctx::new(problem),
        print: proof_options(problem, &skeleton),
        limits: Limits::default(),
        fired: Cell::new(0),
        outer_free: RefCell::new(BTreeSet::new()),
    };
    replay.derivation(start, view, "")
}

struct Replay<'a> {
    problem: &'a Problem,
    /// The context at the root: the chain rule goes through the goal's `via`, as in the engine.
    ctx: Ctx<'a>,
    /// The options the proof was printed with.
    print: PrintOptions,
    /// The engine's bounds: a proof it could have written stays within them, and replaying
    /// one that does not is refused, so no input makes the replay run long.
    limits: Limits,
    /// Firings replayed so far, lemmas included.
    fired: Cell<usize>,
    /// The free indices of the goals the lemma being replayed sits in: as in the engine, the
    /// fresh names a nested chain rule's pieces get avoid them.
    outer_free: RefCell<BTreeSet<String>>,
}

fn falsehood(at: &str, what: &str, recorded: &ExprView, replayed: &ExprView) -> VerifyError {
    let (notation, said, given) = if recorded.input != replayed.input {
        ("", &recorded.input, &replayed.input)
    } else {
        (" in LaTeX", &recorded.latex, &replayed.latex)
    };
    VerifyError::False(format!(
        "{at}: {what}: the proof says{notation} `{said}`, the rules give `{given}`"
    ))
}

impl Replay<'_> {
    fn view(&self, e: &Expr) -> ExprView {
        expr_view(e, &self.print)
    }

    /// Fails unless `e` prints as `recorded` (both notations).
    fn same(&self, e: &Expr, recorded: &ExprView, at: &str, what: &str) -> Result<(), VerifyError> {
        let replayed = self.view(e);
        if replayed == *recorded {
            Ok(())
        } else {
            Err(falsehood(at, what, recorded, &replayed))
        }
    }

    /// The subterm of `e` at `path` and its context, as the engine's scan sees it.
    fn at_path<'e>(&self, e: &'e Expr, path: &[usize]) -> Option<(&'e Expr, Ctx<'_>)> {
        let mut ctx = self.ctx.clone();
        let mut here = e;
        for &i in path {
            let child = here.iter_children().nth(i)?;
            ctx = ctx.enter(here);
            here = child;
        }
        Some((here, ctx))
    }

    /// Replays `view`, a derivation of `goal`; `place` prefixes messages ("step 2, lemma 1: ").
    fn derivation(
        &self,
        goal: Expr,
        view: &DerivationView,
        place: &str,
    ) -> Result<Derivation, VerifyError> {
        self.same(&goal, &view.goal, &format!("{place}goal"), "wrong goal")?;
        let mut before = goal.clone();
        let mut steps = Vec::new();
        for (n, sv) in view.steps.iter().enumerate() {
            let at = format!("{place}step {}", n + 1);
            if sv.number != n + 1 {
                return Err(VerifyError::False(format!(
                    "{at}: numbered {} in the proof",
                    sv.number
                )));
            }
            let mut expr = before.clone();
            let mut firings = Vec::new();
            let mut lemmas: Vec<Derivation> = Vec::new();
            for (m, fv) in sv.firings.iter().enumerate() {
                let firing_at = format!("{at}, firing {} ({} at {:?})", m + 1, fv.rule, fv.path);
                let (out, after) =
                    self.firing(&expr, fv, &firing_at, &at, &sv.lemmas, &mut lemmas)?;
                firings.push(Firing {
                    rule: out.0,
                    path: fv.path.clone(),
                    replacement: out.1,
                });
                expr = after;
            }
            if lemmas.len() != sv.lemmas.len() {
                return Err(VerifyError::False(format!(
                    "{at}: the proof records {} lemmas, its firings use {}",
                    sv.lemmas.len(),
                    lemmas.len()
                )));
            }
            self.same(
                &expr,
                &sv.expr,
                &at,
                "the step's expression is not what its firings give",
            )?;
            let mut rules: Vec<&'static str> = Vec::new();
            for f in &firings {
                if !rules.contains(&f.rule) {
                    rules.push(f.rule);
                }
            }
            if rules != sv.rules {
                return Err(VerifyError::False(format!(
                    "{at}: the proof lists the rules {:?}, its firings are by {rules:?}",
                    sv.rules
                )));
            }
            let path = common_path(&firings);
            if path != sv.path {
                return Err(VerifyError::False(format!(
                    "{at}: the proof gives the path {:?}, its firings change the subterm at {path:?}",
                    sv.path
                )));
            }
            steps.push(Step {
                title: sv.title.clone(),
                rules,
                expr: expr.clone(),
                path,
                firings,
                lemmas,
            });
            before = expr;
        }
        let d = Derivation {
            goal,
            steps,
            stop: stop(&view.stop, place)?,
        };
        if stop_view(&d.stop) != view.stop {
            return Err(VerifyError::False(format!(
                "{place}stop: the proof's stop reason does not read as recorded"
            )));
        }
        for (n, sv) in view.steps.iter().enumerate() {
            let changed = changed_term(&d, n, &self.print).map(|e| self.view(&e));
            if changed != sv.changed {
                return Err(VerifyError::False(format!(
                    "{place}step {}: the recorded changed subterm is not the one at its path",
                    n + 1
                )));
            }
        }
        self.same(
            d.result(),
            &view.result,
            &format!("{place}result"),
            "wrong result",
        )?;
        Ok(d)
    }

    /// Replays one firing on `expr`: the move's name and rewrite, and the whole expression
    /// after it. A substitution replays the step's lemmas (`recorded`) into `lemmas`.
    #[allow(clippy::too_many_arguments)]
    fn firing(
        &self,
        expr: &Expr,
        fv: &crate::render::json::FiringView,
        at: &str,
        step_at: &str,
        recorded: &[DerivationView],
        lemmas: &mut Vec<Derivation>,
    ) -> Result<((&'static str, Expr), Expr), VerifyError> {
        // The engine fires only on expressions within its size limit (a start with every
        // definition substituted within the unfolding budget): a larger one is refused, so that
        // no chain of valid firings makes the replay grow without bound.
        let most = self.limits.max_size + MAX_UNFOLD_NODES;
        if expr.size() > most {
            return Err(VerifyError::Unreadable(format!(
                "{at}: the expression before the firing has more than {most} nodes, past the \
                 engine's limits"
            )));
        }
        let mv = lookup(&fv.rule).ok_or_else(|| {
            VerifyError::Unreadable(format!("{at}: no rule is named {:?}", fv.rule))
        })?;
        // The engine counts every rule firing against its limit (a substitution is not one).
        if matches!(mv, Move::Rule(_)) {
            self.fired.set(self.fired.get() + 1);
        }
        if self.fired.get() > self.limits.max_firings {
            return Err(VerifyError::Unreadable(format!(
                "{at}: the proof has more firings than the engine's limit of {}",
                self.limits.max_firings
            )));
        }
        let (sub, ctx) = self.at_path(expr, &fv.path).ok_or_else(|| {
            VerifyError::Unreadable(format!(
                "{at}: the expression before the firing has no subterm at {:?}",
                fv.path
            ))
        })?;
        let outputs = match mv {
            // The chain rule of a nested piece goes through a later symbol of the `via` list.
            Move::Rule(rule) if rule.name == crate::rules::definitions::CHAIN_RULE.name => {
                let vias = crate::engine::chain::route(self.problem);
                let mut outs = replay_outputs(rule, sub, &ctx);
                for via in &vias {
                    outs.extend(replay_outputs(rule, sub, &ctx.clone().with_via(Some(via))));
                }
                outs
            }
            Move::Rule(rule) => replay_outputs(rule, sub, &ctx),
            Move::Given => crate::engine::chain::given_for(self.problem, sub)
                .into_iter()
                .collect(),
            Move::Substitute => {
                let mut taken = taken_index_names(self.problem, expr);
                let enclosing = self.outer_free.borrow().clone();
                taken.extend(enclosing.iter().cloned());
                let inside: BTreeSet<String> = enclosing
                    .union(&crate::syntax::index::free_indices(expr))
                    .cloned()
                    .collect();
                let out =
                    substitute_derivatives(self.problem, sub, &mut taken, &mut |goal: &Expr| {
                        if let Some(done) = lemmas.iter().find(|l| l.goal == *goal) {
                            return Ok(done.result().clone());
                        }
                        let n = lemmas.len();
                        let view = recorded.get(n).ok_or_else(|| {
                            VerifyError::False(format!(
                                "{at}: the substitution needs a lemma for `{}`, the step records \
                                 only {n}",
                                to_input_with(goal, &self.print)
                            ))
                        })?;
                        let saved = self.outer_free.replace(inside.clone());
                        let lemma = self.derivation(
                            goal.clone(),
                            view,
                            &format!("{step_at}, lemma {}: ", n + 1),
                        );
                        self.outer_free.replace(saved);
                        let lemma = lemma?;
                        let result = lemma.result().clone();
                        lemmas.push(lemma);
                        Ok(result)
                    })?;
                if out == *sub {
                    Vec::new()
                } else {
                    vec![out]
                }
            }
        };
        let mut first = None;
        for out in outputs {
            let after = replace_at(expr, &fv.path, out.clone());
            let printed = to_input_with(&after, &self.print);
            if printed == fv.expr.input {
                return Ok(((mv.name(), out), after));
            }
            first.get_or_insert(printed);
        }
        Err(VerifyError::False(match first {
            None => format!("{at}: the rule does not apply there"),
            Some(replayed) => format!(
                "{at}: the recorded expression is not the rule's output: the proof says `{}`, \
                 the rule gives `{replayed}`",
                fv.expr.input
            ),
        }))
    }
}

/// The common prefix of the firings' paths (the engine's step path).
fn common_path(firings: &[Firing]) -> Path {
    firings
        .iter()
        .map(|f| f.path.clone())
        .reduce(|a, b| {
            a.iter()
                .zip(&b)
                .take_while(|(x, y)| x == y)
                .map(|(x, _)| *x)
                .collect()
        })
        .unwrap_or_default()
}

/// The stop reason a proof records.
fn stop(view: &StopView, place: &str) -> Result<Stop, VerifyError> {
    let limit = || {
        view.limit.ok_or_else(|| {
            VerifyError::Unreadable(format!("{place}stop: {:?} without a limit", view.reason))
        })
    };
    Ok(match view.reason.as_str() {
        "saturated" => Stop::Saturated,
        "step-limit" => Stop::StepLimit(limit()?),
        "size-limit" => Stop::SizeLimit(limit()?),
        "trace-limit" => Stop::TraceLimit(limit()?),
        other => {
            return Err(VerifyError::Unreadable(format!(
                "{place}stop: unknown reason {other:?}"
            )))
        }
    })
}
