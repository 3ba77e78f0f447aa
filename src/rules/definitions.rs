//! Rules that go through definitions: the chain rule, unfolding and folding back.

use super::facts::{self, depends_on};
use super::{Ctx, Fact, Rule};
use crate::syntax::expr::{deriv, mul, pow_of_defined, sum, Binder, Expr, Index, Symbol};
use crate::syntax::index::{rename_free, shift, shift_index};
use crate::syntax::problem::Definition;
use crate::syntax::rational::Rational;

/// The body of `def` with its parameters replaced by `at` (indices as seen where the result goes).
pub fn instantiate(def: &Definition, at: &[Index]) -> Option<Expr> {
    if def.symbol.indices.len() != at.len() {
        return None;
    }
    // Rename through placeholders so that swapped indices (c_{b,a} for c_{a,b}) stay apart.
    let mut body = def.body.clone();
    for (n, p) in def.symbol.indices.iter().enumerate() {
        let Index::Free(name) = p else { return None };
        body = rename_free(&body, name, &Index::Free(format!("\u{0}{n}").into()));
    }
    for (n, target) in at.iter().enumerate() {
        body = rename_free(&body, &format!("\u{0}{n}"), target);
    }
    Some(body)
}

/// The most nodes [`unfold_all`] substitutes into one expression. Parsing bounds what one
/// definition unfolds to ([`crate::syntax::limits::MAX_UNFOLDED_SIZE`]), but an expression built by the
/// engine may mention a definition many times; past this budget the remaining definitions are
/// left folded (still equal, only less unfolded).
pub const MAX_UNFOLD_NODES: usize = 1_000_000;

/// `e` with every defined symbol replaced by its definition, recursively (definitions are
/// acyclic; a cycle is left folded), within [`MAX_UNFOLD_NODES`] substituted nodes.
///
/// Inside `d(F)/d(p_k)` the symbol `p` differentiated by stays folded even when it is defined:
/// a derivative by a defined symbol holds that symbol as an input (its definition is not
/// substituted into `F`), which is what the numeric checker evaluates. Everywhere else its
/// definition is substituted as usual.
pub fn unfold_all(e: &Expr, problem: &crate::syntax::problem::Problem) -> Expr {
    fn go(
        e: &Expr,
        problem: &crate::syntax::problem::Problem,
        open: &mut Vec<String>,
        budget: &mut usize,
    ) -> Expr {
        match e {
            Expr::Sym(s) if !open.iter().any(|o| *o == s.name) && *budget > 0 => {
                let Some(body) = problem
                    .def(&s.name)
                    .and_then(|d| instantiate(d, &s.indices))
                else {
                    return e.clone();
                };
                open.push(s.name.to_string());
                let out = go(&body, problem, open, budget);
                open.pop();
                *budget = budget.saturating_sub(out.size());
                out
            }
            // The symbol a derivative is taken by is an input inside it: left folded there.
            Expr::Deriv(f, x) => {
                open.push(x.name.to_string());
                let inner = go(f, problem, open, budget);
                open.pop();
                crate::syntax::edit::rebuild(e, vec![inner])
            }
            _ => {
                let children = e
                    .children()
                    .into_iter()
                    .map(|c| go(c, problem, open, budget))
                    .collect();
                crate::syntax::edit::rebuild(e, children)
            }
        }
    }
    let mut budget = MAX_UNFOLD_NODES;
    go(e, problem, &mut Vec::new(), &mut budget)
}

/// Does `e` depend on `x` other than through the symbol named `through`?
pub fn depends_except(e: &Expr, x: &str, through: &str, ctx: &Ctx) -> bool {
    match e {
        Expr::Sym(s) if s.name == x => true,
        Expr::Sym(s) if s.name == through => false,
        Expr::Sym(s) => {
            let key = format!("{x}\u{0}{through}");
            ctx.through_definition(Fact::DependsExcept, &s.name, &key, |d| {
                depends_except(&d.body, x, through, ctx)
            })
        }
        _ => e
            .iter_children()
            .any(|c| depends_except(c, x, through, ctx)),
    }
}

/// The chain rule through the definition named by the context's `via` (see [`chain_rule`]).
pub const CHAIN_RULE: Rule = Rule {
    name: "chain-rule",
    description: "d(F)/d(x) = sum_j d(F)/d(p_j) * d(p_j)/d(x) when F depends on x only through p",
    apply: |e, ctx| chain_rule(e, ctx.via?, ctx),
};

/// The chain rule through the definition of `via`: `d(F)/d(x)` becomes
/// `sum_j d(F)/d(p_j) * d(p_j)/d(x)` when `F` depends on `x` only through `p` (`via` is `p_j`).
/// `None` when `e` is not a derivative, `via` has no definition, or the condition fails.
pub fn chain_rule(e: &Expr, via: &Symbol, ctx: &Ctx) -> Option<Expr> {
    let Expr::Deriv(f, x) = e else { return None };
    ctx.def(&via.name)?;
    let is_via = matches!(&**f, Expr::Sym(s) if s.name == via.name);
    if via.name == x.name
        || is_via
        || !depends_on(f, &via.name, ctx)
        || depends_except(f, &x.name, &via.name, ctx)
    {
        return None;
    }
    let n = via.indices.len();
    let depth = i64::try_from(n).ok()?;
    // The via symbol's slots, outermost first: Bound(n - 1), ..., Bound(0).
    let bound: Vec<Index> = (0..u32::try_from(n).ok()?)
        .rev()
        .map(Index::Bound)
        .collect();
    let through = Symbol {
        name: via.name,
        indices: bound,
    };
    let x_inside = match shift(&Expr::Sym(x.clone()), depth) {
        Expr::Sym(s) => s,
        _ => return None,
    };
    let mut body = mul(vec![
        deriv(shift(f, depth), through.clone()),
        deriv(Expr::Sym(through), x_inside),
    ]);
    for i in via.indices.iter().rev() {
        let Index::Free(letter) = i else { return None };
        body = sum(Binder::new(letter, ctx.problem.upper_of(letter)), body);
    }
    Some(body)
}

/// Inside a derivative, a defined symbol that depends on the variable is replaced by its
/// definition.
pub const UNFOLD: Rule = Rule {
    name: "unfold-definition",
    description: "d(p_j)/d(x) = d(<definition of p_j>)/d(x) when p depends on x",
    apply: |e, ctx| {
        let Expr::Deriv(f, x) = e else { return None };
        let Expr::Sym(y) = &**f else { return None };
        if y.name == x.name || !depends_on(f, &x.name, ctx) {
            return None;
        }
        let def = ctx.def(&y.name)?;
        Some(deriv(instantiate(def, &y.indices)?, x.clone()))
    },
};

/// Structural match of `pattern` against `target`, where the free indices named in `params` are
/// pattern variables. `depth` counts binders passed inside the target; bindings are stored as seen
/// at the root of the match.
pub(crate) fn unify(
    pattern: &Expr,
    target: &Expr,
    params: &[String],
    bindings: &mut Vec<(String, Index)>,
    depth: u32,
) -> bool {
    let index = |p: &Index, t: &Index, bindings: &mut Vec<(String, Index)>| match p {
        Index::Free(v) if params.iter().any(|p| *p == *v) => {
            if matches!(t, Index::Bound(n) if *n < depth) {
                return false;
            }
            let seen = shift_index(t, -i64::from(depth));
            match bindings.iter().find(|(name, _)| name == v) {
                Some((_, bound)) => *bound == seen,
                None => {
                    bindings.push((v.to_string(), seen));
                    true
                }
            }
        }
        _ => p == t,
    };
    let symbols = |p: &Symbol, t: &Symbol, bindings: &mut Vec<(String, Index)>| {
        p.name == t.name
            && p.indices.len() == t.indices.len()
            && p.indices
                .iter()
                .zip(&t.indices)
                .all(|(a, b)| index(a, b, bindings))
    };
    match (pattern, target) {
        (Expr::Num(a), Expr::Num(b)) => a == b,
        (Expr::Sym(a), Expr::Sym(b)) => symbols(a, b, bindings),
        (Expr::Delta(a, b), Expr::Delta(c, d)) => index(a, c, bindings) && index(b, d, bindings),
        (Expr::Add(xs), Expr::Add(ys)) | (Expr::Mul(xs), Expr::Mul(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .zip(ys)
                    .all(|(x, y)| unify(x, y, params, bindings, depth))
        }
        (Expr::Pow(a, b), Expr::Pow(c, d)) => {
            unify(a, c, params, bindings, depth) && unify(b, d, params, bindings, depth)
        }
        (Expr::Func(f, a), Expr::Func(g, b)) => f == g && unify(a, b, params, bindings, depth),
        (Expr::Sum(b1, x), Expr::Sum(b2, y)) => {
            b1 == b2 && unify(x, y, params, bindings, depth + 1)
        }
        (Expr::Deriv(f, x), Expr::Deriv(g, y)) => {
            symbols(x, y, bindings) && unify(f, g, params, bindings, depth)
        }
        _ => false,
    }
}

/// A factor with a numeric exponent, as `(base, exponent)`.
fn power_of(f: &Expr) -> Option<(Expr, Rational)> {
    let (b, e) = f.base_and_exponent();
    Some((b, e.as_num()?))
}

/// Matches the pattern factors one by one against distinct target factors whose exponent has the
/// same sign and at least the pattern's size; returns the remaining exponents per target factor.
fn match_factors(
    pattern: &[(Expr, Rational)],
    targets: &[(Expr, Rational)],
    remaining: &mut Vec<Rational>,
    params: &[String],
    bindings: &mut Vec<(String, Index)>,
    first: &mut Option<usize>,
) -> bool {
    let Some(((pb, pe), rest)) = pattern.split_first() else {
        return true;
    };
    for (i, (tb, _)) in targets.iter().enumerate() {
        let left = remaining[i].clone();
        let fits = left.is_negative() == pe.is_negative()
            && !left.is_zero()
            && (if pe.is_negative() {
                left <= *pe
            } else {
                left >= *pe
            });
        if !fits {
            continue;
        }
        let saved = bindings.len();
        if unify(pb, tb, params, bindings, 0) {
            let Some(after) = left.checked_sub(pe) else {
                bindings.truncate(saved);
                continue;
            };
            remaining[i] = after;
            let was_first = *first;
            first.get_or_insert(i);
            if match_factors(rest, targets, remaining, params, bindings, first) {
                return true;
            }
            *first = was_first;
            remaining[i] = left;
        }
        bindings.truncate(saved);
    }
    false
}

/// Folds one occurrence of `def`'s body, a product, back into its symbol within `factors`.
fn fold_product(def: &Definition, factors: &[Expr]) -> Option<Expr> {
    let pattern: Vec<Expr> = match &def.body {
        Expr::Mul(fs) if !matches!(fs.first(), Some(Expr::Num(_))) => fs.to_vec(),
        Expr::Pow(_, e) if e.as_num().is_some() => vec![def.body.clone()],
        _ => return None,
    };
    let pattern: Vec<(Expr, Rational)> = pattern.iter().map(power_of).collect::<Option<_>>()?;
    let targets: Vec<(Expr, Rational)> = factors.iter().map(power_of).collect::<Option<_>>()?;
    let params = parameter_names(def);
    let mut remaining: Vec<Rational> = targets.iter().map(|(_, e)| e.clone()).collect();
    let mut bindings = Vec::new();
    let mut first = None;
    if !match_factors(
        &pattern,
        &targets,
        &mut remaining,
        &params,
        &mut bindings,
        &mut first,
    ) {
        return None;
    }
    let folded = folded_symbol(def, &params, &bindings)?;
    let first = first?;
    let mut out = Vec::new();
    for (i, (base, _)) in targets.into_iter().enumerate() {
        if i == first {
            out.push(folded.clone());
        }
        // The factor stood in the input product, so it is defined wherever the input is.
        out.push(pow_of_defined(base, Expr::Num(remaining[i].clone())));
    }
    Some(mul(out))
}

/// A product containing a definition's body (a product) is folded back into the defined symbol.
pub const FOLD: Rule = Rule {
    name: "fold-definition",
    description: "exp(s_j) / sum_m exp(s_m) = p_j, given let p_j = exp(s_j) / sum_m exp(s_m)",
    apply: |e, ctx| {
        if ctx.in_deriv {
            return None;
        }
        let factors = match e {
            Expr::Mul(fs) => fs.to_vec(),
            Expr::Pow(..) => vec![e.clone()],
            _ => return None,
        };
        // A fold may only fire where both sides are defined: a definition such as
        // `r = x^(1/2)` must not be folded into `x^2` when `x` may be negative.
        ctx.problem
            .defs
            .iter()
            .filter_map(|def| fold_product(def, &factors))
            .find(|folded| facts::defined_where(e, folded, ctx))
    },
};

/// For a definition `v = 1/(1 + u)`, the `u`.
fn logistic_part(def: &Definition) -> Option<&Expr> {
    let Expr::Pow(b, n) = &def.body else {
        return None;
    };
    if n.num() != Some(&Rational::minus_one()) {
        return None;
    }
    match &**b {
        Expr::Add(ts) if ts.len() == 2 && ts[0].is_one() => Some(&ts[1]),
        _ => None,
    }
}

/// Given `v = 1/(1 + u)`, a product with `u` and `(1 + u)^(-n)` folds one `u/(1 + u)` into
/// `1 - v`.
pub const FOLD_COMPLEMENT: Rule = Rule {
    name: "fold-complement",
    description: "u/(1 + u) = 1 - v, given let v = 1/(1 + u) (v indexed or not, inside sums too)",
    apply: |e, ctx| {
        if ctx.in_deriv {
            return None;
        }
        let Expr::Mul(factors) = e else { return None };
        ctx.problem.defs.iter().find_map(|def| {
            let u = logistic_part(def)?;
            let Expr::Pow(one_plus_u, _) = &def.body else {
                return None;
            };
            // As written, or with the definitions inside `u` substituted (`u = exp(-a_n)` with
            // `let a_n = w*x_n` meets `exp(-w*x_n)` in a derivation that substituted them).
            let unfolded = (
                unfold_all(u, ctx.problem),
                unfold_all(one_plus_u, ctx.problem),
            );
            [(u.clone(), (**one_plus_u).clone()), unfolded]
                .iter()
                .find_map(|(u, one_plus_u)| complement_in(def, u, one_plus_u, factors))
        })
    },
};

/// `factors` with one `u` and one power `(1 + u)^(-n)` (matched with one binding of `def`'s
/// parameters) replaced by `1 - v` and `(1 + u)^(1 - n)`, `v` being `def`'s symbol.
fn complement_in(def: &Definition, u: &Expr, one_plus_u: &Expr, factors: &[Expr]) -> Option<Expr> {
    let params = parameter_names(def);
    // `u` and `1 + u` matched with one binding of the parameters (indices of the
    // enclosing sums included), so `exp(-z_n)/(1 + exp(-z_n))` folds inside `Σ_n`.
    let mut bindings = Vec::new();
    let at_u = factors.iter().position(|f| {
        bindings.clear();
        unify(u, f, &params, &mut bindings, 0)
    })?;
    let at_den = factors.iter().position(|f| {
        let (b, n) = f.base_and_exponent();
        let mut trial = bindings.clone();
        n.num().is_some_and(|r| *r <= Rational::minus_one())
            && unify(one_plus_u, &b, &params, &mut trial, 0)
            && trial.len() == bindings.len()
    })?;
    let v = folded_symbol(def, &params, &bindings)?;
    let mut out = factors.to_vec();
    let (b, n) = out[at_den].base_and_exponent();
    out[at_den] = pow_of_defined(b, Expr::Num(n.as_num()?.checked_add(&Rational::one())?));
    out[at_u] = crate::syntax::expr::sub(Expr::one(), v);
    Some(mul(out))
}

/// The defined symbol `def` with each parameter replaced by the index `bindings` bound it to
/// (`p_m` for `p_j` with `j` bound to `m`); `None` when a parameter is unbound.
pub(crate) fn folded_symbol(
    def: &Definition,
    params: &[String],
    bindings: &[(String, Index)],
) -> Option<Expr> {
    let indices: Vec<Index> = params
        .iter()
        .map(|p| {
            bindings
                .iter()
                .find(|(n, _)| n == p)
                .map(|(_, i)| i.clone())
        })
        .collect::<Option<_>>()?;
    Some(Expr::Sym(Symbol {
        name: def.symbol.name,
        indices,
    }))
}

/// The parameter names of a definition (`j` of `p_j`).
pub(crate) fn parameter_names(def: &Definition) -> Vec<String> {
    def.symbol
        .indices
        .iter()
        .filter_map(|i| match i {
            Index::Free(n) => Some(n.to_string()),
            Index::Bound(_) => None,
        })
        .collect()
}
