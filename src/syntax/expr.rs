//! The expression tree and its smart constructors.
//!
//! One tree holds every formula gradproof manipulates: exact numbers, plain and indexed symbols,
//! n-ary sums and products, powers, `exp`/`log`/`sqrt`, Kronecker deltas, sums over a bound index
//! and unevaluated partial derivatives.
//!
//! The representation is semi-canonical, so that rules have few shapes to look at:
//! - subtraction `a - b` is `a + (-1)*b`, unary minus `-x` is `(-1)*x`;
//! - division `a / b` is `a * b^(-1)`;
//! - `Add` and `Mul` are flattened, numbers in a product are folded into one leading coefficient,
//!   numbers in a sum into one term; `x^1` is `x`.
//!
//! The printers turn these shapes back into `a - b`, `-x` and fractions. Bound indices are
//! locally nameless (see [`crate::syntax::index`]): derived equality is equality up to renaming.
//!
//! Children are shared: a node holds its subexpressions as [`Node`] and [`List`] handles
//! (see [`crate::syntax::shared`]), which store their structural hash and size. Cloning a tree
//! copies one node; hashing and `size` read the stored values instead of walking the tree.

pub use crate::syntax::name::Name;
use crate::syntax::rational::Rational;
pub use crate::syntax::shared::{List, Node};
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// One subscript position of a symbol or delta: a free index by name, or a bound one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Index {
    /// A free index such as the `k` of `s_k`.
    Free(Name),
    /// A bound index: the de Bruijn index of its `Sum` (0 is the innermost enclosing sum).
    Bound(u32),
}

impl Index {
    /// A free index named `name`.
    pub fn free(name: &str) -> Index {
        Index::Free(Name::new(name))
    }
}

/// A plain (`L`, `eps`) or indexed (`s_k`, `c_{k,d}`) symbol.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Symbol {
    /// The symbol's name without subscripts.
    pub name: Name,
    /// Its subscripts, empty for a plain symbol.
    pub indices: Vec<Index>,
}

impl Symbol {
    /// A plain symbol.
    pub fn plain(name: &str) -> Symbol {
        Symbol {
            name: Name::new(name),
            indices: Vec::new(),
        }
    }

    /// A symbol with free indices named by `indices`.
    pub fn indexed(name: &str, indices: &[&str]) -> Symbol {
        Symbol {
            name: Name::new(name),
            indices: indices.iter().map(|i| Index::free(i)).collect(),
        }
    }
}

/// The elementary functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Func {
    /// The exponential.
    Exp,
    /// The natural logarithm.
    Log,
    /// The square root.
    Sqrt,
    /// The logistic function `1/(1 + exp(-x))`.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// `log(1 + exp(x))`.
    Softplus,
    /// The Iverson bracket `[u > 0]`: 1 where the argument is positive, 0 elsewhere (see
    /// [`crate::syntax::piecewise`]).
    IsPositive,
    /// The Iverson bracket `[u >= 0]`.
    IsNonNegative,
    /// The Iverson bracket `[u < 0]`.
    IsNegative,
    /// The Iverson bracket `[u <= 0]`.
    IsNonPositive,
}

impl Func {
    /// The name used in the input syntax.
    pub fn name(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sqrt => "sqrt",
            Func::Sigmoid => "sigmoid",
            Func::Tanh => "tanh",
            Func::Softplus => "softplus",
            Func::IsPositive | Func::IsNonNegative | Func::IsNegative | Func::IsNonPositive => {
                "bracket"
            }
        }
    }

    /// For an Iverson bracket `[u REL 0]`, the relation as written in the input syntax
    /// (`>`, `>=`, `<`, `<=`); `None` for the other functions.
    pub fn relation(self) -> Option<&'static str> {
        match self {
            Func::IsPositive => Some(">"),
            Func::IsNonNegative => Some(">="),
            Func::IsNegative => Some("<"),
            Func::IsNonPositive => Some("<="),
            _ => None,
        }
    }

    /// The Iverson bracket `[u REL 0]` for the relation `rel` (`>`, `>=`, `<`, `<=`).
    pub fn bracket(rel: &str) -> Option<Func> {
        match rel {
            ">" => Some(Func::IsPositive),
            ">=" => Some(Func::IsNonNegative),
            "<" => Some(Func::IsNegative),
            "<=" => Some(Func::IsNonPositive),
            _ => None,
        }
    }

    /// True for an Iverson bracket.
    pub fn is_bracket(self) -> bool {
        self.relation().is_some()
    }

    /// The bracket of the negated condition (`[u > 0]` and `[u <= 0]`, `[u >= 0]` and
    /// `[u < 0]`), which sums with this one to 1; `None` for the other functions.
    pub fn complement(self) -> Option<Func> {
        match self {
            Func::IsPositive => Some(Func::IsNonPositive),
            Func::IsNonPositive => Some(Func::IsPositive),
            Func::IsNonNegative => Some(Func::IsNegative),
            Func::IsNegative => Some(Func::IsNonNegative),
            _ => None,
        }
    }

    /// The bracket of the same condition on the negated argument (`[u < 0] = [-u > 0]`);
    /// `None` for the other functions.
    pub fn mirrored(self) -> Option<Func> {
        match self {
            Func::IsPositive => Some(Func::IsNegative),
            Func::IsNegative => Some(Func::IsPositive),
            Func::IsNonNegative => Some(Func::IsNonPositive),
            Func::IsNonPositive => Some(Func::IsNonNegative),
            _ => None,
        }
    }

    /// Does the condition `[v REL 0]` hold for a value of sign `sign` (-1, 0, 1)? `None` for
    /// the other functions.
    pub fn holds_at_sign(self, sign: i8) -> Option<bool> {
        Some(match self {
            Func::IsPositive => sign > 0,
            Func::IsNonNegative => sign >= 0,
            Func::IsNegative => sign < 0,
            Func::IsNonPositive => sign <= 0,
            _ => return None,
        })
    }

    /// The function with this input-syntax name.
    pub fn from_name(name: &str) -> Option<Func> {
        match name {
            "exp" => Some(Func::Exp),
            "log" => Some(Func::Log),
            "sqrt" => Some(Func::Sqrt),
            "sigmoid" => Some(Func::Sigmoid),
            "tanh" => Some(Func::Tanh),
            "softplus" => Some(Func::Softplus),
            _ => None,
        }
    }
}

/// The user's letter for a bound index. It is only a printing hint: all hints compare equal, so
/// `sum_j q_j == sum_i q_i`.
#[derive(Clone, Debug, Serialize)]
pub struct Hint(pub Name);

impl PartialEq for Hint {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Hint {}
impl Hash for Hint {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}
impl PartialOrd for Hint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Hint {
    fn cmp(&self, _: &Self) -> Ordering {
        Ordering::Equal
    }
}

/// What a `Sum` binds: the printing hint and the upper end of the range `1..upper`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Binder {
    /// The letter the user wrote (`j` in `sum_j`).
    pub hint: Hint,
    /// The plain symbol naming the upper end of the range (`K` in `1..K`), when known.
    pub upper: Option<Name>,
}

impl Binder {
    /// A binder with letter `hint` and upper end `upper`, if known.
    pub fn new(hint: &str, upper: Option<&str>) -> Binder {
        Binder {
            hint: Hint(Name::new(hint)),
            upper: upper.map(Name::new),
        }
    }
}

/// A mathematical expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Expr {
    /// An exact rational number.
    Num(Rational),
    /// A plain or indexed symbol.
    Sym(Symbol),
    /// A sum of two or more terms.
    Add(List),
    /// A product of two or more factors; a numeric coefficient, if any, comes first.
    Mul(List),
    /// `base ^ exponent`.
    Pow(Node, Node),
    /// `exp`, `log` or `sqrt` of an argument.
    Func(Func, Node),
    /// The Kronecker delta of two indices.
    Delta(Index, Index),
    /// `sum_j body`: the body refers to the bound index as `Index::Bound(0)`.
    Sum(Binder, Node),
    /// The unevaluated partial derivative `d(F)/d(x)`.
    Deriv(Node, Symbol),
}

impl Serialize for Rational {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl Expr {
    /// The integer `n`.
    pub fn int(n: i128) -> Expr {
        Expr::Num(Rational::int(n))
    }

    /// Zero.
    pub fn zero() -> Expr {
        Expr::Num(Rational::zero())
    }

    /// One.
    pub fn one() -> Expr {
        Expr::Num(Rational::one())
    }

    /// A symbol expression.
    pub fn sym(symbol: Symbol) -> Expr {
        Expr::Sym(symbol)
    }

    /// A plain symbol expression such as `L`.
    pub fn plain(name: &str) -> Expr {
        Expr::Sym(Symbol::plain(name))
    }

    /// An indexed symbol with free indices, such as `s_k`.
    pub fn indexed(name: &str, indices: &[&str]) -> Expr {
        Expr::Sym(Symbol::indexed(name, indices))
    }

    /// The number, if this is one.
    pub fn as_num(&self) -> Option<Rational> {
        match self {
            Expr::Num(r) => Some(r.clone()),
            _ => None,
        }
    }

    /// The number, borrowed, if this is one.
    pub fn num(&self) -> Option<&Rational> {
        match self {
            Expr::Num(r) => Some(r),
            _ => None,
        }
    }

    /// True for the number zero.
    pub fn is_zero(&self) -> bool {
        matches!(self, Expr::Num(r) if r.is_zero())
    }

    /// True for the number one.
    pub fn is_one(&self) -> bool {
        matches!(self, Expr::Num(r) if r.is_one())
    }

    /// The immediate children, in order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => Vec::new(),
            Expr::Add(xs) | Expr::Mul(xs) => xs.iter().collect(),
            Expr::Pow(b, e) => vec![&**b, &**e],
            Expr::Func(_, a) | Expr::Sum(_, a) | Expr::Deriv(a, _) => vec![&**a],
        }
    }

    /// The immediate children, in the order of [`Expr::children`], without allocating.
    pub fn iter_children(&self) -> impl Iterator<Item = &Expr> {
        let (many, first, second): (&[Expr], Option<&Expr>, Option<&Expr>) = match self {
            Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => (&[], None, None),
            Expr::Add(xs) | Expr::Mul(xs) => (xs, None, None),
            Expr::Pow(b, e) => (&[], Some(&**b), Some(&**e)),
            Expr::Func(_, a) | Expr::Sum(_, a) | Expr::Deriv(a, _) => (&[], Some(&**a), None),
        };
        many.iter().chain(first).chain(second)
    }

    /// Edits the `i`-th immediate child with `f` (copy on write: a shared child is copied first;
    /// for a sum or product, the list of items, one node each); `None` when there is no such
    /// child. The edited node keeps its kind: the smart
    /// constructors are not applied (see [`crate::syntax::edit::rebuild`]).
    pub fn update_child<R>(&mut self, i: usize, f: impl FnOnce(&mut Expr) -> R) -> Option<R> {
        match self {
            Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => None,
            Expr::Add(xs) | Expr::Mul(xs) => xs.update_item(i, f),
            Expr::Pow(b, e) => match i {
                0 => Some(b.update(f)),
                1 => Some(e.update(f)),
                _ => None,
            },
            Expr::Func(_, a) | Expr::Sum(_, a) | Expr::Deriv(a, _) => (i == 0).then(|| a.update(f)),
        }
    }

    /// Edits every immediate child with `f`, in the order of [`Expr::children`] (as
    /// [`Expr::update_child`] does one).
    pub fn update_children(&mut self, mut f: impl FnMut(&mut Expr)) {
        match self {
            Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => {}
            Expr::Add(xs) | Expr::Mul(xs) => xs.update_items(f),
            Expr::Pow(b, e) => {
                b.update(&mut f);
                e.update(f);
            }
            Expr::Func(_, a) | Expr::Sum(_, a) | Expr::Deriv(a, _) => a.update(f),
        }
    }

    /// The number of nodes in the tree: the children's sizes are stored in them, so this costs
    /// no walk (the engine asks after every firing).
    pub fn size(&self) -> usize {
        match self {
            Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => 1,
            Expr::Add(xs) | Expr::Mul(xs) => 1 + xs.total_size(),
            Expr::Pow(b, e) => 1 + b.size() + e.size(),
            Expr::Func(_, a) | Expr::Sum(_, a) | Expr::Deriv(a, _) => 1 + a.size(),
        }
    }

    /// The depth of the tree (a leaf has depth 1).
    pub fn depth(&self) -> usize {
        1 + self.iter_children().map(Expr::depth).max().unwrap_or(0)
    }

    /// Splits a product into its numeric coefficient and the other factors
    /// (`-2*x*y` gives `(-2, [x, y])`, `x` gives `(1, [x])`).
    pub fn coefficient_and_rest(&self) -> (Rational, Vec<Expr>) {
        match self {
            Expr::Num(r) => (r.clone(), Vec::new()),
            Expr::Mul(xs) => match xs.first() {
                Some(Expr::Num(r)) => (r.clone(), xs[1..].to_vec()),
                _ => (Rational::one(), xs.to_vec()),
            },
            other => (Rational::one(), vec![other.clone()]),
        }
    }

    /// The numeric coefficient of a product (the number itself for a number, 1 for anything
    /// else): the first part of [`Expr::coefficient_and_rest`], without copying the rest.
    pub fn coefficient(&self) -> Rational {
        match self {
            Expr::Num(r) => r.clone(),
            Expr::Mul(xs) => match xs.first() {
                Some(Expr::Num(r)) => r.clone(),
                _ => Rational::one(),
            },
            _ => Rational::one(),
        }
    }

    /// The non-numeric factors of a product, borrowed: the second part of
    /// [`Expr::coefficient_and_rest`].
    pub fn rest_factors(&self) -> &[Expr] {
        match self {
            Expr::Num(_) => &[],
            Expr::Mul(xs) => match xs.first() {
                Some(Expr::Num(_)) => &xs[1..],
                _ => xs,
            },
            other => std::slice::from_ref(other),
        }
    }

    /// The factors of a product (`[self]` for anything else).
    pub fn factors(&self) -> Vec<Expr> {
        match self {
            Expr::Mul(xs) => xs.to_vec(),
            other => vec![other.clone()],
        }
    }

    /// The terms of a sum (`[self]` for anything else).
    pub fn terms(&self) -> Vec<Expr> {
        match self {
            Expr::Add(xs) => xs.to_vec(),
            other => vec![other.clone()],
        }
    }

    /// Splits `base^exponent` (anything else is `self^1`).
    pub fn base_and_exponent(&self) -> (Expr, Expr) {
        match self {
            Expr::Pow(b, e) => ((**b).clone(), (**e).clone()),
            other => (other.clone(), Expr::one()),
        }
    }

    /// True when the expression contains an unevaluated derivative.
    pub fn has_deriv(&self) -> bool {
        matches!(self, Expr::Deriv(..)) || self.iter_children().any(Expr::has_deriv)
    }

    /// Pushes onto `out` the name of every symbol occurrence, derivative variables included, in
    /// tree order (with repeats).
    pub fn symbol_names<'e>(&'e self, out: &mut Vec<&'e str>) {
        match self {
            Expr::Sym(s) => out.push(&s.name),
            Expr::Deriv(f, x) => {
                out.push(&x.name);
                f.symbol_names(out);
            }
            _ => self.iter_children().for_each(|c| c.symbol_names(out)),
        }
    }

    /// True when some symbol named `name` occurs.
    pub fn mentions_symbol(&self, name: &str) -> bool {
        match self {
            Expr::Sym(s) => s.name == name,
            Expr::Deriv(f, x) => x.name == name || f.mentions_symbol(name),
            _ => self.iter_children().any(|c| c.mentions_symbol(name)),
        }
    }
}

/// The sum of `terms`: flattened, numbers folded into one term, zeros dropped. Numbers whose
/// exact sum could exceed [`crate::syntax::rational::MAX_EXACT_BITS`] stay separate terms.
pub fn add(terms: Vec<Expr>) -> Expr {
    let mut out: Vec<Expr> = Vec::with_capacity(terms.len());
    let mut constant: Option<usize> = None;
    let mut push = |t: Expr, out: &mut Vec<Expr>| match (t, constant) {
        (Expr::Num(r), _) if r.is_zero() => {}
        (Expr::Num(r), Some(at)) => {
            let sum = out[at].num().and_then(|c| c.checked_add(&r));
            match sum {
                Some(sum) => out[at] = Expr::Num(sum),
                None => out.push(Expr::Num(r)),
            }
        }
        (Expr::Num(r), None) => {
            constant = Some(out.len());
            out.push(Expr::Num(r));
        }
        (other, _) => out.push(other),
    };
    for t in terms {
        match t {
            Expr::Add(inner) => inner.into_iter().for_each(|x| push(x, &mut out)),
            other => push(other, &mut out),
        }
    }
    if let Some(at) = constant {
        fold_leftovers(&mut out, at, Rational::checked_add);
    }
    out.retain(|t| !t.is_zero());
    match <[Expr; 1]>::try_from(out) {
        Ok([only]) => only,
        Err(none) if none.is_empty() => Expr::zero(),
        Err(many) => Expr::Add(many.into()),
    }
}

/// The product of `factors`: flattened, numbers folded exactly into one leading coefficient,
/// ones dropped. Numbers whose exact product could exceed [`crate::syntax::rational::MAX_EXACT_BITS`]
/// stay separate factors.
///
/// What the constructors may assume: every symbol denotes a defined (finite, differentiable)
/// value on the declared domain, and nothing else; they know no facts. So a zero coefficient
/// makes the product `0` only when every other factor is [`is_total`] (defined wherever its
/// symbols are). `0 * (x - x)^(-1)` or `0 * log(x)` stays a product: folding it to `0` would turn
/// an undefined value into a number. A rule that knows the factor is defined (from the facts)
/// may remove it.
pub fn mul(factors: Vec<Expr>) -> Expr {
    let mut coeff = Rational::one();
    let mut out: Vec<Expr> = Vec::with_capacity(factors.len() + 1);
    let mut push = |f: Expr, out: &mut Vec<Expr>| match f {
        Expr::Num(r) => match coeff.checked_mul(&r) {
            Some(c) => coeff = c,
            None => out.push(Expr::Num(r)),
        },
        other => out.push(other),
    };
    for f in factors {
        match f {
            Expr::Mul(inner) => inner.into_iter().for_each(|x| push(x, &mut out)),
            other => push(other, &mut out),
        }
    }
    if coeff.is_zero() && out.iter().all(is_total) {
        return Expr::zero();
    }
    out.insert(0, Expr::Num(coeff));
    fold_leftovers(&mut out, 0, Rational::checked_mul);
    if out.len() > 1 && out[0].is_one() {
        out.remove(0);
    }
    match <[Expr; 1]>::try_from(out) {
        Ok([only]) => only,
        Err(none) if none.is_empty() => Expr::one(),
        Err(many) => Expr::Mul(many.into()),
    }
}

/// Folds into the number at `out[at]` every other number of `out` that `op` can combine with it
/// within the size bound, until none can. Numbers are left apart only when combining them would
/// exceed it; doing this to a fixpoint makes the result independent of how the input was
/// grouped, so that a printed product or sum parses back to the same tree.
fn fold_leftovers(
    out: &mut Vec<Expr>,
    mut at: usize,
    op: fn(&Rational, &Rational) -> Option<Rational>,
) {
    let Some(mut acc) = out.get(at).and_then(Expr::as_num) else {
        return;
    };
    let mut k = 0;
    while k < out.len() {
        let folded = match &out[k] {
            Expr::Num(r) if k != at => op(&acc, r),
            _ => None,
        };
        match folded {
            Some(v) => {
                acc = v.clone();
                out[at] = Expr::Num(v);
                out.remove(k);
                if k < at {
                    at -= 1;
                }
                // An earlier leftover may now combine: start over (rare; only at the bound).
                k = 0;
            }
            None => k += 1,
        }
    }
}

/// True when `e` is defined wherever its symbols are: it is built from numbers, symbols, sums,
/// products, deltas, `exp`, `sigmoid`, `tanh`, `softplus`, finite sums, derivatives of such, and powers with a non-negative
/// integer exponent or a positive numeric base. A negative or fractional power, `log` and
/// `sqrt` may be undefined (at a zero or a negative argument), so they are not total.
pub fn is_total(e: &Expr) -> bool {
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => true,
        Expr::Add(xs) | Expr::Mul(xs) => xs.iter().all(is_total),
        Expr::Pow(b, x) => {
            let natural = x.num().is_some_and(|n| n.is_integer() && !n.is_negative());
            let positive_base = b.num().is_some_and(Rational::is_positive);
            (natural || positive_base) && is_total(b) && is_total(x)
        }
        Expr::Func(Func::Exp, a) | Expr::Sum(_, a) | Expr::Deriv(a, _) => is_total(a),
        Expr::Func(Func::Sigmoid | Func::Tanh | Func::Softplus, a) => is_total(a),
        Expr::Func(Func::Log | Func::Sqrt, _) => false,
        // An Iverson bracket has a value wherever its argument has one.
        Expr::Func(f, a) if f.is_bracket() => is_total(a),
        Expr::Func(..) => false,
    }
}

/// `base ^ exponent`, with `x^1 = x`, numeric powers folded when exact and within
/// [`crate::syntax::rational::MAX_EXACT_BITS`], and `x^0 = 1` for a [`is_total`] base (so `0^0 = 1`,
/// the convention that makes `x^0 = 1` hold for every real `x`; `(1/0)^0` stays as written).
pub fn pow(base: Expr, exponent: Expr) -> Expr {
    if exponent.is_one() {
        return base;
    }
    if exponent.is_zero() && is_total(&base) {
        return Expr::one();
    }
    if let (Expr::Num(b), Expr::Num(e)) = (&base, &exponent) {
        if let Some(r) = b.checked_pow(e) {
            return Expr::Num(r);
        }
    }
    Expr::Pow(base.into(), exponent.into())
}

/// `base ^ exponent` for a `base` known to be defined wherever the caller's result matters,
/// such as a factor that stands in a rule's input product (the input is undefined wherever the
/// factor is): then `base^0` is 1 whatever `base` is. Otherwise as [`pow`].
pub fn pow_of_defined(base: Expr, exponent: Expr) -> Expr {
    match exponent.is_zero() {
        true => Expr::one(),
        false => pow(base, exponent),
    }
}

/// `-x`, folded into a number or a product's coefficient.
pub fn neg(x: Expr) -> Expr {
    mul(vec![Expr::Num(Rational::minus_one()), x])
}

/// `a - b`.
pub fn sub(a: Expr, b: Expr) -> Expr {
    add(vec![a, neg(b)])
}

/// `a / b`.
pub fn div(a: Expr, b: Expr) -> Expr {
    mul(vec![a, recip(b)])
}

/// `1 / x`; the reciprocal of a numeric power `b^n` is `b^(-n)`, so `x/y^2` is `x * y^(-2)`.
pub fn recip(x: Expr) -> Expr {
    if let Expr::Pow(b, n) = &x {
        if let Expr::Num(m) = &**n {
            return pow((**b).clone(), Expr::Num(-m));
        }
    }
    pow(x, Expr::Num(Rational::minus_one()))
}

/// `f(arg)` for an elementary function.
pub fn func(f: Func, arg: Expr) -> Expr {
    Expr::Func(f, arg.into())
}

/// `sum body` over `binder`; the body must already refer to the bound index as `Bound(0)`
/// (see [`crate::syntax::index::close`] to build it from a free index).
pub fn sum(binder: Binder, body: Expr) -> Expr {
    Expr::Sum(binder, body.into())
}

/// `d(f)/d(x)`.
pub fn deriv(f: Expr, x: Symbol) -> Expr {
    Expr::Deriv(f.into(), x)
}

/// The Kronecker delta of two indices.
pub fn delta(a: Index, b: Index) -> Expr {
    Expr::Delta(a, b)
}

impl fmt::Display for Expr {
    /// The input syntax (see [`crate::syntax::print::input`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::syntax::print::input::to_input(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Expr {
        Expr::plain("x")
    }

    #[test]
    fn add_flattens_and_folds_numbers() {
        let e = add(vec![
            Expr::int(1),
            add(vec![x(), Expr::int(2)]),
            Expr::int(-3),
        ]);
        assert_eq!(e, x());
    }

    #[test]
    fn mul_folds_coefficient_to_front() {
        let e = mul(vec![x(), Expr::int(2), mul(vec![Expr::int(3), x()])]);
        assert_eq!(e, Expr::Mul(vec![Expr::int(6), x(), x()].into()));
        assert_eq!(mul(vec![x(), Expr::zero()]), Expr::zero());
    }

    /// Issue #12 item 3: a zero coefficient or a zero exponent never swallows a factor that may
    /// be undefined; it does swallow one that is defined wherever its symbols are.
    #[test]
    fn undefined_factors_never_fold_to_numbers() {
        let one_over_zero = pow(Expr::zero(), Expr::int(-1));
        let zero_over_zero = mul(vec![Expr::zero(), one_over_zero.clone()]);
        assert!(!zero_over_zero.is_zero(), "{zero_over_zero:?}");
        assert!(!pow(one_over_zero, Expr::zero()).is_one());
        let x_minus_x = sub(x(), x());
        assert!(!mul(vec![Expr::zero(), recip(x_minus_x)]).is_zero());
        assert!(!mul(vec![Expr::zero(), func(Func::Log, x())]).is_zero());
        assert!(!mul(vec![
            Expr::zero(),
            pow(x(), Expr::Num(Rational::new(1, 2).unwrap()))
        ])
        .is_zero());
        let total = vec![
            Expr::zero(),
            x(),
            func(Func::Exp, x()),
            pow(x(), Expr::int(3)),
        ];
        assert!(mul(total).is_zero());
        assert!(pow(add(vec![x(), Expr::int(2)]), Expr::zero()).is_one());
        assert!(pow(Expr::zero(), Expr::zero()).is_one());
    }

    #[test]
    fn neg_of_neg_is_identity() {
        assert_eq!(neg(neg(x())), x());
        assert_eq!(sub(x(), x()), Expr::Add(vec![x(), neg(x())].into()));
    }

    #[test]
    fn numeric_powers_fold() {
        assert_eq!(
            pow(Expr::int(2), Expr::int(-1)),
            Expr::Num(Rational::new(1, 2).unwrap())
        );
        assert_eq!(
            pow(Expr::int(0), Expr::int(-1)),
            Expr::Pow(Expr::int(0).into(), Expr::int(-1).into())
        );
    }

    #[test]
    fn hints_do_not_affect_equality() {
        let a = sum(
            Binder::new("j", Some("K")),
            Expr::Delta(Index::Bound(0), Index::free("k")),
        );
        let b = sum(
            Binder::new("i", Some("K")),
            Expr::Delta(Index::Bound(0), Index::free("k")),
        );
        assert_eq!(a, b);
    }
}
