//! The [`Evaluator`]: walks an expression at one instance and assignment, resolving symbols,
//! memoising definitions, and seeding forward-mode derivatives.

use super::dual::{Dual, DualSum};
use super::lognum::LogNum;
use super::number::Number;
use super::sums::{Context, SumInfo};
use super::{Assignment, EvalError};
use crate::check::sample::{Instance, VarValues};
use crate::syntax::expr::{Expr, Func, Index, Symbol};
use crate::syntax::index::free_indices;
use crate::syntax::problem::{Definition, Problem, VarDecl};
use rustc_hash::FxHashMap as FxMap;

/// What a symbol occurrence denotes at the place it is evaluated.
pub(super) enum Resolved<N> {
    /// An entry of a variable or a defined symbol.
    Entry(Key),
    /// A range upper end (`K`): its size.
    Size(N),
}

/// An entry resolved against the problem: the symbol's position (variables first, then
/// definitions) and its 1-based index values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Key {
    pub(super) id: usize,
    pub(super) idx: Tuple,
}

/// Index values kept inline (no allocation per symbol occurrence): at most
/// [`MAX_SUBSCRIPTS`](crate::syntax::limits::MAX_SUBSCRIPTS), the parser's limit on declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Tuple {
    pub(super) len: u8,
    pub(super) values: [usize; crate::syntax::limits::MAX_SUBSCRIPTS],
}

impl Tuple {
    pub(super) fn as_slice(&self) -> &[usize] {
        &self.values[..usize::from(self.len)]
    }
}

/// The deepest expression nesting (plus definition chain) the evaluator accepts.
pub(super) const MAX_DEPTH: usize = 400;

/// Where an expression is being evaluated.
pub(super) struct Env<'a> {
    /// The parameters of the definition being evaluated (they shadow the free indices).
    pub(super) params: Vec<(&'a str, usize)>,
    /// The values of the enclosing sums' indices, innermost last.
    pub(super) bound: Vec<usize>,
    /// The input seeded with derivative 1, if a derivative is being taken.
    pub(super) seed: Option<Key>,
}

impl Env<'_> {
    pub(super) fn top() -> Env<'static> {
        Env {
            params: Vec::new(),
            bound: Vec::new(),
            seed: None,
        }
    }
}

/// A declared symbol as the evaluator looks it up.
#[derive(Clone)]
pub(super) struct SymbolEntry<'a> {
    pub(super) name: &'a str,
    /// Its declared number of indices.
    pub(super) arity: usize,
    /// A variable's values at the instance (`None` for a definition).
    pub(super) values: Option<&'a VarValues>,
}

/// Values memoised under one seed.
pub(super) struct Memo<N: Number> {
    /// Entries of defined symbols.
    pub(super) entries: FxMap<Key, Dual<N>>,
    /// Sums, by node address and context (see [`Evaluator::dense_sum`]).
    pub(super) sums: FxMap<(usize, Context), Dual<N>>,
}

impl<N: Number> Default for Memo<N> {
    fn default() -> Memo<N> {
        Memo {
            entries: FxMap::default(),
            sums: FxMap::default(),
        }
    }
}

/// Evaluates expressions at one instance and one free-index assignment, memoising definitions.
///
/// Reuse one evaluator for every line and assignment at the same instance: each entry of a
/// defined symbol, and each sum at given values of its indices (the `sum_m exp(s_m)` of a
/// softmax, wherever it occurs: in a definition, in every line, inside another sum), is
/// computed once per seeded input.
///
/// It computes in [`LogNum`] by default; the checker's fast path uses
/// [`FastNum`](super::FastNum) (see [`Evaluator::with_numbers`]).
pub struct Evaluator<'a, N: Number = LogNum> {
    pub(super) problem: &'a Problem,
    pub(super) instance: &'a Instance,
    pub(super) free: Assignment,
    /// Values that do not depend on the assignment of the free indices, by seed.
    pub(super) memo: FxMap<Option<Key>, Memo<N>>,
    /// Values that do (through a definition that mentions a free index of its own, such as
    /// `let L = -log(p_y)`), by seed; cleared by [`Evaluator::set_free`].
    pub(super) per_assignment: FxMap<Option<Key>, Memo<N>>,
    /// What is known of each sum node met (by address; see
    /// [`outer_indices`](super::sums::outer_indices)).
    pub(super) outer: FxMap<usize, Option<SumInfo<'a>>>,
    /// The variables then the definitions, by position ([`Key::id`]).
    pub(super) symbols: Vec<SymbolEntry<'a>>,
    /// Which symbol positions depend on which through definitions.
    pub(super) depends: FxMap<(usize, usize), bool>,
    pub(super) perturb: Option<(Key, N)>,
    pub(super) active: Vec<usize>,
    pub(super) depth: usize,
    /// Per symbol position: does its value depend on the assignment of the free indices? True
    /// for a definition that mentions a free index other than its parameters, or a symbol for
    /// which it is true.
    pub(super) per_free: Vec<bool>,
    /// The largest magnitude of an argument of `exp` evaluated so far (memoised values count
    /// once): how extreme the scores and logits the loss sees are.
    pub(super) largest_exp_argument: N,
    /// Read an Iverson bracket by its definition on its kink too (`[0 > 0]` = 0) instead of
    /// failing with [`EvalError::Kink`]; see [`Evaluator::brackets_by_definition`].
    pub(super) brackets_by_definition: bool,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `instance` with the free indices at `free`, in [`LogNum`].
    pub fn new(problem: &'a Problem, instance: &'a Instance, free: &Assignment) -> Evaluator<'a> {
        Evaluator::with_numbers(problem, instance, free)
    }
}

impl<'a, N: Number> Evaluator<'a, N> {
    /// An evaluator for `instance` with the free indices at `free`, computing in `N`.
    pub fn with_numbers(
        problem: &'a Problem,
        instance: &'a Instance,
        free: &Assignment,
    ) -> Evaluator<'a, N> {
        let mut ev = Evaluator {
            problem,
            instance,
            free: free.clone(),
            memo: FxMap::default(),
            per_assignment: FxMap::default(),
            outer: FxMap::default(),
            symbols: problem
                .vars
                .iter()
                .map(|v| SymbolEntry {
                    name: &v.symbol.name,
                    arity: v.symbol.indices.len(),
                    values: instance.values.get(v.symbol.name.as_str()),
                })
                .chain(problem.defs.iter().map(|d| SymbolEntry {
                    name: &d.symbol.name,
                    arity: d.symbol.indices.len(),
                    values: None,
                }))
                .collect(),
            depends: FxMap::default(),
            perturb: None,
            active: Vec::new(),
            depth: 0,
            per_free: Vec::new(),
            largest_exp_argument: N::ZERO,
            brackets_by_definition: false,
        };
        ev.per_free = ev.symbols_per_free();
        ev
    }

    /// A fresh evaluator (no memoised values, no perturbation) for the same problem and
    /// instance with the free indices at `free`, computing in `M`: [`Evaluator::with_numbers`]
    /// without analysing the definitions again.
    pub fn sibling<M: Number>(&self, free: &Assignment) -> Evaluator<'a, M> {
        Evaluator {
            problem: self.problem,
            instance: self.instance,
            free: free.clone(),
            memo: FxMap::default(),
            per_assignment: FxMap::default(),
            outer: FxMap::default(),
            symbols: self.symbols.clone(),
            depends: FxMap::default(),
            perturb: None,
            active: Vec::new(),
            depth: 0,
            per_free: self.per_free.clone(),
            largest_exp_argument: M::ZERO,
            brackets_by_definition: self.brackets_by_definition,
        }
    }

    /// [`Evaluator::per_free`] for every symbol position: the definitions that mention a free
    /// index of their own, then, until nothing changes, those that mention such a symbol.
    pub(super) fn symbols_per_free(&self) -> Vec<bool> {
        let problem = self.problem;
        let own = problem.defs.iter().map(|d| {
            free_indices(&d.body)
                .iter()
                .any(|i| !d.symbol.indices.contains(&Index::Free(i.into())))
        });
        let mut per_free: Vec<bool> = problem.vars.iter().map(|_| false).chain(own).collect();
        let names: Vec<Vec<&str>> = problem
            .defs
            .iter()
            .map(|d| {
                let mut names = Vec::new();
                d.body.symbol_names(&mut names);
                names
            })
            .collect();
        let mut changed = true;
        while changed {
            changed = false;
            for (i, names) in names.iter().enumerate() {
                let id = problem.vars.len() + i;
                if !per_free[id] && self.mentions(names, &per_free) {
                    per_free[id] = true;
                    changed = true;
                }
            }
        }
        per_free
    }

    /// Does one of `names` denote a symbol flagged in `flags` (by position)?
    pub(super) fn mentions(&self, names: &[&str], flags: &[bool]) -> bool {
        names
            .iter()
            .any(|n| self.symbol_id(n).is_some_and(|id| flags[id]))
    }

    /// Moves to another assignment of the free indices, keeping the memoised values that cannot
    /// depend on it (all but those of definitions that mention a free index of their own).
    pub fn set_free(&mut self, free: &Assignment) {
        if self.free == *free {
            return;
        }
        self.per_assignment.clear();
        self.free = free.clone();
    }

    /// From now on, evaluates as if the entry of the variable `name` at the 1-based `idx` had
    /// the value `value` (other entries keep the instance's values), forgetting every memoised
    /// value. Errors when there is no such variable or entry.
    pub fn set_entry(&mut self, name: &str, idx: &[usize], value: f64) -> Result<(), EvalError> {
        let id = self
            .symbol_id(name)
            .filter(|&id| id < self.problem.vars.len())
            .ok_or_else(|| EvalError::UnknownSymbol(name.to_string()))?;
        let out_of_range = || EvalError::OutOfRange {
            name: name.to_string(),
            value: idx.iter().copied().max().unwrap_or(0),
        };
        let entry = self.symbols[id].values.and_then(|v| v.get(idx));
        entry.ok_or_else(out_of_range)?;
        let mut values = [0; crate::syntax::limits::MAX_SUBSCRIPTS];
        if idx.len() > values.len() {
            return Err(out_of_range());
        }
        values[..idx.len()].copy_from_slice(idx);
        let key = Key {
            id,
            idx: Tuple {
                len: idx.len() as u8,
                values,
            },
        };
        self.perturb = Some((key, N::from_f64(value)?));
        self.memo.clear();
        self.per_assignment.clear();
        Ok(())
    }

    /// The memo for values that depend on the assignment (`per_free`) or not.
    pub(super) fn memo(&self, per_free: bool) -> &FxMap<Option<Key>, Memo<N>> {
        if per_free {
            &self.per_assignment
        } else {
            &self.memo
        }
    }

    /// The memo under `seed` for values that depend on the assignment or not, made if missing.
    pub(super) fn memo_mut(&mut self, per_free: bool, seed: &Option<Key>) -> &mut Memo<N> {
        let memo = if per_free {
            &mut self.per_assignment
        } else {
            &mut self.memo
        };
        memo.entry(seed.clone()).or_default()
    }

    /// This evaluator, reading an Iverson bracket by its definition also where its argument is
    /// 0 (`[0 > 0]` = 0, `[0 >= 0]` = 1) and taking its derivative as 0 there. The checker never
    /// does (a rule may trade `[u > 0]` for `[u >= 0]`, equal off the kink only); the
    /// cancellation report's sweep does, where units it leaves at 0 (a ReLU's other inputs)
    /// would otherwise make every value undefined, though the value does not depend on them.
    pub fn brackets_by_definition(mut self) -> Self {
        self.brackets_by_definition = true;
        self
    }

    /// The value of `e`.
    pub fn eval(&mut self, e: &'a Expr) -> Result<N, EvalError> {
        Ok(self.node(e, &mut Env::top())?.v)
    }

    /// The largest magnitude of an argument of `exp` met by this evaluator so far (each
    /// memoised value once).
    pub fn largest_exp_argument(&self) -> N {
        self.largest_exp_argument
    }

    /// Evaluates one node, guarding the recursion depth.
    pub(super) fn node(&mut self, e: &'a Expr, env: &mut Env<'a>) -> Result<Dual<N>, EvalError> {
        if self.depth >= MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        self.depth += 1;
        let out = self.node_inner(e, env);
        self.depth -= 1;
        out
    }

    pub(super) fn node_inner(
        &mut self,
        e: &'a Expr,
        env: &mut Env<'a>,
    ) -> Result<Dual<N>, EvalError> {
        match e {
            Expr::Num(r) => Ok(Dual::constant(N::from_rational(r)?)),
            Expr::Sym(s) => match self.resolve_symbol(s, env)? {
                Resolved::Entry(key) => self.entry(&key, &env.seed),
                Resolved::Size(n) => Ok(Dual::constant(n)),
            },
            Expr::Add(xs) => {
                let mut total = DualSum::new();
                for x in xs {
                    total.push(self.node(x, env)?);
                }
                total.finish()
            }
            Expr::Mul(xs) => {
                let mut product = Dual::constant(N::ONE);
                for x in xs {
                    product = product.times(self.node(x, env)?)?;
                }
                Ok(product)
            }
            Expr::Pow(b, x) => self.power(b, x, env),
            // A bracket of a number is a constant, kink or not: `[0 >= 0]` is 1.
            Expr::Func(f, a) if f.is_bracket() && a.num().is_some() => {
                let sign = a.num().map_or(0, |r| r.signum());
                let holds = f
                    .holds_at_sign(sign)
                    .expect("a bracket holds or not at every sign");
                Ok(Dual::constant(if holds { N::ONE } else { N::ZERO }))
            }
            Expr::Func(f, a) if f.is_bracket() && self.brackets_by_definition => {
                let arg = self.node(a, env)?;
                let holds = f.holds_at_sign(arg.v.sign()).unwrap_or(false);
                Ok(Dual::constant(if holds { N::ONE } else { N::ZERO }))
            }
            Expr::Func(f, a) => {
                let arg = self.node(a, env)?;
                if *f == Func::Exp && arg.v.exceeds_in_magnitude(self.largest_exp_argument) {
                    self.largest_exp_argument = arg.v.abs();
                }
                arg.func(*f)
            }
            Expr::Delta(a, b) => {
                let same = self.resolve(a, env)? == self.resolve(b, env)?;
                Ok(Dual::constant(if same { N::ONE } else { N::ZERO }))
            }
            Expr::Sum(binder, body) if env.seed.is_some() => match self.sparse_term(body, env) {
                Some(term) => self.sparse_sum(e, binder, body, term, env),
                None => self.dense_sum(e, binder, body, env),
            },
            Expr::Sum(binder, body) => self.dense_sum(e, binder, body, env),
            Expr::Deriv(f, x) => self.derivative(f, x, env),
        }
    }

    /// The position of a variable (then definition) named `name`, as in [`Key::id`].
    pub(super) fn symbol_id(&self, name: &str) -> Option<usize> {
        let bytes = name.as_bytes();
        // The first byte and the length rule out most names without a call to `memcmp`.
        self.symbols.iter().position(|s| {
            let b = s.name.as_bytes();
            b.len() == bytes.len() && b.first() == bytes.first() && b == bytes
        })
    }

    /// Does the symbol at position `id` depend on the one at `target` through definitions?
    /// (Memoised; a cycle answers true, the safe answer.)
    pub(super) fn depends_on_id(&mut self, id: usize, target: usize) -> bool {
        if id == target {
            return true;
        }
        if let Some(&known) = self.depends.get(&(id, target)) {
            return known;
        }
        let Some(Target::Def(def)) = self.target(id) else {
            return false;
        };
        self.depends.insert((id, target), true);
        let mut names = Vec::new();
        def.body.symbol_names(&mut names);
        let answer = names.into_iter().any(|n| {
            self.symbol_id(n)
                .is_some_and(|other| self.depends_on_id(other, target))
        });
        self.depends.insert((id, target), answer);
        answer
    }

    /// `b ^ x`, keeping rational exponents exact so that negative bases work with integers.
    pub(super) fn power(
        &mut self,
        b: &'a Expr,
        x: &'a Expr,
        env: &mut Env<'a>,
    ) -> Result<Dual<N>, EvalError> {
        let base = self.node(b, env)?;
        match x {
            Expr::Num(r) => base.powc(r.to_f64()),
            _ => {
                let exponent = self.node(x, env)?;
                base.pow(exponent)
            }
        }
    }

    /// `d(f)/d(x)`: forward mode with the seed at the entry `x` names here.
    pub(super) fn derivative(
        &mut self,
        f: &'a Expr,
        x: &Symbol,
        env: &mut Env<'a>,
    ) -> Result<Dual<N>, EvalError> {
        if let Some(outer) = env.seed.clone() {
            return self.derivative_under_seed(f, x, env, outer);
        }
        let Resolved::Entry(key) = self.resolve_symbol(x, env)? else {
            return Err(EvalError::NotAnInput(x.name.to_string()));
        };
        env.seed = Some(key);
        let out = self.node(f, env);
        env.seed = None;
        Ok(Dual::constant(out?.d))
    }

    /// The variable or definition at position `id`.
    pub(super) fn target(&self, id: usize) -> Option<Target<'a>> {
        let problem = self.problem;
        match problem.vars.get(id) {
            Some(v) => Some(Target::Var(v)),
            None => problem.defs.get(id - problem.vars.len()).map(Target::Def),
        }
    }

    /// What a symbol denotes here; checks its number of indices.
    pub(super) fn resolve_symbol(
        &self,
        s: &Symbol,
        env: &Env<'a>,
    ) -> Result<Resolved<N>, EvalError> {
        let found = self
            .symbol_id(&s.name)
            .map(|id| (id, self.symbols[id].arity));
        let Some((id, declared)) = found else {
            return match self.instance.size(&s.name) {
                Some(n) if s.indices.is_empty() => Ok(Resolved::Size(N::from_f64(n as f64)?)),
                _ => Err(EvalError::UnknownSymbol(s.name.to_string())),
            };
        };
        if s.indices.len() != declared {
            return Err(EvalError::Arity {
                name: s.name.to_string(),
                expected: declared,
                found: s.indices.len(),
            });
        }
        let mut values = [0; crate::syntax::limits::MAX_SUBSCRIPTS];
        if s.indices.len() > values.len() {
            return Err(EvalError::TooManyIndices {
                name: s.name.to_string(),
                limit: values.len(),
            });
        }
        for (slot, i) in values.iter_mut().zip(&s.indices) {
            *slot = self.resolve(i, env)?;
        }
        let idx = Tuple {
            len: s.indices.len() as u8,
            values,
        };
        Ok(Resolved::Entry(Key { id, idx }))
    }

    /// The value of an index here.
    pub(super) fn resolve(&self, i: &Index, env: &Env<'a>) -> Result<usize, EvalError> {
        match i {
            Index::Free(name) => self.resolve_free(name, env),
            Index::Bound(n) => usize::try_from(*n)
                .ok()
                .and_then(|n| env.bound.len().checked_sub(n + 1))
                .and_then(|at| env.bound.get(at).copied())
                .ok_or(EvalError::LooseBound(*n)),
        }
    }

    /// The value of the free index `name` here: a definition's parameter, or else the
    /// assignment's.
    pub(super) fn resolve_free(&self, name: &str, env: &Env<'a>) -> Result<usize, EvalError> {
        env.params
            .iter()
            .rev()
            .find(|(p, _)| *p == name)
            .map(|(_, v)| *v)
            .or_else(|| self.free.get(name).copied())
            .ok_or_else(|| EvalError::UnboundIndex(name.to_string()))
    }

    /// The value (and derivative, under a seed) of one entry.
    pub(super) fn entry(&mut self, key: &Key, seed: &Option<Key>) -> Result<Dual<N>, EvalError> {
        // The seed first: an entry overridden by `perturb` (or `set_entry`) is still the input a
        // derivative is taken with respect to; only its value is overridden.
        if let Some(s) = seed {
            if s.id == key.id {
                let v = self.entry(key, &None)?.v;
                let d = if s.idx == key.idx { N::ONE } else { N::ZERO };
                return Ok(Dual { v, d });
            }
        }
        if let Some((at, value)) = &self.perturb {
            if at == key {
                return Ok(Dual::constant(*value));
            }
        }
        match self.target(key.id) {
            Some(Target::Var(var)) => {
                let x = self.symbols[key.id]
                    .values
                    .and_then(|v| v.get(key.idx.as_slice()))
                    .ok_or_else(|| EvalError::OutOfRange {
                        name: var.symbol.name.to_string(),
                        value: key.idx.as_slice().iter().copied().max().unwrap_or(0),
                    })?;
                Ok(Dual::constant(N::from_f64(x)?))
            }
            Some(Target::Def(def)) => self.defined(def, key, seed),
            None => Err(EvalError::UnknownSymbol(format!("#{}", key.id))),
        }
    }

    /// A defined symbol's entry, from its definition with the parameters bound (memoised).
    pub(super) fn defined(
        &mut self,
        def: &'a Definition,
        key: &Key,
        seed: &Option<Key>,
    ) -> Result<Dual<N>, EvalError> {
        let per_free = *self
            .per_free
            .get(key.id)
            .expect("the evaluator knows, for every symbol, whether it depends on the assignment");
        if let Some(v) = self
            .memo(per_free)
            .get(seed)
            .and_then(|m| m.entries.get(key))
        {
            return Ok(*v);
        }
        if self.active.contains(&key.id) {
            return Err(EvalError::Cycle(def.symbol.name.to_string()));
        }
        let mut params = Vec::with_capacity(key.idx.as_slice().len());
        for (param, value) in def.symbol.indices.iter().zip(key.idx.as_slice()) {
            match param {
                Index::Free(name) => params.push((name.as_str(), *value)),
                Index::Bound(_) => {
                    return Err(EvalError::UnknownSymbol(def.symbol.name.to_string()))
                }
            }
        }
        let mut env = Env {
            params,
            bound: Vec::new(),
            seed: seed.clone(),
        };
        self.active.push(key.id);
        let out = self.node(&def.body, &mut env);
        self.active.pop();
        let out = out?;
        self.memo_mut(per_free, seed)
            .entries
            .insert(key.clone(), out);
        Ok(out)
    }
}

/// What a symbol name is declared as.
#[derive(Clone, Copy)]
pub(super) enum Target<'a> {
    Var(&'a VarDecl),
    Def(&'a Definition),
}
