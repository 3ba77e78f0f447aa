//! Exact rational numbers for symbolic work.
//!
//! Symbolic manipulation never uses floats: every number in an [`Expr`](crate::Expr) is a
//! [`Rational`] kept in lowest terms with a positive denominator. Arithmetic is checked: an
//! operation that would overflow returns `None`, and callers leave the expression unfolded.

use std::cmp::Ordering;
use std::fmt;

/// An exact rational number `num / den` in lowest terms, `den > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

impl Rational {
    /// Zero.
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    /// One.
    pub const ONE: Rational = Rational { num: 1, den: 1 };
    /// Minus one.
    pub const MINUS_ONE: Rational = Rational { num: -1, den: 1 };

    /// The integer `n`.
    pub fn int(n: i128) -> Rational {
        Rational { num: n, den: 1 }
    }

    /// `num / den` reduced to lowest terms; `None` when `den` is zero or on overflow.
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den);
        let (mut n, mut d) = (num / g, den / g);
        if d < 0 {
            n = n.checked_neg()?;
            d = d.checked_neg()?;
        }
        Some(Rational { num: n, den: d })
    }

    /// The numerator (carries the sign).
    pub fn numer(self) -> i128 {
        self.num
    }

    /// The denominator (always positive).
    pub fn denom(self) -> i128 {
        self.den
    }

    /// True when the number is an integer.
    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// True for one.
    pub fn is_one(self) -> bool {
        self.num == 1 && self.den == 1
    }

    /// True when strictly negative.
    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Rational) -> Option<Rational> {
        let num = self
            .num
            .checked_mul(other.den)?
            .checked_add(other.num.checked_mul(self.den)?)?;
        Rational::new(num, self.den.checked_mul(other.den)?)
    }

    /// `self * other`, `None` on overflow.
    pub fn checked_mul(self, other: Rational) -> Option<Rational> {
        let g1 = gcd(self.num, other.den);
        let g2 = gcd(other.num, self.den);
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        Rational::new(num, den)
    }

    /// `-self`, `None` on overflow.
    pub fn checked_neg(self) -> Option<Rational> {
        Some(Rational {
            num: self.num.checked_neg()?,
            den: self.den,
        })
    }

    /// `1 / self`, `None` for zero or on overflow.
    pub fn checked_recip(self) -> Option<Rational> {
        Rational::new(self.den, self.num)
    }

    /// `self ^ exp` for an integer exponent; `None` for `0 ^ negative` or on overflow.
    pub fn checked_pow(self, exp: i128) -> Option<Rational> {
        let base = if exp < 0 { self.checked_recip()? } else { self };
        let mut e = exp.unsigned_abs();
        if e > 256 {
            return None;
        }
        let mut acc = Rational::ONE;
        while e > 0 {
            acc = acc.checked_mul(base)?;
            e -= 1;
        }
        Some(acc)
    }

    /// The nearest `f64`.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Parses a decimal literal such as `12`, `0.5` or `3.25` exactly; `None` on overflow.
    pub fn parse_decimal(text: &str) -> Option<Rational> {
        let (int_part, frac_part) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        let digits = format!("{int_part}{frac_part}");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let num: i128 = digits.parse().ok()?;
        let den = 10i128.checked_pow(u32::try_from(frac_part.len()).ok()?)?;
        Rational::new(num, den)
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Self) -> Ordering {
        // Compare a/b with c/d as a*d with c*b, widening through f64 only on overflow.
        match (
            self.num.checked_mul(other.den),
            other.num.checked_mul(self.den),
        ) {
            (Some(l), Some(r)) => l.cmp(&r),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    // Only `gcd(i128::MIN, 0)` exceeds i128::MAX; treat it as 1 (no reduction).
    i128::try_from(a).ok().filter(|&g| g != 0).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_and_normalises_sign() {
        assert_eq!(Rational::new(2, -4), Rational::new(-1, 2));
        assert_eq!(Rational::new(1, 0), None);
        assert_eq!(Rational::new(0, 5), Some(Rational::ZERO));
    }

    #[test]
    fn arithmetic_is_exact_and_checked() {
        let half = Rational::new(1, 2).unwrap();
        let third = Rational::new(1, 3).unwrap();
        assert_eq!(half.checked_add(third), Rational::new(5, 6));
        assert_eq!(half.checked_mul(third), Rational::new(1, 6));
        assert_eq!(Rational::int(2).checked_pow(-2), Rational::new(1, 4));
        assert_eq!(Rational::ZERO.checked_pow(-1), None);
        assert_eq!(Rational::int(i128::MAX).checked_add(Rational::ONE), None);
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(Rational::parse_decimal("0.25"), Rational::new(1, 4));
        assert_eq!(Rational::parse_decimal("12"), Some(Rational::int(12)));
        assert_eq!(Rational::parse_decimal("1e5"), None);
        assert_eq!(Rational::parse_decimal(&"9".repeat(60)), None);
    }
}
