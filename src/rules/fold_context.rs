//! Folding any definition back wherever its whole body appears, not only a product body
//! ([`super::definitions::FOLD`]): a sum (`Σ_e x_e c_me` back to `s_m`), a sum of terms, a
//! function. Matching is up to the definition's parameters, which may bind indices of the
//! enclosing sums, so a body folds inside a sum as well as outside.

use super::definitions::unify;
use super::{facts, Ctx, Rule};
use crate::syntax::expr::{Expr, Index, Symbol};

/// `e` folded into the symbol of the first definition whose whole body it is (a body that is
/// neither a product nor a power, which [`super::definitions::FOLD`] folds, nor a bare symbol).
fn fold_whole(e: &Expr, ctx: &Ctx) -> Option<Expr> {
    ctx.problem.defs.iter().find_map(|def| {
        if matches!(
            def.body,
            Expr::Mul(_) | Expr::Pow(..) | Expr::Sym(_) | Expr::Num(_)
        ) {
            return None;
        }
        let params: Vec<String> = def
            .symbol
            .indices
            .iter()
            .filter_map(|i| match i {
                Index::Free(n) => Some(n.clone()),
                Index::Bound(_) => None,
            })
            .collect();
        let mut bindings = Vec::new();
        if !unify(&def.body, e, &params, &mut bindings, 0) {
            return None;
        }
        let indices: Vec<Index> = params
            .iter()
            .map(|p| {
                bindings
                    .iter()
                    .find(|(n, _)| n == p)
                    .map(|(_, i)| i.clone())
            })
            .collect::<Option<_>>()?;
        let folded = Expr::Sym(Symbol {
            name: def.symbol.name.clone(),
            indices,
        });
        facts::defined_where(e, &folded, ctx).then_some(folded)
    })
}

/// A subterm that is a definition's whole body (a sum, a sum of terms, a function) folds back
/// into the defined symbol.
pub const FOLD_BODY: Rule = Rule {
    name: "fold-body",
    description: "sum_e x_e * c_{m,e} = s_m, given let s_m = sum_e x_e * c_{m,e} (any body)",
    apply: |e, ctx| {
        if ctx.in_deriv || matches!(e, Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..)) {
            return None;
        }
        fold_whole(e, ctx)
    },
};
