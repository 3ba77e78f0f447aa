//! Exact rational numbers for symbolic work.
//!
//! Symbolic manipulation never uses floats: every number in an [`Expr`](crate::Expr) is a
//! [`Rational`] of arbitrary precision (a `num-rational` big rational) kept in lowest terms with a
//! positive denominator. Every operation is exact; none overflows or rounds. So that no input
//! can make exact arithmetic hang or exhaust memory (`2^(10^30)`, a product of a thousand
//! 2,000-digit literals), every number is kept within [`MAX_EXACT_BITS`] bits: an operation
//! whose result could be larger returns `None` and the caller leaves the numbers apart (a power
//! stays symbolic, two numbers stay two factors). That is exact, only less simplified.

use num_bigint::{BigInt, Sign};
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::fmt;
use std::ops::Neg;

/// The most bits the numerator or denominator of any number may have (about 2,466 decimal
/// digits): the one place that bounds how large exact arithmetic may grow. A literal that is
/// larger is a parse error; a sum, product or power whose exact value could be larger is left
/// unevaluated.
pub const MAX_EXACT_BITS: u64 = 8192;

/// An exact rational number `num / den` in lowest terms, `den > 0`, of any size.
///
/// Equality, hashing and ordering are those of the value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rational(BigRational);

impl Rational {
    /// Zero.
    pub fn zero() -> Rational {
        Rational(BigRational::zero())
    }

    /// One.
    pub fn one() -> Rational {
        Rational(BigRational::one())
    }

    /// Minus one.
    pub fn minus_one() -> Rational {
        Rational::int(-1)
    }

    /// The integer `n`.
    pub fn int(n: i128) -> Rational {
        Rational(BigRational::from_integer(BigInt::from(n)))
    }

    /// `num / den` reduced to lowest terms; `None` when `den` is zero.
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        Rational::from_bigs(BigInt::from(num), BigInt::from(den))
    }

    /// `num / den` of big integers reduced to lowest terms; `None` when `den` is zero.
    fn from_bigs(num: BigInt, den: BigInt) -> Option<Rational> {
        (!den.is_zero()).then(|| Rational(BigRational::new(num, den)))
    }

    /// The numerator as an integer (it carries the sign).
    pub fn numer(&self) -> Rational {
        Rational(BigRational::from_integer(self.0.numer().clone()))
    }

    /// The denominator as an integer (always positive).
    pub fn denom(&self) -> Rational {
        Rational(BigRational::from_integer(self.0.denom().clone()))
    }

    /// The value as an `i64`, when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        self.is_integer().then(|| self.0.numer().to_i64()).flatten()
    }

    /// True when the number is an integer.
    pub fn is_integer(&self) -> bool {
        self.0.is_integer()
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// True for one.
    pub fn is_one(&self) -> bool {
        self.0.is_one()
    }

    /// True when strictly negative.
    pub fn is_negative(&self) -> bool {
        self.0.is_negative()
    }

    /// True when strictly positive.
    pub fn is_positive(&self) -> bool {
        self.0.is_positive()
    }

    /// The sign: -1, 0 or 1.
    pub fn signum(&self) -> i8 {
        match self.0.numer().sign() {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        }
    }

    /// The size in bits of the larger of numerator and denominator.
    pub fn bits(&self) -> u64 {
        self.0.numer().bits().max(self.0.denom().bits())
    }

    /// `self + other`; `None` when the result could need more than [`MAX_EXACT_BITS`] bits
    /// (the caller leaves the numbers apart: exact, only less simplified).
    pub fn checked_add(&self, other: &Rational) -> Option<Rational> {
        // a/b + c/d = (a*d + c*b) / (b*d), before reduction.
        let (a, b) = (self.0.numer().bits(), self.0.denom().bits());
        let (c, d) = (other.0.numer().bits(), other.0.denom().bits());
        let fits = (a + d).max(c + b) < MAX_EXACT_BITS && b + d <= MAX_EXACT_BITS;
        fits.then(|| Rational(&self.0 + &other.0))
    }

    /// `self - other`, bounded as [`Rational::checked_add`].
    pub fn checked_sub(&self, other: &Rational) -> Option<Rational> {
        self.checked_add(&-other)
    }

    /// `self * other`; `None` when the result could need more than [`MAX_EXACT_BITS`] bits.
    pub fn checked_mul(&self, other: &Rational) -> Option<Rational> {
        let (a, b) = (self.0.numer().bits(), self.0.denom().bits());
        let (c, d) = (other.0.numer().bits(), other.0.denom().bits());
        let fits = a + c <= MAX_EXACT_BITS && b + d <= MAX_EXACT_BITS;
        if !fits {
            return None;
        }
        // A factor of one (every product's starting coefficient) needs no multiplication and no
        // normalisation: the other operand is already in lowest terms.
        if self.is_one() {
            return Some(other.clone());
        }
        if other.is_one() {
            return Some(self.clone());
        }
        Some(Rational(&self.0 * &other.0))
    }

    /// `1 / self`; `None` for zero.
    pub fn recip(&self) -> Option<Rational> {
        (!self.is_zero()).then(|| Rational(self.0.recip()))
    }

    /// `self ^ exp` for an integer `exp`. `None` when `exp` is not an integer, for `0 ^ negative`
    /// (undefined), and when the exact result would need more than [`MAX_EXACT_BITS`] bits:
    /// the caller then keeps the power unevaluated.
    pub fn checked_pow(&self, exp: &Rational) -> Option<Rational> {
        if !exp.is_integer() {
            return None;
        }
        let e = exp.0.numer();
        if e.is_zero() {
            return Some(Rational::one());
        }
        let base = if e.is_negative() {
            self.recip()?
        } else {
            self.clone()
        };
        // 0, 1 and -1 stay small whatever the exponent.
        if base.is_zero() || base.is_one() {
            return Some(base);
        }
        if base == Rational::minus_one() {
            return Some(match e.bit(0) {
                true => base,
                false => Rational::one(),
            });
        }
        // Each of numerator and denominator has at least `bits - 1` significant bits, so the
        // power's larger part has at least `(bits - 1) * |e| + 1` bits.
        let bits = base.0.numer().bits().max(base.0.denom().bits());
        let n = e.magnitude().to_u64()?;
        if (bits - 1).checked_mul(n)? >= MAX_EXACT_BITS {
            return None;
        }
        let n = u32::try_from(n).ok()?;
        Some(Rational(num_traits::pow(base.0, n as usize)))
    }

    /// The nearest `f64`, correctly rounded for numerator and denominator of any size. A value
    /// beyond the `f64` range gives `±inf`, one below the smallest subnormal gives `±0`: use
    /// [`Rational::ln_abs_parts`] to keep such values in log space.
    pub fn to_f64(&self) -> f64 {
        // num-rational's conversion of a big rational always gives a value; NaN (which no
        // comparison accepts) would only stand for a conversion it refused.
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// `(ln |numerator|, ln denominator)`, each within an ulp or so whatever their size
    /// (`-inf` for the numerator of zero, `0` exactly for a part equal to 1).
    pub fn ln_abs_parts(&self) -> (f64, f64) {
        (
            ln_abs_integer(self.0.numer()),
            ln_abs_integer(self.0.denom()),
        )
    }

    /// Parses a decimal literal such as `12`, `0.5` or `3.25` exactly; `None` when it is not one
    /// or has so many digits that it would need more than [`MAX_EXACT_BITS`] bits.
    pub fn parse_decimal(text: &str) -> Option<Rational> {
        let (int_part, frac_part) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        let digits = format!("{int_part}{frac_part}");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Each decimal digit is log2(10) bits: refuse what exceeds the limit before converting.
        if digits.len() as f64 * std::f64::consts::LOG2_10 > MAX_EXACT_BITS as f64 {
            return None;
        }
        let num: BigInt = digits.parse().ok()?;
        let den = num_traits::pow(BigInt::from(10), frac_part.len());
        Rational::from_bigs(num, den)
    }
}

/// `ln |n|`: through `f64` while `n` is within its range, else from its leading 64 bits.
fn ln_abs_integer(n: &BigInt) -> f64 {
    if n.is_zero() {
        return f64::NEG_INFINITY;
    }
    if n.magnitude().is_one() {
        return 0.0;
    }
    let bits = n.bits();
    if bits <= 1000 {
        return n.magnitude().to_f64().map_or(f64::NAN, f64::ln);
    }
    let shift = bits - 64;
    let top = (n.magnitude() >> shift).to_f64().map_or(f64::NAN, f64::ln);
    top + shift as f64 * std::f64::consts::LN_2
}

impl Neg for &Rational {
    type Output = Rational;
    fn neg(self) -> Rational {
        Rational(-&self.0)
    }
}

impl Neg for Rational {
    type Output = Rational;
    fn neg(self) -> Rational {
        Rational(-self.0)
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_integer() {
            write!(f, "{}", self.0.numer())
        } else {
            write!(f, "{}/{}", self.0.numer(), self.0.denom())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    /// `10^n` as a rational, built by repeated multiplication (not by the code under test).
    fn ten_to(n: u32) -> Rational {
        (0..n).fold(Rational::one(), |acc, _| {
            acc.checked_mul(&Rational::int(10)).unwrap()
        })
    }

    #[test]
    fn reduces_and_normalises_sign() {
        assert_eq!(Rational::new(2, -4), Rational::new(-1, 2));
        assert_eq!(Rational::new(1, 0), None);
        assert_eq!(Rational::new(0, 5), Some(Rational::zero()));
        assert_eq!(
            Rational::new(i128::MIN, -1).unwrap().to_string(),
            "170141183460469231731687303715884105728"
        );
    }

    #[test]
    fn arithmetic_is_exact() {
        let (half, third) = (r(1, 2), r(1, 3));
        assert_eq!(half.checked_add(&third), Some(r(5, 6)));
        assert_eq!(half.checked_mul(&third), Some(r(1, 6)));
        assert_eq!(half.checked_sub(&third), Some(r(1, 6)));
        assert_eq!(
            Rational::int(2).checked_pow(&Rational::int(-2)),
            Rational::new(1, 4)
        );
        assert_eq!(Rational::zero().checked_pow(&Rational::int(-1)), None);
        // Where i128 overflowed, the sum is exact.
        let max = Rational::int(i128::MAX);
        let sum = max.checked_add(&Rational::one()).unwrap();
        assert_eq!(sum.to_string(), "170141183460469231731687303715884105728");
        assert_eq!(-&Rational::int(i128::MIN), sum);
        // Beyond MAX_EXACT_BITS, nothing is computed.
        let big = Rational::int(2).checked_pow(&Rational::int(5000)).unwrap();
        assert_eq!(big.bits(), 5001);
        assert!(big.checked_mul(&big).is_none());
        assert_eq!(big.checked_add(&big).map(|x| x.bits()), Some(5002));
        let bigger = big.checked_mul(&Rational::int(2).checked_pow(&Rational::int(3000)).unwrap());
        assert_eq!(bigger.as_ref().map(Rational::bits), Some(8001));
        assert!(bigger.unwrap().checked_add(&big.recip().unwrap()).is_none());
        assert_eq!(
            big.checked_mul(&Rational::int(3)).map(|x| x.bits()),
            Some(5002)
        );
    }

    #[test]
    fn a_product_with_one_is_the_other_operand_within_the_same_bound() {
        let one = Rational::one();
        for x in [
            r(-3, 7),
            r(5, 1),
            Rational::zero(),
            ten_to(40).recip().unwrap(),
        ] {
            assert_eq!(one.checked_mul(&x), Some(x.clone()));
            assert_eq!(x.checked_mul(&one), Some(x.clone()));
            assert_eq!(
                x.checked_mul(&one).map(|p| p.to_string()),
                Some(x.to_string())
            );
        }
        // The shortcut for one comes after the size check: a number whose numerator already has
        // MAX_EXACT_BITS bits is not multiplied, not even by one (as before the shortcut).
        let at_limit = Rational::int(2)
            .checked_pow(&Rational::int(i128::from(MAX_EXACT_BITS) - 1))
            .unwrap();
        assert_eq!(at_limit.bits(), MAX_EXACT_BITS);
        assert_eq!(at_limit.checked_mul(&one), None);
        assert_eq!(one.checked_mul(&at_limit), None);
    }

    #[test]
    fn powers_stay_within_the_limit() {
        let huge = ten_to(30);
        assert_eq!(Rational::int(2).checked_pow(&huge), None);
        assert_eq!(r(3, 7).checked_pow(&ten_to(20)), None);
        assert_eq!(Rational::one().checked_pow(&huge), Some(Rational::one()));
        assert_eq!(
            Rational::minus_one().checked_pow(&huge),
            Some(Rational::one())
        );
        let odd = huge.checked_add(&Rational::one()).unwrap();
        assert_eq!(
            Rational::minus_one().checked_pow(&odd),
            Some(Rational::minus_one())
        );
        assert_eq!(Rational::zero().checked_pow(&huge), Some(Rational::zero()));
        assert_eq!(
            Rational::int(10).checked_pow(&Rational::int(40)),
            Some(ten_to(40))
        );
        assert_eq!(Rational::int(2).checked_pow(&r(1, 2)), None);
    }

    #[test]
    fn floats_are_right_for_huge_and_tiny_values() {
        assert_eq!(ten_to(400).to_f64(), f64::INFINITY);
        let ratio = ten_to(400)
            .checked_mul(&ten_to(399).recip().unwrap())
            .unwrap();
        assert_eq!(ratio.to_f64(), 10.0);
        assert_eq!(ten_to(300).to_f64(), 1e300);
        assert_eq!(ten_to(300).recip().unwrap().to_f64(), 1e-300);
        assert_eq!(r(1, 3).to_f64(), 1.0 / 3.0);
        // Subnormal results are representable, and kept; below them is 0.
        assert_eq!(ten_to(310).recip().unwrap().to_f64(), 1e-310);
        assert_eq!(ten_to(400).recip().unwrap().to_f64(), 0.0);
        let third_of_huge = ten_to(400).checked_mul(&r(1, 3)).unwrap();
        let ratio = third_of_huge
            .checked_mul(&ten_to(100).recip().unwrap())
            .unwrap();
        assert_eq!(ratio.to_f64(), 1e300 / 3.0);
        let (n, d) = ten_to(1000).recip().unwrap().ln_abs_parts();
        assert_eq!(n, 0.0);
        assert!((d - 1000.0 * std::f64::consts::LN_10).abs() < 1e-9 * d);
        let (n, _) = (-&ten_to(500)).ln_abs_parts();
        assert!((n - 500.0 * std::f64::consts::LN_10).abs() < 1e-9 * n);
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(Rational::parse_decimal("0.25"), Rational::new(1, 4));
        assert_eq!(Rational::parse_decimal("12"), Some(Rational::int(12)));
        assert_eq!(Rational::parse_decimal("1e5"), None);
        assert_eq!(
            Rational::parse_decimal(&"9".repeat(60)).map(|x| x.to_string()),
            Some("9".repeat(60))
        );
        assert_eq!(
            Rational::parse_decimal(&"9".repeat(2466)).map(|x| x.to_string().len()),
            Some(2466)
        );
        assert_eq!(Rational::parse_decimal(&"9".repeat(2467)), None);
    }
}
