//! Limits on what the definitions of a file add up to, checked once the file is read and its
//! definitions are known to be acyclic.
//!
//! A definition may use other definitions, and every later stage (the engine's rules, their side
//! conditions, the normal form, the evaluator, the printers) eventually looks through them. So
//! what matters is each expression *with the definitions it uses substituted*: a chain of 10,000
//! `let a_i = a_(i-1) + x` lines is 10,000 levels deep, and `let a_i = a_(i-1) * a_(i-1)` doubles
//! in size with every line. Those are measured here in time linear in the file, without
//! substituting anything, and refused with a message that names the limit.

use super::error::ErrorKind;
use crate::syntax::expr::Expr;
use crate::syntax::limits::{MAX_SUM_NESTING, MAX_UNFOLDED_DEPTH, MAX_UNFOLDED_SIZE};
use crate::syntax::problem::{Pos, Problem};
use std::collections::HashMap;

/// An expression's measurements with the definitions it uses substituted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Measure {
    depth: usize,
    size: usize,
    sums: usize,
}

/// Checks every definition (in `order`: positions in `problem.defs`, each definition after the
/// ones it uses) and then the goal, `expect` and `show` expressions of `problem`. Returns the
/// first expression over a limit: its position and the error.
pub(crate) fn check(problem: &Problem, order: &[usize]) -> Result<(), (Pos, ErrorKind)> {
    let mut known: HashMap<&str, Measure> = HashMap::new();
    for &k in order {
        let def = &problem.defs[k];
        let m = measure(&def.body, &known);
        if let Some(error) = over_limit(m) {
            return Err((
                def.pos,
                error(format!("the definition of `{}`", def.symbol.name)),
            ));
        }
        known.insert(def.symbol.name.as_str(), m);
    }
    for (e, pos) in others(problem) {
        if let Some(error) = over_limit(measure(e, &known)) {
            return Err((pos, error("this expression".to_string())));
        }
    }
    Ok(())
}

/// The goal, the `expect` line and the `show` block, with their positions.
fn others(problem: &Problem) -> Vec<(&Expr, Pos)> {
    let mut out = Vec::new();
    if let Some(g) = &problem.goal {
        out.push((&g.of, g.pos));
    }
    if let Some((e, pos)) = &problem.expect {
        out.push((e, *pos));
    }
    if let Some(show) = &problem.show {
        out.push((&show.start, show.pos));
        out.extend(show.lines.iter().map(|l| (&l.expr, l.pos)));
    }
    out
}

/// The error (as a function of how to name the expression) when `m` is over a limit.
fn over_limit(m: Measure) -> Option<impl FnOnce(String) -> ErrorKind> {
    let kind = if m.depth > MAX_UNFOLDED_DEPTH {
        (m.depth, MAX_UNFOLDED_DEPTH, 0)
    } else if m.size > MAX_UNFOLDED_SIZE {
        (m.size, MAX_UNFOLDED_SIZE, 1)
    } else if m.sums > MAX_SUM_NESTING {
        (m.sums, MAX_SUM_NESTING, 2)
    } else {
        return None;
    };
    Some(move |what: String| match kind {
        (found, limit, 0) => ErrorKind::UnfoldedTooDeep { what, found, limit },
        (found, limit, 1) => ErrorKind::UnfoldedTooLarge { what, found, limit },
        (found, limit, _) => ErrorKind::SumsTooDeep { what, found, limit },
    })
}

/// The measurements of `e`, reading those of the definitions it uses from `known`. The
/// recursion follows `e` itself, which the grammar keeps shallow.
fn measure(e: &Expr, known: &HashMap<&str, Measure>) -> Measure {
    if let Expr::Sym(s) = e {
        return known.get(s.name.as_str()).copied().unwrap_or(Measure {
            depth: 1,
            size: 1,
            sums: 0,
        });
    }
    let mut m = Measure::default();
    for c in e.children() {
        let cm = measure(c, known);
        m.depth = m.depth.max(cm.depth);
        m.size = m.size.saturating_add(cm.size);
        m.sums = m.sums.max(cm.sums);
    }
    m.depth += 1;
    m.size = m.size.saturating_add(1);
    m.sums += usize::from(matches!(e, Expr::Sum(..)));
    m
}
