//! `sigmoid`, `tanh` and `softplus` on dual numbers, written with the [`Number`] operations
//! only (so their error bounds and log-space range come for free): every exponential taken is
//! `exp(-|x|) <= 1`, so nothing overflows at any argument, and `log(1 + e)` for a tiny `e` is
//! its series (where `1 + e` would round to 1).

use super::dual::Dual;
use super::number::{Number, NumberSum};
use super::EvalError;
use crate::syntax::expr::Func;

/// Below this `ln e`, `log(1 + e)` is taken as `e - e^2/2 + e^3/3` (the next term is under
/// `e^4 < 1e-40` relative).
const SERIES_BELOW_LN: f64 = -23.0;

fn total<N: Number>(terms: &[N]) -> Result<N, EvalError> {
    let mut s = N::Sum::EMPTY;
    for t in terms {
        s.push(*t);
    }
    s.finish()
}

fn times<N: Number>(a: N, r: f64) -> Result<N, EvalError> {
    a.checked_mul(N::from_f64(r)?)
}

/// `log(1 + e)` for `0 < e <= 1`.
fn log1p<N: Number>(e: N) -> Result<N, EvalError> {
    if e.ln_abs() < SERIES_BELOW_LN {
        let e2 = e.checked_mul(e)?;
        let series = total(&[
            e,
            times(e2, -0.5)?,
            e2.checked_mul(e)?.checked_div(N::from_f64(3.0)?)?,
        ])?;
        return Ok(series);
    }
    total(&[N::ONE, e])?.ln()
}

/// `(sigmoid(x), sigmoid(-x), exp(-|x|))`, both values without cancellation.
fn sigmoid_pair<N: Number>(x: N) -> Result<(N, N), EvalError> {
    let e = x.abs().neg().exp()?;
    let d = total(&[N::ONE, e])?;
    let (near_one, near_zero) = (N::ONE.checked_div(d)?, e.checked_div(d)?);
    Ok(match x.sign() >= 0 {
        true => (near_one, near_zero),
        false => (near_zero, near_one),
    })
}

/// `f(x)` and its derivative by the chain rule, for `f` one of `sigmoid`, `tanh`, `softplus`.
pub(super) fn logistic<N: Number>(x: Dual<N>, f: Func) -> Result<Dual<N>, EvalError> {
    let (v, slope) = match f {
        Func::Sigmoid => {
            let (s, c) = sigmoid_pair(x.v)?;
            (s, s.checked_mul(c)?)
        }
        Func::Tanh => {
            // tanh|x| = (1 - e)/(1 + e), 1 - tanh^2 = 4e/(1 + e)^2, with e = exp(-2|x|).
            let e = times(x.v.abs(), -2.0)?.exp()?;
            let d = total(&[N::ONE, e])?;
            let t = total(&[N::ONE, e.neg()])?.checked_div(d)?;
            let t = if x.v.sign() < 0 { t.neg() } else { t };
            (t, times(e, 4.0)?.checked_div(d.checked_mul(d)?)?)
        }
        Func::Softplus => {
            // softplus(x) = max(x, 0) + log(1 + exp(-|x|)).
            let tail = log1p(x.v.abs().neg().exp()?)?;
            let v = match x.v.sign() > 0 {
                true => total(&[x.v, tail])?,
                false => tail,
            };
            (v, sigmoid_pair(x.v)?.0)
        }
        // Not of the logistic family: the general evaluation.
        _ => return x.func(f),
    };
    Ok(Dual {
        v,
        d: slope.checked_mul(x.d)?,
    })
}
