//! The input-syntax printer: one line that the parser reads back to an equal tree.
//!
//! `Add[a, Mul[-1, b]]` prints as `a - b`, `Mul[-1, q_j, Pow(p_j, -1)]` as `-q_j/p_j`, `Pow(x, -1)`
//! as `1/x`. Products print their factors left to right, each numerator factor after `*` and each
//! denominator factor after `/`, so that reading back rebuilds the same factor order. Parentheses
//! appear exactly where precedence needs them: `^` is right associative and binds tighter than
//! unary minus, and `sum_j` takes the whole product that follows it, so a sum that is not the last
//! factor is parenthesised.

use super::layout::{is_negative, is_product, product, Factor, Prec, Product, Scope};
use super::PrintOptions;
use crate::syntax::expr::{Expr, Symbol};
use crate::syntax::rational::Rational;

/// Prints `e` in the input syntax with the default options.
///
/// ```
/// use gradproof::syntax::expr::{add, div, func, mul, neg, sum, Binder, Expr, Func, Index};
/// use gradproof::render::to_input;
/// let q = |i: Index| Expr::Sym(gradproof::Symbol { name: "q".into(), indices: vec![i] });
/// let p = |i: Index| Expr::Sym(gradproof::Symbol { name: "p".into(), indices: vec![i] });
/// let loss = neg(sum(
///     Binder::new("j", Some("K")),
///     mul(vec![q(Index::Bound(0)), func(Func::Log, p(Index::Bound(0)))]),
/// ));
/// assert_eq!(to_input(&loss), "-sum_j q_j*log(p_j)");
/// assert_eq!(to_input(&div(q(Index::free("k")), p(Index::free("k")))), "q_k/p_k");
/// assert_eq!(to_input(&add(vec![Expr::plain("x"), Expr::int(-3)])), "x - 3");
/// ```
pub fn to_input(e: &Expr) -> String {
    to_input_with(e, &PrintOptions::default())
}

/// Prints `e` in the input syntax; `opts.index_names` and `opts.reserved_indices` decide how a
/// clashing bound index is renamed.
pub fn to_input_with(e: &Expr, opts: &PrintOptions) -> String {
    let mut printer = Printer {
        scope: Scope::new(e, opts),
    };
    printer.expr(e, true).text
}

/// A printed piece and how tightly it holds together.
struct Out {
    text: String,
    prec: Prec,
}

impl Out {
    fn new(text: String, prec: Prec) -> Out {
        Out { text, prec }
    }

    /// The piece in parentheses when `wrap` holds of its precedence.
    fn wrap_if(self, wrap: impl FnOnce(Prec) -> bool) -> Out {
        if wrap(self.prec) {
            Out::new(format!("({})", self.text), Prec::Atom)
        } else {
            self
        }
    }
}

/// One element of a printed product: a numerator or denominator factor, or part of the
/// coefficient.
enum Item<'a> {
    /// The coefficient (or its numerator) in front.
    Coeff(Rational),
    /// A factor from the tree.
    Factor(Factor<'a>),
    /// The coefficient's denominator, divided by at the end.
    CoeffDenom(Rational),
}

struct Printer<'o> {
    scope: Scope<'o>,
}

impl Printer<'_> {
    /// Prints `e`; `tail` says that nothing binding tighter than `+` follows it, so an open
    /// `sum_j` need not be closed with parentheses.
    fn expr(&mut self, e: &Expr, tail: bool) -> Out {
        match e {
            Expr::Num(_) | Expr::Mul(_) => self.product(&product(e), tail),
            Expr::Pow(..) if is_product(e) => self.product(&product(e), tail),
            Expr::Pow(b, x) => {
                let exponent = self.expr(x, true);
                self.power(b, exponent)
            }
            Expr::Sym(s) => Out::new(self.symbol(s), Prec::Atom),
            Expr::Add(terms) => self.add(terms),
            Expr::Func(f, a) if f.is_bracket() => {
                let arg = self.expr(a, true).text;
                let rel = f.relation().expect("a bracket has a relation");
                Out::new(format!("[{arg} {rel} 0]"), Prec::Atom)
            }
            Expr::Func(f, a) => {
                let arg = self.expr(a, true).text;
                Out::new(format!("{}({arg})", f.name()), Prec::Atom)
            }
            Expr::Delta(a, b) => {
                let (a, b) = (self.scope.index(a), self.scope.index(b));
                Out::new(format!("delta({a},{b})"), Prec::Atom)
            }
            Expr::Sum(binder, body) => {
                let name = self.scope.bind(binder);
                let body = self.expr(body, true);
                self.scope.unbind();
                let body = body.wrap_if(|p| p < Prec::Mul);
                let text = format!("sum{} {}", subscript(&[name]), body.text);
                Out::new(text, Prec::Prefix).wrap_if(|_| !tail)
            }
            Expr::Deriv(f, x) => {
                let f = self.expr(f, true).text;
                Out::new(format!("d({f})/d({})", self.symbol(x)), Prec::Frac)
            }
        }
    }

    /// `t1 + t2 - t3`: a term with a negative coefficient prints as a subtraction.
    fn add(&mut self, terms: &[Expr]) -> Out {
        let mut text = String::new();
        for (i, t) in terms.iter().enumerate() {
            if i == 0 {
                let first = self.expr(t, true);
                text.push_str(&first.wrap_if(|p| p == Prec::Add).text);
                continue;
            }
            let (op, term) = if is_negative(t) {
                let mut p = product(t);
                p.negative = false;
                (" - ", self.product(&p, true))
            } else {
                (" + ", self.expr(t, true))
            };
            text.push_str(op);
            text.push_str(&term.wrap_if(|p| p < Prec::Mul).text);
        }
        if terms.is_empty() {
            text.push('0');
        }
        Out::new(text, Prec::Add)
    }

    /// A product, left to right: `-3*x/y^2`, `x/2`, `1/x`.
    fn product(&mut self, p: &Product, tail: bool) -> Out {
        let items = items(p);
        let last = items.len().saturating_sub(1);
        let mut text = String::new();
        let mut prec = Prec::Mul;
        for (i, item) in items.iter().enumerate() {
            let t = tail && i == last;
            let (under, out) = match item {
                Item::Coeff(c) => (false, number(c.clone())),
                Item::CoeffDenom(c) => (true, number(c.clone())),
                Item::Factor(Factor::Over(f)) => {
                    let out = self.expr(f, t);
                    (false, out.wrap_if(|p| p < Prec::Prefix))
                }
                Item::Factor(Factor::Under(b, n)) => (true, self.denominator(b, n.clone(), t)),
            };
            match (i, under) {
                (0, true) => text.push_str("1/"),
                (0, false) => {}
                (_, true) => text.push('/'),
                (_, false) => text.push('*'),
            }
            if items.len() == 1 && !under {
                prec = out.prec;
            }
            text.push_str(&out.text);
        }
        if p.negative {
            let text = format!("-{text}");
            return Out::new(text, Prec::Neg);
        }
        Out::new(text, prec)
    }

    /// A denominator factor `b^n` (`n > 0`), ready to follow a `/`.
    fn denominator(&mut self, b: &Expr, n: Rational, tail: bool) -> Out {
        if n.is_one() {
            let out = self.expr(b, tail);
            return out.wrap_if(|p| p < Prec::Prefix || p == Prec::Frac);
        }
        self.power(b, number(n))
    }

    /// `b^x`: the base must be an atom, the exponent a power or an atom (`^` is right associative).
    fn power(&mut self, b: &Expr, exponent: Out) -> Out {
        let base = self.expr(b, true);
        let base = base.wrap_if(|p| p < Prec::Atom);
        let exponent = exponent.wrap_if(|p| p < Prec::Pow);
        Out::new(format!("{}^{}", base.text, exponent.text), Prec::Pow)
    }

    /// `s`, `s_k`, `c_{k,d}`.
    fn symbol(&self, s: &Symbol) -> String {
        format!("{}{}", s.name, subscript(&self.scope.indices(s)))
    }
}

/// The elements of a printed product. A fractional coefficient goes in front as `p/q` when the
/// product already has a denominator (`3/2*x/y`), else its denominator comes last (`3*x/2`).
fn items<'a>(p: &Product<'a>) -> Vec<Item<'a>> {
    let mut items = Vec::with_capacity(p.factors.len() + 2);
    let c = &p.coeff;
    // A product whose numbers were too large to fold keeps several; then the coefficient must
    // stay one `p/q` in front, so that the printed product folds back to the same numbers.
    let other_numbers = p
        .factors
        .iter()
        .any(|f| matches!(f, Factor::Over(Expr::Num(_))));
    let split = !c.is_integer() && !p.has_under() && !p.factors.is_empty() && !other_numbers;
    if split {
        if !c.numer().is_one() {
            items.push(Item::Coeff(c.numer()));
        }
    } else if !c.is_one() || p.factors.is_empty() {
        items.push(Item::Coeff(c.clone()));
    }
    items.extend(p.factors.iter().cloned().map(Item::Factor));
    if split {
        items.push(Item::CoeffDenom(c.denom()));
    }
    items
}

/// A number: `3` (an atom), `1/2` (a quotient), `-3` (a negation).
fn number(r: Rational) -> Out {
    let text = r.to_string();
    let prec = if text.starts_with('-') {
        Prec::Neg
    } else if r.is_integer() {
        Prec::Atom
    } else {
        Prec::Mul
    };
    Out::new(text, prec)
}

/// `_k` for a single one-character index, `_{k1}` or `_{k,d}` otherwise, nothing for none.
fn subscript(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] if one.chars().count() == 1 => format!("_{one}"),
        many => format!("_{{{}}}", many.join(",")),
    }
}
