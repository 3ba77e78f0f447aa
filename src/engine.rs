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

use crate::expr::Symbol;
use crate::expr::{add, deriv, func, mul, pow, sum, Expr, Index};
use crate::index::{close, free_indices, fresh_name, open};
use crate::problem::{Goal, Problem};
use crate::rules::{definitions, rule, Ctx, Rule};
use crate::trace::{Derivation, Firing, Path, Step, Stop};
use std::collections::BTreeSet;

/// A group of rules a reader sees as one move.
pub struct Phase {
    /// The step title shown in proofs.
    pub title: &'static str,
    /// Rule names, in the order they are tried at each subterm.
    pub rules: &'static [&'static str],
}

/// The phases in priority order.
pub const PHASES: &[Phase] = &[
    Phase {
        title: "unfold the definition",
        rules: &["unfold-definition"],
    },
    Phase {
        title: "differentiate",
        rules: &[
            "d-variable",
            "d-constant",
            "d-sum-rule",
            "d-constant-factor",
            "d-quotient",
            "d-product",
            "d-power",
            "d-exp",
            "d-log",
            "d-sqrt",
            "d-indexed-sum",
        ],
    },
    Phase {
        title: "cancel",
        rules: &["power-of-product", "cancel"],
    },
    Phase {
        title: "the delta selects one term",
        rules: &["delta-select", "delta-same"],
    },
    Phase {
        title: "a distribution sums to one",
        rules: &["sum-to-one"],
    },
    Phase {
        title: "sum of a constant",
        rules: &["sum-of-constant"],
    },
    Phase {
        title: "split the sum",
        rules: &["distribute-in-sum", "split-sum", "factor-out-of-sum"],
    },
    Phase {
        title: "fold definitions back",
        rules: &["fold-complement", "fold-definition"],
    },
    Phase {
        title: "expand",
        rules: &["distribute", "merge-powers"],
    },
    Phase {
        title: "collect like terms",
        rules: &["collect-like-terms"],
    },
];

/// The final phase that pulls out common factors, as a step of its own.
pub const FACTOR_PHASE: Phase = Phase {
    title: "factor out the common factor",
    rules: &["factor-common"],
};

/// The final phase that puts a positive term first, folded into the last step.
pub const ORDER_PHASE: Phase = Phase {
    title: "order the terms",
    rules: &["order-terms"],
};

/// The most nodes the firings of one derivation may record in total (each firing keeps the
/// subterm it rewrote): 5,000 firings on a 30,000-node product would otherwise hold 150 million
/// nodes. Past it the derivation ends with [`Stop::TraceLimit`].
pub const MAX_TRACE_NODES: usize = 5_000_000;

/// The name recorded for substituting lemma results into the chain rule.
pub const SUBSTITUTE: &str = "substitute";

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
    let mut run = Run {
        problem,
        limits,
        fired: 0,
        recorded: 0,
    };
    Some(run.derive_goal(start, goal.via.is_some()))
}

/// Simplifies `e` as far as the rules go, as a derivation starting at `e`.
pub fn simplify(problem: &Problem, e: Expr, limits: Limits) -> Derivation {
    let mut run = Run {
        problem,
        limits,
        fired: 0,
        recorded: 0,
    };
    run.derivation(e)
}

struct Run<'a> {
    problem: &'a Problem,
    limits: Limits,
    fired: usize,
    /// Nodes recorded by the firings so far.
    recorded: usize,
}

impl Run<'_> {
    fn derive_goal(&mut self, start: Expr, via: bool) -> Derivation {
        let ctx = Ctx::new(self.problem);
        let chained = if via {
            (definitions::CHAIN_RULE.apply)(&start, &ctx)
        } else {
            None
        };
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
        let mut lemmas = Vec::new();
        let substituted = self.substitute_lemmas(&chained, &mut taken, &mut lemmas);
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
        let rest = self.derivation(substituted);
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

    /// Index names a lemma must not use for the indices it opens: the free indices of the goal
    /// and the fixed indices that definitions mention.
    fn taken_index_names(&self, goal: &Expr) -> BTreeSet<String> {
        let mut taken = free_indices(goal);
        for d in &self.problem.defs {
            let params: BTreeSet<String> = free_indices(&Expr::Sym(d.symbol.clone()));
            taken.extend(free_indices(&d.body).difference(&params).cloned());
        }
        taken
    }

    /// Replaces every derivative node in `e` by the result of its own derivation (a lemma).
    /// Each sum passed on the way is opened with a fresh free name not in `taken`, so a lemma's
    /// goal has no bound index left in it (`d(L)/d(p_j)` with `j` free).
    fn substitute_lemmas(
        &mut self,
        e: &Expr,
        taken: &mut BTreeSet<String>,
        lemmas: &mut Vec<Derivation>,
    ) -> Expr {
        match e {
            Expr::Deriv(..) => {
                let lemma = match lemmas.iter().find(|l| l.goal == *e) {
                    Some(done) => done.clone(),
                    None => {
                        let d = self.derivation(e.clone());
                        lemmas.push(d.clone());
                        d
                    }
                };
                lemma.result().clone()
            }
            Expr::Sum(b, body) => {
                let name = fresh_name(&b.hint.0, &self.problem.index_names(), taken);
                let opened = open(body, &Index::Free(name.clone()));
                taken.insert(name.clone());
                let inner = self.substitute_lemmas(&opened, taken, lemmas);
                taken.remove(&name);
                rebuild(e, vec![close(&inner, &name)])
            }
            _ => {
                let children: Vec<Expr> = e
                    .children()
                    .into_iter()
                    .map(|c| self.substitute_lemmas(c, taken, lemmas))
                    .collect();
                rebuild(e, children)
            }
        }
    }

    /// Simplifies `start` until no phase fires, then tidies.
    fn derivation(&mut self, start: Expr) -> Derivation {
        let mut expr = start.clone();
        let mut steps: Vec<Step> = Vec::new();
        let mut stop = Stop::Saturated;
        'outer: loop {
            for phase in PHASES {
                let (firings, s) = self.saturate(&mut expr, phase);
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
            let (firings, s) = self.saturate(&mut expr, &FACTOR_PHASE);
            if !firings.is_empty() {
                steps.push(step(FACTOR_PHASE.title, &expr, firings));
            }
            let (firings, s2) = self.saturate(&mut expr, &ORDER_PHASE);
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
    /// limit was hit.
    fn saturate(&mut self, expr: &mut Expr, phase: &Phase) -> (Vec<Firing>, Option<Stop>) {
        let rules: Vec<&Rule> = phase.rules.iter().filter_map(|n| rule(n)).collect();
        let mut firings = Vec::new();
        loop {
            if self.fired >= self.limits.max_firings {
                return (firings, Some(Stop::StepLimit(self.limits.max_firings)));
            }
            let ctx = Ctx::new(self.problem);
            let Some((path, name, replacement)) = first_firing(expr, &rules, &ctx, &mut Vec::new())
            else {
                return (firings, None);
            };
            *expr = replace_at(expr, &path, replacement.clone());
            self.fired += 1;
            firings.push(Firing {
                rule: name,
                path,
                replacement,
            });
            if expr.size() > self.limits.max_size {
                return (firings, Some(Stop::SizeLimit(self.limits.max_size)));
            }
            self.recorded += firings.last().map_or(0, |f| f.replacement.size());
            if self.recorded > MAX_TRACE_NODES {
                return (firings, Some(Stop::TraceLimit(MAX_TRACE_NODES)));
            }
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

/// The first subterm (outermost, leftmost) where one of `rules` fires.
fn first_firing(
    e: &Expr,
    rules: &[&Rule],
    ctx: &Ctx,
    path: &mut Path,
) -> Option<(Path, &'static str, Expr)> {
    for r in rules {
        if let Some(out) = (r.apply)(e, ctx) {
            if out != *e {
                return Some((path.clone(), r.name, out));
            }
        }
    }
    let inner = ctx.enter(e);
    for (i, c) in e.children().into_iter().enumerate() {
        path.push(i);
        let found = first_firing(c, rules, &inner, path);
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
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
    for via in vias {
        let mut with_via = problem.clone();
        with_via.goal = Some(Goal {
            of: from.clone(),
            wrt: Symbol::plain(""),
            via: Some(via),
            pos: Default::default(),
        });
        let ctx = Ctx::new(&with_via);
        if (definitions::CHAIN_RULE.apply)(from, &ctx).is_some_and(|e| hits(&e)) {
            return Some(vec![definitions::CHAIN_RULE.name]);
        }
    }
    let mut run = Run {
        problem,
        limits,
        fired: 0,
        recorded: 0,
    };
    if from.has_deriv() {
        let mut taken = run.taken_index_names(from);
        if hits(&run.substitute_lemmas(from, &mut taken, &mut Vec::new())) {
            return Some(vec![SUBSTITUTE]);
        }
    }
    let as_is = run.derivation(from.clone());
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
    None
}
