//! Sums: evaluated term by term, memoised by the values of the indices they mention from
//! outside, and, under a seed, reduced to the one term that can depend on it.

use super::dual::{Dual, DualSum};
use super::evaluator::{Env, Evaluator, Key};
use super::number::Number;
use super::EvalError;
use crate::syntax::expr::{Binder, Expr, Index};

impl<'a, N: Number> Evaluator<'a, N> {
    /// A sum evaluated term by term, or taken from the memo: by its node and the values of the
    /// indices it mentions from outside (see [`outer_indices`]), under the current seed. So a
    /// sum inside another sum, in a definition, or at another assignment that leaves its indices
    /// alone is computed once.
    pub(super) fn dense_sum(
        &mut self,
        e: &'a Expr,
        binder: &Binder,
        body: &'a Expr,
        env: &mut Env<'a>,
    ) -> Result<Dual<N>, EvalError> {
        let Some((context, per_free)) = self.context(e, env) else {
            return self.sum(binder, body, env);
        };
        // `e` is borrowed for the evaluator's lifetime, so its address names it.
        let key = (e as *const Expr as usize, context);
        let memo = self.memo(per_free).get(&env.seed);
        if let Some(v) = memo.and_then(|m| m.sums.get(&key)) {
            return Ok(*v);
        }
        let v = self.sum(binder, body, env)?;
        self.memo_mut(per_free, &env.seed).sums.insert(key, v);
        Ok(v)
    }

    /// The values here of the indices `e` mentions from outside itself, and whether its value
    /// depends on the assignment otherwise (through a definition); `None` when there are too
    /// many indices (see [`outer_indices`]) or one has no value here.
    pub(super) fn context(&mut self, e: &'a Expr, env: &Env<'a>) -> Option<(Context, bool)> {
        let addr = e as *const Expr as usize;
        let info = match self.outer.get(&addr) {
            Some(known) => *known,
            None => {
                let found = outer_indices(e).map(|outers| {
                    let mut names = Vec::new();
                    e.symbol_names(&mut names);
                    SumInfo {
                        outers,
                        per_free: self.mentions(&names, &self.per_free),
                    }
                });
                self.outer.insert(addr, found);
                found
            }
        }?;
        let outer = info.outers;
        let mut context = Context {
            len: outer.len,
            values: [0; CONTEXT],
        };
        for (slot, index) in context.values.iter_mut().zip(outer.as_slice()) {
            *slot = match *index {
                Outer::Free(name) => self.resolve_free(name, env).ok()?,
                Outer::Bound(n) => self.resolve(&Index::Bound(n), env).ok()?,
            };
        }
        Some((context, info.per_free))
    }

    /// Under a seed, a sum whose terms can depend on the seeded entry only at one value of the
    /// bound index (`sum_i q_i*log(p_i)` seeded at `p_j`: only `i = j`): its value is the sum's
    /// value without the seed (memoised like any sum), its derivative that one
    /// term's. Every other term's derivative is an exact zero, so the result is the same as
    /// summing them all, in `O(1)` terms instead of `O(K)` for each seed.
    pub(super) fn sparse_sum(
        &mut self,
        e: &'a Expr,
        binder: &Binder,
        body: &'a Expr,
        term: Option<usize>,
        env: &mut Env<'a>,
    ) -> Result<Dual<N>, EvalError> {
        let seed = env.seed.take();
        let value = self.dense_sum(e, binder, body, env);
        env.seed = seed;
        let v = value?.v;
        let n = self.range_size(binder)?;
        let d = match term.filter(|i| (1..=n).contains(i)) {
            Some(i) => {
                env.bound.push(i);
                let t = self.node(body, env);
                env.bound.pop();
                t?.d
            }
            None => N::ZERO,
        };
        Ok(Dual { v, d })
    }

    /// For a sum's `body` under the current seed: `Some(Some(i))` when only the term at index
    /// value `i` can depend on the seeded entry, `Some(None)` when no term can, `None` when that
    /// cannot be told from the symbols (a definition that depends on the seeded symbol, an
    /// occurrence not indexed by the sum's index, a nested derivative).
    pub(super) fn sparse_term(&mut self, body: &Expr, env: &Env<'a>) -> Option<Option<usize>> {
        let seed = env.seed.clone()?;
        let mut term: Option<usize> = None;
        let ok = self.sparse_walk(body, 0, &seed, &mut term);
        ok.then_some(term)
    }

    pub(super) fn sparse_walk(
        &mut self,
        e: &Expr,
        depth: u32,
        seed: &Key,
        term: &mut Option<usize>,
    ) -> bool {
        match e {
            Expr::Sym(s) => {
                let Some(id) = self.symbol_id(&s.name) else {
                    return true;
                };
                if id == seed.id {
                    let at = s.indices.iter().position(|i| *i == Index::Bound(depth));
                    let Some(i) = at.and_then(|p| seed.idx.as_slice().get(p).copied()) else {
                        return false;
                    };
                    match term {
                        Some(t) if *t != i => false,
                        _ => {
                            *term = Some(i);
                            true
                        }
                    }
                } else {
                    !self.depends_on_id(id, seed.id)
                }
            }
            Expr::Deriv(..) => false,
            Expr::Sum(_, b) => self.sparse_walk(b, depth + 1, seed, term),
            _ => e
                .iter_children()
                .all(|c| self.sparse_walk(c, depth, seed, term)),
        }
    }
    /// `sum body` over `1..=upper`.
    pub(super) fn sum(
        &mut self,
        binder: &Binder,
        body: &'a Expr,
        env: &mut Env<'a>,
    ) -> Result<Dual<N>, EvalError> {
        let n = self.range_size(binder)?;
        let mut total = DualSum::new();
        for i in 1..=n {
            env.bound.push(i);
            let t = self.node(body, env);
            env.bound.pop();
            total.push(t?);
        }
        total.finish()
    }

    /// The size of a sum's range: its upper end, or else the declared range of its letter (an
    /// expression parsed on its own does not know its ranges).
    pub(super) fn range_size(&self, binder: &Binder) -> Result<usize, EvalError> {
        let problem = self.problem;
        let upper = match binder.upper.as_deref() {
            Some(u) => u,
            None => problem
                .upper_of(&binder.hint.0)
                .ok_or_else(|| EvalError::UnknownRange(format!("of `{}`", binder.hint.0)))?,
        };
        self.instance
            .size(upper)
            .ok_or_else(|| EvalError::UnknownRange(format!("`{upper}`")))
    }
}

/// The most distinct outer indices a memoised sum may mention.
pub(super) const CONTEXT: usize = 6;

/// An index a node mentions from outside itself: a free index, or the index of an enclosing sum
/// (0 for the innermost).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Outer<'a> {
    Free(&'a str),
    Bound(u32),
}

/// The distinct outer indices of a node, in the order they first occur.
#[derive(Clone, Copy, Debug)]
pub(super) struct Outers<'a> {
    pub(super) len: u8,
    pub(super) at: [Outer<'a>; CONTEXT],
}

impl<'a> Outers<'a> {
    pub(super) fn as_slice(&self) -> &[Outer<'a>] {
        &self.at[..usize::from(self.len)]
    }
}

/// What the evaluator knows of a sum node.
#[derive(Clone, Copy, Debug)]
pub(super) struct SumInfo<'a> {
    pub(super) outers: Outers<'a>,
    /// It mentions a symbol whose value depends on the assignment of the free indices.
    pub(super) per_free: bool,
}

/// The values of a node's [`Outers`] at one place it is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Context {
    pub(super) len: u8,
    pub(super) values: [usize; CONTEXT],
}

/// The outer indices of `e`: with the node itself (and the instance, the seed and the free
/// indices that definitions mention) their values fix its value. `None` when there are more
/// than [`CONTEXT`] of them.
pub(super) fn outer_indices(e: &Expr) -> Option<Outers<'_>> {
    let mut found = Outers {
        len: 0,
        at: [Outer::Bound(0); CONTEXT],
    };
    let fits = crate::syntax::index::all_indices(e, &mut |i, depth| {
        let outer = match i {
            Index::Bound(n) if *n < depth => return true,
            Index::Bound(n) => Outer::Bound(n - depth),
            Index::Free(name) => Outer::Free(name),
        };
        if found.as_slice().contains(&outer) {
            return true;
        }
        match found.at.get_mut(usize::from(found.len)) {
            Some(slot) => {
                *slot = outer;
                found.len += 1;
                true
            }
            None => false,
        }
    });
    fits.then_some(found)
}
