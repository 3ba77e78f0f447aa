//! The cancellation report: the post's "why small probabilities don't kill the learning", for any
//! derivation.
//!
//! It answers three questions from the derivation and a numeric evaluation, knowing no name:
//! 1. Did the loss piece's reciprocal of the probability symbol (`1/p_j` in `-q_j/p_j`) cancel
//!    against the other piece? The *probability symbol* is the `via` symbol (or, without `via`,
//!    the first definition indexed like the variable); the *loss piece* is the lemma
//!    differentiating by it.
//! 2. Is the result the post's gap shape `c·(p_k − t)`, with `t` and `c` free of `p`? If not, what
//!    is left beyond `p_k − t`?
//! 3. How does the gradient on the true class behave as its probability goes to zero? It is
//!    evaluated at a fixed instance, [`TRUE_CLASS_PROBABILITIES`], documented on
//!    [`true_class_instance`].

use crate::analysis::builtin_probability::{builtin_probability, oriented};
use crate::analysis::cancellation_below::{below_logits, chain_below, is_probability, BelowLogits};
use crate::analysis::normal::expand;
use crate::analysis::sweep::{self, sweep_instances};
use crate::check::eval::{Assignment, Evaluator};
use crate::check::sample::{Instance, Regime, VarValues};
use crate::engine::trace::Derivation;
use crate::rules::Move;
use crate::syntax::expr::{add, func, mul, neg, recip, sub, Expr, Func, Index, Symbol};
use crate::syntax::index::free_indices;
use crate::syntax::problem::{Kind, Problem};
use serde::Serialize;
use std::collections::BTreeMap;

/// The probabilities of the true class at which the gradient is reported.
pub const TRUE_CLASS_PROBABILITIES: [f64; 4] = [0.5, 0.1, 0.01, 0.001];

/// The size of every range in the fixed instance.
pub const FIXED_RANGE_SIZE: usize = 10;

/// What the report says about one derivation.
#[derive(Clone, Debug, Serialize)]
pub struct Cancellation {
    /// The probability symbol at the variable's index (`p_k`), if there is one.
    pub probability: Option<Expr>,
    /// The loss piece (`-q_j/p_j`), when the derivation has one.
    pub loss_piece: Option<Expr>,
    /// The loss piece divides by the probability symbol.
    pub loss_piece_divides: bool,
    /// The reciprocal is gone from the result (`None` when there was none to cancel).
    pub cancelled: Option<bool>,
    /// The first main step that cancelled it (1-based).
    pub cancelled_at_step: Option<usize>,
    /// The shape of the result.
    pub shape: Shape,
    /// The gradient on the true class as its probability goes to zero.
    pub true_class: Option<TrueClass>,
    /// When the variable sits below the logits: the gap at the logits and the factor the chain
    /// carries it by ([`crate::analysis::cancellation_below`]); the shape above is then the gap's.
    pub below: Option<BelowLogits>,
}

/// The shape of a result.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    /// `scale · (p_k − target)` with `scale` and `target` free of `p` (the post's gap; `scale` is 1
    /// for the post).
    Gap {
        /// The factor in front (1 for the post).
        scale: Expr,
        /// What the probability is pulled towards.
        target: Expr,
    },
    /// Anything else: `residual` is what is left beyond `p_k − target`, where `target` collects
    /// the terms free of `p`.
    Beyond {
        /// The terms free of `p`, negated.
        target: Expr,
        /// `result − (p_k − target)`.
        residual: Expr,
    },
    /// There is no probability symbol to compare with.
    NotApplicable,
}

/// The gradient on the true class at [`TRUE_CLASS_PROBABILITIES`].
#[derive(Clone, Debug, Serialize)]
pub struct TrueClass {
    /// `(probability, gradient)`; the gradient is `None` where the probability could not be
    /// reached or the result could not be evaluated.
    pub points: Vec<(f64, Option<f64>)>,
    /// The lowest and highest probability the sweep reaches (over both coupling signs below the
    /// logits); a point outside it is unreachable, not undefined.
    pub reach: Option<(f64, f64)>,
    /// Below the logits, the coupling sign of the instance tried first (+1 or −1, see
    /// [`fixed_instance_with`]); `None` otherwise.
    pub coupling: Option<f64>,
    /// How the gradient behaves as the probability goes to zero.
    pub trend: Trend,
    /// The probability swept (class-1 entry) and whether the variable sits below the logits:
    /// what [`crate::analysis::sweep::points_along`] needs to sweep again at other targets.
    #[serde(skip)]
    pub swept: Option<(Expr, bool)>,
}

impl TrueClass {
    /// Is the point at `p` one the sweep cannot reach (as opposed to a gradient that has no
    /// value there)? A point is unreachable when it has no gradient and `p` lies outside
    /// [`TrueClass::reach`].
    pub fn unreachable(&self, p: f64) -> bool {
        let has_gradient = self.points.iter().any(|(q, g)| *q == p && g.is_some());
        !has_gradient && self.reach.is_some_and(|(lo, hi)| p < lo || p > hi)
    }
}

/// The behaviour of the true-class gradient as its probability goes to zero.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "towards", rename_all = "snake_case")]
pub enum Trend {
    /// It stays away from zero and finite, heading for the value given.
    Bounded(f64),
    /// It goes to zero: learning stalls when the model is confidently wrong.
    Vanishing,
    /// It grows without bound.
    Exploding,
    /// Not enough points to say.
    Unknown,
    /// The sweep cannot bring the probability down to the smallest target: it stays at or above
    /// the value given (a bounded logit, such as `y·tanh(…)` with `|y| = 1`).
    Floor(f64),
    /// Exactly 0 at the larger probabilities (a piecewise loss whose condition is met, such as
    /// a hinge margin), and heading for the value given as the probability falls.
    SwitchesOff(f64),
}

impl std::fmt::Display for Trend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Trend::Bounded(v) => write!(f, "bounded, towards {v:.3}"),
            Trend::Vanishing => write!(f, "vanishing, towards 0"),
            Trend::Exploding => write!(f, "exploding"),
            Trend::Unknown => write!(f, "unknown"),
            Trend::Floor(p) => write!(f, "unreachable below p = {p:.3}"),
            Trend::SwitchesOff(v) => write!(
                f,
                "switches off (0 at high probabilities), else towards {v:.3}"
            ),
        }
    }
}

/// Values for the fixed instance's plain (unindexed) variables, set by the user (`compare --set
/// gamma=1`), in place of the defaults of [`fixed_instance`].
pub type Overrides = BTreeMap<String, f64>;

/// Analyses a derivation of `problem`'s goal.
pub fn analyse(problem: &Problem, d: &Derivation) -> Cancellation {
    analyse_with(problem, d, &Overrides::new())
}

/// [`analyse`] with the plain variables in `overrides` set to their values.
pub fn analyse_with(problem: &Problem, d: &Derivation, overrides: &Overrides) -> Cancellation {
    let Some(goal) = &problem.goal else {
        return Cancellation::not_applicable();
    };
    let prob = match probability_symbol(problem) {
        // The author named it with `via`, or it passes the probability rule.
        Some(p) if named_by_via(problem, &p) => p,
        Some(p)
            if problem
                .def(&p.name)
                .is_some_and(|d| is_probability(problem, d)) =>
        {
            p
        }
        _ => return analyse_below(problem, d, overrides),
    };
    let at_var = Symbol {
        name: prob.name,
        indices: goal.wrt.indices.clone(),
    };
    let loss_piece = loss_piece(d, &prob.name);
    let divides = loss_piece
        .as_ref()
        .is_some_and(|l| has_reciprocal_of(l, &prob.name));
    let result_divides = has_reciprocal_of(d.result(), &prob.name);
    let cancelled = divides.then_some(!result_divides);
    let cancelled_at_step = if cancelled == Some(true) {
        d.steps
            .iter()
            .position(|s| {
                s.fired(&crate::rules::algebra::CANCEL) && !has_reciprocal_of(&s.expr, &prob.name)
            })
            .map(|i| i + 1)
    } else {
        None
    };
    Cancellation {
        probability: Some(Expr::Sym(at_var.clone())),
        loss_piece,
        loss_piece_divides: divides,
        cancelled,
        cancelled_at_step,
        shape: shape(problem, d.result(), &Expr::Sym(at_var.clone())),
        true_class: true_class(
            problem,
            d.result(),
            &Expr::Sym(at_var.clone()),
            overrides,
            false,
        ),
        below: None,
    }
}

/// Is `p` the goal's `via` symbol?
fn named_by_via(problem: &Problem, p: &Symbol) -> bool {
    let via = problem.goal.as_ref().and_then(|g| g.via.as_ref());
    via.is_some_and(|v| v.name == p.name)
}

/// The report when the variable is below the logits (or "not applicable" without a
/// probability): the loss piece as above, the shape of the gap at the logits, and the
/// true-class sweep moving the logit through the variable.
fn analyse_below(problem: &Problem, d: &Derivation, overrides: &Overrides) -> Cancellation {
    let Some((prob_at, below)) = below_logits(problem, d) else {
        return analyse_builtin(problem, d, overrides);
    };
    let loss_piece = loss_piece(d, &prob_at.name);
    let divides = loss_piece
        .as_ref()
        .is_some_and(|l| has_reciprocal_of(l, &prob_at.name));
    let cancelled = divides.then_some(!has_reciprocal_of(d.result(), &prob_at.name));
    let cancelled_at_step = match cancelled {
        Some(true) => d
            .steps
            .iter()
            .position(|s| {
                s.fired(&crate::rules::algebra::CANCEL)
                    && !has_reciprocal_of(&s.expr, &prob_at.name)
            })
            .map(|i| i + 1),
        _ => None,
    };
    let shape = match &below.gap {
        Some(gap) => shape(problem, gap, &Expr::Sym(prob_at.clone())),
        None => Shape::NotApplicable,
    };
    let prob = Expr::Sym(prob_at.clone());
    Cancellation {
        probability: Some(prob.clone()),
        loss_piece,
        loss_piece_divides: divides,
        cancelled,
        cancelled_at_step,
        shape,
        true_class: true_class(problem, d.result(), &prob, overrides, true),
        below: Some(below),
    }
}

/// The report for a loss written with the built-in logistic functions
/// ([`crate::analysis::builtin_probability`]): the probability is `sigmoid(v)`; when the logit
/// `v` is a defined symbol, the gap at it and its factor as for [`analyse_below`]; the sweep as
/// below the logits. No probability there either: "not applicable".
fn analyse_builtin(problem: &Problem, d: &Derivation, overrides: &Overrides) -> Cancellation {
    let Some(written) = builtin_probability(problem) else {
        return Cancellation::not_applicable();
    };
    // The probability of the true class; the gap at its logit, or at the logit as written
    // (`z` for `log(1 − sigmoid(z))`), whichever is a defined symbol.
    let found = oriented(problem, written.clone(), overrides);
    let below = [&found.logit, &written.logit]
        .into_iter()
        .find_map(|logit| match logit {
            Expr::Sym(s) if problem.def(&s.name).is_some() => {
                Some(chain_below(problem, d, s, None))
            }
            _ => None,
        });
    let shape = match below.as_ref().and_then(|b| b.gap.as_ref()) {
        Some(gap) => shape(problem, gap, &found.probability),
        None => shape(problem, d.result(), &found.probability),
    };
    // Without a chain rule there is no loss piece, but differentiating log sigmoid(v) divides
    // by the probability in some step (written folded or with its definitions unfolded, as
    // the steps print it): did that reciprocal cancel?
    let unfolded = crate::rules::definitions::unfold_all(&found.probability, problem);
    let divides_by_p = |e: &Expr| {
        has_reciprocal_of_expr(e, &found.probability) || has_reciprocal_of_expr(e, &unfolded)
    };
    let divides = d.steps.iter().any(|s| divides_by_p(&s.expr));
    let cancelled = divides.then(|| !divides_by_p(d.result()));
    let cancelled_at_step = match cancelled {
        Some(true) => d
            .steps
            .iter()
            .position(|s| s.fired(&crate::rules::algebra::CANCEL) && !divides_by_p(&s.expr))
            .map(|i| i + 1),
        _ => None,
    };
    Cancellation {
        probability: Some(found.probability.clone()),
        loss_piece: None,
        loss_piece_divides: false,
        cancelled,
        cancelled_at_step,
        shape,
        true_class: true_class(problem, d.result(), &found.probability, overrides, true),
        below,
    }
}

impl Cancellation {
    /// The report of a derivation with no probability: "not applicable" throughout.
    pub fn not_applicable() -> Cancellation {
        Cancellation {
            probability: None,
            loss_piece: None,
            loss_piece_divides: false,
            cancelled: None,
            cancelled_at_step: None,
            shape: Shape::NotApplicable,
            true_class: None,
            below: None,
        }
    }
}

/// The `via` symbol, or else the first definition indexed like the variable (and not the
/// function being differentiated); either way its subscript places must run over the ranges of
/// the variable's indices, so that it can be put at the variable's index (`p_k` for `s_k`, never
/// `s_d` for `w_d`).
pub fn probability_symbol(problem: &Problem) -> Option<Symbol> {
    let goal = problem.goal.as_ref()?;
    let differentiated = match &goal.of {
        Expr::Sym(s) => Some(s.name.as_str()),
        _ => None,
    };
    let fits = |declared: &Symbol| indexed_like(problem, declared, &goal.wrt);
    if let Some(via) = &goal.via {
        let declared = &problem.def(&via.name)?.symbol;
        return fits(declared).then(|| via.clone());
    }
    problem
        .defs
        .iter()
        .find(|d| fits(&d.symbol) && Some(d.symbol.name.as_str()) != differentiated)
        .map(|d| d.symbol.clone())
}

/// Does `declared` take as many subscripts as `var` has, each place over the range of `var`'s
/// index in that place?
fn indexed_like(problem: &Problem, declared: &Symbol, var: &Symbol) -> bool {
    let range = |i: &Index| match i {
        Index::Free(name) => problem.upper_of(name),
        Index::Bound(_) => None,
    };
    declared.indices.len() == var.indices.len()
        && declared
            .indices
            .iter()
            .zip(&var.indices)
            .all(|(a, b)| range(a) == range(b))
}

/// The result of the lemma that differentiates by the probability symbol (named `prob`).
pub fn loss_piece(d: &Derivation, prob: &str) -> Option<Expr> {
    let lemmas = || {
        d.steps
            .iter()
            .filter(|s| s.made(Move::Substitute))
            .flat_map(|s| &s.lemmas)
    };
    // A lemma of this derivation, or (through a `via` list) of one of its lemmas.
    lemmas()
        .find(|l| matches!(&l.goal, Expr::Deriv(_, x) if x.name == prob))
        .map(|l| l.result().clone())
        .or_else(|| lemmas().find_map(|l| loss_piece(l, prob)))
}

/// Does `e` divide by the expression `p` (`sigmoid(z)`)?
fn has_reciprocal_of_expr(e: &Expr, p: &Expr) -> bool {
    match e {
        Expr::Pow(b, n) if **b == *p => n.as_num().is_some_and(|r| r.is_negative()),
        _ => e.children().iter().any(|c| has_reciprocal_of_expr(c, p)),
    }
}

/// Does `e` divide by the symbol named `name`?
fn has_reciprocal_of(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Pow(b, n) if matches!(&**b, Expr::Sym(s) if s.name == name) => {
            n.as_num().is_some_and(|r| r.is_negative())
        }
        _ => e.children().iter().any(|c| has_reciprocal_of(c, name)),
    }
}

/// Does `e` mention the probability `p`: its symbol at any subscripts, or (for a probability
/// that is an expression, `sigmoid(v)`) `p` itself?
fn mentions(e: &Expr, p: &Expr) -> bool {
    match p {
        Expr::Sym(s) => e.mentions_symbol(&s.name),
        _ => e == p || e.children().into_iter().any(|c| mentions(c, p)),
    }
}

/// `e` with every occurrence of `from` replaced by `to`.
fn replace_all(e: &Expr, from: &Expr, to: &Expr) -> Expr {
    if e == from {
        return to.clone();
    }
    let mut out = e.clone();
    out.update_children(|c| *c = replace_all(c, from, to));
    out
}

/// The shape of `result` against the probability `p`. A probability that is an expression
/// (`sigmoid(v)`) stands in the normal form as a symbol of its own, named unlike any symbol of
/// the file, so that the normal form does not open it; it is put back in what is reported.
fn shape(problem: &Problem, result: &Expr, p: &Expr) -> Shape {
    if !matches!(p, Expr::Sym(_)) {
        // `#` is no letter of the input syntax: no file can name this symbol.
        let mut name = String::from("#probability");
        while problem.var(&name).is_some() || problem.def(&name).is_some() {
            name.push('#');
        }
        let stand_in = Expr::Sym(Symbol {
            name: name.into(),
            indices: Vec::new(),
        });
        let back = |e: Expr| replace_all(&e, &stand_in, p);
        let mut result = replace_all(result, p, &stand_in);
        // `sigmoid(−v)` is `1 − sigmoid(v)`: the other class's probability.
        if let Expr::Func(Func::Sigmoid, v) = p {
            let other = func(Func::Sigmoid, neg((**v).clone()));
            result = replace_all(&result, &other, &sub(Expr::one(), stand_in.clone()));
        }
        return match shape(problem, &result, &stand_in) {
            Shape::Gap { scale, target } => Shape::Gap {
                scale: back(scale),
                target: back(target),
            },
            Shape::Beyond { target, residual } => Shape::Beyond {
                target: back(target),
                residual: back(residual),
            },
            Shape::NotApplicable => Shape::NotApplicable,
        };
    }
    let p = p.clone();
    let expanded = expand(result, problem);
    let (with_p, without_p): (Vec<Expr>, Vec<Expr>) =
        expanded.terms().into_iter().partition(|t| mentions(t, &p));
    if with_p.is_empty() {
        return Shape::NotApplicable;
    }
    let rest = add(without_p);
    let scale = expand(&mul(vec![add(with_p.clone()), recip(p.clone())]), problem);
    if !mentions(&scale, &p) && !scale.is_zero() {
        // The normal form does not reduce a quotient of sums: a target of 0 or 1 (a label) is
        // recognised by multiplying back.
        let target = [Expr::zero(), Expr::one()]
            .into_iter()
            .find(|t| {
                crate::analysis::normal::equivalent(
                    &mul(vec![scale.clone(), t.clone()]),
                    &neg(rest.clone()),
                    problem,
                )
            })
            .unwrap_or_else(|| {
                expand(&mul(vec![neg(rest.clone()), recip(scale.clone())]), problem)
            });
        return Shape::Gap { scale, target };
    }
    Shape::Beyond {
        target: expand(&neg(rest), problem),
        residual: expand(&add(vec![add(with_p), neg(p)]), problem),
    }
}

/// The fixed instance of the true-class report, with the probability symbol's class-1 entry
/// driven by `drive`: every range has size [`FIXED_RANGE_SIZE`]; every `distribution` and
/// `onehot` variable is one-hot at class 1 (the true class); when a problem has none, its `unit`
/// variables are its targets and are 1 (the positive class), otherwise they are 0.1; `positive`
/// variables are 2; `real` variables are 0, except the differentiation variable's class-1 entry,
/// which is `drive`; every free index is 1.
pub fn true_class_instance(problem: &Problem, drive: f64) -> Option<Instance> {
    fixed_instance(problem, FIXED_RANGE_SIZE, 1, drive)
}

/// The instance of [`true_class_instance`] with every range of size `size` and `class` (1-based)
/// as the true class in place of class 1: the one-hot entries, and the differentiation
/// variable's entry set to `drive`, are at `class`. `None` without a goal.
pub fn fixed_instance(
    problem: &Problem,
    size: usize,
    class: usize,
    drive: f64,
) -> Option<Instance> {
    fixed_instance_with(problem, size, class, drive, &Overrides::new(), None)
}

/// The plain (unindexed) variables of the fixed instance other than the differentiation
/// variable, with their values: the defaults of [`fixed_instance`], or `overrides` where set.
/// These are the loss's parameters (`γ`, `ε`, `T`) a `compare` table is computed at.
/// `coupling` is the report's [`TrueClass::coupling`], which sets the plain `real` inputs below
/// the logits.
pub fn instance_values(
    problem: &Problem,
    overrides: &Overrides,
    coupling: Option<f64>,
) -> Vec<(String, f64)> {
    let Some(instance) =
        fixed_instance_with(problem, FIXED_RANGE_SIZE, 1, 0.0, overrides, coupling)
    else {
        return Vec::new();
    };
    let wrt = problem.goal.as_ref().map(|g| g.wrt.name.as_str());
    problem
        .vars
        .iter()
        .filter(|v| v.symbol.indices.is_empty() && Some(v.symbol.name.as_str()) != wrt)
        .filter_map(|v| {
            let value = instance.values.get(v.symbol.name.as_str())?.data.first()?;
            Some((v.symbol.name.to_string(), *value))
        })
        .collect()
}

/// [`fixed_instance`] with the plain variables named in `overrides` set to their values. With
/// a `coupling` sign σ (the variable sits below the logits), every `real` input other than the
/// variable is σ at its entry with every subscript at `class` (a plain one is its own entry)
/// and 0 elsewhere, so that the variable's driven entry moves the true class's logit
/// (`z_1 = Σ_e v_e x_1e = σ v_1`).
pub fn fixed_instance_with(
    problem: &Problem,
    size: usize,
    class: usize,
    drive: f64,
    overrides: &Overrides,
    coupling: Option<f64>,
) -> Option<Instance> {
    let goal = problem.goal.as_ref()?;
    let sizes: BTreeMap<String, usize> = problem
        .indices
        .iter()
        .map(|i| (i.upper.clone(), size))
        .collect();
    let has_distribution = problem.vars.iter().any(|v| v.kind.sums_to_one());
    let mut values = BTreeMap::new();
    for v in &problem.vars {
        let shape: Vec<usize> = v
            .symbol
            .indices
            .iter()
            .map(|i| match i {
                Index::Free(letter) => problem
                    .upper_of(letter)
                    .and_then(|u| sizes.get(u).copied())
                    .unwrap_or(size),
                Index::Bound(_) => size,
            })
            .collect();
        let len = shape.iter().product::<usize>().max(1);
        let fill = match v.kind {
            Kind::Distribution | Kind::Onehot | Kind::Real => 0.0,
            Kind::Unit if !has_distribution => 1.0,
            Kind::Unit => 0.1,
            Kind::Positive => 2.0,
        };
        let fill = match overrides.get(v.symbol.name.as_str()) {
            Some(&value) if shape.is_empty() => value,
            _ => fill,
        };
        let mut vals = VarValues {
            shape: shape.clone(),
            data: vec![fill; len],
        };
        let first = vec![class; shape.len()];
        if v.kind.sums_to_one() {
            vals.set(&first, 1.0);
        }
        let overridden = shape.is_empty() && overrides.contains_key(v.symbol.name.as_str());
        if let Some(sign) = coupling.filter(|_| v.kind == Kind::Real && !overridden) {
            vals.set(&first, sign);
        }
        if v.symbol.name == goal.wrt.name {
            vals.set(&first, drive);
        }
        values.insert(v.symbol.name.to_string(), vals);
    }
    Some(Instance {
        sizes,
        seed: 0,
        regime: Regime::Ordinary,
        extreme: 0.0,
        values,
    })
}

/// Every free index of `e` and of the definitions at 1.
pub fn class_one(e: &Expr, problem: &Problem) -> Assignment {
    let mut names = free_indices(e);
    for d in &problem.defs {
        names.extend(free_indices(&d.body));
    }
    names.into_iter().map(|n| (n, 1)).collect()
}

/// The value of `e` (with the free indices `ev` was made with) at the fixed instance driven by
/// `drive`; `None` where it is undefined or not finite.
pub fn value_at<'a>(
    ev: &mut Evaluator<'a>,
    problem: &Problem,
    e: &'a Expr,
    drive: f64,
) -> Option<f64> {
    let wrt = &problem.goal.as_ref()?.wrt;
    if let Some(var) = problem.var(&wrt.name) {
        let first = vec![1; var.symbol.indices.len()];
        ev.set_entry(&wrt.name, &first, drive).ok()?;
    }
    let v = ev.eval(e).ok()?.to_f64();
    v.is_finite().then_some(v)
}

/// The drive at which the probability symbol's class-1 entry `prob` equals `target`: bisection
/// on [-200, 200], which needs the probability on one side of `target` at one end and on the
/// other side at the other end (whichever way it moves with the drive); `None` otherwise.
pub fn drive_for(problem: &Problem, instance: &Instance, prob: &Expr, target: f64) -> Option<f64> {
    let mut ev =
        Evaluator::new(problem, instance, &class_one(prob, problem)).brackets_by_definition();
    let mut at = |x: f64| value_at(&mut ev, problem, prob, x);
    let (mut lo, mut hi) = (-200.0f64, 200.0f64);
    let (at_lo, at_hi) = (at(lo)?, at(hi)?);
    let rising = at_lo <= at_hi;
    let (low, high) = if rising {
        (at_lo, at_hi)
    } else {
        (at_hi, at_lo)
    };
    if low > target || high < target {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let before = (lo, hi);
        if (at(mid)? < target) == rising {
            lo = mid;
        } else {
            hi = mid;
        }
        if (lo, hi) == before {
            // A fixed point: every later step would compute the same `mid` and change nothing.
            break;
        }
    }
    let x = 0.5 * (lo + hi);
    ((at(x)? - target).abs() <= 1e-9 * target.max(1e-300) + 1e-12).then_some(x)
}

/// The lowest and highest value of the probability `prob` over the drive's range [-200, 200]
/// (at its ends and at 0, the probability being monotone in the drive or flat); `None` where it
/// cannot be evaluated.
pub(crate) fn reach(problem: &Problem, instance: &Instance, prob: &Expr) -> Option<(f64, f64)> {
    let mut ev =
        Evaluator::new(problem, instance, &class_one(prob, problem)).brackets_by_definition();
    let values = [-200.0, 0.0, 200.0]
        .iter()
        .map(|&x| value_at(&mut ev, problem, prob, x))
        .collect::<Option<Vec<f64>>>()?;
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some((lo, hi))
}

fn true_class(
    problem: &Problem,
    result: &Expr,
    prob_at_one: &Expr,
    overrides: &Overrides,
    below: bool,
) -> Option<TrueClass> {
    problem.goal.as_ref()?;
    let mut bent = false;
    let instances = sweep_instances(problem, prob_at_one, overrides, below, &mut bent);
    if instances.is_empty() {
        // A probability that rises and falls with the drive: no numbers, the trend unknown.
        return bent.then(|| TrueClass {
            points: TRUE_CLASS_PROBABILITIES
                .iter()
                .map(|&p| (p, None))
                .collect(),
            reach: None,
            coupling: None,
            trend: Trend::Unknown,
            swept: Some((prob_at_one.clone(), below)),
        });
    }
    let points = sweep::points(
        problem,
        result,
        prob_at_one,
        &instances,
        &TRUE_CLASS_PROBABILITIES,
    );
    let reach = instances
        .iter()
        .filter_map(|(_, r, _)| *r)
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    let smallest = TRUE_CLASS_PROBABILITIES[TRUE_CLASS_PROBABILITIES.len() - 1];
    let exactly_zero = points.iter().any(|(_, g)| *g == Some(0.0));
    let trend = match points.last().and_then(|(_, g)| *g) {
        Some(g) if exactly_zero && g != 0.0 => Trend::SwitchesOff(g),
        Some(g) if g.abs() < 1e-2 => Trend::Vanishing,
        Some(g) if g.abs() > 1e2 => Trend::Exploding,
        Some(g) => Trend::Bounded(g),
        None => match reach {
            Some((lo, _)) if lo > smallest => Trend::Floor(lo),
            _ => Trend::Unknown,
        },
    };
    Some(TrueClass {
        points,
        reach,
        coupling: instances[0].2,
        trend,
        swept: Some((prob_at_one.clone(), below)),
    })
}
