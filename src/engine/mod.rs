//! The strategy: which rule fires where, how firings group into presented steps, and when to
//! stop.
//!
//! Rules are grouped into [`PHASES`] in priority order. The engine repeatedly takes the first
//! phase that can fire anywhere, fires its rules until none applies (outermost subterm first),
//! and records that as one presented step titled after the phase. When no phase fires, two tidy
//! phases run once: common factors come out (a step of its own) and sums are written with a
//! positive term first (folded into the last step). A derivation with `via` starts with the chain
//! rule, derives each piece as a lemma, and substitutes the pieces.
//!
//! The engine never loops: every firing counts against [`Limits::max_firings`], every
//! expression against [`Limits::max_size`], and hitting either ends the derivation with a typed
//! [`Stop`].

pub mod chain;
mod connect;
mod scanner;
#[cfg(test)]
mod scanner_tests;
pub mod imports;
pub mod search;
pub mod trace;

use crate::engine::trace::{Derivation, Firing, Path, Step, Stop};
use crate::rules::diff;
use crate::rules::{algebra, definitions, derived, piecewise, sums, Ctx, Rule};
pub use connect::connect;

/// The largest expression (in nodes) for which debug builds compare every scan with a full
/// rescan from the root; above it the comparison would make debug runs quadratic.
const RESCAN_CHECK_MAX_SIZE: usize = 4_000;

/// Whether debug builds compare the scanner with a full rescan at `expr`.
fn rescan_checked(expr: &Expr) -> bool {
    cfg!(debug_assertions) && expr.size() <= RESCAN_CHECK_MAX_SIZE
}
pub use crate::syntax::edit::{canonical_order, rebuild, replace_at};
use crate::syntax::expr::Symbol;
use crate::syntax::expr::{add, deriv, func, mul, pow, Expr, Index};
use crate::syntax::index::{close, free_indices, fresh_index_name, open};
use crate::syntax::problem::Problem;
use scanner::*;
use std::collections::BTreeSet;

mod nested;

/// A group of rules a reader sees as one move.
pub struct Phase {
    /// The step title shown in proofs.
    pub title: &'static str,
    /// The rules, in the order they are tried at each subterm. They are the registry's rule
    /// values, not names, so a phase cannot name a rule that does not exist.
    pub rules: &'static [&'static Rule],
}

/// The phases in priority order.
pub const PHASES: &[Phase] = &[
    Phase {
        title: "unfold the definition",
        rules: &[&definitions::UNFOLD],
    },
    Phase {
        title: "differentiate",
        rules: &[
            &diff::D_VARIABLE,
            &diff::D_CONSTANT,
            &diff::D_SUM_RULE,
            &diff::D_CONSTANT_FACTOR,
            &diff::D_QUOTIENT,
            &diff::D_PRODUCT,
            &diff::D_POWER,
            &diff::D_EXP,
            &diff::D_LOG,
            &diff::D_SQRT,
            &crate::rules::logistic::D_SIGMOID,
            &crate::rules::logistic::D_TANH,
            &crate::rules::logistic::D_SOFTPLUS,
            &diff::D_INDEXED_SUM,
            &piecewise::D_BRACKET,
        ],
    },
    Phase {
        title: "cancel",
        rules: &[&algebra::POWER_OF_PRODUCT, &algebra::CANCEL],
    },
    Phase {
        title: "the delta selects one term",
        rules: &[&sums::DELTA_SELECT, &sums::DELTA_SAME],
    },
    Phase {
        title: "a distribution sums to one",
        rules: &[&sums::SUM_TO_ONE, &derived::NORMALISED_SUMS_TO_ONE],
    },
    Phase {
        title: "sum of a constant",
        rules: &[&sums::SUM_OF_CONSTANT],
    },
    Phase {
        title: "split the sum",
        rules: &[
            &sums::DISTRIBUTE_IN_SUM,
            &sums::SPLIT_SUM,
            &sums::FACTOR_OUT_OF_SUM,
        ],
    },
    Phase {
        title: "fold definitions back",
        rules: &[&definitions::FOLD_COMPLEMENT, &definitions::FOLD],
    },
    Phase {
        title: "expand",
        rules: &[&algebra::DISTRIBUTE, &algebra::MERGE_POWERS],
    },
    Phase {
        title: "collect like terms",
        rules: &[&algebra::COLLECT],
    },
    Phase {
        title: "indicator brackets",
        rules: &[
            &piecewise::BRACKET_OF_NUMBER,
            &piecewise::BRACKET_POWER,
            &piecewise::BRACKET_EXCLUSIVE,
            &piecewise::BRACKET_COMPLEMENT,
        ],
    },
    Phase {
        title: "the sigmoid is symmetric",
        rules: &[&crate::rules::logistic::SIGMOID_COMPLEMENT],
    },
];

/// The final step: the rules the search for the final form walks ([`crate::engine::search`]).
pub const FACTOR_PHASE: Phase = Phase {
    title: "factor and regroup",
    rules: crate::engine::search::SEARCH_RULES,
};

/// The final phase that puts a positive term first, folded into the last step.
pub const ORDER_PHASE: Phase = Phase {
    title: "order the terms",
    rules: &[&algebra::ORDER_TERMS],
};

/// The most nodes the firings of one derivation may record in total (each firing keeps the
/// subterm it rewrote): 5,000 firings on a 30,000-node product would otherwise hold 150 million
/// nodes. Past it the derivation ends with [`Stop::TraceLimit`].
pub const MAX_TRACE_NODES: usize = 5_000_000;

/// The name recorded for substituting lemma results into the chain rule.
pub const SUBSTITUTE: &str = crate::rules::SUBSTITUTE;

/// Bounds that keep every run finite.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most rule firings in one derivation, lemmas included.
    pub max_firings: usize,
    /// The largest expression (in nodes) the engine will build.
    pub max_size: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_firings: 5_000,
            max_size: 50_000,
        }
    }
}

/// Derives the problem's goal. `None` when the problem has no `derive` line.
pub fn derive(problem: &Problem, limits: Limits) -> Option<Derivation> {
    let goal = problem.goal.as_ref()?;
    let start = deriv(goal.of.clone(), goal.wrt.clone());
    let mut run = Run::new(problem, limits);
    let vias = crate::engine::chain::route(problem);
    Some(match run.derive_nested(&start, &vias) {
        Some(nested) => nested,
        None => run.derive_goal(start, &vias),
    })
}

/// Simplifies `e` as far as the rules go, as a derivation starting at `e`.
pub fn simplify(problem: &Problem, e: Expr, limits: Limits) -> Derivation {
    let mut run = Run::new(problem, limits);
    run.derivation(e)
}

struct Run<'a> {
    problem: &'a Problem,
    limits: Limits,
    fired: usize,
    /// Nodes recorded by the firings so far.
    recorded: usize,
    /// The free indices of the goals a nested chain rule sits in (`k, d` of `d(L)/d(c_{k,d})`
    /// while deriving its piece `d(L)/d(s_j)`): its pieces' fresh names avoid them too.
    outer_free: BTreeSet<String>,
    /// The context at the root, shared by every scan so that facts about definitions are
    /// looked up once per run.
    ctx: Ctx<'a>,
}

impl<'a> Run<'a> {
    /// The first firing of `rules` in `expr` found by scanning the whole tree from the root,
    /// with no hint: what the incremental scanner must agree with (checked in debug builds).
    fn rescan(&mut self, expr: &Expr, rules: &[&Rule]) -> Option<(Path, &'static str, Expr)> {
        first_firing(expr, rules, &mut self.ctx, &[], &mut Vec::new())
    }

    fn new(problem: &'a Problem, limits: Limits) -> Run<'a> {
        Run {
            problem,
            limits,
            fired: 0,
            recorded: 0,
            outer_free: BTreeSet::new(),
            ctx: Ctx::new(problem),
        }
    }

    /// Derives `start` by the chain rule through `vias[0]` (its pieces through the rest, see
    /// [`crate::engine::chain`]), or directly when there is none or it does not apply.
    fn derive_goal(&mut self, start: Expr, vias: &[Symbol]) -> Derivation {
        let chained = vias
            .first()
            .and_then(|via| definitions::chain_rule(&start, via, &self.ctx));
        let Some(chained) = chained else {
            return self.direct(start);
        };
        self.fired += 1;
        let mut steps = vec![Step {
            title: "chain rule".into(),
            rules: vec![definitions::CHAIN_RULE.name],
            expr: chained.clone(),
            path: Vec::new(),
            firings: vec![Firing {
                rule: definitions::CHAIN_RULE.name,
                path: Vec::new(),
                replacement: chained.clone(),
            }],
            lemmas: Vec::new(),
        }];
        let mut taken = self.taken_index_names(&start);
        taken.extend(self.outer_free.iter().cloned());
        let mut lemmas = Vec::new();
        let substituted = self.substitute_lemmas(&chained, &mut taken, &mut lemmas, vias);
        if lemmas
            .iter()
            .any(|l: &Derivation| l.stop != Stop::Saturated)
        {
            let stop = lemmas
                .iter()
                .map(|l| l.stop.clone())
                .find(|s| *s != Stop::Saturated);
            return Derivation {
                goal: start,
                steps,
                stop: stop.unwrap_or(Stop::Saturated),
            };
        }
        steps.push(Step {
            title: "substitute the pieces".into(),
            rules: vec![SUBSTITUTE],
            expr: substituted.clone(),
            path: Vec::new(),
            firings: vec![Firing {
                rule: SUBSTITUTE,
                path: Vec::new(),
                replacement: substituted.clone(),
            }],
            lemmas,
        });
        let mut rest = self.derivation(substituted.clone());
        crate::engine::chain::drop_reshaping_tail(&substituted, &mut rest.steps);
        steps.extend(rest.steps);
        Derivation {
            goal: start,
            steps,
            stop: rest.stop,
        }
    }

    /// Differentiates with every definition substituted, then simplifies (folding definitions
    /// back at the end is one of the phases).
    fn direct(&mut self, start: Expr) -> Derivation {
        let unfolded = definitions::unfold_all(&start, self.problem);
        if unfolded == start {
            return self.derivation(start);
        }
        self.fired += 1;
        let first = step(
            "substitute the definitions",
            &unfolded,
            vec![Firing {
                rule: definitions::UNFOLD.name,
                path: Vec::new(),
                replacement: unfolded.clone(),
            }],
        );
        let rest = self.derivation(unfolded);
        let mut steps = vec![first];
        steps.extend(rest.steps);
        Derivation {
            goal: start,
            steps,
            stop: rest.stop,
        }
    }

    /// See [`taken_index_names`].
    fn taken_index_names(&self, goal: &Expr) -> BTreeSet<String> {
        taken_index_names(self.problem, goal)
    }

    /// Replaces every derivative node in `e` by the result of its own derivation (a lemma),
    /// deriving each distinct one once (see [`substitute_derivatives`]). A piece stated by a
    /// `given` line is taken from it; the piece that differentiates by `vias[0]` is derived by
    /// the chain rule through the rest of `vias`.
    fn substitute_lemmas(
        &mut self,
        e: &Expr,
        taken: &mut BTreeSet<String>,
        lemmas: &mut Vec<Derivation>,
        vias: &[Symbol],
    ) -> Expr {
        let problem = self.problem;
        let outer: BTreeSet<String> = self.outer_free.union(&free_indices(e)).cloned().collect();
        let result: Result<Expr, std::convert::Infallible> =
            substitute_derivatives(problem, e, taken, &mut |goal| {
                let lemma = match lemmas.iter().find(|l| l.goal == *goal) {
                    Some(done) => done.clone(),
                    None => {
                        let outer_piece = matches!((goal, vias.first()),
                            (Expr::Deriv(_, x), Some(v)) if x.name == v.name);
                        let d =
                            if let Some(given) = crate::engine::chain::given_lemma(problem, goal) {
                                given
                            } else if outer_piece && vias.len() > 1 {
                                let saved = std::mem::replace(&mut self.outer_free, outer.clone());
                                let d = self.derive_goal(goal.clone(), &vias[1..]);
                                self.outer_free = saved;
                                d
                            } else {
                                self.derivation(goal.clone())
                            };
                        lemmas.push(d.clone());
                        d
                    }
                };
                Ok(lemma.result().clone())
            });
        match result {
            Ok(e) => e,
            Err(never) => match never {},
        }
    }

    /// Simplifies `start` until no phase fires, then tidies.
    fn derivation(&mut self, start: Expr) -> Derivation {
        let mut expr = start.clone();
        let mut steps: Vec<Step> = Vec::new();
        let mut stop = Stop::Saturated;
        let mut scan = Scan::new(&expr);
        'outer: loop {
            for (at, phase) in PHASES.iter().enumerate() {
                let (firings, s) = self.saturate(&mut expr, phase, at, &mut scan);
                let fired = !firings.is_empty();
                if fired {
                    steps.push(step(phase.title, &expr, firings));
                }
                if let Some(s) = s {
                    stop = s;
                    break 'outer;
                }
                if fired {
                    continue 'outer;
                }
            }
            break;
        }
        if stop == Stop::Saturated {
            let (firings, s) = crate::engine::search::regroup(
                &mut expr,
                &self.ctx,
                self.limits,
                &mut self.fired,
                &mut self.recorded,
            );
            if !firings.is_empty() {
                scan = Scan::new(&expr);
                steps.push(step(
                    crate::engine::search::step_title(&firings),
                    &expr,
                    firings,
                ));
            }
            let (firings, s2) = self.saturate(&mut expr, &ORDER_PHASE, PHASES.len() + 1, &mut scan);
            if !firings.is_empty() {
                match steps.last_mut() {
                    Some(last) => {
                        for f in &firings {
                            if !last.rules.contains(&f.rule) {
                                last.rules.push(f.rule);
                            }
                        }
                        last.path = common_prefix(&last.path, &step_path(&firings));
                        last.firings.extend(firings);
                        last.expr = expr.clone();
                    }
                    None => steps.push(step(ORDER_PHASE.title, &expr, firings)),
                }
            }
            stop = s.or(s2).unwrap_or(Stop::Saturated);
        }
        drop_detour(&mut steps);
        Derivation {
            goal: start,
            steps,
            stop,
        }
    }

    /// Fires the phase's rules until none applies; returns the firings and a stop reason if a
    /// limit was hit. `phase_at` names the phase in `scan`, which remembers where each phase
    /// already found nothing to do.
    fn saturate(
        &mut self,
        expr: &mut Expr,
        phase: &Phase,
        phase_at: usize,
        scan: &mut Scan,
    ) -> (Vec<Firing>, Option<Stop>) {
        let rules = phase.rules;
        let mut firings = Vec::new();
        loop {
            if self.fired >= self.limits.max_firings {
                return (firings, Some(Stop::StepLimit(self.limits.max_firings)));
            }
            let found = self.scanned(expr, rules, scan, phase_at);
            if let Err(mismatch) = self.against_rescan(expr, rules, found.as_ref()) {
                // Only debug builds compare (see `rescan_checked`): a bug in the scanner.
                panic!("{mismatch}");
            }
            let Some((path, name, replacement)) = found else {
                // Nothing fires anywhere: the whole expression is inert for this phase.
                scan.set_inert(phase_at);
                return (firings, None);
            };
            // Everything before `path` in pre-order was inert for this phase.
            scan.set_hint(phase_at, path.clone());
            scan.size_bound += replacement.size();
            let stable = replace_in_place(expr, &path, replacement.clone());
            scan.changed(&path, stable);
            self.fired += 1;
            firings.push(Firing {
                rule: name,
                path,
                replacement,
            });
            if scan.size_bound > self.limits.max_size {
                scan.size_bound = expr.size();
                if scan.size_bound > self.limits.max_size {
                    return (firings, Some(Stop::SizeLimit(self.limits.max_size)));
                }
            }
            self.recorded += firings.last().map_or(0, |f| f.replacement.size());
            if self.recorded > MAX_TRACE_NODES {
                return (firings, Some(Stop::TraceLimit(MAX_TRACE_NODES)));
            }
        }
    }
}

/// Index names a lemma must not use for the indices it opens: the free indices of `goal` and
/// the fixed indices that definitions mention.
pub fn taken_index_names(problem: &Problem, goal: &Expr) -> BTreeSet<String> {
    let mut taken = free_indices(goal);
    for d in &problem.defs {
        let params: BTreeSet<String> = free_indices(&Expr::Sym(d.symbol.clone()));
        taken.extend(free_indices(&d.body).difference(&params).cloned());
    }
    taken
}

/// Replaces every derivative node in `e` by `lemma` of it, in pre-order. Each sum passed on the
/// way is opened with a fresh free name not in `taken`, so the goal `lemma` receives has no
/// bound index left in it (`d(L)/d(p_j)` with `j` free). The strategy derives each goal there;
/// replaying a saved proof looks it up among the step's lemmas.
pub fn substitute_derivatives<E>(
    problem: &Problem,
    e: &Expr,
    taken: &mut BTreeSet<String>,
    lemma: &mut dyn FnMut(&Expr) -> Result<Expr, E>,
) -> Result<Expr, E> {
    match e {
        Expr::Deriv(..) => lemma(e),
        Expr::Sum(b, body) => {
            let name = fresh_index_name(
                &b.hint.0,
                b.upper.as_deref(),
                &problem.index_letters(),
                &problem.index_names(),
                taken,
            );
            let opened = open(body, &Index::Free(name.as_str().into()));
            taken.insert(name.clone());
            let inner = substitute_derivatives(problem, &opened, taken, lemma);
            taken.remove(&name);
            Ok(rebuild(e, vec![close(&inner?, &name)]))
        }
        _ => {
            let children = e
                .children()
                .into_iter()
                .map(|c| substitute_derivatives(problem, c, taken, lemma))
                .collect::<Result<Vec<Expr>, E>>()?;
            Ok(rebuild(e, children))
        }
    }
}

/// When the last line repeats an earlier one (expanded, then factored back), the steps after that
/// earlier line are a detour and are dropped.
fn drop_detour(steps: &mut Vec<Step>) {
    let Some(last) = steps.last().map(|s| s.expr.clone()) else {
        return;
    };
    if let Some(first) = steps.iter().position(|s| s.expr == last) {
        steps.truncate(first + 1);
    }
}

fn step(title: &str, expr: &Expr, firings: Vec<Firing>) -> Step {
    let mut rules: Vec<&'static str> = Vec::new();
    for f in &firings {
        if !rules.contains(&f.rule) {
            rules.push(f.rule);
        }
    }
    Step {
        title: title.to_string(),
        rules,
        expr: expr.clone(),
        path: step_path(&firings),
        firings,
        lemmas: Vec::new(),
    }
}

fn step_path(firings: &[Firing]) -> Path {
    firings
        .iter()
        .map(|f| f.path.clone())
        .reduce(|a, b| common_prefix(&a, &b))
        .unwrap_or_default()
}

fn common_prefix(a: &[usize], b: &[usize]) -> Path {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| *x)
        .collect()
}
