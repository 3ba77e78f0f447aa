//! The Unicode text printer, for terminals: `∂L/∂s_k`, `Σ_j q_j log p_j`, `p_j(δ_jk − p_k)`.
//!
//! Products juxtapose their factors (`q_j δ_jk`, `2 x`, `p_j(δ_jk − p_k)`) and use `·` only where
//! juxtaposition would be ambiguous: before a number and next to a derivative. A product with
//! denominator factors prints as one fraction `num/den`, with parentheses around a numerator or
//! denominator of several factors. Long sums break before `+`/`−` to fit
//! [`PrintOptions::width`](super::PrintOptions::width).

use super::PrintOptions;
use crate::syntax::expr::{Expr, Func, Symbol};
use crate::syntax::print::layout::{
    index_list, is_natural, is_negative, is_product, product, render, sum_layout, Doc, Factor,
    Item, Kind, Part, Prec, Product, Scope,
};
use crate::syntax::rational::Rational;

/// Prints `e` as Unicode text.
///
/// ```
/// use gradproof::syntax::expr::{delta, mul, sub, Expr, Index};
/// use gradproof::render::{to_text, PrintOptions};
/// let p = |k: &str| Expr::indexed("p", &[k]);
/// let e = mul(vec![p("j"), sub(delta(Index::free("j"), Index::free("k")), p("k"))]);
/// assert_eq!(to_text(&e, &PrintOptions::default()), "p_j(δ_jk − p_k)");
/// ```
pub fn to_text(e: &Expr, opts: &PrintOptions) -> String {
    let mut printer = Printer {
        scope: Scope::new(e, opts),
    };
    render(&printer.expr(e, true).doc, opts.width)
}

/// The minus sign.
const MINUS: &str = "−";

struct Printer<'o> {
    scope: Scope<'o>,
}

impl Printer<'_> {
    /// Prints `e`; `tail` says that nothing binding tighter than `+` follows it, so an open form
    /// (`Σ_j ...`, `log p`) may be used.
    fn expr(&mut self, e: &Expr, tail: bool) -> Part {
        match e {
            Expr::Num(_) | Expr::Mul(_) => self.product(&product(e), tail),
            Expr::Pow(..) if is_product(e) => self.product(&product(e), tail),
            Expr::Pow(b, x) => {
                let bare = is_natural(x) || matches!(&**x, Expr::Sym(s) if s.indices.is_empty());
                let exponent = self.expr(x, true);
                self.power(b, exponent, bare)
            }
            Expr::Sym(s) => self.symbol(s),
            Expr::Add(terms) => self.add(terms),
            Expr::Func(f, a) => self.func(*f, a, tail),
            Expr::Delta(a, b) => {
                let names = [self.scope.index(a), self.scope.index(b)];
                let text = format!("δ{}", subscript(&names));
                Part::text(text, Prec::Atom, Kind::Symbol)
            }
            Expr::Sum(binder, body) => {
                let name = self.scope.bind(binder);
                let body = self.expr(body, true);
                self.scope.unbind();
                let body = wrap_if(body, |p| p < Prec::Mul);
                let head = match &binder.upper {
                    // With two ranges, `Σ_m` could be read over either: name the range.
                    Some(upper) if self.scope.ranges_differ() => format!("Σ_{{{name}=1..{upper}}}"),
                    _ => format!("Σ{}", subscript(&[name])),
                };
                let doc = Doc::text(format!("{head} ")).append(body.doc);
                wrap_if(Part::new(doc, Prec::Prefix, Kind::Other), |_| !tail)
            }
            Expr::Deriv(f, x) => {
                let top = match &**f {
                    Expr::Sym(s) => self.symbol(s).doc,
                    other => Doc::text("(")
                        .append(self.expr(other, true).doc)
                        .append(Doc::text(")")),
                };
                let doc = Doc::text("∂")
                    .append(top)
                    .append(Doc::text("/∂"))
                    .append(self.symbol(x).doc);
                Part::new(doc, Prec::Frac, Kind::Frac)
            }
        }
    }

    /// `a + b − c`, breaking before the operators when too wide.
    fn add(&mut self, terms: &[Expr]) -> Part {
        let Some((first, rest)) = terms.split_first() else {
            return number(Rational::zero());
        };
        let first = wrap_if(self.expr(first, true), |p| p == Prec::Add);
        let rest = rest
            .iter()
            .map(|t| {
                let (op, term) = if is_negative(t) {
                    let mut p = product(t);
                    p.negative = false;
                    (MINUS, self.product(&p, true))
                } else {
                    ("+", self.expr(t, true))
                };
                (op, wrap_if(term, |p| p < Prec::Mul).doc)
            })
            .collect();
        Part::new(sum_layout(first.doc, rest), Prec::Add, Kind::Other)
    }

    /// A product: juxtaposed factors, or one fraction `num/den`, after a minus sign if negative.
    fn product(&mut self, p: &Product, tail: bool) -> Part {
        let (num, den) = p.fraction_items();
        let part = if den.is_empty() {
            self.sequence(&num, tail)
        } else {
            self.fraction(&num, &den, tail)
        };
        if p.negative {
            let doc = Doc::text(MINUS).append(part.doc);
            return Part::new(doc, Prec::Neg, Kind::Other);
        }
        part
    }

    /// `num/den`: a numerator or denominator of several factors is parenthesised.
    fn fraction(&mut self, num: &[Item], den: &[Item], tail: bool) -> Part {
        let top = match num {
            [] => number(Rational::one()),
            [one] => wrap_if(self.item(one, false), |p| p < Prec::Pow),
            many => paren(self.sequence(many, true).doc),
        };
        let bottom = match den {
            [one] => wrap_if(self.item(one, tail), |p| {
                p < Prec::Prefix || p == Prec::Frac
            }),
            many => paren(self.sequence(many, true).doc),
        };
        let doc = top.doc.append(Doc::text("/")).append(bottom.doc);
        Part::new(doc, Prec::Mul, Kind::Other)
    }

    /// Factors side by side: juxtaposed, or with `·` where that would be ambiguous.
    fn sequence(&mut self, items: &[Item], tail: bool) -> Part {
        let last = items.len().saturating_sub(1);
        let mut parts: Vec<Part> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            parts.push(wrap_if(self.item(item, tail && i == last), |p| {
                p < Prec::Prefix
            }));
        }
        Part::juxtapose(parts, separator)
    }

    /// One factor; a denominator factor `b^n` prints as `b` or `b^n`.
    fn item(&mut self, item: &Item, tail: bool) -> Part {
        match item {
            Item::Number(r) => number(r.clone()),
            Item::Factor(Factor::Over(f)) => self.expr(f, tail),
            Item::Factor(Factor::Under(b, n)) if n.is_one() => self.expr(b, tail),
            Item::Factor(Factor::Under(b, n)) => self.power(b, number(n.clone()), n.is_integer()),
        }
    }

    /// `b^x`, or `b^(x)` unless the exponent is `bare`.
    fn power(&mut self, b: &Expr, exponent: Part, bare: bool) -> Part {
        let base = wrap_if(self.expr(b, true), |p| p < Prec::Atom);
        let exponent = if bare { exponent } else { paren(exponent.doc) };
        let doc = base.doc.append(Doc::text("^")).append(exponent.doc);
        Part::new(doc, Prec::Pow, Kind::Other)
    }

    /// `exp(x)`, `log p` (when nothing follows) or `log(x)`, `√p` or `√(x)`.
    fn func(&mut self, f: Func, a: &Expr, tail: bool) -> Part {
        let simple = is_natural(a) || matches!(a, Expr::Sym(_));
        let arg = self.expr(a, true);
        match f {
            Func::Log if simple && tail => {
                let doc = Doc::text("log ").append(arg.doc);
                Part::new(doc, Prec::Prefix, Kind::Other)
            }
            Func::Sqrt => {
                let arg = if simple { arg.doc } else { paren(arg.doc).doc };
                Part::new(Doc::text("√").append(arg), Prec::Pow, Kind::Other)
            }
            Func::Exp | Func::Log | Func::Sigmoid | Func::Tanh | Func::Softplus => {
                let doc = Doc::text(f.name()).append(paren(arg.doc).doc);
                Part::new(doc, Prec::Atom, Kind::Call)
            }
            // `[u > 0]`, the Iverson bracket.
            Func::IsPositive | Func::IsNonNegative | Func::IsNegative | Func::IsNonPositive => {
                let rel = match f {
                    Func::IsNonNegative => "≥",
                    Func::IsNonPositive => "≤",
                    _ => f.relation().expect("a bracket has a relation"),
                };
                let doc = Doc::text("[")
                    .append(arg.doc)
                    .append(Doc::text(format!(" {rel} 0]")));
                Part::new(doc, Prec::Atom, Kind::Call)
            }
        }
    }

    /// `s`, `s_k`, `c_kd`, `c_{k,d1}`.
    fn symbol(&self, s: &Symbol) -> Part {
        let text = format!("{}{}", s.name, subscript(&self.scope.indices(s)));
        Part::text(text, Prec::Atom, Kind::Symbol)
    }
}

/// How two neighbouring factors join: `·` before a number and around a fraction, nothing before a
/// parenthesis, else a space.
fn separator(a: Kind, b: Kind) -> &'static str {
    match (a, b) {
        (_, Kind::Number) | (Kind::Frac, _) | (_, Kind::Frac) => " · ",
        (Kind::Number | Kind::Symbol | Kind::Paren | Kind::Call, Kind::Paren) => "",
        _ => " ",
    }
}

/// A number: `3`, `1/2`, `−3`.
fn number(r: Rational) -> Part {
    let text = r.to_string().replace('-', MINUS);
    if r.is_negative() {
        Part::text(text, Prec::Neg, Kind::Other)
    } else if r.is_integer() {
        Part::text(text, Prec::Atom, Kind::Number)
    } else {
        Part::text(text, Prec::Mul, Kind::Other)
    }
}

/// `(x)`.
fn paren(doc: Doc) -> Part {
    let doc = Doc::text("(").append(doc).append(Doc::text(")"));
    Part::new(doc, Prec::Atom, Kind::Paren)
}

/// The part in parentheses when `wrap` holds of its precedence.
fn wrap_if(part: Part, wrap: impl FnOnce(Prec) -> bool) -> Part {
    if wrap(part.prec) {
        paren(part.doc)
    } else {
        part
    }
}

/// `_k`, `_jk` (one-character names), `_{k1}`, `_{k,d}`, or nothing for no indices.
fn subscript(names: &[String]) -> String {
    let list = index_list(names);
    match list.chars().count() {
        0 => String::new(),
        1 => format!("_{list}"),
        _ if names.iter().all(|n| n.chars().count() == 1) => format!("_{list}"),
        _ => format!("_{{{list}}}"),
    }
}
