//! Rules for sums over a bound index and Kronecker deltas.

use super::facts::range_of;
use super::Rule;
use crate::rules::algebra::{distributable, distribute_over};
use crate::syntax::expr::{add, mul, sum, Expr, Index};
use crate::syntax::index::{mentions_bound, open, shift, shift_index};

fn as_sum(e: &Expr) -> Option<(&crate::syntax::expr::Binder, &Expr)> {
    match e {
        Expr::Sum(b, body) => Some((b, body)),
        _ => None,
    }
}

/// The other index of a delta that has the bound index `Bound(0)` on exactly one side.
fn selected_by(f: &Expr) -> Option<&Index> {
    match f {
        Expr::Delta(Index::Bound(0), other) | Expr::Delta(other, Index::Bound(0))
            if *other != Index::Bound(0) =>
        {
            Some(other)
        }
        _ => None,
    }
}

/// `sum_j f(j) * delta(j,k) = f(k)`, when `k` runs over the same range as `j`.
pub const DELTA_SELECT: Rule = Rule {
    name: "delta-select",
    description: "sum_j f(j) * delta(j,k) = f(k) when k ranges over j's range",
    apply: |e, ctx| {
        let (b, body) = as_sum(e)?;
        let factors = body.factors();
        let at = factors.iter().position(|f| selected_by(f).is_some())?;
        let outside = shift_index(selected_by(&factors[at])?, -1);
        let upper = b.upper.as_ref()?;
        if range_of(&outside, ctx).as_deref() != Some(upper.as_str()) {
            return None;
        }
        let mut rest = factors;
        rest.remove(at);
        Some(open(&mul(rest), &outside))
    },
};

/// `delta(k,k) = 1`.
pub const DELTA_SAME: Rule = Rule {
    name: "delta-same",
    description: "delta(k,k) = 1",
    apply: |e, _| match e {
        Expr::Delta(a, b) if a == b => Some(Expr::one()),
        _ => None,
    },
};

/// The sum of a declared distribution over its own index is one.
pub const SUM_TO_ONE: Rule = Rule {
    name: "sum-to-one",
    description: "sum_j q_j = 1 when q is declared a distribution (or onehot) over j's range",
    apply: |e, ctx| {
        let (b, body) = as_sum(e)?;
        let Expr::Sym(s) = body else { return None };
        if s.indices != [Index::Bound(0)] {
            return None;
        }
        let var = ctx.var(&s.name)?;
        let Some(Index::Free(letter)) = var.symbol.indices.first() else {
            return None;
        };
        let same_range = ctx.problem.upper_of(letter).is_some()
            && ctx.problem.upper_of(letter) == b.upper.as_deref();
        (var.kind.sums_to_one() && same_range).then(Expr::one)
    },
};

/// `sum_j c = K * c` when `c` does not mention `j` and `j` runs over `1..K`.
pub const SUM_OF_CONSTANT: Rule = Rule {
    name: "sum-of-constant",
    description: "sum_j c = K * c when c does not mention j and j runs over 1..K",
    apply: |e, _| {
        let (b, body) = as_sum(e)?;
        if mentions_bound(body, 0) {
            return None;
        }
        let upper = b.upper.as_ref()?;
        Some(mul(vec![Expr::plain(upper), shift(body, -1)]))
    },
};

/// Inside a sum, a product is multiplied out over a sum of terms that mentions the bound index,
/// so that the sum can be split.
pub const DISTRIBUTE_IN_SUM: Rule = Rule {
    name: "distribute-in-sum",
    description: "sum_j a*(b + c) = sum_j (a*b + a*c) when b + c mentions j",
    apply: |e, _| {
        let (b, body) = as_sum(e)?;
        let Expr::Mul(factors) = body else {
            return None;
        };
        let at = distributable(factors, |f| mentions_bound(f, 0))?;
        Some(sum(b.clone(), distribute_over(factors, at)))
    },
};

/// A sum of terms under a sum splits into a sum of sums.
pub const SPLIT_SUM: Rule = Rule {
    name: "split-sum",
    description: "sum_j (a_j + b_j) = sum_j a_j + sum_j b_j",
    apply: |e, _| {
        let (b, body) = as_sum(e)?;
        let Expr::Add(terms) = body else { return None };
        Some(add(terms
            .iter()
            .map(|t| sum(b.clone(), t.clone()))
            .collect()))
    },
};

/// Factors that do not mention the bound index come out of the sum.
pub const FACTOR_OUT_OF_SUM: Rule = Rule {
    name: "factor-out-of-sum",
    description: "sum_j c * f_j = c * sum_j f_j when c does not mention j",
    apply: |e, _| {
        let (b, body) = as_sum(e)?;
        let Expr::Mul(factors) = body else {
            return None;
        };
        let (inner, outer): (Vec<Expr>, Vec<Expr>) =
            factors.iter().cloned().partition(|f| mentions_bound(f, 0));
        if inner.is_empty() || outer.is_empty() {
            return None;
        }
        let mut out: Vec<Expr> = outer.iter().map(|f| shift(f, -1)).collect();
        out.push(sum(b.clone(), mul(inner)));
        Some(mul(out))
    },
};
