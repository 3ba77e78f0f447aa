//! `sigmoid`, `tanh` and `softplus` in arbitrary precision, through `exp(-|x|)` (never large)
//! and, for `log(1 + e)` with a small `e`, its series (where `1 + e` would round to 1).

use super::{Big, Dual, Precise, MAX_EXP_ARGUMENT};
use crate::syntax::expr::Func;

impl Precise<'_> {
    /// `f(a)` and its derivative by the chain rule, for `f` one of `sigmoid`, `tanh`,
    /// `softplus`; `None` for another function or an argument beyond [`MAX_EXP_ARGUMENT`].
    pub(super) fn logistic(&self, f: Func, a: Dual) -> Option<Dual> {
        let x = a.v.to_f64().value();
        if !x.is_finite() || x.abs() > MAX_EXP_ARGUMENT {
            return None;
        }
        let zero = self.num(Big::ZERO);
        let one = self.num(Big::ONE);
        let minus_abs = if a.v < zero {
            a.v.clone()
        } else {
            -a.v.clone()
        };
        // sigmoid(x) and sigmoid(-x) from e = exp(-|x|).
        let sigmoids = || {
            let e = minus_abs.exp();
            let d = one.clone() + e.clone();
            let (big, small) = (one.clone() / d.clone(), e / d);
            match a.v >= zero {
                true => (big, small),
                false => (small, big),
            }
        };
        let (v, slope) = match f {
            Func::Sigmoid => {
                let (s, c) = sigmoids();
                (s.clone(), s * c)
            }
            Func::Tanh => {
                let e = (self.num(Big::from(2)) * minus_abs.clone()).exp();
                let d = one.clone() + e.clone();
                let t = (one.clone() - e.clone()) / d.clone();
                let t = if a.v < zero { -t } else { t };
                (t, self.num(Big::from(4)) * e / (d.clone() * d))
            }
            Func::Softplus => {
                let tail = self.log1p_exp(minus_abs.clone(), x.abs());
                let v = if a.v > zero { a.v.clone() + tail } else { tail };
                (v, sigmoids().0)
            }
            _ => return None,
        };
        Some(Dual { v, d: slope * a.d })
    }

    /// `log(1 + exp(m))` for `m = -|x| <= 0`: the alternating series when `exp(m)` is below
    /// `exp(-20)`, with terms until the next is below the working precision.
    fn log1p_exp(&self, m: Big, magnitude: f64) -> Big {
        let e = m.exp();
        if magnitude <= 20.0 {
            return (self.num(Big::ONE) + e).ln();
        }
        // e^n / n < 2^-bits once n * |x| > bits * ln 2.
        let terms = (self.bits as f64 * std::f64::consts::LN_2 / magnitude).ceil() as i64 + 2;
        let mut total = self.num(Big::ZERO);
        let mut power = e.clone();
        for n in 1..=terms {
            let term = power.clone() / self.num(Big::from(n));
            total = if n % 2 == 1 {
                total + term
            } else {
                total - term
            };
            power *= e.clone();
        }
        total
    }
}
