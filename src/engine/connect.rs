//! `connect`: which of the engine's moves turn one hand-written line into the next.

use super::*;

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
        let vias = crate::engine::chain::route(problem);
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
    crate::engine::search::connect_beyond(from, &phases_end, &ctx, &hits)
}
