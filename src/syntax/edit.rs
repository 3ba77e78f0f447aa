//! Editing expression trees: replacing the subterm at a path and rebuilding a node through the
//! smart constructors, so every edited tree stays flat and folded.

use crate::syntax::expr::{add, deriv, func, is_total, mul, pow, sum, Expr};
use crate::syntax::rational::Rational;

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
///
/// A subtree already in canonical order is returned as a clone that shares it (its children
/// are not rebuilt), so the canonical forms of two trees that share a subtree share it too; the
/// result is the same tree as rebuilding every node would give.
pub fn canonical_order(e: &Expr) -> Expr {
    reordered(e).unwrap_or_else(|| e.clone())
}

/// [`canonical_order`] of `e`, or `None` when it is `e` itself.
fn reordered(e: &Expr) -> Option<Expr> {
    let changed: Vec<Option<Expr>> = e.iter_children().map(reordered).collect();
    let sorted = match e {
        Expr::Add(_) | Expr::Mul(_) => {
            let now: Vec<&Expr> = (e.iter_children().zip(&changed))
                .map(|(old, new)| new.as_ref().unwrap_or(old))
                .collect();
            now.is_sorted()
        }
        _ => true,
    };
    if sorted && changed.iter().all(Option::is_none) && rebuild_keeps(e) {
        return None;
    }
    let mut children: Vec<Expr> = changed
        .into_iter()
        .zip(e.iter_children())
        .map(|(new, old)| new.unwrap_or_else(|| old.clone()))
        .collect();
    if matches!(e, Expr::Add(_) | Expr::Mul(_)) {
        children.sort();
    }
    Some(rebuild(e, children))
}

/// True when [`rebuild`] of `e` with its own children returns `e` unchanged.
pub fn rebuild_keeps(e: &Expr) -> bool {
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) | Expr::Func(..) | Expr::Deriv(..) => true,
        Expr::Add(xs) => add_keeps(xs.iter()),
        Expr::Mul(xs) => mul_keeps(xs.iter()),
        Expr::Pow(b, x) => {
            let folds =
                matches!((&**b, &**x), (Expr::Num(b), Expr::Num(x)) if b.checked_pow(x).is_some());
            let changes = x.is_one() || (x.is_zero() && is_total(b)) || folds;
            !changes
        }
        Expr::Sum(_, body) => !body.is_zero(),
    }
}

/// True when [`add`] returns `terms` unchanged: at least two terms, none of them a sum or zero,
/// and every number after the first one too large to be added to it exactly within
/// [`crate::syntax::rational::MAX_EXACT_BITS`].
pub fn add_keeps<'e>(terms: impl Iterator<Item = &'e Expr>) -> bool {
    let mut first: Option<&Rational> = None;
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
pub fn mul_keeps<'e>(factors: impl Iterator<Item = &'e Expr>) -> bool {
    let mut coefficient: Option<&Rational> = None;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::expr::{Binder, Func, Node};

    /// `rebuild_keeps` says true exactly where `rebuild` with the node's own children gives the
    /// node back: on nodes the smart constructors made, and false on raw nodes they would change
    /// (a sum of one term, a product with coefficient 1, `x^1`, `x^0`, `2^3`, an empty sum body).
    #[test]
    fn rebuild_keeps_exactly_where_rebuild_changes_nothing() {
        let x = Expr::plain("x");
        let y = Expr::plain("y");
        let raw_pow = |b: Expr, e: Expr| Expr::Pow(Node::new(b), Node::new(e));
        let cases = [
            add(vec![x.clone(), y.clone()]),
            mul(vec![Expr::int(2), x.clone(), y.clone()]),
            pow(x.clone(), Expr::int(2)),
            func(Func::Exp, x.clone()),
            sum(Binder::new("j", None), x.clone()),
            Expr::Add(vec![x.clone()].into()),
            Expr::Add(vec![x.clone(), Expr::zero()].into()),
            Expr::Mul(vec![Expr::one(), x.clone(), y.clone()].into()),
            Expr::Mul(vec![x.clone(), mul(vec![x.clone(), y.clone()])].into()),
            raw_pow(x.clone(), Expr::one()),
            raw_pow(x.clone(), Expr::zero()),
            raw_pow(Expr::int(2), Expr::int(3)),
            Expr::Sum(Binder::new("j", None), Node::new(Expr::zero())),
        ];
        let mut kept = 0;
        for e in cases {
            let children: Vec<Expr> = e.iter_children().cloned().collect();
            let same = rebuild(&e, children) == e;
            assert_eq!(rebuild_keeps(&e), same, "{e:?}");
            kept += usize::from(same);
        }
        assert_eq!(kept, 5, "the first five cases are kept, the rest changed");
    }
}
