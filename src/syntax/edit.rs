//! Editing expression trees: replacing the subterm at a path and rebuilding a node through the
//! smart constructors, so every edited tree stays flat and folded.

use crate::syntax::expr::{add, deriv, func, mul, pow, sum, Expr};

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

/// Why [`rebuild`] may take its children for granted.
const ONE_PER_CHILD: &str = "rebuild is given one new child per child of the node";

/// A node of the same kind as `e` with new children (one per child of `e`, in order), through
/// the smart constructors.
pub fn rebuild(e: &Expr, mut children: Vec<Expr>) -> Expr {
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => e.clone(),
        Expr::Add(_) => add(children),
        Expr::Mul(_) => mul(children),
        Expr::Pow(..) => {
            let exponent = children.pop().expect(ONE_PER_CHILD);
            let base = children.pop().expect(ONE_PER_CHILD);
            pow(base, exponent)
        }
        Expr::Func(f, _) => func(*f, children.pop().expect(ONE_PER_CHILD)),
        Expr::Sum(b, _) => {
            let body = children.pop().expect(ONE_PER_CHILD);
            if body.is_zero() {
                Expr::zero()
            } else {
                sum(b.clone(), body)
            }
        }
        Expr::Deriv(_, x) => deriv(children.pop().expect(ONE_PER_CHILD), x.clone()),
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
