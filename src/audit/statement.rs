//! Checking one statement of a post: its sides are written into a `show` block under the
//! `.deriv` file's declarations, which validates every name against them, and checked with the
//! same checker; the rules between consecutive sides are named by [`engine::connect`].

use super::{AuditContext, Verdict};
use crate::check::{check_show, CheckReport};
use crate::engine::{self, rebuild};
use crate::parse::{parse_problem, Condition, Statement};
use crate::render::{to_input_with, PrintOptions};
use crate::syntax::expr::{add, delta, mul, neg, Expr, Index, Node};
use crate::syntax::index::free_indices;
use crate::syntax::problem::Problem;
use serde::Serialize;
use std::collections::BTreeSet;

/// A checked statement: the link between each pair of consecutive sides.
#[derive(Clone, Debug, Serialize)]
pub struct Checked {
    /// The defined symbol whose definition the statement restates, if its left side is one.
    pub definition: Option<String>,
    /// True when the statement continues the previous one (the same left side): its first
    /// link's rules lead from the previous statement's last side.
    pub continues: bool,
    /// The side conditions it was checked under.
    pub conditions: Vec<Condition>,
    /// One link per relation, in order.
    pub links: Vec<Link>,
    /// The checker's report (line `n` is side `n`; the goal is the left side).
    pub check: CheckReport,
}

/// One `=` of a statement.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// The rules that lead from the previous side (or statement) to this side, when the engine
    /// finds them.
    pub rules: Option<Vec<&'static str>>,
    /// True when this side agrees with the left side at every sample (its full report is the
    /// matching step of [`Checked::check`]).
    pub holds: bool,
}

/// Checks statement `s` (all of whose relations are `=`) under its own side conditions and
/// those of the sentence around it (`scoped`: each applies when its index letters are free in
/// the statement or fixed classes of the definitions it uses, not when the statement only
/// binds them); `continues` is the last side of the previous statement when `s` has the same
/// left side.
pub fn check_statement(
    ctx: &AuditContext<'_>,
    s: &Statement,
    scoped: &[Condition],
    continues: Option<&Expr>,
) -> Verdict {
    let problem = ctx.problem;
    let skip = |reason: String| Verdict::Skipped { reason };
    if let Some(reason) = s
        .sides
        .iter()
        .find_map(|e| written_range_mismatch(e, problem))
    {
        return skip(reason);
    }
    let mut relevant = fixed_indices(problem, &s.sides, &BTreeSet::new());
    relevant.extend(s.sides.iter().flat_map(free_indices));
    let mut conditions = s.conditions.clone();
    conditions.extend(
        scoped
            .iter()
            .filter(|c| relevant.contains(&c.left) && relevant.contains(&c.right))
            .cloned(),
    );
    let conditions = conditions.as_slice();
    if let Some(c) = conditions
        .iter()
        .flat_map(|c| [&c.left, &c.right])
        .find(|l| problem.index(l).is_none())
    {
        return skip(format!(
            "the condition's index `{c}` is not declared in the --with file"
        ));
    }
    let sides: Vec<Expr> = s
        .sides
        .iter()
        .map(|e| declared_ranges(e, problem))
        .collect();
    let mut factors: Vec<Expr> = conditions.iter().map(indicator).collect();
    let shown: BTreeSet<String> = sides.iter().flat_map(free_indices).collect();
    factors.extend(fixed_indices(problem, &sides, &shown).iter().map(|i| {
        // δ(y,y) = 1: makes a fixed class that only the definitions use free in the checked
        // line, so the checker gives it values (the checker on the `checker` branch does this
        // itself, see its `assignments::fixed_indices`; then this factor is redundant).
        delta(Index::free(i), Index::free(i))
    }));
    let indicator = mul(factors);
    let restricted: Vec<Expr> = sides
        .iter()
        .map(|e| mul(vec![indicator.clone(), e.clone()]))
        .collect();
    let opts = PrintOptions {
        index_names: problem.index_names(),
        index_ranges: problem.index_letters(),
        ..PrintOptions::default()
    };
    let mut text = without_show(ctx.with_text, problem);
    text.push_str(&format!(
        "\nshow {}\n",
        to_input_with(&restricted[0], &opts)
    ));
    for e in &restricted[1..] {
        text.push_str(&format!("= {}\n", to_input_with(e, &opts)));
    }
    let checked_problem = match parse_problem(&text) {
        Ok(p) => p,
        Err(e) => return skip(format!("not in the --with file's terms: {}", e.kind())),
    };
    let Some(show) = checked_problem.show.as_ref() else {
        return skip("nothing to check".to_string());
    };
    let check = check_show(&checked_problem, show, ctx.check);
    let continues = continues.map(|e| declared_ranges(e, problem));
    let links: Vec<Link> = check
        .steps
        .iter()
        .enumerate()
        .map(|(n, step)| {
            let from = match (n, &continues) {
                (0, Some(prev)) => prev,
                _ => &sides[n],
            };
            let holds = step.status.is_pass();
            Link {
                rules: holds
                    .then(|| rules_between(&checked_problem, from, &sides[n + 1], ctx))
                    .flatten(),
                holds,
            }
        })
        .collect();
    let definition = match &sides[0] {
        Expr::Sym(sym) if problem.def(&sym.name).is_some() => Some(to_input_with(&sides[0], &opts)),
        _ => None,
    };
    let ok = check.ok();
    let checked = Box::new(Checked {
        definition,
        continues: continues.is_some(),
        conditions: conditions.to_vec(),
        links,
        check,
    });
    match ok {
        true => Verdict::Holds(checked),
        false => Verdict::False(checked),
    }
}

/// The rules from `from` to `to`: none when they read as the same expression (`1 - 1` and
/// `0` are both 0 once read), else what [`engine::connect`] finds.
fn rules_between(
    problem: &Problem,
    from: &Expr,
    to: &Expr,
    ctx: &AuditContext<'_>,
) -> Option<Vec<&'static str>> {
    match engine::canonical_order(from) == engine::canonical_order(to) {
        true => Some(Vec::new()),
        false => engine::connect(problem, from, to, ctx.limits),
    }
}

/// The indices that the definitions used by `sides` mention without binding them (a fixed
/// class `y` in `let q_j = delta(j, y)`), except those in `shown`.
fn fixed_indices(problem: &Problem, sides: &[Expr], shown: &BTreeSet<String>) -> BTreeSet<String> {
    let mut names: Vec<&str> = Vec::new();
    for e in sides {
        e.symbol_names(&mut names);
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut out = BTreeSet::new();
    while let Some(name) = names.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(def) = problem.def(name) else {
            continue;
        };
        let params: BTreeSet<String> = free_indices(&Expr::Sym(def.symbol.clone()));
        out.extend(
            free_indices(&def.body)
                .into_iter()
                .filter(|i| !params.contains(i) && !shown.contains(i)),
        );
        def.body.symbol_names(&mut names);
    }
    out
}

/// `[j = k]` is `δ(j,k)`; `[j ≠ k]` is `1 - δ(j,k)`.
fn indicator(c: &Condition) -> Expr {
    let d = delta(Index::free(&c.left), Index::free(&c.right));
    match c.equal {
        true => d,
        false => add(vec![Expr::one(), neg(d)]),
    }
}

/// Why a sum's written upper end (`\sum_{j=1}^{N}`) is not the declared range of its index.
fn written_range_mismatch(e: &Expr, problem: &Problem) -> Option<String> {
    if let Expr::Sum(b, _) = e {
        if let Some(written) = &b.upper {
            let letter = &b.hint.0;
            match problem.upper_of(letter) {
                Some(declared) if declared == written => {}
                Some(declared) => {
                    return Some(format!(
                        "the sum over `{letter}` runs to {written} but `{letter}` ranges over 1..{declared} in the --with file"
                    ))
                }
                None => {
                    return Some(format!(
                        "the summation index `{letter}` is not declared in the --with file"
                    ))
                }
            }
        }
    }
    e.iter_children()
        .find_map(|c| written_range_mismatch(c, problem))
}

/// `e` with every sum's upper end set to its index's declared range.
fn declared_ranges(e: &Expr, problem: &Problem) -> Expr {
    match e {
        Expr::Sum(b, body) => {
            let mut b = b.clone();
            b.upper = problem
                .upper_of(&b.hint.0)
                .map(crate::syntax::expr::Name::new);
            Expr::Sum(b, Node::new(declared_ranges(body, problem)))
        }
        other => {
            let children = other
                .iter_children()
                .map(|c| declared_ranges(c, problem))
                .collect();
            rebuild(other, children)
        }
    }
}

/// The `.deriv` text without its `show` block (the audit writes its own).
fn without_show(text: &str, problem: &Problem) -> String {
    let Some(show) = &problem.show else {
        return text.to_string();
    };
    let first = show.pos.line;
    let last = show.lines.last().map_or(first, |l| l.pos.line);
    text.lines()
        .enumerate()
        .filter(|(n, _)| !(first..=last).contains(&(n + 1)))
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}
