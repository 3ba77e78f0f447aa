//! Folding any definition back wherever its whole body appears, not only a product body
//! ([`super::definitions::FOLD`]): a sum (`Σ_e x_e c_me` back to `s_m`), a sum of terms, a
//! function. Matching is up to the definition's parameters, which may bind indices of the
//! enclosing sums, so a body folds inside a sum as well as outside.

use super::definitions::{folded_symbol, parameter_names, unify};
use super::{facts, Ctx, Rule};
use crate::syntax::expr::Expr;

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
        let params = parameter_names(def);
        let mut bindings = Vec::new();
        if !unify(&def.body, e, &params, &mut bindings, 0) {
            return None;
        }
        let folded = folded_symbol(def, &params, &bindings)?;
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
