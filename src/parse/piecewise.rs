//! The grammar of piecewise functions and Iverson brackets (see [`crate::syntax::piecewise`]):
//!
//! ```text
//! atom      := ... | '[' condition ']' | NAME '(' arguments ')'
//! condition := expression ('<' | '<=' | '>' | '>=') expression
//! NAME      := relu | abs (one argument), max | min (two), clamp (three),
//!              if (a condition, then two expressions)
//! ```
//!
//! Each is rewritten into brackets as it is read ([`crate::syntax::piecewise`]).

use super::error::{ErrorKind, PErr};
use super::expr::{expect_char, ws, Grammar, Res};
use crate::syntax::expr::Expr;
use crate::syntax::piecewise;

/// The piecewise functions and how many expression arguments each takes (`if` takes a
/// condition, then two).
const FUNCTIONS: [(&str, usize); 6] = [
    ("relu", 1),
    ("abs", 1),
    ("max", 2),
    ("min", 2),
    ("clamp", 3),
    ("if", 2),
];

/// True when `name(` starts a piecewise function.
pub(crate) fn is_piecewise(name: &str) -> bool {
    FUNCTIONS.iter().any(|(n, _)| *n == name)
}

impl<'a> Grammar<'a> {
    /// `'[' condition ']'`, starting at the `[`.
    pub(crate) fn bracket(&self, i: &'a str) -> Res<'a, Expr> {
        let _level = self.enter(i)?;
        let (rest, c) = self.condition(&i[1..], "a condition after '[', as in [x > 0]")?;
        let rest = ws(rest);
        match rest.strip_prefix(']') {
            Some(rest) => Ok((rest, c)),
            None => PErr::expected(rest, "']' after the condition").fail(),
        }
    }

    /// `expression REL expression`, as a bracket; `what` describes it if it is missing.
    fn condition(&self, i: &'a str, what: &str) -> Res<'a, Expr> {
        let (rest, a) = self.expression(i, what)?;
        let rest = ws(rest);
        let rel = ["<=", ">=", "<", ">"]
            .into_iter()
            .find(|r| rest.starts_with(r));
        let Some(rel) = rel else {
            return PErr::expected(rest, "a comparison '<', '<=', '>' or '>=' in the condition")
                .fail();
        };
        let (rest, b) =
            self.expression(&rest[rel.len()..], &format!("an expression after '{rel}'"))?;
        match piecewise::compare(a, rel, b) {
            Some(c) => Ok((rest, c)),
            None => PErr::expected(rest, "a comparison").fail(),
        }
    }

    /// `NAME '(' arguments ')'` for a piecewise function; `at` is the name, `after` follows it.
    pub(crate) fn piecewise_call(&self, name: &str, at: &'a str, after: &'a str) -> Res<'a, Expr> {
        let open = ws(after);
        let Some(mut rest) = open.strip_prefix('(') else {
            return PErr::expected(open, format!("'(' after `{name}`")).fail();
        };
        let _level = self.enter(open)?;
        let count = FUNCTIONS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, c)| *c);
        let mut args = Vec::with_capacity(count + 1);
        if name == "if" {
            let (r, c) = self.condition(rest, "a condition as the first argument of if")?;
            args.push(c);
            rest = expect_char(ws(r), ',', "',' after the condition of if")?;
        }
        for k in 0..count {
            let what = format!("argument {} of {name}", args.len() + 1);
            let (r, e) = self.expression(rest, &what)?;
            args.push(e);
            let r = ws(r);
            rest = match k + 1 < count {
                true => expect_char(r, ',', &format!("',' after {what}"))?,
                false => expect_char(r, ')', &format!("')' after the arguments of {name}"))?,
            };
        }
        let mut args = args.into_iter();
        let mut next = || {
            args.next()
                .expect("the loop above read exactly the function's arguments")
        };
        let e = match name {
            "relu" => piecewise::relu(next()),
            "abs" => piecewise::abs(next()),
            "max" => piecewise::max(next(), next()),
            "min" => piecewise::min(next(), next()),
            "clamp" => {
                let (x, lo, hi) = (next(), next(), next());
                if let (Some(l), Some(h)) = (lo.num(), hi.num()) {
                    if l > h {
                        let what = "clamp with its lower bound above its upper bound";
                        return PErr::kind(at, ErrorKind::Undefined { what }).fail();
                    }
                }
                piecewise::clamp(x, lo, hi)
            }
            _ => {
                let (c, a, b) = (next(), next(), next());
                match piecewise::if_then_else(c, a, b) {
                    Some(e) => e,
                    None => return PErr::expected(at, "a condition").fail(),
                }
            }
        };
        Ok((rest, e))
    }
}
