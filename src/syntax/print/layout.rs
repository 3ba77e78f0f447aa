//! What the printers share: how the semi-canonical tree reads (signs, fractions, precedence) and
//! which name each bound index gets.

use super::PrintOptions;
use crate::syntax::expr::{Binder, Expr, Index, Symbol};
use crate::syntax::index;
use crate::syntax::rational::Rational;
use std::collections::BTreeSet;

/// How tightly a printed piece holds together, loosest first. A context that needs a tighter
/// piece than it gets wraps the piece in parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Prec {
    /// `a + b`, `a - b`.
    Add,
    /// A leading minus: `-x`.
    Neg,
    /// `a*b`, `a/b`, a rational number `1/2`.
    Mul,
    /// An open prefix form that takes what follows it: `sum_j a*b`, `log p` in text and LaTeX.
    Prefix,
    /// A derivative or a stacked fraction: fine as a factor, not as a base or denominator.
    Frac,
    /// `a^b`.
    Pow,
    /// A symbol, a natural number, a function call, anything in parentheses.
    Atom,
}

/// One factor of a product as it reads.
#[derive(Clone, Debug)]
pub(crate) enum Factor<'a> {
    /// A factor of the numerator.
    Over(&'a Expr),
    /// A factor `base^(-exponent)` of the denominator: the base and the positive exponent.
    Under(&'a Expr, Rational),
}

/// A product (or a number, or a lone `x^(-n)`) split into its sign, the magnitude of its numeric
/// coefficient and its other factors, in tree order.
#[derive(Clone, Debug)]
pub(crate) struct Product<'a> {
    /// True when the coefficient is negative: the product prints with a leading minus.
    pub negative: bool,
    /// The magnitude of the numeric coefficient (one when there is none).
    pub coeff: Rational,
    /// The other factors.
    pub factors: Vec<Factor<'a>>,
}

/// A factor to print: a number from the coefficient, or a factor from the tree (for a
/// denominator factor `b^n`, `n > 0`).
pub(crate) enum Item<'a> {
    /// A natural number from the coefficient.
    Number(Rational),
    /// A factor from the tree.
    Factor(Factor<'a>),
}

impl<'a> Product<'a> {
    /// True when some factor belongs in the denominator.
    pub fn has_under(&self) -> bool {
        self.factors.iter().any(|f| matches!(f, Factor::Under(..)))
    }

    /// The product as one fraction, in tree order: the numerator is the coefficient's
    /// numerator (left out when it is 1 and a factor stands) and the [`Factor::Over`] factors;
    /// the denominator is the coefficient's denominator (left out when it is 1) and the
    /// [`Factor::Under`] factors.
    pub fn fraction_items(&self) -> (Vec<Item<'a>>, Vec<Item<'a>>) {
        let (mut num, mut den) = (Vec::new(), Vec::new());
        let c = &self.coeff;
        if !c.numer().is_one() || self.factors.is_empty() {
            num.push(Item::Number(c.numer()));
        }
        if !c.is_integer() {
            den.push(Item::Number(c.denom()));
        }
        for f in &self.factors {
            match f {
                Factor::Over(_) => num.push(Item::Factor(f.clone())),
                Factor::Under(..) => den.push(Item::Factor(f.clone())),
            }
        }
        (num, den)
    }
}

/// True for the shapes [`product`] reads: numbers, products and `x^(-n)`.
pub(crate) fn is_product(e: &Expr) -> bool {
    match e {
        Expr::Num(_) | Expr::Mul(_) => true,
        Expr::Pow(_, x) => negated_exponent(x).is_some(),
        _ => false,
    }
}

/// True when the expression prints with a leading minus (a negative number or coefficient).
pub(crate) fn is_negative(e: &Expr) -> bool {
    is_product(e) && product(e).negative
}

/// Reads a number, a product or `x^(-n)` as a [`Product`]; anything else is a single factor.
pub(crate) fn product(e: &Expr) -> Product<'_> {
    let (coeff, rest): (Rational, &[Expr]) = match e {
        Expr::Num(r) => (r.clone(), &[]),
        Expr::Mul(xs) => match xs.split_first() {
            Some((Expr::Num(r), rest)) => (r.clone(), rest),
            _ => (Rational::one(), xs.as_slice()),
        },
        other => (Rational::one(), std::slice::from_ref(other)),
    };
    let (negative, coeff) = match coeff.is_negative() {
        true => (true, -coeff),
        false => (false, coeff),
    };
    Product {
        negative,
        coeff,
        factors: rest.iter().map(factor).collect(),
    }
}

/// One factor: `b^(-n)` for a positive number `n` goes under the fraction bar.
fn factor(e: &Expr) -> Factor<'_> {
    match e {
        Expr::Pow(b, x) => match negated_exponent(x) {
            Some(n) => Factor::Under(b, n),
            None => Factor::Over(e),
        },
        other => Factor::Over(other),
    }
}

/// `n` when the exponent is the number `-n < 0`.
fn negated_exponent(x: &Expr) -> Option<Rational> {
    match x {
        Expr::Num(r) if r.is_negative() => Some(-r),
        _ => None,
    }
}

/// True for a natural number (printed without sign or fraction).
pub(crate) fn is_natural(e: &Expr) -> bool {
    matches!(e, Expr::Num(r) if r.is_integer() && !r.is_negative())
}

/// The names of the bound indices in scope while printing one expression.
#[derive(Debug)]
pub(crate) struct Scope<'o> {
    opts: &'o PrintOptions,
    /// The free indices of the whole expression and the reserved names: a bound index that took
    /// one of them would capture it or read as it.
    reserved: BTreeSet<String>,
    /// The names of the enclosing binders, innermost last.
    names: Vec<String>,
}

impl<'o> Scope<'o> {
    /// The scope at the root of `root`.
    pub fn new(root: &Expr, opts: &'o PrintOptions) -> Scope<'o> {
        let mut reserved = index::free_indices(root);
        reserved.extend(opts.reserved_indices.iter().cloned());
        Scope {
            opts,
            reserved,
            names: Vec::new(),
        }
    }

    /// Enters a sum: picks the name of its bound index and returns it.
    pub fn bind(&mut self, binder: &Binder) -> String {
        let mut taken = self.reserved.clone();
        taken.extend(self.names.iter().cloned());
        let hint = binder.hint.0.as_str();
        let preferred = if is_identifier(hint) { hint } else { "i" };
        let name = index::fresh_index_name(
            preferred,
            binder.upper.as_deref(),
            &self.opts.index_ranges,
            &self.opts.index_names,
            &taken,
        );
        self.names.push(name.clone());
        name
    }

    /// True when the letters of the printed indices could mislead about a sum's range: the
    /// problem has ranges with different upper ends (`1..K` and `1..D`), so a text printer names
    /// each sum's range.
    pub fn ranges_differ(&self) -> bool {
        let mut uppers = self.opts.index_ranges.iter().map(|(_, u)| u);
        let first = uppers.next();
        uppers.any(|u| Some(u) != first)
    }

    /// Leaves the innermost sum.
    pub fn unbind(&mut self) {
        self.names.pop();
    }

    /// The printed name of an index. A bound index that points outside the expression (a broken
    /// invariant) prints as `?n`, `n` counting binders beyond the root.
    pub fn index(&self, i: &Index) -> String {
        match i {
            Index::Free(x) => x.to_string(),
            Index::Bound(n) => {
                let n = *n as usize;
                match self.names.len().checked_sub(n + 1) {
                    Some(at) => self.names[at].clone(),
                    None => format!("?{}", n - self.names.len()),
                }
            }
        }
    }

    /// The printed names of a symbol's indices.
    pub fn indices(&self, s: &Symbol) -> Vec<String> {
        s.indices.iter().map(|i| self.index(i)).collect()
    }
}

/// True for an ASCII identifier: a letter followed by letters and digits.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Subscript text for index names: `j`, `jk` when every name is one character, else `j,k1`
/// (the caller adds braces where the list is longer than one character).
pub(crate) fn index_list(names: &[String]) -> String {
    if names.iter().all(|n| n.chars().count() == 1) {
        names.concat()
    } else {
        names.join(",")
    }
}

/// A layout document for the text and LaTeX printers.
pub(crate) type Doc = pretty::RcDoc<'static, ()>;

/// What a printed factor looks like at its edges, which decides how it joins its neighbours in a
/// product (`2x`, `p_j(a + b)`, `a · ∂L/∂p`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A natural number.
    Number,
    /// A symbol or a delta.
    Symbol,
    /// Something in parentheses.
    Paren,
    /// A function call ending in its own parentheses or braces.
    Call,
    /// A stacked fraction or a derivative.
    Frac,
    /// Anything else.
    Other,
}

/// A printed piece for the layout printers.
#[derive(Clone, Debug)]
pub(crate) struct Part {
    /// The layout.
    pub doc: Doc,
    /// How tightly it holds together.
    pub prec: Prec,
    /// Its edges.
    pub kind: Kind,
}

impl Part {
    /// A piece.
    pub fn new(doc: Doc, prec: Prec, kind: Kind) -> Part {
        Part { doc, prec, kind }
    }

    /// Factors side by side, with `separator(left kind, right kind)` between neighbours; a
    /// single factor is returned as it is.
    pub fn juxtapose(mut parts: Vec<Part>, separator: fn(Kind, Kind) -> &'static str) -> Part {
        if parts.len() == 1 {
            if let Some(only) = parts.pop() {
                return only;
            }
        }
        let mut doc = Doc::nil();
        let mut previous: Option<Kind> = None;
        for part in parts {
            if let Some(a) = previous {
                doc = doc.append(Doc::text(separator(a, part.kind)));
            }
            previous = Some(part.kind);
            doc = doc.append(part.doc);
        }
        Part::new(doc, Prec::Mul, Kind::Other)
    }

    /// A piece of plain text.
    pub fn text(text: String, prec: Prec, kind: Kind) -> Part {
        Part::new(Doc::text(text), prec, kind)
    }
}

/// `first op1 t1 op2 t2 ...` as a group that, when too wide, breaks before each operator and
/// indents the continuation lines.
pub(crate) fn sum_layout(first: Doc, rest: Vec<(&'static str, Doc)>) -> Doc {
    let tail = Doc::concat(rest.into_iter().map(|(op, term)| {
        Doc::line()
            .append(Doc::text(op))
            .append(Doc::text(" "))
            .append(term)
    }));
    first.append(tail.nest(2)).group()
}

/// Renders a layout within `width` columns.
pub(crate) fn render(doc: &Doc, width: usize) -> String {
    let mut out = String::new();
    match doc.render_fmt(width, &mut out) {
        Ok(()) => out,
        Err(_) => String::from("?"),
    }
}
