//! The expression grammar of the LaTeX reader, one small function per construct.
//!
//! ```text
//! expression := ('+' | '-')? term (('+' | '-') term)*
//! term       := factor (('\cdot' | '\times' | '*' | '/')? factor)*   juxtaposition multiplies;
//!                                                                    a sum takes the rest
//! factor     := '-'* (sum | power)
//! sum        := '\sum' ('_' LETTER | '_{' LETTER ('=1')? '}') ('^' ATOM)? term
//! power      := atom ('^' script)?
//! atom       := NUMBER | '(' expression ')' | '{' expression '}' | '\boxed{' expression '}'
//!             | ('\frac' | '\dfrac' | '\tfrac') '{' A '}' '{' B '}'   a derivative when A and B
//!                                                                    start with \partial;
//!                                                                    `\frac12`: one character each
//!             | '\partial' SYMBOL '/' '\partial' SYMBOL
//!             | ('\log' | '\ln' | '\exp') (sum | power) | '\sqrt{' expression '}'
//!             | 'e^' script                                          exp
//!             | '\delta_{' LETTER LETTER '}' | '\delta_{' LETTER ',' LETTER '}'
//!             | SYMBOL
//! SYMBOL     := (LETTER | '\' GREEK) ('_' LETTER | '_{' LETTER+ '}' | '_{' LETTER (',' LETTER)* '}')?
//! ```
//!
//! Spacing commands (`\,`, `\;`, `\quad`...), `\displaystyle`, `\left`, `\right`, `\limits`
//! and `\big`-style sizes are skipped as white space. Letters are single characters, as in
//! LaTeX (`pk` is `p·k`); a subscript `{jk}` without commas is two indices.

use super::{LatexErrorAt as LatexError, Res};
use crate::parse::MAX_NESTING;
use crate::syntax::expr::{
    add, deriv, func, mul, neg, pow, recip, sum, Binder, Expr, Func, Index, Symbol,
};
use crate::syntax::index::close;
use crate::syntax::rational::Rational;
use nom::bytes::complete::take_while1;
use nom::character::complete::satisfy;
use nom::Parser;
use std::cell::Cell;

/// Greek letters read as plain symbols, by their command name.
const GREEK: [&str; 16] = [
    "alpha",
    "beta",
    "gamma",
    "epsilon",
    "varepsilon",
    "eta",
    "theta",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "rho",
    "sigma",
    "tau",
    "phi",
    "omega",
];

/// Commands that only change spacing or sizes: skipped as white space.
const SPACING: [&str; 14] = [
    "displaystyle",
    "textstyle",
    "left",
    "right",
    "limits",
    "quad",
    "qquad",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "nolimits",
];

/// The grammar's state: the nesting depth, limited to [`MAX_NESTING`].
pub(crate) struct Grammar {
    depth: Cell<usize>,
}

/// Leaves one nesting level when dropped.
struct Level<'g>(&'g Cell<usize>);

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// Skips white space, spacing commands and the sizes of delimiters.
pub(crate) fn ws(i: &str) -> &str {
    let mut i = i;
    loop {
        let t = i.trim_start_matches([' ', '\t', '\r', '\n', '~']);
        let after = match t.strip_prefix('\\') {
            Some(r) if r.starts_with([',', ';', ':', '!', ' ']) => &r[1..],
            Some(r) => {
                let (rest, name) = command_name(r);
                match name {
                    _ if SPACING.contains(&name) => rest,
                    "begin" | "end" => match environment(rest) {
                        Some(after) => after,
                        None => return t,
                    },
                    _ => return t,
                }
            }
            None => return t,
        };
        i = after;
    }
}

/// Environments that only align rows (their `&` and `\\\\` are read as statement separators).
const ALIGNING: [&str; 10] = [
    "aligned",
    "align",
    "align*",
    "split",
    "gathered",
    "gather",
    "gather*",
    "equation",
    "equation*",
    "alignedat",
];

/// `{NAME}` of an aligning environment after `\begin` or `\end`: what follows it.
fn environment(i: &str) -> Option<&str> {
    let inner = i.strip_prefix('{')?;
    let close = inner.find('}')?;
    ALIGNING
        .contains(&&inner[..close])
        .then(|| &inner[close + 1..])
}

/// The letters of a command after its backslash, and what follows them.
pub(crate) fn command_name(i: &str) -> (&str, &str) {
    let n = i
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphabetic())
        .map_or(i.len(), |(n, _)| n);
    (&i[n..], &i[..n])
}

/// The command at `i` (after white space), if any: its name and what follows it.
fn command(i: &str) -> Option<(&str, &str)> {
    let r = ws(i).strip_prefix('\\')?;
    let (rest, name) = command_name(r);
    (!name.is_empty()).then_some((rest, name))
}

fn fail<'a, T>(at: &'a str, message: impl Into<String>) -> Res<'a, T> {
    Err(nom::Err::Failure(LatexError::at(at, message)))
}

impl Grammar {
    /// A grammar at depth 0.
    pub(crate) fn new() -> Grammar {
        Grammar {
            depth: Cell::new(0),
        }
    }

    fn enter<'a>(&self, at: &'a str) -> Result<Level<'_>, nom::Err<LatexError<'a>>> {
        if self.depth.get() >= MAX_NESTING {
            return Err(nom::Err::Failure(LatexError::at(
                at,
                format!("nested more than {MAX_NESTING} levels deep"),
            )));
        }
        self.depth.set(self.depth.get() + 1);
        Ok(Level(&self.depth))
    }

    /// `expression := ('+' | '-')? term (('+' | '-') term)*`.
    pub(crate) fn expression<'a>(&self, i: &'a str) -> Res<'a, Expr> {
        let mut terms = Vec::new();
        let mut at = ws(i);
        let mut negate = false;
        if let Some(r) = at.strip_prefix('+') {
            at = r;
        }
        loop {
            let (rest, t) = self.term(at)?;
            terms.push(if negate { neg(t) } else { t });
            let next = ws(rest);
            negate = match next.chars().next() {
                Some('+') => false,
                Some('-') => true,
                _ => return Ok((rest, add(terms))),
            };
            at = &next[1..];
        }
    }

    /// `term`: factors joined by `\cdot`, `\times`, `*`, `/` or juxtaposition.
    fn term<'a>(&self, i: &'a str) -> Res<'a, Expr> {
        let mut factors = Vec::new();
        let mut at = i;
        let mut divide = false;
        loop {
            let (rest, (f, is_sum)) = self.factor(at)?;
            if divide && f.is_zero() {
                return fail(at, "division by zero");
            }
            factors.push(if divide { recip(f) } else { f });
            if is_sum {
                return Ok((rest, mul(factors)));
            }
            let next = ws(rest);
            let (after, explicit_divide) = match next.chars().next() {
                Some('*') => (&next[1..], Some(false)),
                Some('/') => (&next[1..], Some(true)),
                _ => match command(next) {
                    Some((r, "cdot" | "times")) => (r, Some(false)),
                    _ => (next, None),
                },
            };
            match explicit_divide {
                Some(d) => {
                    divide = d;
                    at = after;
                }
                None if starts_factor(next) => {
                    divide = false;
                    at = next;
                }
                None => return Ok((rest, mul(factors))),
            }
        }
    }

    /// `factor := '-'* (sum | power)`; also says whether it was a sum, which ends the term.
    fn factor<'a>(&self, i: &'a str) -> Res<'a, (Expr, bool)> {
        let mut at = ws(i);
        let mut minuses = 0;
        while let Some(r) = at.strip_prefix('-') {
            minuses += 1;
            at = ws(r);
        }
        let (rest, e, is_sum) = match command(at) {
            Some((r, "sum")) => {
                let (rest, e) = self.sum(at, r)?;
                (rest, e, true)
            }
            _ => {
                let (rest, e) = self.power(at)?;
                (rest, e, false)
            }
        };
        let e = (0..minuses).fold(e, |e, _| neg(e));
        Ok((rest, (e, is_sum)))
    }

    /// `\sum_{j=1}^{K} body`; `after` follows `\sum`. The upper end, if written, is kept in the
    /// binder for the caller to compare with the declared range.
    fn sum<'a>(&self, at: &'a str, after: &'a str) -> Res<'a, Expr> {
        let _level = self.enter(at)?;
        let r = ws(after);
        let Some(r) = r.strip_prefix('_') else {
            return fail(
                r,
                "a subscript after \\sum naming the summation index, as in \\sum_j",
            );
        };
        let r = ws(r);
        let (rest, bound) = match r.strip_prefix('{') {
            Some(inner) => {
                let (r2, letter) = letter(ws(inner), "a summation index after \\sum_{")?;
                let r2 = ws(r2);
                let r2 = match r2.strip_prefix('=') {
                    Some(lower) => {
                        let lower = ws(lower);
                        match lower.strip_prefix('1') {
                            Some(r3) => ws(r3),
                            None => {
                                return fail(
                                    lower,
                                    "a sum from 1 (other lower limits are not read)",
                                )
                            }
                        }
                    }
                    None => r2,
                };
                match r2.strip_prefix('}') {
                    Some(r3) => (r3, letter),
                    None => return fail(r2, "'}' closing the subscript of \\sum"),
                }
            }
            None => letter(r, "a summation index after \\sum_")?,
        };
        let (rest, upper) = match ws(rest).strip_prefix('^') {
            Some(sup) => {
                let sup = ws(sup);
                let (r, inner) = match sup.strip_prefix('{') {
                    Some(inner) => {
                        let inner = ws(inner);
                        let (r, name) = letter(inner, "the upper end of the sum, as in ^{K}")?;
                        match ws(r).strip_prefix('}') {
                            Some(r) => (r, name),
                            None => return fail(ws(r), "'}' closing the upper end of the sum"),
                        }
                    }
                    None => letter(sup, "the upper end of the sum, as in ^K")?,
                };
                (r, Some(inner))
            }
            None => (rest, None),
        };
        let (rest, body) = self.term(rest)?;
        let binder = Binder::new(bound, upper);
        Ok((rest, sum(binder, close(&body, bound))))
    }

    /// `power := atom ('^' script)?`.
    fn power<'a>(&self, i: &'a str) -> Res<'a, Expr> {
        let (rest, base) = self.atom(i)?;
        match ws(rest).strip_prefix('^') {
            Some(sup) => {
                let _level = self.enter(sup)?;
                let (rest, exponent) = self.script(sup)?;
                Ok((rest, pow(base, exponent)))
            }
            None => Ok((rest, base)),
        }
    }

    /// A superscript: `{expression}`, one digit, or one atom.
    fn script<'a>(&self, i: &'a str) -> Res<'a, Expr> {
        let at = ws(i);
        match at.chars().next() {
            Some('{') => self.braced(at),
            Some(c) if c.is_ascii_digit() => {
                let n = Rational::int(i128::from(c as u8 - b'0'));
                Ok((&at[1..], Expr::Num(n)))
            }
            Some('-') => fail(at, "braces around a negative exponent, as in ^{-1}"),
            _ => self.atom(at),
        }
    }

    /// `'{' expression '}'`.
    fn braced<'a>(&self, i: &'a str) -> Res<'a, Expr> {
        let at = ws(i);
        let Some(inner) = at.strip_prefix('{') else {
            return fail(at, "'{'");
        };
        let _level = self.enter(at)?;
        let (rest, e) = self.expression(inner)?;
        match ws(rest).strip_prefix('}') {
            Some(r) => Ok((r, e)),
            None => fail(
                ws(rest),
                "'}' closing the group (a relation inside braces is read only in a \\boxed{..} around a whole statement)",
            ),
        }
    }

    /// `'(' expression ')'` or `'[' expression ']'`.
    fn group<'a>(&self, at: &'a str, close_with: char) -> Res<'a, Expr> {
        let _level = self.enter(at)?;
        let (rest, e) = self.expression(&at[1..])?;
        match ws(rest).strip_prefix(close_with) {
            Some(r) => Ok((r, e)),
            None => fail(ws(rest), format!("'{close_with}' closing the group")),
        }
    }

    /// An atom: a number, a group, a command, `e^{..}` or a symbol.
    fn atom<'a>(&self, i: &'a str) -> Res<'a, Expr> {
        let at = ws(i);
        match at.chars().next() {
            Some('(') => self.group(at, ')'),
            Some('[') => self.group(at, ']'),
            Some('{') => self.braced(at),
            Some(c) if c.is_ascii_digit() => number(at),
            Some('e') if ws(&at[1..]).starts_with('^') => {
                let _level = self.enter(at)?;
                let sup = &ws(&at[1..])[1..];
                let (rest, x) = self.script(sup)?;
                Ok((rest, func(Func::Exp, x)))
            }
            Some(c) if c.is_ascii_alphabetic() => self.symbol(at, &at[..1], &at[1..]),
            Some('\\') => self.command_atom(at),
            Some(c) => fail(at, format!("an expression, found '{c}'")),
            None => fail(at, "an expression, found the end of the formula"),
        }
    }

    /// An atom that starts with a backslash command.
    fn command_atom<'a>(&self, at: &'a str) -> Res<'a, Expr> {
        let (rest, name) = command_name(&at[1..]);
        match name {
            "frac" | "dfrac" | "tfrac" => self.fraction(at, rest),
            "partial" => self.slash_derivative(at, rest),
            "log" | "ln" => self.function(at, Func::Log, rest),
            "exp" => self.function(at, Func::Exp, rest),
            "tanh" => self.function(at, Func::Tanh, rest),
            "sqrt" => {
                let (r, x) = self.braced(rest)?;
                Ok((r, func(Func::Sqrt, x)))
            }
            "boxed" => self.braced(rest),
            "delta" => self.delta(at, rest),
            g if GREEK.contains(&g) => self.symbol(at, g, rest),
            "" => fail(at, "a command after '\\'"),
            other => fail(at, format!("\\{other} is not read")),
        }
    }

    /// `\log x`, `\log(x)`, `\exp x`: the argument is the following power.
    /// A `\sum` argument (`\log \sum_m e^{s_m}`) is the whole sum, which takes the rest of
    /// the term.
    fn function<'a>(&self, at: &'a str, f: Func, after: &'a str) -> Res<'a, Expr> {
        let _level = self.enter(at)?;
        let (rest, x) = match command(after) {
            Some((r, "sum")) => self.sum(ws(after), r)?,
            _ => self.power(after)?,
        };
        Ok((rest, func(f, x)))
    }

    /// `\frac{A}{B}`: `A / B`, or the derivative `∂F/∂x` when both start with `\partial`.
    fn fraction<'a>(&self, at: &'a str, after: &'a str) -> Res<'a, Expr> {
        let _level = self.enter(at)?;
        let top = ws(after);
        if !top.starts_with('{') {
            // `\frac12`: one-character numerator and denominator.
            let (r, a) = self.frac_char(top, "a numerator after \\frac")?;
            let (r, b) = self.frac_char(r, "a denominator after \\frac")?;
            return divide(top, a, b).map(|e| (r, e));
        }
        if let Some((r, "partial")) = command(&top[1..]) {
            let (r, f) = self.partial_operand(r, "the function after \\partial")?;
            let r = close_brace(r, "'}' after the numerator \\partial F")?;
            let r = ws(r);
            let bottom = r
                .strip_prefix('{')
                .ok_or_else(|| nom::Err::Failure(LatexError::at(r, "'{' and a denominator")))?;
            let Some((r, "partial")) = command(bottom) else {
                return fail(ws(bottom), "\\partial in the denominator of a derivative");
            };
            let (r, x) = self.wrt(r)?;
            let r = close_brace(r, "'}' after the denominator \\partial x")?;
            return Ok((r, deriv(f, x)));
        }
        let (r, a) = self.braced(top)?;
        let r2 = ws(r);
        let (r, b) = match r2.starts_with('{') {
            true => self.braced(r2)?,
            false => self.frac_char(r2, "'{' and a denominator after the numerator of \\frac")?,
        };
        divide(r2, a, b).map(|e| (r, e))
    }

    /// One character as an argument of `\frac` (`\frac12`, `\frac{1}{2}` spelled short): a
    /// digit or a letter.
    fn frac_char<'a>(&self, i: &'a str, what: &str) -> Res<'a, Expr> {
        let at = ws(i);
        match at.chars().next() {
            Some(c) if c.is_ascii_digit() => Ok((&at[1..], Expr::int(i128::from(c as u8 - b'0')))),
            Some(c) if c.is_ascii_alphabetic() => Ok((&at[1..], Expr::plain(&at[..1]))),
            _ => fail(at, what.to_string()),
        }
    }

    /// `\partial F / \partial x`; `after` follows the first `\partial`.
    fn slash_derivative<'a>(&self, at: &'a str, after: &'a str) -> Res<'a, Expr> {
        let _level = self.enter(at)?;
        let (r, f) = self.partial_operand(after, "the function after \\partial")?;
        let r = ws(r);
        let Some(r) = r.strip_prefix('/') else {
            return fail(r, "'/ \\partial x' after \\partial F");
        };
        let Some((r, "partial")) = command(r) else {
            return fail(ws(r), "\\partial after '/' in \\partial F / \\partial x");
        };
        let (r, x) = self.wrt(r)?;
        Ok((r, deriv(f, x)))
    }

    /// What follows `\partial` in a numerator: a symbol or a braced expression.
    fn partial_operand<'a>(&self, i: &'a str, what: &str) -> Res<'a, Expr> {
        let at = ws(i);
        match at.chars().next() {
            Some('{') | Some('(') => self.atom(at),
            Some('^') => fail(at, "a first derivative (higher derivatives are not read)"),
            Some(c) if c.is_ascii_alphabetic() => self.symbol(at, &at[..1], &at[1..]),
            Some('\\') => self.command_atom(at),
            _ => fail(at, what.to_string()),
        }
    }

    /// The variable of a derivative: a symbol with its subscripts.
    fn wrt<'a>(&self, i: &'a str) -> Res<'a, Symbol> {
        let at = ws(i);
        let (rest, name) = match at.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (&at[1..], &at[..1]),
            Some('\\') => match command_name(&at[1..]) {
                (r, g) if GREEK.contains(&g) => (r, g),
                _ => return fail(at, "a variable to differentiate by"),
            },
            _ => return fail(at, "a variable to differentiate by"),
        };
        let (rest, indices) = subscripts(rest)?;
        let refs: Vec<&str> = indices.iter().map(String::as_str).collect();
        Ok((rest, Symbol::indexed(name, &refs)))
    }

    /// A symbol named `name` whose subscripts (if any) start at `after`.
    fn symbol<'a>(&self, _at: &'a str, name: &str, after: &'a str) -> Res<'a, Expr> {
        let (rest, indices) = subscripts(after)?;
        let refs: Vec<&str> = indices.iter().map(String::as_str).collect();
        Ok((rest, Expr::indexed(name, &refs)))
    }

    /// `\delta_{jk}` or `\delta_{j,k}`: the Kronecker delta of two indices.
    fn delta<'a>(&self, at: &'a str, after: &'a str) -> Res<'a, Expr> {
        let (rest, indices) = subscripts(after)?;
        match indices.as_slice() {
            [a, b] => Ok((
                rest,
                crate::syntax::expr::delta(Index::free(a), Index::free(b)),
            )),
            _ => fail(at, "\\delta with two index subscripts, as in \\delta_{jk}"),
        }
    }
}

/// `a / b`, refusing a literal zero denominator.
fn divide(at: &str, a: Expr, b: Expr) -> Result<Expr, nom::Err<LatexError<'_>>> {
    match b.is_zero() {
        true => Err(nom::Err::Failure(LatexError::at(at, "division by zero"))),
        false => Ok(mul(vec![a, recip(b)])),
    }
}

/// Skips white space and a `}`.
fn close_brace<'a>(i: &'a str, what: &str) -> Result<&'a str, nom::Err<LatexError<'a>>> {
    let at = ws(i);
    at.strip_prefix('}')
        .ok_or_else(|| nom::Err::Failure(LatexError::at(at, what.to_string())))
}

/// True when `i` starts something a juxtaposed factor can start with.
fn starts_factor(i: &str) -> bool {
    match i.chars().next() {
        Some('(' | '[' | '{') => true,
        Some(c) if c.is_ascii_alphanumeric() => true,
        Some('\\') => {
            let (_, name) = command_name(&i[1..]);
            matches!(
                name,
                "frac"
                    | "dfrac"
                    | "tfrac"
                    | "partial"
                    | "log"
                    | "ln"
                    | "exp"
                    | "sqrt"
                    | "tanh"
                    | "sum"
                    | "boxed"
                    | "delta"
            ) || GREEK.contains(&name)
        }
        _ => false,
    }
}

/// One ASCII letter (an index or a range end).
fn letter<'a>(i: &'a str, what: &str) -> Res<'a, &'a str> {
    let at = ws(i);
    match satisfy::<_, &str, LatexError>(|c: char| c.is_ascii_alphabetic()).parse(at) {
        Ok((rest, _)) => Ok((rest, &at[..1])),
        Err(_) => fail(at, what.to_string()),
    }
}

/// The subscripts of a symbol: none, `_j`, `_{j}`, `_{jk}` (two indices) or `_{j,k}`.
fn subscripts(i: &str) -> Res<'_, Vec<String>> {
    let at = ws(i);
    let Some(r) = at.strip_prefix('_') else {
        return Ok((i, Vec::new()));
    };
    let r = ws(r);
    let Some(inner) = r.strip_prefix('{') else {
        let (rest, l) = letter(r, "an index letter as the subscript")?;
        return Ok((rest, vec![l.to_string()]));
    };
    let mut out = Vec::new();
    let mut r = ws(inner);
    loop {
        if let Some(rest) = r.strip_prefix('}') {
            if out.is_empty() {
                return fail(r, "an index letter in the subscript");
            }
            return Ok((rest, out));
        }
        let (rest, l) = letter(r, "index letters in the subscript, as in _{jk} or _{j,k}")?;
        out.push(l.to_string());
        r = ws(rest);
        if let Some(rest) = r.strip_prefix(',') {
            r = ws(rest);
        }
    }
}

/// `DIGITS ('.' DIGITS)?`, exact.
fn number(i: &str) -> Res<'_, Expr> {
    let (rest, int) = take_while1::<_, &str, LatexError>(|c: char| c.is_ascii_digit())
        .parse(i)
        .map_err(|_| nom::Err::Failure(LatexError::at(i, "a number")))?;
    let (rest, text) = match rest.strip_prefix('.') {
        Some(frac) if frac.starts_with(|c: char| c.is_ascii_digit()) => {
            let n = frac.len() - frac.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (&frac[n..], &i[..int.len() + 1 + n])
        }
        _ => (rest, int),
    };
    match Rational::parse_decimal(text) {
        Some(r) => Ok((rest, Expr::Num(r))),
        None => fail(i, "a number of reasonable size"),
    }
}
