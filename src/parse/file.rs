//! The `.deriv` file format: one directive per line, `#` comments, blank lines ignored.
//!
//! ```text
//! title "TEXT"
//! index a, b in 1..K
//! var NAME KIND                  KIND: real | positive | unit | distribution | onehot
//! let NAME = EXPR
//! derive d(F)/d(x_k) [via p_j[, a_k ...]]   (several: outermost first)
//! given d(F)/d(x_k) = EXPR       (a stated result, checked numerically, used as a piece)
//! expect EXPR
//! show EXPR
//! = EXPR                         (only after `show` or another `=` line)
//! ```
//!
//! Parsing is two passes. The first reads each line in order, reporting syntax errors and
//! declarations made twice, and records every name occurrence ([`Use`]). The second checks the
//! occurrences against the declarations (definitions may refer to symbols defined further down)
//! and looks for cyclic definitions. Finally each `sum_j` gets the upper end of `j`'s range.

use super::error::{ErrorKind, PErr, ParseError, RangeMismatch};
use super::expr::{expect_char, index_name, word, ws, Grammar, RawSymbol, Res, Use, RESERVED};
use super::source::{from_nom, Source};
use crate::syntax::expr::Expr;
use crate::syntax::index::{numbered_copy_of, range_of_name};
use crate::syntax::problem::{
    Definition, Goal, IndexDecl, Kind, Pos, Problem, Show, ShowLine, VarDecl,
};
use std::collections::{HashMap, HashSet};

/// How the end of a line is named in messages.
const END: &str = "end of line";

/// Parses and validates `text`, the whole text of `source`.
pub(crate) fn parse<'a>(source: &Source<'a>, text: &'a str) -> Result<Problem, ParseError> {
    let mut file = File::new(source);
    for line in text.split('\n') {
        file.line(line)?;
    }
    file.close_show()?;
    file.validate()?;
    Ok(file.into_problem())
}

/// A `var` or `let` declaration, as the validator needs it.
struct Decl<'a> {
    /// The declared name, as a slice of the source (for errors pointing at it).
    at: &'a str,
    line: usize,
    /// The index letters of the declaration, one per subscript place.
    slots: Vec<&'a str>,
    is_def: bool,
}

/// The name occurrences of one line and the index letters allowed there besides the declared
/// ones (a definition's parameters).
struct Check<'a> {
    uses: Vec<Use<'a>>,
    params: HashSet<&'a str>,
}

/// The state of the first pass.
struct File<'s, 'a> {
    source: &'s Source<'a>,
    problem: Problem,
    /// Symbols declared by `var` or `let`.
    names: HashMap<&'a str, Decl<'a>>,
    /// Declared index letters: the line and the upper end.
    indices: HashMap<&'a str, (usize, &'a str)>,
    /// The index letters of the `index` lines, as slices of the source.
    index_slices: Vec<&'a str>,
    /// The upper end of each declared index, as a slice of the source (parallel to
    /// `problem.indices`).
    upper_slices: Vec<&'a str>,
    /// Upper ends of ranges and the line each is first mentioned on.
    uppers: HashMap<&'a str, usize>,
    /// Name occurrences to validate, in file order.
    checks: Vec<Check<'a>>,
    /// For each definition, in file order: its name and its entry in `checks`.
    def_checks: Vec<(&'a str, usize)>,
    /// The line of each directive that may appear once.
    once: HashMap<&'static str, usize>,
    /// True while `= E` lines may follow a `show`.
    in_show: bool,
}

impl<'s, 'a> File<'s, 'a> {
    fn new(source: &'s Source<'a>) -> Self {
        File {
            source,
            problem: Problem::default(),
            names: HashMap::new(),
            indices: HashMap::new(),
            index_slices: Vec::new(),
            upper_slices: Vec::new(),
            uppers: HashMap::new(),
            checks: Vec::new(),
            def_checks: Vec::new(),
            once: HashMap::new(),
            in_show: false,
        }
    }

    /// Reads one line (without its `\n`).
    fn line(&mut self, raw: &'a str) -> Result<(), ParseError> {
        let text = ws(strip_comment(raw));
        if text.is_empty() {
            return Ok(());
        }
        let pos = self.pos(text);
        if let Some(rest) = text.strip_prefix('=') {
            return self.show_line(text, rest, pos);
        }
        self.close_show()?;
        let (rest, keyword) = word(text);
        match keyword {
            "title" => self.title(text, rest, pos),
            "index" => self.index(rest),
            "var" => self.var(rest, pos),
            "let" => self.define(rest, pos),
            "derive" => self.derive(text, rest, pos),
            "expect" => self.expect(text, rest, pos),
            "show" => self.show(text, rest, pos),
            "given" => self.given(rest, pos),
            "" => Err(self.syntax(
                text,
                "a directive (title, index, var, let, derive, expect, show)",
            )),
            _ => Err(self.error(
                text,
                ErrorKind::UnknownDirective {
                    word: super::error::shorten(keyword),
                },
            )),
        }
    }

    /// `title "TEXT"`.
    fn title(&mut self, at: &'a str, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        self.once("title", at, pos)?;
        let (rest, title) = self.nom(quoted(ws(rest)))?;
        self.nom(finish(rest, "the title"))?;
        self.problem.title = Some(title);
        Ok(())
    }

    /// `index a, b in 1..K`.
    fn index(&mut self, rest: &'a str) -> Result<(), ParseError> {
        let (letters, upper) = self.nom(index_line(rest))?;
        for letter in letters {
            let pos = self.pos(letter);
            if let Some(&(first_line, _)) = self.indices.get(letter) {
                let name = letter.to_string();
                return Err(self.error(letter, ErrorKind::DuplicateIndex { name, first_line }));
            }
            self.indices.insert(letter, (pos.line, upper));
            self.index_slices.push(letter);
            self.upper_slices.push(upper);
            self.uppers.entry(upper).or_insert(pos.line);
            self.problem.indices.push(IndexDecl {
                name: letter.to_string(),
                upper: upper.to_string(),
                pos,
            });
        }
        Ok(())
    }

    /// `var NAME KIND`.
    fn var(&mut self, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        let grammar = Grammar::new(END);
        let what = "a variable name after `var`, such as s_j or T";
        let (rest, symbol) = self.nom(grammar.symbol_name(ws(rest), what))?;
        let at = ws(rest);
        let (rest, keyword) = word(at);
        if keyword.is_empty() {
            let what = "a kind after the variable (real, positive, unit, distribution or onehot)";
            return Err(self.syntax(at, what));
        }
        let word = super::error::shorten(keyword);
        let kind = Kind::from_keyword(keyword)
            .ok_or_else(|| self.error(at, ErrorKind::UnknownKind { word }))?;
        self.nom(finish(rest, "the kind"))?;
        if kind.sums_to_one() && symbol.indices.len() != 1 {
            let name = symbol.name.to_string();
            let kind = kind.keyword().to_string();
            return Err(self.error(symbol.name, ErrorKind::KindNeedsIndex { name, kind }));
        }
        self.declare(&symbol, pos, false)?;
        let uses = symbol
            .indices
            .iter()
            .map(|name| Use::Index { name, bound: false })
            .collect();
        self.checks.push(Check {
            uses,
            params: HashSet::new(),
        });
        let symbol = symbol.to_symbol();
        self.problem.vars.push(VarDecl { symbol, kind, pos });
        Ok(())
    }

    /// `let NAME = EXPR`.
    fn define(&mut self, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        let grammar = Grammar::new(END);
        let what = "a name to define after `let`, such as p_j or L";
        let (rest, symbol) = self.nom(grammar.symbol_name(ws(rest), what))?;
        self.declare(&symbol, pos, true)?;
        let rest = self.nom(expect_char(
            ws(rest),
            '=',
            "'=' after the name being defined",
        ))?;
        let (_, body) = self.nom(grammar.complete(rest, "an expression after '='"))?;
        self.def_checks.push((symbol.name, self.checks.len()));
        self.checks.push(Check {
            uses: grammar.take_uses(),
            params: symbol.indices.iter().copied().collect(),
        });
        let symbol = symbol.to_symbol();
        self.problem.defs.push(Definition { symbol, body, pos });
        Ok(())
    }

    /// `derive d(F)/d(x) [via p_j[, a_k ...]]`.
    fn derive(&mut self, at: &'a str, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        self.once("derive", at, pos)?;
        let grammar = Grammar::new(END);
        let (rest, (of, wrt)) = self.nom(grammar.derivative(ws(rest)))?;
        let mut rest = ws(rest);
        let mut vias = Vec::new();
        match word(rest) {
            (_, "") if rest.is_empty() => {}
            (after, "via") => loop {
                let what = "a defined symbol after `via`, such as p_j";
                let at = ws(if vias.is_empty() { after } else { rest });
                let (after, via) = self.nom(grammar.symbol_name(at, what))?;
                grammar.record(Use::Via {
                    name: via.name,
                    subscripts: via.indices.len(),
                });
                grammar.record_subscripts(&via);
                vias.push((via.to_symbol(), self.pos(at)));
                match ws(after).strip_prefix(',') {
                    Some(more) => rest = more,
                    None => {
                        self.nom(finish(after, "the `via` symbol (or `,` and another)"))?;
                        break;
                    }
                }
            },
            _ => return Err(self.syntax(rest, "`via` or end of line after the derivative")),
        };
        self.push_check(&grammar);
        let via = vias.first().map(|(v, _)| v.clone());
        self.problem.goal = Some(Goal {
            of,
            wrt,
            via,
            pos,
            vias,
        });
        Ok(())
    }

    /// `given d(F)/d(x) = EXPR`: a stated result the chain rule may use as a piece.
    fn given(&mut self, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        let grammar = Grammar::new(END);
        let (rest, (of, wrt)) = self.nom(grammar.derivative(ws(rest)))?;
        let rest = self.nom(expect_char(ws(rest), '=', "'=' after the derivative"))?;
        let (_, result) = self.nom(grammar.complete(rest, "an expression after '='"))?;
        self.push_check(&grammar);
        let of = crate::syntax::expr::deriv(of, wrt);
        let from = None;
        let given = crate::syntax::problem::Given {
            of,
            result,
            pos,
            from,
        };
        self.problem.givens.push(given);
        Ok(())
    }

    /// `expect EXPR`.
    fn expect(&mut self, at: &'a str, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        self.once("expect", at, pos)?;
        let grammar = Grammar::new(END);
        let (_, e) = self.nom(grammar.complete(rest, "an expression after `expect`"))?;
        self.push_check(&grammar);
        self.problem.expect = Some((e, pos));
        Ok(())
    }

    /// `show EXPR`, which opens a block of `= E` lines.
    fn show(&mut self, at: &'a str, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        self.once("show", at, pos)?;
        let grammar = Grammar::new(END);
        let what = "an expression after `show`, such as d(L)/d(s_k)";
        let (_, start) = self.nom(grammar.complete(rest, what))?;
        self.push_check(&grammar);
        let lines = Vec::new();
        self.problem.show = Some(Show { start, pos, lines });
        self.in_show = true;
        Ok(())
    }

    /// `= EXPR`, a line of the `show` block.
    fn show_line(&mut self, at: &'a str, rest: &'a str, pos: Pos) -> Result<(), ParseError> {
        if !self.in_show {
            return Err(self.error(at, ErrorKind::OrphanShowLine));
        }
        let grammar = Grammar::new(END);
        let (_, expr) = self.nom(grammar.complete(rest, "an expression after '='"))?;
        self.push_check(&grammar);
        if let Some(show) = &mut self.problem.show {
            show.lines.push(ShowLine { expr, pos });
        }
        Ok(())
    }

    /// Ends a `show` block, which must have had at least one `= E` line.
    fn close_show(&mut self) -> Result<(), ParseError> {
        if !std::mem::take(&mut self.in_show) {
            return Ok(());
        }
        match &self.problem.show {
            Some(show) if show.lines.is_empty() => {
                let line = self.source.line_text(show.pos.line);
                Err(ParseError::new(show.pos, ErrorKind::EmptyShow, line))
            }
            _ => Ok(()),
        }
    }

    /// Notes a directive that may appear once; fails on its second appearance.
    fn once(&mut self, directive: &'static str, at: &'a str, pos: Pos) -> Result<(), ParseError> {
        if let Some(&first_line) = self.once.get(directive) {
            let directive = directive.to_string();
            let kind = ErrorKind::DuplicateDirective {
                directive,
                first_line,
            };
            return Err(self.error(at, kind));
        }
        self.once.insert(directive, pos.line);
        Ok(())
    }

    /// Declares a `var` or `let` symbol, refusing repeated names and repeated subscripts.
    fn declare(
        &mut self,
        symbol: &RawSymbol<'a>,
        pos: Pos,
        is_def: bool,
    ) -> Result<(), ParseError> {
        if symbol.indices.len() > super::MAX_SUBSCRIPTS {
            let kind = ErrorKind::TooManySubscripts {
                name: symbol.name.to_string(),
                found: symbol.indices.len(),
                limit: super::MAX_SUBSCRIPTS,
            };
            return Err(self.error(symbol.name, kind));
        }
        let mut seen = HashSet::new();
        for index in &symbol.indices {
            if !seen.insert(*index) {
                let kind = ErrorKind::RepeatedSubscript {
                    name: symbol.name.to_string(),
                    index: index.to_string(),
                };
                return Err(self.error(index, kind));
            }
        }
        if let Some(first) = self.names.get(symbol.name) {
            let kind = ErrorKind::DuplicateName {
                name: symbol.name.to_string(),
                first_line: first.line,
            };
            return Err(self.error(symbol.name, kind));
        }
        let decl = Decl {
            at: symbol.name,
            line: pos.line,
            slots: symbol.indices.clone(),
            is_def,
        };
        self.names.insert(symbol.name, decl);
        Ok(())
    }

    /// Keeps the name occurrences of a line without parameters.
    fn push_check(&mut self, grammar: &Grammar<'a>) {
        self.checks.push(Check {
            uses: grammar.take_uses(),
            params: HashSet::new(),
        });
    }

    /// The second pass: every occurrence against the declarations, then cycles.
    fn validate(&self) -> Result<(), ParseError> {
        self.check_range_ends()?;
        for check in &self.checks {
            for u in &check.uses {
                self.check_use(u, &check.params)?;
            }
        }
        let order = self.check_cycles()?;
        super::limits::check(&self.problem, &order)
            .and_then(|()| super::nesting::check(&self.problem, &order))
            .map_err(|(pos, kind)| ParseError::new(pos, kind, self.source.line_text(pos.line)))
    }

    /// Fails when a range's upper end is also declared as a variable, a definition or an index
    /// letter: a range end is a positive integer (at least 1) and nothing else. The error points
    /// at whichever of the two declarations comes later in the file.
    fn check_range_ends(&self) -> Result<(), ParseError> {
        for (n, decl) in self.problem.indices.iter().enumerate() {
            let upper = decl.upper.as_str();
            let (at, line, what) = match (self.names.get(upper), self.indices.get(upper)) {
                (Some(d), _) if d.is_def => (d.at, d.line, "a definition"),
                (Some(d), _) => (d.at, d.line, "a variable"),
                (None, Some((line, _))) => {
                    let at = self.index_letter_slice(upper, *line);
                    (at, *line, "an index letter")
                }
                (None, None) => continue,
            };
            let kind = ErrorKind::RangeEndDeclared {
                name: upper.to_string(),
                index: decl.name.clone(),
                range_line: decl.pos.line,
                what,
            };
            if line >= decl.pos.line {
                return Err(self.error(at, kind));
            }
            return Err(self.error(self.upper_slices[n], kind));
        }
        Ok(())
    }

    /// The slice of the source holding the index letter `name` declared on `line`, for errors.
    fn index_letter_slice(&self, name: &'a str, line: usize) -> &'a str {
        self.index_slices
            .iter()
            .find(|s| **s == name && self.pos(s).line == line)
            .copied()
            .unwrap_or(name)
    }

    /// Checks one name occurrence; `params` are the index letters allowed besides declared ones.
    fn check_use(&self, u: &Use<'a>, params: &HashSet<&'a str>) -> Result<(), ParseError> {
        let name = |n: &str| n.to_string();
        match *u {
            Use::Symbol {
                name: n,
                subscripts,
            } => {
                if let Some(decl) = self.names.get(n) {
                    return self.count(n, subscripts, decl.slots.len(), decl.line);
                }
                if let Some(&line) = self.uppers.get(n) {
                    return self.count(n, subscripts, 0, line);
                }
                if self.indices.contains_key(n) {
                    return Err(self.error(n, ErrorKind::IndexAsSymbol { name: name(n) }));
                }
                Err(self.error(n, ErrorKind::UnknownSymbol { name: name(n) }))
            }
            Use::Index { name: n, bound } => {
                if bound || self.letter_range(n).is_some() || params.contains(n) {
                    return Ok(());
                }
                Err(self.error(n, ErrorKind::UndeclaredIndex { name: name(n) }))
            }
            Use::Binder { name: n } => match self.letter_range(n).is_some() {
                true => Ok(()),
                false => Err(self.error(n, ErrorKind::UndeclaredIndex { name: name(n) })),
            },
            Use::Wrt {
                name: n,
                subscripts,
            } => match self.names.get(n) {
                Some(decl) => self.count(n, subscripts, decl.slots.len(), decl.line),
                None => Err(self.error(n, ErrorKind::WrtNotVariable { name: name(n) })),
            },
            Use::Via {
                name: n,
                subscripts,
            } => match self.names.get(n) {
                Some(decl) if decl.is_def => self.count(n, subscripts, decl.slots.len(), decl.line),
                _ => Err(self.error(n, ErrorKind::ViaNotDefined { name: name(n) })),
            },
            Use::Slot {
                symbol,
                slot,
                index,
            } => self.check_slot(symbol, slot, index),
        }
    }

    /// Fails when `index`, filling subscript place `slot` of `symbol`, runs over another range
    /// than the index letter in that place of the symbol's declaration. Letters whose range is
    /// not declared (a definition's own parameter letters) are not compared.
    fn check_slot(&self, symbol: &'a str, slot: usize, index: &'a str) -> Result<(), ParseError> {
        let Some(decl) = self.names.get(symbol) else {
            return Ok(());
        };
        let Some(letter) = decl.slots.get(slot) else {
            return Ok(());
        };
        match (self.letter_range(index), self.letter_range(letter)) {
            (Some(used), Some(expected)) if used != expected => {
                let kind = ErrorKind::IndexRange(Box::new(RangeMismatch {
                    index: index.to_string(),
                    range: used.to_string(),
                    symbol: symbol.to_string(),
                    expected: expected.to_string(),
                    line: decl.line,
                    declared: declared_form(symbol, &decl.slots),
                }));
                Err(self.error(index, kind))
            }
            _ => Ok(()),
        }
    }

    /// The upper end of the range of index `name`: a declared letter's, or for an undeclared
    /// numbered copy of a declared letter (`j1` for `j`), that letter's (see
    /// [`crate::syntax::index::range_of_name`]).
    fn letter_range(&self, name: &str) -> Option<&'a str> {
        self.indices
            .get(name)
            .or_else(|| numbered_copy_of(name).and_then(|b| self.indices.get(b)))
            .map(|(_, upper)| *upper)
    }

    /// Fails unless a symbol declared on `line` with `expected` subscripts is used with `found`.
    fn count(
        &self,
        at: &'a str,
        found: usize,
        expected: usize,
        line: usize,
    ) -> Result<(), ParseError> {
        if found == expected {
            return Ok(());
        }
        let name = at.to_string();
        let kind = ErrorKind::SubscriptCount {
            name,
            expected,
            found,
            line,
        };
        Err(self.error(at, kind))
    }

    /// Fails on the first definition that depends on itself, found by an iterative depth-first
    /// search in file order; the error points at the reference that closes the cycle. Returns
    /// the definitions (positions in file order) ordered so that each comes after those it uses.
    fn check_cycles(&self) -> Result<Vec<usize>, ParseError> {
        let by_name: HashMap<&str, usize> = self
            .def_checks
            .iter()
            .enumerate()
            .map(|(k, (name, _))| (*name, k))
            .collect();
        let edges: Vec<Vec<(usize, &'a str)>> = self
            .def_checks
            .iter()
            .map(|(_, check)| {
                self.checks[*check]
                    .uses
                    .iter()
                    .filter_map(|u| match u {
                        Use::Symbol { name, .. } => by_name.get(name).map(|d| (*d, *name)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let mut state = vec![Visit::New; edges.len()];
        let mut order = Vec::with_capacity(edges.len());
        for root in 0..edges.len() {
            if state[root] == Visit::New {
                self.search(root, &edges, &mut state, &mut order)?;
            }
        }
        Ok(order)
    }

    /// The depth-first search of [`File::check_cycles`] from `root`; each definition is pushed
    /// to `order` once everything it uses is.
    fn search(
        &self,
        root: usize,
        edges: &[Vec<(usize, &'a str)>],
        state: &mut [Visit],
        order: &mut Vec<usize>,
    ) -> Result<(), ParseError> {
        let mut stack = vec![(root, 0)];
        state[root] = Visit::Open;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            let Some(&(target, at)) = edges[node].get(*next) else {
                state[node] = Visit::Done;
                order.push(node);
                stack.pop();
                continue;
            };
            *next += 1;
            match state[target] {
                Visit::New => {
                    state[target] = Visit::Open;
                    stack.push((target, 0));
                }
                Visit::Open => return Err(self.cycle(&stack, target, at)),
                Visit::Done => {}
            }
        }
        Ok(())
    }

    /// The error for the cycle `target -> ... -> top of stack -> target`, at `at`.
    fn cycle(&self, stack: &[(usize, usize)], target: usize, at: &'a str) -> ParseError {
        let from = stack
            .iter()
            .position(|(d, _)| *d == target)
            .expect("a cycle closes on a definition on the stack");
        let mut names: Vec<&str> = stack[from..]
            .iter()
            .map(|(d, _)| self.def_checks[*d].0)
            .collect();
        names.push(self.def_checks[target].0);
        let kind = ErrorKind::Cycle {
            name: self.def_checks[target].0.to_string(),
            path: names.join(" -> "),
        };
        self.error(at, kind)
    }

    /// The problem, with each `sum_j` given the upper end of `j`'s range.
    fn into_problem(self) -> Problem {
        let mut problem = self.problem;
        let letters = problem.index_letters();
        let set = |e: &mut Expr| set_uppers(e, &letters);
        problem.defs.iter_mut().for_each(|d| set(&mut d.body));
        if let Some(goal) = &mut problem.goal {
            set(&mut goal.of);
        }
        if let Some((e, _)) = &mut problem.expect {
            set(e);
        }
        for g in &mut problem.givens {
            set(&mut g.of);
            set(&mut g.result);
        }
        if let Some(show) = &mut problem.show {
            set(&mut show.start);
            show.lines.iter_mut().for_each(|l| set(&mut l.expr));
        }
        problem
    }

    /// The position of the sub-slice `at`.
    fn pos(&self, at: &str) -> Pos {
        self.source.pos(self.source.offset_of(at))
    }

    /// The error `kind` at the sub-slice `at`.
    fn error(&self, at: &str, kind: ErrorKind) -> ParseError {
        self.source.error_at(at, kind)
    }

    /// A syntax error at `at`: `expected` was expected.
    fn syntax(&self, at: &'a str, expected: &str) -> ParseError {
        PErr::expected(at, expected).into_error(self.source, END)
    }

    /// A grammar result, with its error made public.
    fn nom<T>(&self, r: Result<T, nom::Err<PErr<'a>>>) -> Result<T, ParseError> {
        r.map_err(|e| from_nom(e, self.source, END))
    }
}

/// Where the cycle search has been.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    Open,
    Done,
}

/// A symbol as declared, in the input syntax: `w_d`, `c_{k,d}`.
fn declared_form(name: &str, slots: &[&str]) -> String {
    match slots {
        [] => name.to_string(),
        [one] => format!("{name}_{one}"),
        many => format!("{name}_{{{}}}", many.join(",")),
    }
}

/// Sets the upper end of every sum in `e` from its letter's range.
fn set_uppers(e: &mut Expr, letters: &crate::syntax::index::Letters) {
    if let Expr::Sum(binder, _) = e {
        binder.upper = range_of_name(&binder.hint.0, letters).map(crate::syntax::expr::Name::new);
    }
    e.update_children(|child| set_uppers(child, letters));
}

/// `line` without its `\r` and its `#` comment (a `#` inside a quoted title does not count).
fn strip_comment(line: &str) -> &str {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut quoted = false;
    let mut escaped = false;
    for (k, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '#' if !quoted => return &line[..k],
            _ => {}
        }
    }
    line
}

/// Succeeds when only whitespace is left; otherwise expects the end of line after `after`.
fn finish<'a>(rest: &'a str, after: &str) -> Result<(), nom::Err<PErr<'a>>> {
    let rest = ws(rest);
    match rest.is_empty() {
        true => Ok(()),
        false => PErr::expected(rest, format!("end of line after {after}")).fail(),
    }
}

/// A double-quoted string; `\"` and `\\` are escapes.
fn quoted(i: &str) -> Res<'_, String> {
    let Some(body) = i.strip_prefix('"') else {
        return PErr::expected(i, "'\"' to start the title").fail();
    };
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Ok((&body[k + 1..], out)),
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => out.push(e),
                Some((_, e)) => out.extend(['\\', e]),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    PErr::expected(&body[body.len()..], "'\"' to end the title").fail()
}

/// The rest of an `index` line: `a, b in 1..K`.
fn index_line(i: &str) -> Result<(Vec<&str>, &str), nom::Err<PErr<'_>>> {
    let mut letters = Vec::new();
    let mut at = ws(i);
    let mut what = "an index letter after `index`";
    loop {
        let (rest, letter) = index_name(at, what)?;
        letters.push(letter);
        let rest = ws(rest);
        match rest.strip_prefix(',') {
            Some(rest) => at = ws(rest),
            None => {
                at = rest;
                break;
            }
        }
        what = "an index letter after ','";
    }
    let (rest, keyword) = word(at);
    if keyword != "in" {
        return PErr::expected(at, "',' or `in` after the index letters").fail();
    }
    let at = ws(rest);
    let lower_end = at.find(|c: char| !c.is_ascii_digit()).unwrap_or(at.len());
    if &at[..lower_end] != "1" {
        return PErr::expected(at, "'1' (index ranges are 1..K)").fail();
    }
    let rest = expect_char(ws(&at[1..]), '.', "'..' after the lower end 1")?;
    let rest = expect_char(rest, '.', "'..' after the lower end 1")?;
    let at = ws(rest);
    let (rest, upper) = word(at);
    if upper.is_empty() || RESERVED.contains(&upper) {
        return PErr::expected(at, "the upper end of the range, a plain name such as K").fail();
    }
    finish(rest, "the range")?;
    Ok((letters, upper))
}
