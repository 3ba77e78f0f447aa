//! How deeply derivatives nest, with the definitions they go through substituted.
//!
//! The checker evaluates a derivative of a derivative by nested forward mode (see
//! [`crate::check::eval`]); a third nesting has no reference it could be checked against, so a file
//! that asks for one is refused here, with the line of the expression, rather than derived and
//! left unchecked.

use super::error::ErrorKind;
use crate::syntax::expr::Expr;
use crate::syntax::problem::{Pos, Problem};
use std::collections::HashMap;

/// The deepest derivatives may nest (a second derivative: `d(d(L)/d(s_k))/d(s_l)`).
pub const MAX_DERIVATIVE_NESTING: usize = 2;

/// Checks every definition (in `order`, each after the ones it uses), then the goal (as the
/// derivative it asks for), `expect` and `show`. Returns the first over the limit.
pub(crate) fn check(problem: &Problem, order: &[usize]) -> Result<(), (Pos, ErrorKind)> {
    let mut known: HashMap<&str, usize> = HashMap::new();
    let too_deep = |what: String, found: usize| ErrorKind::DerivativesTooDeep {
        what,
        found,
        limit: MAX_DERIVATIVE_NESTING,
    };
    for &k in order {
        let def = &problem.defs[k];
        let n = nesting(&def.body, &known);
        if n > MAX_DERIVATIVE_NESTING {
            let what = format!("the definition of `{}`", def.symbol.name);
            return Err((def.pos, too_deep(what, n)));
        }
        known.insert(def.symbol.name.as_str(), n);
    }
    let mut others: Vec<(usize, Pos)> = Vec::new();
    if let Some(g) = &problem.goal {
        others.push((1 + nesting(&g.of, &known), g.pos));
    }
    if let Some((e, pos)) = &problem.expect {
        others.push((nesting(e, &known), *pos));
    }
    if let Some(show) = &problem.show {
        others.push((nesting(&show.start, &known), show.pos));
        others.extend(show.lines.iter().map(|l| (nesting(&l.expr, &known), l.pos)));
    }
    match others
        .into_iter()
        .find(|(n, _)| *n > MAX_DERIVATIVE_NESTING)
    {
        Some((n, pos)) => Err((pos, too_deep("this derivative".to_string(), n))),
        None => Ok(()),
    }
}

/// The derivative nesting of `e`, a defined symbol counting as its definition's.
fn nesting(e: &Expr, known: &HashMap<&str, usize>) -> usize {
    // Iterative, so that an expression at the depth limit cannot overflow the stack here.
    let mut most = 0;
    let mut stack = vec![(e, 0usize)];
    while let Some((e, above)) = stack.pop() {
        match e {
            Expr::Deriv(f, _) => stack.push((f, above + 1)),
            Expr::Sym(s) => {
                most = most.max(above + known.get(s.name.as_str()).copied().unwrap_or(0))
            }
            _ => {
                most = most.max(above);
                stack.extend(e.iter_children().map(|c| (c, above)));
            }
        }
    }
    most
}
