//! A derivation problem: what a `.deriv` file declares.
//!
//! The parser in [`crate::parse`] builds a [`Problem`]; the engine, the checker and the renderers
//! read it. Facts that rules rely on (a symbol is positive, a family sums to one, the range of an
//! index) come from here and only from here.

use crate::syntax::expr::{Expr, Symbol};
use serde::Serialize;

/// A place in the input: 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// What a declared variable is: what rules may assume about it and how the checker samples it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Any real number.
    Real,
    /// A strictly positive real.
    Positive,
    /// A real in the open interval (0, 1).
    Unit,
    /// Non-negative entries summing to one over the variable's index; entries are taken positive.
    Distribution,
    /// A distribution that is 1 at one class and 0 elsewhere.
    Onehot,
}

impl Kind {
    /// The kind with this `.deriv` keyword.
    pub fn from_keyword(word: &str) -> Option<Kind> {
        match word {
            "real" => Some(Kind::Real),
            "positive" => Some(Kind::Positive),
            "unit" => Some(Kind::Unit),
            "distribution" => Some(Kind::Distribution),
            "onehot" => Some(Kind::Onehot),
            _ => None,
        }
    }

    /// The `.deriv` keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Real => "real",
            Kind::Positive => "positive",
            Kind::Unit => "unit",
            Kind::Distribution => "distribution",
            Kind::Onehot => "onehot",
        }
    }

    /// Values of this kind are never zero.
    pub fn is_nonzero(self) -> bool {
        matches!(self, Kind::Positive | Kind::Unit | Kind::Distribution)
    }

    /// Values of this kind are strictly positive.
    pub fn is_positive(self) -> bool {
        self.is_nonzero()
    }

    /// The family sums to one over its index.
    pub fn sums_to_one(self) -> bool {
        matches!(self, Kind::Distribution | Kind::Onehot)
    }
}

/// `index j, k in 1..K`: index letters and the plain symbol naming their upper end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexDecl {
    /// The index letter.
    pub name: String,
    /// The upper end of its range (`K`).
    pub upper: String,
    /// Where it was declared.
    pub pos: Pos,
}

/// `var q_j distribution`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VarDecl {
    /// The symbol as declared; its indices are free index names.
    pub symbol: Symbol,
    /// What the variable is.
    pub kind: Kind,
    /// Where it was declared.
    pub pos: Pos,
}

/// `let p_j = exp(s_j) / sum_m exp(s_m)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Definition {
    /// The defined symbol; its indices are the definition's parameters (free index names).
    pub symbol: Symbol,
    /// The right-hand side, in which the parameters occur as free indices.
    pub body: Expr,
    /// Where it was declared.
    pub pos: Pos,
}

/// `derive d(L)/d(s_k) via p_j`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Goal {
    /// The function being differentiated (`L`).
    pub of: Expr,
    /// The variable (`s_k`), with free indices.
    pub wrt: Symbol,
    /// The defined symbol to apply the chain rule through (`p_j`), if any: the first of
    /// [`Goal::vias`].
    pub via: Option<Symbol>,
    /// Where it was declared.
    pub pos: Pos,
    /// Every symbol after `via` with where it was written, outermost first (`via s_k, p_j`:
    /// the chain rule goes through `s_k`, and the piece `d(L)/d(s_k)` through `p_j`).
    pub vias: Vec<(Symbol, Pos)>,
}

/// `given d(L)/d(s_k) = p_k - q_k`: a result stated in the file (checked numerically in this
/// problem) that the chain rule uses as a piece instead of deriving it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Given {
    /// The derivative stated (`d(L)/d(s_k)`), with free indices.
    pub of: Expr,
    /// What it equals.
    pub result: Expr,
    /// Where it was written.
    pub pos: Pos,
    /// The file it was imported from (`use "softmax_cross_entropy.deriv"`), if any.
    pub from: Option<String>,
}

/// One `= E` line of a hand-written derivation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShowLine {
    /// The claimed expression.
    pub expr: Expr,
    /// Where it was written.
    pub pos: Pos,
}

/// A hand-written derivation: `show d(L)/d(s_k)` and its `= E` lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Show {
    /// The expression the lines start from.
    pub start: Expr,
    /// Where `show` was written.
    pub pos: Pos,
    /// The claimed equal expressions, in order.
    pub lines: Vec<ShowLine>,
}

/// Everything a `.deriv` file declares.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The title line, if any.
    pub title: Option<String>,
    /// Index declarations, in file order.
    pub indices: Vec<IndexDecl>,
    /// Variable declarations, in file order.
    pub vars: Vec<VarDecl>,
    /// Definitions, in file order.
    pub defs: Vec<Definition>,
    /// The derivation goal, if any.
    pub goal: Option<Goal>,
    /// The claimed result, if any.
    pub expect: Option<(Expr, Pos)>,
    /// A hand-written derivation to check, if any.
    pub show: Option<Show>,
    /// Results stated with `given`, in file order.
    pub givens: Vec<Given>,
}

impl Problem {
    /// The declaration of the variable named `name`.
    pub fn var(&self, name: &str) -> Option<&VarDecl> {
        self.vars.iter().find(|v| v.symbol.name == name)
    }

    /// The definition of the symbol named `name`.
    pub fn def(&self, name: &str) -> Option<&Definition> {
        self.defs.iter().find(|d| d.symbol.name == name)
    }

    /// The declaration of the index letter `name`.
    pub fn index(&self, name: &str) -> Option<&IndexDecl> {
        self.indices.iter().find(|i| i.name == name)
    }

    /// The upper end of the range of index `name`: its declared range, or for an undeclared
    /// numbered copy of a declared letter (`j1` for `j`, the names fresh indices get when every
    /// letter of a range is taken) that letter's range.
    pub fn upper_of(&self, name: &str) -> Option<&str> {
        self.index(name)
            .or_else(|| crate::syntax::index::numbered_copy_of(name).and_then(|b| self.index(b)))
            .map(|i| i.upper.as_str())
    }

    /// The index letters with the upper ends of their ranges, in declaration order.
    pub fn index_letters(&self) -> Vec<(String, String)> {
        self.indices
            .iter()
            .map(|i| (i.name.clone(), i.upper.clone()))
            .collect()
    }

    /// True when `name` is the upper end of some index range: a positive integer, at least 1
    /// (the parser rejects a range end that is also a variable, a definition or an index letter).
    pub fn is_range_bound(&self, name: &str) -> bool {
        self.indices.iter().any(|i| i.upper == name)
    }

    /// The index letters in declaration order (candidates for fresh bound-index names).
    pub fn index_names(&self) -> Vec<String> {
        self.indices.iter().map(|i| i.name.clone()).collect()
    }
}
