//! When two values agree: the relative tolerance, the cancellation floor, and the bounds that
//! let the `f64` fast path decide a comparison.

use super::*;

/// The tolerances of the checker, all in one place.
///
/// Two values `a` (a line) and `b` (what it should equal) agree at a sample when
///
/// - `|a - b| <= rel * max(|a|, |b|)`: **relative** agreement, the rule everywhere. No absolute
///   tolerance applies to values of any size: `exp(-30) * x` and `2 * exp(-30) * x` differ.
/// - or `|a - b| <= cancellation * S`, where `S` is the larger **scale** of the two
///   ([`LogNum::scale_ln`]): the magnitude of the terms they were computed from before those
///   terms cancelled. This floor only matters where the exact value is 0 (or is smaller than
///   `cancellation` times the terms that cancelled to give it), so that `e^100 · (Σ_j p_j - 1)`,
///   whose evaluation leaves rounding noise of `1e-17 · e^100`, equals the exact 0 of a later
///   line. Without cancellation `S = max(|a|, |b|)` and the floor is far below the relative
///   tolerance.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tolerance {
    /// The relative tolerance.
    pub rel: f64,
    /// The floor, relative to the magnitude of the terms that cancelled.
    pub cancellation: f64,
}

impl Comparison {
    /// Unequal, but by less than [`UNDECIDED`] of the cancelled terms: a difference the fast
    /// evaluation cannot tell from rounding noise.
    pub fn undecided(&self) -> bool {
        !self.equal && self.cancel_error <= UNDECIDED
    }
}

impl Tolerance {
    /// The tolerance between lines of a derivation. Evaluation is in log space, so the relative
    /// error of a line is about `|log of its largest term| * 1e-16`; `1e-8` leaves a wide margin
    /// while any mathematically wrong step (differing at some instance by more than a part in
    /// 10^8) is caught. The cancellation floor of `1e-12` is about 5000 units in the last place
    /// of the cancelled terms.
    pub const STEP: Tolerance = Tolerance {
        rel: 1e-8,
        cancellation: 1e-12,
    };

    /// The tolerance between forward-mode and central-difference derivatives (a diagnostic:
    /// central differences lose about half the digits). The scale of a difference quotient is
    /// `|f| / h`, so the floor is about `1e-4 |f|` at the relative step `h = 1e-5`.
    pub const CROSS_CHECK: Tolerance = Tolerance {
        rel: 1e-4,
        cancellation: 1e-9,
    };

    /// Compares two values of the fast path ([`FastNum`]), giving a verdict only where it is
    /// clearly "equal": both exact zeros, or both non-zero with the relative error, plus a
    /// bound on the rounding of both evaluations ([`FAST_ROUNDING_ULPS`] units of their scales),
    /// at most `rel / FAST_MARGIN`. Then the log-space evaluation (whose own rounding is far
    /// smaller) finds them equal by the relative tolerance too, and the comparison is what
    /// [`Tolerance::compare`] would give up to the rounding of `f64`. `None` (a difference, a
    /// cancellation, a zero left by rounding) means: compare the log-space values instead.
    pub fn compare_fast(self, value: FastNum, expected: FastNum) -> Option<Comparison> {
        let (a, b) = (value.value(), expected.value());
        let exact_zero = |x: FastNum| x.value() == 0.0 && x.scale() == 0.0;
        if exact_zero(value) && exact_zero(expected) {
            return Some(Comparison {
                abs_error: 0.0,
                rel_error: 0.0,
                cancel_error: 0.0,
                ratio: 0.0,
                equal: true,
                by_floor: false,
            });
        }
        if a == 0.0 || b == 0.0 {
            return None;
        }
        let abs_error = (a - b).abs();
        let rel_error = abs_error / a.abs().max(b.abs());
        let unit = f64::EPSILON / 2.0;
        let rounding =
            FAST_ROUNDING_ULPS * unit * (value.scale() / a.abs() + expected.scale() / b.abs());
        if rel_error + rounding > self.rel / FAST_MARGIN {
            return None;
        }
        let cancel_error = abs_error / value.scale().max(expected.scale());
        Some(Comparison {
            abs_error,
            rel_error,
            cancel_error,
            ratio: (rel_error / self.rel).min(cancel_error / self.cancellation),
            equal: true,
            by_floor: false,
        })
    }

    /// Compares `value` with `expected`.
    pub fn compare(self, value: LogNum, expected: LogNum) -> Comparison {
        let diff = value.checked_sub(expected).ok();
        let scale = if value.ln_abs() >= expected.ln_abs() {
            value.abs()
        } else {
            expected.abs()
        };
        let abs_error = diff.map_or(f64::INFINITY, |d| d.abs().to_f64());
        // Ratios of log-space numbers: exact for any magnitudes (an `f64` division would
        // overflow or underflow at `e^±800`).
        let ratio_to = |ln_den: f64| match diff {
            Some(d) if d.is_zero() => 0.0,
            Some(d) => (d.ln_abs() - ln_den).exp(),
            None => f64::INFINITY,
        };
        let rel_error = if scale.is_zero() {
            0.0
        } else {
            ratio_to(scale.ln_abs())
        };
        let magnitude = value.scale_ln().max(expected.scale_ln());
        let cancel_error = ratio_to(magnitude);
        let by_rel = rel_error <= self.rel;
        let by_floor = !by_rel && cancel_error <= self.cancellation;
        Comparison {
            abs_error,
            rel_error,
            cancel_error,
            ratio: (rel_error / self.rel).min(cancel_error / self.cancellation),
            equal: by_rel || by_floor,
            by_floor,
        }
    }
}

/// How far inside the relative tolerance a fast-path comparison must be to be kept: its
/// relative error plus the rounding bound of both `f64` evaluations at most `rel / 10`, so that
/// the log-space evaluation, which differs from it by less than that bound, finds a relative
/// error below `rel` with a margin of ten.
pub const FAST_MARGIN: f64 = 10.0;

/// The rounding bound of a fast-path value, in units of `2^-53` of its scale: "a few thousand
/// units in the last place of the scale", as for [`LogNum`].
pub const FAST_ROUNDING_ULPS: f64 = 4096.0;

/// Above the cancellation floor but below this fraction of the cancelled terms, a difference
/// may still be rounding noise that the scale estimate missed: the fast evaluation cannot decide,
/// and the sample is re-evaluated in arbitrary precision ([`crate::check::eval_precise`]) before the
/// line is called false. A difference above it (a factor of 2 in a line without cancellation is
/// about 0.5) is false at once.
pub const UNDECIDED: f64 = 1e-4;

/// The outcome of one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// `|value - expected|` (infinite when beyond `f64`).
    pub abs_error: f64,
    /// `|value - expected| / max(|value|, |expected|)` (0 when both are 0).
    pub rel_error: f64,
    /// `|value - expected|` over the larger scale (the magnitude of the terms that cancelled).
    pub cancel_error: f64,
    /// How close to failing: `min(rel_error / tol.rel, cancel_error / tol.cancellation)`;
    /// above 1 fails.
    pub ratio: f64,
    /// Whether they agree within the tolerance.
    pub equal: bool,
    /// Whether they agree only by the cancellation floor (the relative error is too large).
    pub by_floor: bool,
}
