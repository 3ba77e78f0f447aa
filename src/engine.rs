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

use crate::diff;
use crate::expr::Symbol;
use crate::expr::{add, deriv, func, is_total, mul, pow, sum, Expr, Index};
use crate::index::{close, free_indices, fresh_index_name, open};
use crate::problem::Problem;
use crate::rules::{algebra, definitions, derived, piecewise, sums, Ctx, Rule};
use crate::trace::{Derivation, Firing, Path, Step, Stop};
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

/// The final step: the rules the search for the final form walks ([`crate::search`]).
pub const FACTOR_PHASE: Phase = Phase {
    title: "factor and regroup",
    rules: crate::search::SEARCH_RULES,
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
    let vias = crate::chain::route(problem);
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
    /// [`crate::chain`]), or directly when there is none or it does not apply.
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
        crate::chain::drop_reshaping_tail(&substituted, &mut rest.steps);
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
                        let d = if let Some(given) = crate::chain::given_lemma(problem, goal) {
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
            let (firings, s) = crate::search::regroup(
                &mut expr,
                &self.ctx,
                self.limits,
                &mut self.fired,
                &mut self.recorded,
            );
            if !firings.is_empty() {
                scan = Scan::new(&expr);
                steps.push(step(crate::search::step_title(&firings), &expr, firings));
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
            if scan.inert[phase_at] {
                return (firings, None);
            }
            let hint = scan.hint(phase_at);
            let Some((path, name, replacement)) =
                first_firing(expr, rules, &mut self.ctx, &hint, &mut Vec::new())
            else {
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
            let opened = open(body, &Index::Free(name.clone()));
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

/// What the scans of one derivation know about its current expression, so that a scan after a
/// firing does not start again from nothing.
///
/// For each phase, a *hint*: a path such that, at every node along it, the children before the
/// one the path goes through (and everything under them) are known inert for that phase. A
/// scan re-checks the nodes along the hint (a firing below may have changed what fires there)
/// and skips the children before it. Rules are pure functions of the subterm and of the context
/// (the enclosing sums and derivatives), so a subterm that did not change stays inert. A firing
/// at path `P` changes only the subterm at `P` and the nodes above it; the smart constructors
/// that rebuild those may also reshape a node (flatten, fold numbers), and [`replace_in_place`]
/// reports how many levels kept their children in place, which bounds what each hint keeps.
///
/// It also keeps an upper bound of the expression's size, so the size limit costs a full count
/// only when the bound passes it.
struct Scan {
    hints: Vec<Option<Path>>,
    /// Phases for which the whole expression is inert.
    inert: Vec<bool>,
    size_bound: usize,
}

impl Scan {
    fn new(e: &Expr) -> Scan {
        let phases = PHASES.len() + 2;
        Scan {
            hints: vec![None; phases],
            inert: vec![false; phases],
            size_bound: e.size(),
        }
    }

    fn hint(&self, phase: usize) -> Path {
        self.hints[phase].clone().unwrap_or_default()
    }

    fn set_hint(&mut self, phase: usize, path: Path) {
        self.hints[phase] = Some(path);
        self.inert[phase] = false;
    }

    fn set_inert(&mut self, phase: usize) {
        self.hints[phase] = None;
        self.inert[phase] = true;
    }

    /// Updates every phase's knowledge after a firing at `path` (see [`replace_in_place`] for
    /// `stable`).
    fn changed(&mut self, path: &[usize], stable: Stable) {
        let Stable { levels, left } = stable;
        // Where the tree may have changed: at level `levels`, the children from `path[levels]`
        // on (when `left`), or the whole node there.
        let reshaped_at = levels.min(path.len());
        for (hint, inert) in self.hints.iter_mut().zip(self.inert.iter_mut()) {
            if *inert {
                // The whole tree was inert: everything left of the unchanged part of `path` still
                // is.
                let mut h = path[..reshaped_at].to_vec();
                if left {
                    h.push(path[reshaped_at]);
                }
                *hint = Some(h);
                *inert = false;
                continue;
            }
            let Some(h) = hint.as_mut() else { continue };
            let common = h.iter().zip(path).take_while(|(a, b)| a == b).count();
            if common < reshaped_at {
                // The hint leaves the path at a level whose children kept their places: if it
                // goes left of the path it holds; if right, it keeps only what is left of it.
                if common < h.len() && h[common] > path[common] {
                    h.truncate(common);
                    h.push(path[common]);
                }
            } else if left && h.len() > reshaped_at {
                // At the reshaped level the children left of the path kept their places.
                if h[reshaped_at] >= path[reshaped_at] {
                    h.truncate(reshaped_at);
                    h.push(path[reshaped_at]);
                }
            } else {
                h.truncate(reshaped_at);
            }
        }
    }
}

/// How much of the tree along a rewritten path kept its shape (see [`replace_in_place`]).
#[derive(Clone, Copy, Debug)]
struct Stable {
    /// The number of levels from the root whose node kept its kind and whose children up to and
    /// including the one on the path are the same nodes at the same places.
    levels: usize,
    /// At the next level, the node kept its kind and the children left of the path.
    left: bool,
}

/// A cheap identity of a node: its variant and the addresses of what it owns (its value for a
/// number). Moving a node keeps it; two live nodes with equal fingerprints are equal.
#[derive(Clone, PartialEq, Eq)]
enum Fingerprint {
    Num(crate::rational::Rational),
    Node(u8, usize, usize, usize, usize),
}

fn fingerprint(e: &Expr) -> Fingerprint {
    fn index(i: &Index) -> (usize, usize) {
        match i {
            Index::Free(s) => (s.as_ptr() as usize, s.len()),
            Index::Bound(n) => (0, *n as usize),
        }
    }
    let addr = |b: &Expr| b as *const Expr as usize;
    match e {
        Expr::Num(r) => Fingerprint::Num(r.clone()),
        Expr::Sym(s) => Fingerprint::Node(
            1,
            s.name.as_ptr() as usize,
            s.name.len(),
            s.indices.as_ptr() as usize,
            s.indices.len(),
        ),
        Expr::Add(xs) => Fingerprint::Node(2, xs.as_ptr() as usize, xs.len(), 0, 0),
        Expr::Mul(xs) => Fingerprint::Node(3, xs.as_ptr() as usize, xs.len(), 0, 0),
        Expr::Pow(b, x) => Fingerprint::Node(4, addr(b), addr(x), 0, 0),
        Expr::Func(f, a) => Fingerprint::Node(5, addr(a), *f as usize, 0, 0),
        Expr::Delta(a, b) => {
            let ((a0, a1), (b0, b1)) = (index(a), index(b));
            Fingerprint::Node(6, a0, a1, b0, b1)
        }
        Expr::Sum(_, body) => Fingerprint::Node(7, addr(body), 0, 0, 0),
        Expr::Deriv(f, x) => Fingerprint::Node(8, addr(f), x.name.as_ptr() as usize, 0, 0),
    }
}

/// Replaces the subterm at `path` in place and rebuilds every ancestor through the smart
/// constructors, exactly as [`replace_at`] does, without copying the rest of the tree; reports
/// how much of the tree kept its shape.
fn replace_in_place(e: &mut Expr, path: &[usize], new: Expr) -> Stable {
    let Some((&i, rest)) = path.split_first() else {
        *e = new;
        return Stable {
            levels: 0,
            left: false,
        };
    };
    let Some(child) = e.child_mut(i) else {
        // Not a valid path: fall back to the copying version.
        *e = replace_at(e, path, new);
        return Stable {
            levels: 0,
            left: false,
        };
    };
    let below = replace_in_place(child, rest, new);
    let kept = match e {
        Expr::Add(xs) => add_keeps(xs.iter()),
        Expr::Mul(xs) => mul_keeps(xs.iter()),
        _ => false,
    };
    if kept {
        // The smart constructor would return the node as it is: nothing moves.
        return Stable {
            levels: 1 + below.levels,
            left: below.left,
        };
    }
    if splice_flattened(e, i) {
        // The smart constructor would only have put the new child's terms (factors) in its
        // place: the children left of it did not move.
        return Stable {
            levels: 0,
            left: true,
        };
    }
    let before: Vec<Fingerprint> = e.iter_children().take(i + 1).map(fingerprint).collect();
    let kind = std::mem::discriminant(e);
    let old = std::mem::replace(e, Expr::zero());
    *e = rebuild_owned(old);
    let same_kind = std::mem::discriminant(e) == kind;
    let after: Vec<Fingerprint> = e.iter_children().take(i + 1).map(fingerprint).collect();
    if same_kind && after == before {
        Stable {
            levels: 1 + below.levels,
            left: below.left,
        }
    } else {
        Stable {
            levels: 0,
            left: same_kind && after.len() >= i && after[..i] == before[..i],
        }
    }
}

/// [`rebuild`] of a node with its own children, consuming it.
fn rebuild_owned(e: Expr) -> Expr {
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => e,
        Expr::Add(xs) => add(xs),
        Expr::Mul(xs) => mul(xs),
        Expr::Pow(b, x) => pow(*b, *x),
        Expr::Func(f, a) => func(f, *a),
        Expr::Sum(b, body) => {
            if body.is_zero() {
                Expr::zero()
            } else {
                Expr::Sum(b, body)
            }
        }
        Expr::Deriv(f, x) => Expr::Deriv(f, x),
    }
}

/// True when [`add`] returns `terms` unchanged: at least two terms, none of them a sum or zero,
/// and every number after the first one too large to be added to it exactly within
/// [`crate::rational::MAX_EXACT_BITS`].
fn add_keeps<'e>(terms: impl Iterator<Item = &'e Expr>) -> bool {
    let mut first: Option<&crate::rational::Rational> = None;
    let mut count = 0usize;
    let all = terms.inspect(|_| count += 1).all(|t| match t {
        Expr::Add(_) => false,
        Expr::Num(r) if r.is_zero() => false,
        Expr::Num(r) => match first {
            None => {
                first = Some(r);
                true
            }
            Some(c) => c.checked_add(r).is_none(),
        },
        _ => true,
    });
    all && count >= 2
}

/// True when [`mul`] returns `factors` unchanged: at least two factors, none of them a product,
/// numbers only as a leading coefficient other than 1 and any later number too large to be
/// multiplied into it, and a coefficient 0 only next to a factor that is not [`is_total`]
/// (which keeps [`mul`] from folding the product to 0).
fn mul_keeps<'e>(factors: impl Iterator<Item = &'e Expr>) -> bool {
    let mut coefficient: Option<&crate::rational::Rational> = None;
    let mut partial = false;
    let mut count = 0usize;
    let all = factors.enumerate().all(|(at, f)| {
        count += 1;
        match f {
            Expr::Mul(_) => false,
            Expr::Num(r) if at == 0 => {
                coefficient = Some(r);
                !r.is_one()
            }
            Expr::Num(r) => coefficient.is_some_and(|c| c.checked_mul(r).is_none()),
            other => {
                if coefficient.is_some_and(|c| c.is_zero()) && !partial {
                    partial = !is_total(other);
                }
                true
            }
        }
    });
    let zero = coefficient.is_some_and(|c| c.is_zero());
    all && count >= 2 && (!zero || partial)
}

/// When child `i` of a sum is a sum (of a product, a product) and [`add`] ([`mul`]) would do
/// nothing but put its terms (factors) in its place, does that in place and returns true.
fn splice_flattened(e: &mut Expr, i: usize) -> bool {
    match e {
        Expr::Add(xs) => {
            let Some(Expr::Add(inner)) = xs.get(i) else {
                return false;
            };
            let seq = xs[..i].iter().chain(inner).chain(&xs[i + 1..]);
            if !add_keeps(seq) {
                return false;
            }
            splice_at(xs, i)
        }
        Expr::Mul(xs) => {
            let Some(Expr::Mul(inner)) = xs.get(i) else {
                return false;
            };
            let seq = xs[..i].iter().chain(inner).chain(&xs[i + 1..]);
            if !mul_keeps(seq) {
                return false;
            }
            splice_at(xs, i)
        }
        _ => false,
    }
}

/// Replaces `xs[i]`, a sum or product, by its children.
fn splice_at(xs: &mut Vec<Expr>, i: usize) -> bool {
    let inner = match std::mem::replace(&mut xs[i], Expr::zero()) {
        Expr::Add(inner) | Expr::Mul(inner) => inner,
        _ => return false,
    };
    xs.splice(i..=i, inner);
    true
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

/// The first subterm (outermost, leftmost) where one of `rules` fires. At each node along
/// `hint` the children before the hinted one are skipped (see [`Scan`]); `ctx` is the context
/// of `e` and is restored before returning.
fn first_firing(
    e: &Expr,
    rules: &[&Rule],
    ctx: &mut Ctx,
    hint: &[usize],
    path: &mut Path,
) -> Option<(Path, &'static str, Expr)> {
    for r in rules {
        if let Some(out) = (r.apply)(e, ctx) {
            if out != *e {
                return Some((path.clone(), r.name, out));
            }
        }
    }
    let (start, rest) = match hint.split_first() {
        Some((&i, rest)) => (i, rest),
        None => (0, hint),
    };
    let binder = matches!(e, Expr::Sum(..));
    if let Expr::Sum(b, _) = e {
        ctx.binders.push(b.clone());
    }
    let in_deriv = ctx.in_deriv;
    ctx.in_deriv = in_deriv || matches!(e, Expr::Deriv(..));
    let mut found = None;
    for (i, c) in e.iter_children().enumerate().skip(start) {
        path.push(i);
        let sub_hint = if i == start { rest } else { &[] };
        found = first_firing(c, rules, ctx, sub_hint, path);
        path.pop();
        if found.is_some() {
            break;
        }
    }
    ctx.in_deriv = in_deriv;
    if binder {
        ctx.binders.pop();
    }
    found
}

/// `e` with the subterm at `path` replaced, every ancestor rebuilt through the smart
/// constructors (so the result stays flat and folded).
pub fn replace_at(e: &Expr, path: &[usize], new: Expr) -> Expr {
    let Some((&first, rest)) = path.split_first() else {
        return new;
    };
    let children: Vec<Expr> = e
        .children()
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            if i == first {
                replace_at(c, rest, new.clone())
            } else {
                c.clone()
            }
        })
        .collect();
    rebuild(e, children)
}

/// A node of the same kind as `e` with new children, through the smart constructors.
pub fn rebuild(e: &Expr, mut children: Vec<Expr>) -> Expr {
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => e.clone(),
        Expr::Add(_) => add(children),
        Expr::Mul(_) => mul(children),
        Expr::Pow(..) => {
            let exponent = children.pop().unwrap_or_else(Expr::one);
            let base = children.pop().unwrap_or_else(Expr::one);
            pow(base, exponent)
        }
        Expr::Func(f, _) => func(*f, children.pop().unwrap_or_else(Expr::zero)),
        Expr::Sum(b, _) => {
            let body = children.pop().unwrap_or_else(Expr::zero);
            if body.is_zero() {
                Expr::zero()
            } else {
                sum(b.clone(), body)
            }
        }
        Expr::Deriv(_, x) => deriv(children.pop().unwrap_or_else(Expr::zero), x.clone()),
    }
}

/// `e` with the terms of every sum and the factors of every product sorted: two expressions
/// that differ only in the order of terms or factors have the same canonical order.
pub fn canonical_order(e: &Expr) -> Expr {
    let mut children: Vec<Expr> = e.children().into_iter().map(canonical_order).collect();
    match e {
        Expr::Add(_) | Expr::Mul(_) => {
            children.sort();
            rebuild(e, children)
        }
        _ => rebuild(e, children),
    }
}

/// The rules that rewrite `from` into `to` (up to the order of terms and factors), found by
/// following the engine's own moves from `from` within `limits`: the chain rule, substituting
/// lemmas for the derivatives in it, and the phases run from `from` as it is and with the
/// definitions substituted. `None` when none of them passes through `to`.
pub fn connect(
    problem: &Problem,
    from: &Expr,
    to: &Expr,
    limits: Limits,
) -> Option<Vec<&'static str>> {
    let target = canonical_order(to);
    let hits = |e: &Expr| canonical_order(e) == target;
    // The chain rule through the goal's `via`, or through any definition when there is none.
    let vias: Vec<Symbol> = match problem.goal.as_ref().and_then(|g| g.via.clone()) {
        Some(v) => vec![v],
        None => problem.defs.iter().map(|d| d.symbol.clone()).collect(),
    };
    let ctx = Ctx::new(problem);
    for via in &vias {
        if definitions::chain_rule(from, via, &ctx).is_some_and(|e| hits(&e)) {
            return Some(vec![definitions::CHAIN_RULE.name]);
        }
    }
    let mut run = Run::new(problem, limits);
    if from.has_deriv() {
        let mut taken = run.taken_index_names(from);
        let vias = crate::chain::route(problem);
        if hits(&run.substitute_lemmas(from, &mut taken, &mut Vec::new(), &vias)) {
            return Some(vec![SUBSTITUTE]);
        }
    }
    let as_is = run.derivation(from.clone());
    let phases_end = as_is.clone();
    let unfolded = definitions::unfold_all(from, problem);
    let direct = run.derivation(unfolded.clone());
    if hits(&unfolded) {
        return Some(vec![definitions::UNFOLD.name]);
    }
    for (d, first) in [(as_is, None), (direct, Some(definitions::UNFOLD.name))] {
        let mut rules: Vec<&'static str> = first.into_iter().collect();
        let mut before = d.goal.clone();
        for s in &d.steps {
            for (f, after) in s.firings.iter().zip(s.replay(&before)) {
                if !rules.contains(&f.rule) {
                    rules.push(f.rule);
                }
                if hits(&after) {
                    return Some(rules);
                }
            }
            before = s.expr.clone();
        }
    }
    crate::search::connect_beyond(from, &phases_end, &ctx, &hits)
}
