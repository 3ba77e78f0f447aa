//! The search for the final form: a bounded best-first search over single firings of sound
//! rules, in both directions (factor and expand, into and out of sums, merge and split sums,
//! fold), that minimises a readability [`cost`].
//!
//! The main phases of [`crate::engine`] tell the story a reader expects (chain rule, pieces,
//! substitute, cancel, split, delta, sum to one); what they leave is often equal to, but longer
//! than, what a person writes. The search starts there and keeps the cheapest expression it
//! meets. Every edge it walks is one firing of a registry rule at a path, so the way to the
//! chosen form is a list of [`Firing`]s that `gradproof verify` replays like any other.
//!
//! Nothing here knows a symbol name: the cost reads only the shape of an expression, the rules
//! are the registry's, and ties are broken by the order of discovery (paths and rule order),
//! never by names. The search is bounded by [`SearchLimits`] and says which bound ended it
//! ([`SearchStop`]).

use crate::engine::trace::{Derivation, Firing, Path, Stop};
use crate::engine::{canonical_order, replace_at, Limits};
use crate::rules::{algebra, definitions, fold_context, regroup, sums, Ctx, Rule};
use crate::syntax::expr::Expr;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::BinaryHeap;

/// The rules the search walks, in both directions where both are sound: factor and group /
/// distribute, into / out of sums, merge / split sums, folds, and the bookkeeping of like terms
/// and cancellation. They are the rules of [`crate::engine::FACTOR_PHASE`].
pub const SEARCH_RULES: &[&Rule] = &[
    &algebra::FACTOR_COMMON,
    &regroup::GROUP_TERMS,
    &algebra::COLLECT,
    &regroup::MERGE_SUMS,
    &regroup::FACTOR_INTO_SUM,
    &sums::FACTOR_OUT_OF_SUM,
    &definitions::FOLD,
    &definitions::FOLD_COMPLEMENT,
    &fold_context::FOLD_BODY,
    &algebra::CANCEL,
    &algebra::DISTRIBUTE,
    &sums::SPLIT_SUM,
];

/// The title of the final step when the search only pulled out common factors (the title it
/// had before the search).
pub const FACTOR_ONLY_TITLE: &str = "factor out the common factor";

/// The title of the step made of the search's `firings`.
pub fn step_title(firings: &[Firing]) -> &'static str {
    if firings.iter().all(|f| f.is(&algebra::FACTOR_COMMON)) {
        FACTOR_ONLY_TITLE
    } else {
        crate::engine::FACTOR_PHASE.title
    }
}

/// Rewrites `expr` into the cheapest form [`best_form`] finds within the engine's `limits`,
/// counting the firings in `fired` and their recorded nodes in `recorded`; a stop when the
/// firings would pass [`Limits::max_firings`] (then `expr` is left as it is).
pub fn regroup(
    expr: &mut Expr,
    ctx: &Ctx,
    limits: Limits,
    fired: &mut usize,
    recorded: &mut usize,
) -> (Vec<Firing>, Option<Stop>) {
    let bounds = SearchLimits {
        max_size: SearchLimits::default().max_size.min(limits.max_size),
        ..SearchLimits::default()
    };
    let found = best_form(expr, ctx, bounds);
    if found.firings.is_empty() {
        return (Vec::new(), None);
    }
    if *fired + found.firings.len() > limits.max_firings {
        return (Vec::new(), Some(Stop::StepLimit(limits.max_firings)));
    }
    *fired += found.firings.len();
    *recorded += found
        .firings
        .iter()
        .map(|f| f.replacement.size())
        .sum::<usize>();
    *expr = found.expr;
    (found.firings, None)
}

/// Bounds that keep one search finite.
#[derive(Clone, Copy, Debug)]
pub struct SearchLimits {
    /// The most expressions whose neighbours are generated.
    pub max_expansions: usize,
    /// The most distinct expressions kept (memory).
    pub max_states: usize,
    /// The largest expression (in nodes) the search visits.
    pub max_size: usize,
}

impl Default for SearchLimits {
    fn default() -> SearchLimits {
        SearchLimits {
            max_expansions: 60,
            max_states: 4_000,
            max_size: 400,
        }
    }
}

/// Why a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchStop {
    /// Every expression reachable within the size bound was expanded.
    Exhausted,
    /// [`SearchLimits::max_expansions`] was reached.
    ExpansionLimit,
    /// [`SearchLimits::max_states`] was reached.
    StateLimit,
    /// The start is larger than [`SearchLimits::max_size`]: it is kept as it is.
    TooLarge,
}

/// What a search found.
#[derive(Clone, Debug)]
pub struct Found {
    /// The cheapest expression met.
    pub expr: Expr,
    /// The firings from the start to it, in order.
    pub firings: Vec<Firing>,
    /// Which bound ended the search.
    pub stop: SearchStop,
    /// How many expressions were expanded.
    pub expanded: usize,
    /// True when the search ended at an expression satisfying its goal.
    pub reached: bool,
}

/// The readability cost of `e` (lower reads better): its size in nodes, a numeric exponent
/// counting nothing (`x^2` is shorter than `x x`), a denominator inside a denominator (a nested
/// fraction) 4 more, a negated body of a sum (a sign that could stand before it) 1 more, and a
/// product with a flat two-term sum as a factor (the gap-times-weight shape `c·(a − b)`, `a` and
/// `b` holding no sum of terms) 2 less.
/// Between forms of equal cost the search prefers fewer terms at the top ([`rank`]).
/// Folded definitions are preferred because they are smaller.
pub fn cost(e: &Expr) -> usize {
    fn has_sum_of_terms(e: &Expr) -> bool {
        matches!(e, Expr::Add(_)) || e.iter_children().any(has_sum_of_terms)
    }
    fn has_reciprocal(e: &Expr) -> bool {
        match e {
            Expr::Pow(_, x) if x.num().is_some_and(|r| r.is_negative()) => true,
            _ => e.iter_children().any(has_reciprocal),
        }
    }
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => 1,
        Expr::Pow(b, x) => {
            let nested = x.num().is_some_and(|r| r.is_negative()) && has_reciprocal(b);
            // A numeric exponent is a mark on its base: `x^2` is shorter than `x x`.
            let exponent = if x.num().is_some() { 0 } else { cost(x) };
            1 + cost(b) + exponent + if nested { 4 } else { 0 }
        }
        // The gap-times-weight shape `c (a − b)`: a product with a two-term sum as a factor.
        Expr::Mul(fs) => {
            let gap = fs.iter().any(
                |f| matches!(f, Expr::Add(ts) if ts.len() == 2 && !ts.iter().any(has_sum_of_terms)),
            );
            (1 + fs.iter().map(cost).sum::<usize>()).saturating_sub(if gap { 2 } else { 0 })
        }
        // A sign inside a sum reads worse than one before it.
        Expr::Sum(_, body) => {
            let signed = body.coefficient().is_negative();
            1 + cost(body) + usize::from(signed)
        }
        _ => 1 + e.iter_children().map(cost).sum::<usize>(),
    }
}

/// The order in which the search prefers expressions: [`cost`], then the number of terms at
/// the top (a factored form before its expansion).
pub fn rank(e: &Expr) -> (usize, usize) {
    let terms = match e {
        Expr::Add(ts) => ts.len(),
        _ => 1,
    };
    (cost(e), terms)
}

/// Every single firing of `rules` anywhere in `e` (its alternatives included): path, rule
/// name, replacement of the subterm.
fn firings_in(
    e: &Expr,
    rules: &[&'static Rule],
    ctx: &Ctx,
    path: &mut Path,
    out: &mut Vec<Firing>,
) {
    for r in rules {
        for replacement in regroup::alternatives(r, e, ctx) {
            out.push(Firing {
                rule: r.name,
                path: path.clone(),
                replacement,
            });
        }
    }
    let inner = ctx.enter(e);
    for (i, c) in e.iter_children().enumerate() {
        path.push(i);
        firings_in(c, rules, &inner, path, out);
        path.pop();
    }
}

struct Node {
    expr: Expr,
    parent: Option<(usize, Firing)>,
}

/// A best-first search from `start` over single firings of `rules`, within `limits`: expands
/// the cheapest expression not yet expanded (the first found among equals), and returns the
/// cheapest one met with the firings that lead to it. `goal`, when given, ends the search as
/// soon as an expression satisfies it (then that one is returned, whatever its cost).
pub fn search(
    start: &Expr,
    rules: &[&'static Rule],
    ctx: &Ctx,
    limits: SearchLimits,
    goal: Option<&dyn Fn(&Expr) -> bool>,
) -> Found {
    if start.size() > limits.max_size {
        return Found {
            expr: start.clone(),
            firings: Vec::new(),
            stop: SearchStop::TooLarge,
            expanded: 0,
            reached: false,
        };
    }
    let mut nodes = vec![Node {
        expr: start.clone(),
        parent: None,
    }];
    // rustc-hash's Fx hash: much cheaper than SipHash on whole expression trees. The set only
    // answers "met before?", so its hasher changes no result, only the time.
    let mut seen: FxHashMap<Expr, usize> = FxHashMap::default();
    seen.insert(canonical_order(start), 0);
    let mut queue = BinaryHeap::new();
    queue.push(Reverse((rank(start), 0usize)));
    let mut best = (rank(start), 0usize);
    let mut expanded = 0;
    let mut stop = SearchStop::Exhausted;
    let hit = |e: &Expr| goal.is_some_and(|g| g(e));
    let mut reached = hit(start).then_some(0);
    'search: while let Some(Reverse((_, at))) = queue.pop() {
        if reached.is_some() {
            break;
        }
        if expanded >= limits.max_expansions {
            stop = SearchStop::ExpansionLimit;
            break;
        }
        expanded += 1;
        let mut found = Vec::new();
        firings_in(&nodes[at].expr, rules, ctx, &mut Vec::new(), &mut found);
        for f in found {
            let next = replace_at(&nodes[at].expr, &f.path, f.replacement.clone());
            if next.size() > limits.max_size {
                continue;
            }
            let n = nodes.len();
            match seen.entry(canonical_order(&next)) {
                Entry::Occupied(_) => continue,
                Entry::Vacant(_) if n >= limits.max_states => {
                    stop = SearchStop::StateLimit;
                    break 'search;
                }
                Entry::Vacant(slot) => {
                    slot.insert(n);
                }
            }
            let c = rank(&next);
            if c < best.0 {
                best = (c, n);
            }
            let done = hit(&next);
            nodes.push(Node {
                expr: next,
                parent: Some((at, f)),
            });
            if done {
                reached = Some(n);
                break 'search;
            }
            queue.push(Reverse((c, n)));
        }
    }
    let end = reached.unwrap_or(best.1);
    let mut firings = Vec::new();
    let mut at = end;
    while let Some((parent, f)) = &nodes[at].parent {
        firings.push(f.clone());
        at = *parent;
    }
    firings.reverse();
    Found {
        expr: nodes[end].expr.clone(),
        firings,
        stop,
        expanded,
        reached: reached.is_some(),
    }
}

/// The cheapest form of `start` by [`search`] with [`SEARCH_RULES`].
pub fn best_form(start: &Expr, ctx: &Ctx, limits: SearchLimits) -> Found {
    search(start, SEARCH_RULES, ctx, limits, None)
}

/// Limits for [`connect`]: a goal to reach, so more expansions than for the cheapest form.
pub const CONNECT_LIMITS: SearchLimits = SearchLimits {
    max_expansions: 300,
    max_states: 6_000,
    max_size: 400,
};

/// The rules that turn `from` into an expression satisfying `hits`, by [`search`] over the
/// final phase's rules within `limits` (see [`CONNECT_LIMITS`]), in the order they first
/// fire; `None` when the search does not reach one.
pub fn connect(
    from: &Expr,
    ctx: &Ctx,
    hits: &dyn Fn(&Expr) -> bool,
    limits: SearchLimits,
) -> Option<Vec<&'static str>> {
    let found = search(from, SEARCH_RULES, ctx, limits, Some(hits));
    if !found.reached {
        return None;
    }
    let mut rules: Vec<&'static str> = Vec::new();
    for f in &found.firings {
        if !rules.contains(&f.rule) {
            rules.push(f.rule);
        }
    }
    Some(rules)
}

/// For [`crate::engine::connect`], when the phases do not pass through the target: a brief
/// search from `from` itself (a line that regroups the previous one), then the search from
/// where the phases left it (`phases`, a derivation from `from`), naming the phases' rules and
/// then the search's.
pub fn connect_beyond(
    from: &Expr,
    phases: &Derivation,
    ctx: &Ctx,
    hits: &dyn Fn(&Expr) -> bool,
) -> Option<Vec<&'static str>> {
    if !from.has_deriv() {
        let brief = SearchLimits {
            max_expansions: 40,
            ..CONNECT_LIMITS
        };
        if let Some(found) = connect(from, ctx, hits, brief) {
            return Some(found);
        }
    }
    let found = connect(phases.result(), ctx, hits, CONNECT_LIMITS)?;
    let mut rules: Vec<&'static str> = Vec::new();
    for r in phases
        .steps
        .iter()
        .flat_map(|s| s.firings.iter().map(|f| f.rule))
        .chain(found)
    {
        if !rules.contains(&r) {
            rules.push(r);
        }
    }
    Some(rules)
}
