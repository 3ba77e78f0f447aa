//! The LaTeX printer, in the notation of the blog post: `\dfrac{\partial L}{\partial s_k}`,
//! `\sum_{j=1}^{K}`, `\delta_{jk}`, `e^{s_j}`, `\log p_j`, `p_j\left(\delta_{jk} - p_k\right)`.
//!
//! Choices:
//! - a product with denominator factors is one `\dfrac{num}{den}` (its sign in front:
//!   `-\dfrac{q_j}{p_j}`); a fractional coefficient of a product without denominator goes in front
//!   (`\dfrac{1}{2} x`);
//! - factors are juxtaposed, with `\cdot` only before a number and next to a fraction or a
//!   derivative (`\dfrac{\partial L}{\partial p_j} \cdot \dfrac{\partial p_j}{\partial s_k}`);
//! - `e^{x}` for the exponential of a short argument (a symbol, a number, a product of at most two
//!   symbols or numbers), `\exp\left(..\right)` otherwise; `\log p` for a symbol argument when
//!   nothing follows, `\log\left(..\right)` otherwise;
//! - a sum that is not the last factor of a product is parenthesised; fractions in exponents are
//!   `\frac`;
//! - Greek names (`eps`, `gamma`, `sigma`, ...) become `\epsilon`, `\gamma`, `\sigma`; other
//!   multi-letter names `\mathrm{name}`;
//! - long sums break (as a newline in the source) before `+`/`-` to fit
//!   [`PrintOptions::width`](super::PrintOptions::width).

use super::{FracStyle, PrintOptions};
use crate::syntax::expr::{Binder, Expr, Func, Symbol};
use crate::syntax::print::layout::{
    is_natural, is_negative, is_product, product, render, sum_layout, Doc, Factor, Item, Kind,
    Part, Prec, Product, Scope,
};
use crate::syntax::rational::Rational;

/// Prints `e` as LaTeX (math mode, without delimiters).
///
/// ```
/// use gradproof::syntax::expr::{div, func, sum, Binder, Expr, Func, Index, Symbol};
/// use gradproof::render::{to_latex, PrintOptions};
/// let s = |i: Index| Expr::Sym(Symbol { name: "s".into(), indices: vec![i] });
/// let p = div(
///     func(Func::Exp, s(Index::free("j"))),
///     sum(Binder::new("m", Some("K")), func(Func::Exp, s(Index::Bound(0)))),
/// );
/// assert_eq!(
///     to_latex(&p, &PrintOptions::default()),
///     r"\dfrac{e^{s_j}}{\sum_{m=1}^{K} e^{s_m}}"
/// );
/// ```
pub fn to_latex(e: &Expr, opts: &PrintOptions) -> String {
    let mut printer = Printer {
        scope: Scope::new(e, opts),
        frac: opts.frac,
    };
    let cx = Ctx {
        tail: true,
        script: false,
    };
    render(&printer.expr(e, cx).doc, opts.width)
}

/// Where a piece is printed.
#[derive(Clone, Copy, Debug)]
struct Ctx {
    /// Nothing binding tighter than `+` follows, so an open form (`\sum`, `\log p`) may be used.
    tail: bool,
    /// Inside a superscript: fractions are `\frac`.
    script: bool,
}

impl Ctx {
    fn tail(self, tail: bool) -> Ctx {
        Ctx { tail, ..self }
    }

    fn script(self) -> Ctx {
        Ctx {
            tail: true,
            script: true,
        }
    }
}

struct Printer<'o> {
    scope: Scope<'o>,
    frac: FracStyle,
}

impl Printer<'_> {
    /// Prints `e` in the context `cx`.
    fn expr(&mut self, e: &Expr, cx: Ctx) -> Part {
        match e {
            Expr::Num(_) | Expr::Mul(_) => self.product(&product(e), cx),
            Expr::Pow(..) if is_product(e) => self.product(&product(e), cx),
            Expr::Pow(b, x) => {
                let exponent = self.expr(x, cx.script());
                self.power(b, exponent, cx)
            }
            Expr::Sym(s) => self.symbol(s),
            Expr::Add(terms) => self.add(terms, cx),
            Expr::Func(f, a) => self.func(*f, a, cx),
            Expr::Delta(a, b) => {
                let names = [self.scope.index(a), self.scope.index(b)];
                let text = format!("\\delta_{{{}}}", indices(&names));
                Part::text(text, Prec::Atom, Kind::Symbol)
            }
            Expr::Sum(binder, body) => self.sum(binder, body, cx),
            Expr::Deriv(f, x) => self.deriv(f, x, cx),
        }
    }

    /// `a + b - c`, breaking before the operators when too wide.
    fn add(&mut self, terms: &[Expr], cx: Ctx) -> Part {
        let cx = cx.tail(true);
        let Some((first, rest)) = terms.split_first() else {
            return Part::text(String::from("0"), Prec::Atom, Kind::Number);
        };
        let first = wrap_if(self.expr(first, cx), |p| p == Prec::Add);
        let rest = rest
            .iter()
            .map(|t| {
                let (op, term) = if is_negative(t) {
                    let mut p = product(t);
                    p.negative = false;
                    ("-", self.product(&p, cx))
                } else {
                    ("+", self.expr(t, cx))
                };
                (op, wrap_if(term, |p| p < Prec::Mul).doc)
            })
            .collect();
        Part::new(sum_layout(first.doc, rest), Prec::Add, Kind::Other)
    }

    /// A product: juxtaposed factors or one fraction, after a minus sign if negative.
    fn product(&mut self, p: &Product, cx: Ctx) -> Part {
        let part = self.unsigned_product(p, cx);
        if p.negative {
            let doc = Doc::text("-").append(part.doc);
            return Part::new(doc, Prec::Neg, Kind::Other);
        }
        part
    }

    fn unsigned_product(&mut self, p: &Product, cx: Ctx) -> Part {
        let c = p.coeff.clone();
        if p.factors.is_empty() {
            return self.number(c, cx);
        }
        if !p.has_under() {
            // A fractional coefficient stays one number in front: `\frac{1}{2} x`.
            let mut items = Vec::new();
            if !c.is_one() {
                items.push(Item::Number(c));
            }
            items.extend(p.factors.iter().cloned().map(Item::Factor));
            return self.sequence(&items, cx, false);
        }
        let (num, den) = p.fraction_items();
        let top = match num.is_empty() {
            true => Doc::text("1"),
            false => self.sequence(&num, cx.tail(true), true).doc,
        };
        let bottom = self.sequence(&den, cx.tail(true), true).doc;
        Part::new(self.fraction(top, bottom, cx), Prec::Frac, Kind::Frac)
    }

    /// Factors side by side: juxtaposed, or with `\cdot` where that would be ambiguous. A lone
    /// factor in braces (`braced`: a numerator or denominator) needs no parentheses.
    fn sequence(&mut self, items: &[Item], cx: Ctx, braced: bool) -> Part {
        let last = items.len().saturating_sub(1);
        let lone = braced && items.len() == 1;
        let mut parts: Vec<Part> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let part = self.item(item, cx.tail(cx.tail && i == last));
            parts.push(wrap_if(part, |p| p < Prec::Prefix && !lone));
        }
        Part::juxtapose(parts, separator)
    }

    /// One factor; a denominator factor `b^n` prints as `b` or `b^{n}`.
    fn item(&mut self, item: &Item, cx: Ctx) -> Part {
        match item {
            Item::Number(r) => {
                let part = self.number(r.clone(), cx);
                // A fractional coefficient in front joins the next factor by juxtaposition.
                match part.kind {
                    Kind::Frac => Part::new(part.doc, part.prec, Kind::Other),
                    _ => part,
                }
            }
            Item::Factor(Factor::Over(f)) => self.expr(f, cx),
            Item::Factor(Factor::Under(b, n)) if n.is_one() => self.expr(b, cx),
            Item::Factor(Factor::Under(b, n)) => {
                let exponent = self.number(n.clone(), cx.script());
                self.power(b, exponent, cx)
            }
        }
    }

    /// `b^{x}`, the base parenthesised unless it is an atom.
    fn power(&mut self, b: &Expr, exponent: Part, cx: Ctx) -> Part {
        let base = wrap_if(self.expr(b, cx.tail(true)), |p| p < Prec::Atom);
        let doc = base
            .doc
            .append(Doc::text("^{"))
            .append(exponent.doc)
            .append(Doc::text("}"));
        Part::new(doc, Prec::Pow, Kind::Other)
    }

    /// `e^{x}` or `\exp\left(x\right)`, `\log p` or `\log\left(x\right)`, `\sqrt{x}`.
    fn func(&mut self, f: Func, a: &Expr, cx: Ctx) -> Part {
        match f {
            Func::Exp if is_short(a) => {
                let arg = self.expr(a, cx.script());
                let doc = Doc::text("e^{").append(arg.doc).append(Doc::text("}"));
                Part::new(doc, Prec::Pow, Kind::Other)
            }
            Func::Log if cx.tail && (is_natural(a) || matches!(a, Expr::Sym(_))) => {
                let arg = self.expr(a, cx);
                Part::new(
                    Doc::text("\\log ").append(arg.doc),
                    Prec::Prefix,
                    Kind::Other,
                )
            }
            Func::Sqrt => {
                let arg = self.expr(a, cx.tail(true));
                let doc = Doc::text("\\sqrt{").append(arg.doc).append(Doc::text("}"));
                Part::new(doc, Prec::Atom, Kind::Call)
            }
            Func::Exp | Func::Log | Func::Sigmoid | Func::Tanh | Func::Softplus => {
                let arg = self.expr(a, cx.tail(true));
                let doc = Doc::text(latex_func_name(f)).append(paren(arg.doc).doc);
                Part::new(doc, Prec::Atom, Kind::Call)
            }
            // The Iverson bracket `[u > 0]`, written plainly (no package needed).
            Func::IsPositive | Func::IsNonNegative | Func::IsNegative | Func::IsNonPositive => {
                let arg = self.expr(a, cx.tail(true));
                let rel = match f {
                    Func::IsPositive => ">",
                    Func::IsNonNegative => "\\geq",
                    Func::IsNegative => "<",
                    _ => "\\leq",
                };
                let doc = Doc::text("\\left[")
                    .append(arg.doc)
                    .append(Doc::text(format!(" {rel} 0\\right]")));
                Part::new(doc, Prec::Atom, Kind::Call)
            }
        }
    }

    /// `\sum_{j=1}^{K} body`, parenthesised when something follows it.
    fn sum(&mut self, binder: &Binder, body: &Expr, cx: Ctx) -> Part {
        let name = latex_index(&self.scope.bind(binder));
        let body = self.expr(body, cx.tail(true));
        self.scope.unbind();
        let body = wrap_if(body, |p| p < Prec::Mul);
        let head = match &binder.upper {
            Some(upper) => format!("\\sum_{{{name}=1}}^{{{}}} ", latex_name(upper)),
            None => format!("\\sum_{{{name}}} "),
        };
        let part = Part::new(Doc::text(head).append(body.doc), Prec::Prefix, Kind::Other);
        wrap_if(part, |_| !cx.tail)
    }

    /// `\dfrac{\partial L}{\partial s_k}`, or `\dfrac{\partial}{\partial s_k}\left(F\right)`.
    fn deriv(&mut self, f: &Expr, x: &Symbol, cx: Ctx) -> Part {
        let bottom = Doc::text("\\partial ").append(self.symbol(x).doc);
        let doc = match f {
            Expr::Sym(s) => {
                let top = Doc::text("\\partial ").append(self.symbol(s).doc);
                self.fraction(top, bottom, cx)
            }
            other => {
                let body = self.expr(other, cx.tail(true));
                let op = self.fraction(Doc::text("\\partial"), bottom, cx);
                op.append(paren(body.doc).doc)
            }
        };
        Part::new(doc, Prec::Frac, Kind::Frac)
    }

    /// `\dfrac{top}{bottom}` (`\frac` by option or in an exponent).
    fn fraction(&self, top: Doc, bottom: Doc, cx: Ctx) -> Doc {
        let command = match (self.frac, cx.script) {
            (FracStyle::Dfrac, false) => "\\dfrac{",
            _ => "\\frac{",
        };
        Doc::text(command)
            .append(top)
            .append(Doc::text("}{"))
            .append(bottom)
            .append(Doc::text("}"))
    }

    /// A number: `3`, `\dfrac{1}{2}`, `-3`.
    fn number(&self, r: Rational, cx: Ctx) -> Part {
        let (negative, magnitude) = match r.is_negative() {
            true => (true, -r),
            false => (false, r),
        };
        let part = if magnitude.is_integer() {
            Part::text(magnitude.to_string(), Prec::Atom, Kind::Number)
        } else {
            let top = Doc::text(magnitude.numer().to_string());
            let bottom = Doc::text(magnitude.denom().to_string());
            Part::new(self.fraction(top, bottom, cx), Prec::Frac, Kind::Frac)
        };
        match negative {
            true => Part::new(Doc::text("-").append(part.doc), Prec::Neg, Kind::Other),
            false => part,
        }
    }

    /// `s`, `s_k`, `c_{kd}`, `\sigma_{k,d1}`, `\mathrm{lr}`.
    fn symbol(&self, s: &Symbol) -> Part {
        let names = self.scope.indices(s);
        let sub = match names.as_slice() {
            [] => String::new(),
            [one] if one.chars().count() == 1 => format!("_{}", latex_index(one)),
            many => format!("_{{{}}}", indices(many)),
        };
        let text = format!("{}{sub}", latex_name(&s.name));
        Part::text(text, Prec::Atom, Kind::Symbol)
    }
}

/// The subscript list for index names: `jk` for one-character names, else `j,k1`.
fn indices(names: &[String]) -> String {
    let short = names.iter().all(|n| n.chars().count() == 1);
    let names: Vec<String> = names.iter().map(|n| latex_index(n)).collect();
    names.join(if short { "" } else { "," })
}

/// True for an exponential argument short enough for `e^{..}`: a symbol, a number, a delta, or a
/// product of at most two of them (a symbol may be a denominator: `e^{\frac{s_j}{T}}`).
fn is_short(e: &Expr) -> bool {
    let atom = |e: &Expr| matches!(e, Expr::Sym(_) | Expr::Num(_) | Expr::Delta(..));
    match e {
        _ if atom(e) => true,
        _ if is_product(e) => {
            let p = product(e);
            p.factors.len() <= 2
                && p.factors.iter().all(|f| match f {
                    Factor::Over(x) => atom(x),
                    Factor::Under(b, n) => atom(b) && n.is_one(),
                })
        }
        _ => false,
    }
}

/// How two neighbouring factors join: `\cdot` before a number and next to a fraction, nothing
/// before a parenthesis, else a space.
fn separator(a: Kind, b: Kind) -> &'static str {
    match (a, b) {
        (_, Kind::Number) | (Kind::Frac, _) | (_, Kind::Frac) => " \\cdot ",
        (Kind::Number | Kind::Symbol | Kind::Paren | Kind::Call, Kind::Paren) => "",
        _ => " ",
    }
}

/// `\left(x\right)`.
fn paren(doc: Doc) -> Part {
    let doc = Doc::text("\\left(")
        .append(doc)
        .append(Doc::text("\\right)"));
    Part::new(doc, Prec::Atom, Kind::Paren)
}

/// The part in `\left( \right)` when `wrap` holds of its precedence.
fn wrap_if(part: Part, wrap: impl FnOnce(Prec) -> bool) -> Part {
    if wrap(part.prec) {
        paren(part.doc)
    } else {
        part
    }
}

/// Greek letters by name; `eps` is `\epsilon`.
const GREEK: &[&str] = &[
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
];

/// A symbol name in LaTeX: one ASCII letter or digit as is, a Greek name as its command, anything
/// else as `\mathrm{..}`.
fn latex_name(name: &str) -> String {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_ascii_alphanumeric() {
            return name.to_string();
        }
    }
    match greek(name) {
        Some(command) => command,
        None => format!("\\mathrm{{{}}}", escape(name)),
    }
}

/// An index name in LaTeX: a Greek name as its command, anything else as is (escaped).
fn latex_index(name: &str) -> String {
    greek(name).unwrap_or_else(|| escape(name))
}

/// The command for a Greek letter's name (`eps` is `\epsilon`).
fn greek(name: &str) -> Option<String> {
    match name {
        "eps" => Some(String::from("\\epsilon")),
        _ if GREEK.contains(&name) => Some(format!("\\{name}")),
        _ => None,
    }
}

/// `name` with LaTeX's special characters escaped (or, where no escape is valid in math mode,
/// replaced by `?`).
fn escape(name: &str) -> String {
    let mut escaped = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '_' | '#' | '$' | '%' | '&' | '{' | '}' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\\' | '^' | '~' => escaped.push('?'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The LaTeX command for a function written as a call: `\exp`, `\sigma`, `\operatorname{softplus}`.
fn latex_func_name(f: Func) -> &'static str {
    match f {
        Func::Exp => "\\exp",
        Func::Log => "\\log",
        Func::Sqrt => "\\sqrt",
        Func::Sigmoid => "\\sigma",
        Func::Tanh => "\\tanh",
        Func::Softplus => "\\operatorname{softplus}",
        // Brackets are printed as `[u > 0]` (see `func`), never as a call.
        Func::IsPositive | Func::IsNonNegative | Func::IsNegative | Func::IsNonPositive => "",
    }
}
