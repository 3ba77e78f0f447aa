//! A derivative inside a derivative, for the precise re-evaluation: the inner derivative by
//! forward mode as usual, its derivative with respect to the outer input by a central
//! difference taken at this evaluation's precision.
//!
//! The difference is taken at [`WIDER`] (first) times the evaluation's precision `bits`, with the step
//! `h = 2^-(WIDER·bits/3)`: the truncation error (of order `h²`) and the rounding error (of
//! order `2^-(WIDER·bits) / h`) are both about `2^-(2·WIDER·bits/3)` of the values involved
//! (below `1e-300` of the gradient's size at the first precision, so a second derivative far
//! smaller than the gradient, as at extreme logits, is still resolved), and they shrink by far
//! more than the `2^(PRECISE_BITS/2)` by which [`super::agree_precisely`] recognises noise
//! around an exact 0 when the precision doubles.
//! A third nesting is not evaluated here (`None`: the fast verdict stands).

use super::{abs, Big, Dual, Env, Precise};
use crate::syntax::expr::{Expr, Name, Symbol};

/// How many times the evaluation's precision the central difference is computed at: the next
/// is tried when the slope is not far above the difference's noise (a second derivative much
/// smaller than the first, as at extreme logits).
const WIDER: [usize; 3] = [8, 24, 64];

impl Precise<'_> {
    /// `d(f)/d(x)` met while seeded at an outer input: its value and its derivative with
    /// respect to that input.
    pub(super) fn derivative_under_seed(
        &mut self,
        f: &Expr,
        x: &Symbol,
        env: &Env,
    ) -> Option<Dual> {
        if self.offset.is_some() {
            return None;
        }
        let outer = self.seed.take()?;
        let saved = std::mem::take(&mut self.memo);
        let saved_sums = std::mem::take(&mut self.sums);
        let v = self.first_derivative(f, x, env);
        let bits = self.bits;
        let mut d = None;
        for wider in WIDER {
            self.bits = bits * wider;
            let h = self.num(Big::ONE) / self.num(Big::from(2).powi((self.bits / 3).into()));
            let at = |this: &mut Self, offset: Big| {
                this.offset = Some((outer.clone(), offset));
                this.memo.clear();
                this.sums.clear();
                this.first_derivative(f, x, env)
            };
            let (Some(up), Some(down)) = (at(self, h.clone()), at(self, -h.clone())) else {
                break;
            };
            let slope = (up.clone() - down) / (self.num(Big::from(2)) * h.clone());
            // The noise is about `h²` of the values: a slope far above it is resolved.
            let resolved = abs(&slope) >= h.clone() * abs(&up);
            d = Some(slope);
            if resolved {
                break;
            }
        }
        self.bits = bits;
        self.offset = None;
        self.memo = saved;
        self.sums = saved_sums;
        self.seed = Some(outer);
        Some(Dual {
            v: v?,
            d: self.num(d?),
        })
    }

    /// The entry `name[idx]` with the offset added, when it is the offset entry.
    pub(super) fn offset_at(&mut self, name: Name, idx: &[usize]) -> Option<Dual> {
        let ((at_name, at_idx), _) = self.offset.as_ref()?;
        if at_name.as_str() != &*name || at_idx != idx {
            return None;
        }
        let offset = self.offset.take()?;
        let base = self.entry(name, idx);
        let shifted = base.map(|b| Dual {
            v: b.v + offset.1.clone(),
            d: self.num(Big::ZERO),
        });
        self.offset = Some(offset);
        shifted
    }
}
