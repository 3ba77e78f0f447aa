//! The expression grammar (summarised in [`super`]), one small function per rule.
//!
//! Sequences (`+`, `*`, `^`, unary minus) are loops, so long inputs never deepen the Rust stack;
//! only parentheses, calls, sums and powers recurse, and each of those first passes
//! [`Grammar::enter`], which enforces [`MAX_NESTING`]. Every decision is made by looking at the
//! next character, and once a prefix has committed (an operator, `(`, a function name) errors
//! are nom failures (`cut`), so they point where the input went wrong.

use super::error::{shorten, ErrorKind, PErr};
use super::MAX_NESTING;
use crate::syntax::expr::{
    add, deriv, func, mul, neg, pow, recip, sum, Binder, Expr, Func, Index, Symbol,
};
use crate::syntax::index::close;
use crate::syntax::rational::Rational;
use nom::bytes::complete::take_while;
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{cut, opt, recognize};
use nom::{IResult, Parser};
use std::cell::{Cell, RefCell};

/// The result of a grammar function.
pub(crate) type Res<'a, T> = IResult<&'a str, T, PErr<'a>>;

/// Names that cannot be symbols (`d` is reserved only when followed by `(`).
pub(crate) const RESERVED: [&str; 5] = ["sum", "delta", "exp", "log", "sqrt"];

/// One occurrence of a name in parsed text, kept so a file can be validated afterwards. Each
/// `name` is the slice of the source it was read from, which gives its position.
#[derive(Clone, Debug)]
pub(crate) enum Use<'a> {
    /// A symbol with this many subscripts.
    Symbol { name: &'a str, subscripts: usize },
    /// An index in a subscript or a delta; `bound` when an enclosing `sum_` binds it.
    Index { name: &'a str, bound: bool },
    /// The letter of a `sum_j`.
    Binder { name: &'a str },
    /// The variable of `d(F)/d(x)`.
    Wrt { name: &'a str, subscripts: usize },
    /// The symbol after `via` in a `derive` line.
    Via { name: &'a str, subscripts: usize },
    /// The index `index` in subscript position `slot` (from 0) of the symbol named `symbol`:
    /// its range must be the range of that slot in the symbol's declaration.
    Slot {
        symbol: &'a str,
        slot: usize,
        index: &'a str,
    },
}

/// A symbol as written: its name and subscripts, as slices of the source.
#[derive(Clone, Debug)]
pub(crate) struct RawSymbol<'a> {
    /// The name.
    pub name: &'a str,
    /// The subscripts, in order.
    pub indices: Vec<&'a str>,
}

impl RawSymbol<'_> {
    /// The symbol with free indices.
    pub fn to_symbol(&self) -> Symbol {
        Symbol {
            name: self.name.into(),
            indices: self.indices.iter().map(|i| Index::free(i)).collect(),
        }
    }
}

/// The state of one parse: nesting depth, the letters bound by enclosing sums, and the names
/// seen so far.
pub(crate) struct Grammar<'a> {
    depth: Cell<usize>,
    bound: RefCell<Vec<&'a str>>,
    uses: RefCell<Vec<Use<'a>>>,
    end: &'static str,
}

/// Leaves one nesting level when dropped.
pub(crate) struct Level<'g> {
    depth: &'g Cell<usize>,
}

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
}

impl<'a> Grammar<'a> {
    /// A fresh parse; `end` names the end of the text in messages (`end of input`).
    pub fn new(end: &'static str) -> Grammar<'a> {
        Grammar {
            depth: Cell::new(0),
            bound: RefCell::new(Vec::new()),
            uses: RefCell::new(Vec::new()),
            end,
        }
    }

    /// The names seen so far, in source order; the list is emptied.
    pub fn take_uses(&self) -> Vec<Use<'a>> {
        self.uses.take()
    }

    /// Records a name occurrence.
    pub fn record(&self, u: Use<'a>) {
        self.uses.borrow_mut().push(u);
    }

    /// An expression filling all of `i`; `what` describes it if `i` is empty.
    pub fn complete(&self, i: &'a str, what: &str) -> Res<'a, Expr> {
        let (rest, e) = self.expression(i, what)?;
        let rest = ws(rest);
        self.end_of_text(rest, "an operator")?;
        Ok((rest, e))
    }

    /// Succeeds at the end of the text; otherwise fails, expecting `what` or the end.
    pub fn end_of_text(&self, rest: &'a str, what: &str) -> Result<(), nom::Err<PErr<'a>>> {
        if rest.is_empty() {
            Ok(())
        } else if rest.starts_with(')') {
            PErr::kind(rest, ErrorKind::UnmatchedClose).fail()
        } else {
            PErr::expected(rest, format!("{what} or {}", self.end)).fail()
        }
    }

    /// Enters one nesting level at `at`, or fails when that would exceed [`MAX_NESTING`].
    pub fn enter(&self, at: &'a str) -> Result<Level<'_>, nom::Err<PErr<'a>>> {
        let depth = self.depth.get();
        if depth >= MAX_NESTING {
            return PErr::kind(at, ErrorKind::TooDeep { limit: MAX_NESTING }).fail();
        }
        self.depth.set(depth + 1);
        Ok(Level { depth: &self.depth })
    }

    /// `expression := term (('+' | '-') term)*`; `what` describes it if it is missing.
    pub fn expression(&self, i: &'a str, what: &str) -> Res<'a, Expr> {
        let start = operand_start(i, what)?;
        let (mut rest, first) = self.term(start)?;
        let mut terms = vec![first];
        loop {
            let at = ws(rest);
            let (negate, after) = match at.as_bytes().first() {
                Some(b'+') => (false, &at[1..]),
                Some(b'-') => (true, &at[1..]),
                _ => break,
            };
            let what = match negate {
                true => "an operand after '-'",
                false => "an operand after '+'",
            };
            let start = operand_start(after, what)?;
            let (r, t) = self.term(start)?;
            terms.push(if negate { neg(t) } else { t });
            rest = r;
        }
        Ok((rest, add(terms)))
    }

    /// `term := factor (('*' | '/') factor)*`; a `sum_j` factor takes the rest of the term.
    fn term(&self, i: &'a str) -> Res<'a, Expr> {
        let mut factors = Vec::new();
        let mut i = i;
        let mut divide = false;
        loop {
            let (rest, (f, ends_term)) = self.factor(i)?;
            if divide && f.is_zero() {
                return undefined(i, "division by zero");
            }
            factors.push(if divide { recip(f) } else { f });
            let at = ws(rest);
            divide = match at.as_bytes().first() {
                Some(b'*') if !ends_term => false,
                Some(b'/') if !ends_term => true,
                _ => return Ok((rest, mul(factors))),
            };
            let what = match divide {
                true => "an operand after '/'",
                false => "an operand after '*'",
            };
            i = operand_start(&at[1..], what)?;
        }
    }

    /// `factor := '-'* (sum | power)`; also says whether it was a sum, which ends the term.
    fn factor(&self, i: &'a str) -> Res<'a, (Expr, bool)> {
        let (i, minuses) = count_minuses(i);
        let is_sum = word(i).1 == "sum";
        let i = operand_start(i, "an operand after '-'")?;
        let (rest, e) = match is_sum {
            true => self.sum(i)?,
            false => self.power(i)?,
        };
        Ok((rest, (negate_times(minuses, e), is_sum)))
    }

    /// `sum := 'sum_' INDEX term`: the body is parsed with the letter free, then closed over.
    fn sum(&self, i: &'a str) -> Res<'a, Expr> {
        let (after, _) = word(i);
        let Some(after) = after.strip_prefix('_') else {
            return PErr::expected(after, "'_' and an index after `sum`, as in sum_j").fail();
        };
        let (rest, letter) = self.sum_letter(after)?;
        let _level = self.enter(i)?;
        self.record(Use::Binder { name: letter });
        let body_at = operand_start(rest, &format!("the body of sum_{letter}"))?;
        self.bound.borrow_mut().push(letter);
        let body = self.term(body_at);
        self.bound.borrow_mut().pop();
        let (rest, body) = body?;
        let binder = Binder::new(letter, None);
        Ok((rest, sum(binder, close(&body, letter))))
    }

    /// The one index letter after `sum_` (`j` or `{j}`).
    fn sum_letter(&self, i: &'a str) -> Res<'a, &'a str> {
        let (rest, letters) = self.subscripts(i)?;
        match letters.as_slice() {
            [letter] => Ok((rest, letter)),
            _ => PErr::expected(i, "one index after `sum_`").fail(),
        }
    }

    /// `power := atom ('^' '-'* atom)*`, folded from the right; each `^` is a nesting level.
    fn power(&self, i: &'a str) -> Res<'a, Expr> {
        let (mut rest, base) = self.atom(i)?;
        let mut chain = vec![(0, base, i)];
        let mut levels = Vec::new();
        while let Some(after) = ws(rest).strip_prefix('^') {
            levels.push(self.enter(ws(rest))?);
            let (at, minuses) = count_minuses(after);
            if word(at).1 == "sum" {
                return PErr::kind(at, ErrorKind::SumInExponent).fail();
            }
            let at = operand_start(at, "an exponent after '^'")?;
            let (r, e) = self.atom(at)?;
            chain.push((minuses, e, at));
            rest = r;
        }
        let (minuses, mut acc, _) = chain.pop().expect("the chain starts with the base");
        acc = negate_times(minuses, acc);
        while let Some((minuses, b, at)) = chain.pop() {
            if let Some(what) = undefined_power(&b, &acc) {
                return undefined(at, what);
            }
            acc = negate_times(minuses, pow(b, acc));
        }
        Ok((rest, acc))
    }

    /// `atom`: a number, a parenthesised expression, a call, a derivative or a symbol.
    fn atom(&self, i: &'a str) -> Res<'a, Expr> {
        match i.chars().next() {
            Some('(') => self.group(i),
            Some('[') => self.bracket(i),
            Some(c) if c.is_ascii_digit() => number(i),
            Some(c) if c.is_ascii_alphabetic() => self.named(i),
            _ => PErr::expected(i, "an expression").fail(),
        }
    }

    /// `'(' expression ')'`.
    fn group(&self, i: &'a str) -> Res<'a, Expr> {
        let _level = self.enter(i)?;
        let (rest, e) = self.expression(&i[1..], "an expression after '('")?;
        let rest = ws(rest);
        match rest.strip_prefix(')') {
            Some(rest) => Ok((rest, e)),
            None => Err(nom::Err::Failure(PErr::unclosed(rest, i))),
        }
    }

    /// Everything that starts with a name: a reserved word's construct, or a symbol.
    fn named(&self, i: &'a str) -> Res<'a, Expr> {
        let (after, name) = word(i);
        let calls = ws(after).starts_with('(');
        match name {
            "sum" => PErr::kind(i, ErrorKind::SumInExponent).fail(),
            "exp" => self.call(Func::Exp, after),
            "log" => self.call(Func::Log, after),
            "sqrt" => self.call(Func::Sqrt, after),
            "sigmoid" => self.call(Func::Sigmoid, after),
            "tanh" => self.call(Func::Tanh, after),
            "softplus" => self.call(Func::Softplus, after),
            "delta" => self.delta(after),
            "d" if calls => {
                let (rest, (f, x)) = self.derivative(i)?;
                Ok((rest, deriv(f, x)))
            }
            _ if calls && super::piecewise::is_piecewise(name) => {
                self.piecewise_call(name, i, after)
            }
            _ if calls && !after.starts_with('_') => PErr::kind(
                i,
                ErrorKind::UnknownFunction {
                    name: shorten(name),
                },
            )
            .fail(),
            _ => self.symbol_use(i),
        }
    }

    /// `exp|log|sqrt|sigmoid|tanh|softplus '(' expression ')'`; `after` follows the function's name.
    fn call(&self, f: Func, after: &'a str) -> Res<'a, Expr> {
        let name = f.name();
        let open = ws(after);
        let Some(inner) = open.strip_prefix('(') else {
            return PErr::expected(open, format!("'(' after `{name}`")).fail();
        };
        let _level = self.enter(open)?;
        let (rest, arg) = self.expression(inner, &format!("an argument for {name}"))?;
        let undefined_at = match (f, arg.num()) {
            (Func::Log, Some(r)) if !r.is_positive() => Some("log of a number <= 0"),
            (Func::Sqrt, Some(r)) if r.is_negative() => Some("sqrt of a negative number"),
            _ => None,
        };
        if let Some(what) = undefined_at {
            return undefined(ws(inner), what);
        }
        let rest = ws(rest);
        match rest.strip_prefix(')') {
            Some(rest) => Ok((rest, func(f, arg))),
            None => PErr::expected(rest, format!("')' after the argument of {name}")).fail(),
        }
    }

    /// `'delta(' INDEX ',' INDEX ')'`; `after` follows `delta`.
    fn delta(&self, after: &'a str) -> Res<'a, Expr> {
        let open = ws(after);
        let Some(inner) = open.strip_prefix('(') else {
            return PErr::expected(open, "'(' after `delta`").fail();
        };
        let (rest, a) = index_name(ws(inner), "an index as the first argument of delta")?;
        let rest = ws(rest);
        let Some(rest) = rest.strip_prefix(',') else {
            return PErr::expected(rest, "',' between the two indices of delta").fail();
        };
        let (rest, b) = index_name(ws(rest), "an index as the second argument of delta")?;
        let rest = ws(rest);
        let Some(rest) = rest.strip_prefix(')') else {
            return PErr::expected(rest, "')' after the two indices of delta").fail();
        };
        self.record_index(a);
        self.record_index(b);
        Ok((
            rest,
            crate::syntax::expr::delta(Index::free(a), Index::free(b)),
        ))
    }

    /// `'d(' expression ')/d(' SYMBOL ')'`, starting at the `d`: the function and the variable.
    pub fn derivative(&self, i: &'a str) -> Res<'a, (Expr, Symbol)> {
        let (after, name) = word(i);
        let open = ws(after);
        let inner = match open.strip_prefix('(') {
            Some(inner) if name == "d" => inner,
            _ => return PErr::expected(i, "a derivative d(F)/d(x)").fail(),
        };
        let _level = self.enter(i)?;
        let (rest, f) = self.expression(inner, "the function to differentiate after 'd('")?;
        let rest = ws(rest);
        let rest = expect_char(rest, ')', "')' after the function in d(F)")?;
        let rest = expect_char(ws(rest), '/', "'/d(' after d(F), as in d(F)/d(x)")?;
        let rest = ws(rest);
        if word(rest).1 != "d" {
            return PErr::expected(rest, "'d(' after d(F)/").fail();
        }
        let rest = expect_char(ws(&rest[1..]), '(', "'(' after d(F)/d")?;
        let at = ws(rest);
        let (rest, x) = self.symbol_name(at, "a symbol to differentiate by after d(F)/d(")?;
        self.record(Use::Wrt {
            name: x.name,
            subscripts: x.indices.len(),
        });
        self.record_subscripts(&x);
        let rest = expect_char(ws(rest), ')', "')' after the variable in d(F)/d(x)")?;
        Ok((rest, (f, x.to_symbol())))
    }

    /// A symbol in an expression, with its uses recorded.
    fn symbol_use(&self, i: &'a str) -> Res<'a, Expr> {
        let (rest, s) = self.raw_symbol(i)?;
        self.record(Use::Symbol {
            name: s.name,
            subscripts: s.indices.len(),
        });
        self.record_subscripts(&s);
        Ok((rest, Expr::Sym(s.to_symbol())))
    }

    /// Records the subscripts of a symbol occurrence: each as an index and as the filler of its
    /// slot of the symbol.
    pub fn record_subscripts(&self, s: &RawSymbol<'a>) {
        for (slot, index) in s.indices.iter().enumerate() {
            self.record_index(index);
            self.record(Use::Slot {
                symbol: s.name,
                slot,
                index,
            });
        }
    }

    /// Records an index occurrence, bound or free.
    pub fn record_index(&self, name: &'a str) {
        let bound = self.bound.borrow().contains(&name);
        self.record(Use::Index { name, bound });
    }

    /// A symbol that is not a reserved word (for declarations and `d(x)`); `what` describes it.
    pub fn symbol_name(&self, i: &'a str, what: &str) -> Res<'a, RawSymbol<'a>> {
        let name = word(i).1;
        if name.is_empty() || RESERVED.contains(&name) {
            return PErr::expected(i, what).fail();
        }
        self.raw_symbol(i)
    }

    /// `SYMBOL := NAME ('_' INDEX | '_{' INDEX (',' INDEX)* '}')?`, uses not recorded.
    pub fn raw_symbol(&self, i: &'a str) -> Res<'a, RawSymbol<'a>> {
        let (after, name) = word(i);
        if name.is_empty() {
            return PErr::expected(i, "a symbol").fail();
        }
        match after.strip_prefix('_') {
            Some(subs) => {
                let (rest, indices) = self.subscripts(subs)?;
                Ok((rest, RawSymbol { name, indices }))
            }
            None => Ok((
                after,
                RawSymbol {
                    name,
                    indices: Vec::new(),
                },
            )),
        }
    }

    /// The subscripts after `_`: one index name, or a braced comma list.
    fn subscripts(&self, i: &'a str) -> Res<'a, Vec<&'a str>> {
        let Some(list) = i.strip_prefix('{') else {
            let what = "an index after '_' (a name such as k, or a list such as {k,d})";
            let (rest, name) = index_name(i, what)?;
            return Ok((rest, vec![name]));
        };
        let mut names = Vec::new();
        let mut at = ws(list);
        loop {
            let (rest, name) = index_name(at, "an index name in the subscript list")?;
            names.push(name);
            let rest = ws(rest);
            if let Some(rest) = rest.strip_prefix('}') {
                return Ok((rest, names));
            }
            let Some(rest) = rest.strip_prefix(',') else {
                return PErr::expected(rest, "',' or '}' in the subscript list").fail();
            };
            at = ws(rest);
        }
    }
}

/// A committed error: the literal at `at` is undefined.
fn undefined<'a, T>(at: &'a str, what: &'static str) -> Result<T, nom::Err<PErr<'a>>> {
    PErr::kind(at, ErrorKind::Undefined { what }).fail()
}

/// Why the literal power `b ^ x` is undefined, if it is: `0` to a negative power, or a negative
/// number to a fractional power.
fn undefined_power(b: &Expr, x: &Expr) -> Option<&'static str> {
    let (b, x) = (b.num()?, x.num()?);
    if b.is_zero() && x.is_negative() {
        Some("0 to a negative power")
    } else if b.is_negative() && !x.is_integer() {
        Some("a negative number to a fractional power")
    } else {
        None
    }
}

/// `NUMBER := DIGITS ('.' DIGITS)?`, exact.
fn number(i: &str) -> Res<'_, Expr> {
    let fraction = (
        char('.'),
        cut(expect(digit1, "digits after the decimal point")),
    );
    let (rest, text) = recognize((digit1, opt(fraction))).parse(i)?;
    match Rational::parse_decimal(text) {
        Some(r) => Ok((rest, Expr::Num(r))),
        None => PErr::kind(
            i,
            ErrorKind::NumberTooLarge {
                text: shorten(text),
            },
        )
        .fail(),
    }
}

/// `INDEX := LETTER (LETTER | DIGIT)*`; `what` describes it if it is missing.
pub(crate) fn index_name<'a>(i: &'a str, what: &str) -> Res<'a, &'a str> {
    let start = satisfy(|c: char| c.is_ascii_alphabetic());
    let name = recognize((start, take_while(|c: char| c.is_ascii_alphanumeric())));
    expect(name, what).parse(i)
}

/// Wraps `parser` so that a recoverable failure becomes a committed one expecting `what`.
fn expect<'a, 'w, O, P>(mut parser: P, what: &'w str) -> impl FnMut(&'a str) -> Res<'a, O> + 'w
where
    P: Parser<&'a str, Output = O, Error = PErr<'a>> + 'w,
    'a: 'w,
{
    move |i| match parser.parse(i) {
        Err(nom::Err::Error(_)) => PErr::expected(i, what).fail(),
        other => other,
    }
}

/// `i` after the character `c`, or a failure expecting `what`.
pub(crate) fn expect_char<'a>(
    i: &'a str,
    c: char,
    what: &str,
) -> Result<&'a str, nom::Err<PErr<'a>>> {
    match i.strip_prefix(c) {
        Some(rest) => Ok(rest),
        None => PErr::expected(i, what).fail(),
    }
}

/// The ASCII name at the start of `i` (a letter, then letters and digits) and what follows; the
/// name is empty when `i` does not start with a letter.
pub(crate) fn word(i: &str) -> (&str, &str) {
    if !i.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return (i, "");
    }
    let end = i
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(i.len());
    (&i[end..], &i[..end])
}

/// `i` without leading whitespace.
pub(crate) fn ws(i: &str) -> &str {
    i.trim_start_matches([' ', '\t', '\r', '\n'])
}

/// Skips whitespace and unary minus signs, counting the signs.
fn count_minuses(i: &str) -> (&str, usize) {
    let mut i = ws(i);
    let mut n = 0;
    while let Some(rest) = i.strip_prefix('-') {
        n += 1;
        i = ws(rest);
    }
    (i, n)
}

/// `e` negated `n` times.
fn negate_times(n: usize, e: Expr) -> Expr {
    if n % 2 == 1 {
        neg(e)
    } else {
        e
    }
}

/// `i` without leading whitespace, if an operand can start there; else a failure expecting
/// `what`.
fn operand_start<'a>(i: &'a str, what: &str) -> Result<&'a str, nom::Err<PErr<'a>>> {
    let i = ws(i);
    match i.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() || c == '(' || c == '-' || c == '[' => Ok(i),
        _ => PErr::expected(i, what).fail(),
    }
}
