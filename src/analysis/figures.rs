//! The data of the post's three figures, computed from a derivation (the SVG drawing is in
//! `render::figures`).
//!
//! Every value comes from the derivation's own expressions, evaluated with the checker's
//! [`Evaluator`] at the fixed instances of the cancellation report
//! ([`cancellation::fixed_instance`]); no name is known here. The pieces are found by the chain
//! rule's structure:
//! - the *loss piece* is the lemma differentiating by the probability symbol (`∂L/∂p_j`);
//! - the *link piece* (the softmax's Jacobian) is the lemma differentiating the probability symbol
//!   by the variable (`∂p_j/∂s_k`);
//! - the *result* is the derivation's last line (`∂L/∂s_k`).
//!
//! The three figures:
//! - [`curves`]: the loss piece, the link piece and the result along the true-class probability
//!   (the post's "Two curves that misbehave. One that doesn't.");
//! - [`jacobian`]: the link piece at every pair of classes, with its row sums;
//! - [`signal`]: the result at every class, and what gradient steps do to the probabilities.

use crate::analysis::cancellation::{self, class_one, drive_for, value_at};
use crate::check::eval::{Assignment, Evaluator};
use crate::check::sample::Instance;
use crate::engine::trace::Derivation;
use crate::rules::Move;
use crate::syntax::expr::{Expr, Index, Symbol};
use crate::syntax::problem::Problem;
use serde::Serialize;

/// The number of true-class probabilities at which [`curves`] samples.
pub const CURVE_SAMPLES: usize = 199;

/// The most classes a heatmap or a signal figure draws (beyond it the labels cannot be read).
pub const MAX_CLASSES: usize = 12;

/// The most gradient steps a signal figure takes.
pub const MAX_STEPS: usize = 10_000;

/// Why a figure cannot be drawn for a derivation.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FigureError {
    /// The file has no `derive` line.
    #[error("the file has no `derive` line: there is no gradient to draw")]
    NoGoal,
    /// No definition is indexed like the variable.
    #[error(
        "no probability to sweep: no `via` symbol or definition is indexed like the variable \
         (the curves are drawn along the probability of the true class)"
    )]
    NoProbability,
    /// The chain rule has no lemma differentiating the probability by the variable.
    #[error(
        "no Jacobian piece: the derivation's chain rule has no lemma differentiating {0} by the \
         variable (use `via`)"
    )]
    NoJacobian(String),
    /// A figure over classes needs a variable with one class index.
    #[error("{0}")]
    NotPerClass(String),
    /// Bad figure options (scores, true class, steps, learning rate).
    #[error("{0}")]
    Options(String),
    /// An expression could not be evaluated where it is drawn.
    #[error("{what} is undefined or not finite at {at}")]
    Undefined {
        /// What was evaluated.
        what: String,
        /// Where.
        at: String,
    },
}

/// A curve: an expression of the derivation sampled along the true-class probability.
#[derive(Clone, Debug, Serialize)]
pub struct Curve {
    /// What it is the value of (`∂L/∂p_j`).
    pub goal: Expr,
    /// The expression evaluated (`-q_j/p_j`).
    pub formula: Expr,
    /// `(probability, value)`; `None` where it is undefined or not finite.
    pub points: Vec<(f64, Option<f64>)>,
}

/// The data of the curves figure.
#[derive(Clone, Debug, Serialize)]
pub struct Curves {
    /// The probability swept, at the variable's index (`p_k`).
    pub probability: Symbol,
    /// The loss piece, if the derivation has one.
    pub loss_piece: Option<Curve>,
    /// The link piece (the softmax's sensitivity to its own score), if the derivation has one.
    pub link_piece: Option<Curve>,
    /// The result: the gradient on the true class.
    pub result: Curve,
}

/// The chain-rule lemmas of `d` (the pieces substituted).
fn lemmas(d: &Derivation) -> impl Iterator<Item = &Derivation> {
    d.steps
        .iter()
        .filter(|s| s.made(Move::Substitute))
        .flat_map(|s| &s.lemmas)
}

/// The lemma differentiating by the symbol named `prob`.
fn loss_lemma<'d>(d: &'d Derivation, prob: &str) -> Option<&'d Derivation> {
    lemmas(d).find(|l| matches!(&l.goal, Expr::Deriv(_, x) if x.name == prob))
}

/// The lemma differentiating the symbol named `prob` by the variable named `wrt`.
fn link_lemma<'d>(d: &'d Derivation, prob: &str, wrt: &str) -> Option<&'d Derivation> {
    lemmas(d).find(|l| {
        matches!(&l.goal, Expr::Deriv(f, x)
            if x.name == wrt && matches!(&**f, Expr::Sym(s) if s.name == prob))
    })
}

/// The true-class probabilities at which [`curves`] samples: evenly spaced in (0, 1).
pub fn curve_probabilities() -> Vec<f64> {
    (1..=CURVE_SAMPLES)
        .map(|i| i as f64 / (CURVE_SAMPLES + 1) as f64)
        .collect()
}

/// The curves figure: the loss piece, the link piece and the result along the true-class
/// probability, at the cancellation report's fixed instance (true class 1, every free index at
/// 1, the class-1 score driven until the probability takes each value of
/// [`curve_probabilities`]).
pub fn curves(problem: &Problem, d: &Derivation) -> Result<Curves, FigureError> {
    let goal = problem.goal.as_ref().ok_or(FigureError::NoGoal)?;
    let prob = cancellation::probability_symbol(problem).ok_or(FigureError::NoProbability)?;
    let probability = Symbol {
        name: prob.name,
        indices: goal.wrt.indices.clone(),
    };
    let at_var = Expr::Sym(probability.clone());
    let instance = cancellation::true_class_instance(problem, 0.0).ok_or(FigureError::NoGoal)?;
    let loss = loss_lemma(d, &prob.name);
    let link = link_lemma(d, &prob.name, &goal.wrt.name);
    let drives: Vec<(f64, Option<f64>)> = curve_probabilities()
        .into_iter()
        .map(|p| (p, drive_for(problem, &instance, &at_var, p)))
        .collect();
    if drives.iter().all(|(_, x)| x.is_none()) {
        return Err(FigureError::NoProbability);
    }
    let sample = |goal: &Expr, formula: &Expr| Curve {
        goal: goal.clone(),
        formula: formula.clone(),
        points: sweep(problem, &instance, formula, &drives),
    };
    Ok(Curves {
        probability,
        loss_piece: loss.map(|l| sample(&l.goal, l.result())),
        link_piece: link.map(|l| sample(&l.goal, l.result())),
        result: sample(&d.goal, d.result()),
    })
}

/// `e` at each drive (free indices at 1).
fn sweep(
    problem: &Problem,
    instance: &Instance,
    e: &Expr,
    drives: &[(f64, Option<f64>)],
) -> Vec<(f64, Option<f64>)> {
    let mut ev = Evaluator::new(problem, instance, &class_one(e, problem));
    drives
        .iter()
        .map(|&(p, x)| (p, x.and_then(|x| value_at(&mut ev, problem, e, x))))
        .collect()
}

/// Named score vectors for the heatmap and the signal figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Five close scores: every class holds real mass, the dynamics are strongest.
    Balanced,
    /// One class dominates: the softmax saturates.
    Sharp,
}

impl Preset {
    /// The scores of the preset.
    pub fn scores(self) -> Vec<f64> {
        match self {
            Preset::Balanced => vec![1.0, 0.5, 0.0, -0.5, -1.0],
            Preset::Sharp => vec![6.0, 1.0, 0.5, 0.0, -1.0],
        }
    }
}

/// Checks scores and a 1-based true class for a figure over classes.
fn check_classes(scores: &[f64], class: usize) -> Result<(), FigureError> {
    if !(2..=MAX_CLASSES).contains(&scores.len()) {
        return Err(FigureError::Options(format!(
            "--scores needs between 2 and {MAX_CLASSES} scores, got {}",
            scores.len()
        )));
    }
    if let Some(bad) = scores.iter().find(|s| !s.is_finite() || s.abs() > 1e6) {
        return Err(FigureError::Options(format!(
            "--scores: {bad:?} is not a finite score of magnitude at most 1e6"
        )));
    }
    if !(1..=scores.len()).contains(&class) {
        return Err(FigureError::Options(format!(
            "--true-class {class} is not a class of 1..{}",
            scores.len()
        )));
    }
    Ok(())
}

/// The one free index of `s`, or why a figure over classes cannot use it.
fn class_index(s: &Symbol, role: &str) -> Result<String, FigureError> {
    match s.indices.as_slice() {
        [Index::Free(letter)] => Ok(letter.to_string()),
        _ => Err(FigureError::NotPerClass(format!(
            "{role} `{}` does not have exactly one class index: a figure over classes needs one",
            s.name
        ))),
    }
}

/// The fixed instance over `scores.len()` classes with the variable's entries at `scores`.
fn scores_instance(
    problem: &Problem,
    wrt: &Symbol,
    scores: &[f64],
    class: usize,
) -> Result<Instance, FigureError> {
    let mut instance = cancellation::fixed_instance(problem, scores.len(), class, 0.0)
        .ok_or(FigureError::NoGoal)?;
    let values = instance
        .values
        .get_mut(wrt.name.as_str())
        .filter(|v| v.shape == [scores.len()])
        .ok_or_else(|| {
            FigureError::NotPerClass(format!(
                "the variable `{}` is not a vector over the classes",
                wrt.name
            ))
        })?;
    values.data = scores.to_vec();
    Ok(instance)
}

/// Every free index of `e` and of the definitions at `class`.
fn at_class(e: &Expr, problem: &Problem, class: usize) -> Assignment {
    class_one(e, problem)
        .into_keys()
        .map(|n| (n, class))
        .collect()
}

/// Evaluates `e` under `free`, as a finite number.
fn value<'a>(
    ev: &mut Evaluator<'a>,
    e: &'a Expr,
    free: &Assignment,
    what: impl Fn() -> String,
) -> Result<f64, FigureError> {
    ev.set_free(free);
    let at = || {
        free.iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let v = ev
        .eval(e)
        .map_err(|_| FigureError::Undefined {
            what: what(),
            at: at(),
        })?
        .to_f64();
    if v.is_finite() {
        Ok(v)
    } else {
        Err(FigureError::Undefined {
            what: what(),
            at: at(),
        })
    }
}

/// The data of the Jacobian heatmap.
#[derive(Clone, Debug, Serialize)]
pub struct Heatmap {
    /// The lemma's goal (`∂p_j/∂s_k`).
    pub goal: Expr,
    /// The lemma's result (`p_j(δ_jk − p_k)`).
    pub formula: Expr,
    /// The variable's name (the rows: the score nudged).
    pub variable: String,
    /// The probability symbol's name (the columns: the probability responding).
    pub probability: String,
    /// The scores.
    pub scores: Vec<f64>,
    /// The probabilities at the scores.
    pub probabilities: Vec<f64>,
    /// `cells[r][c]`: the derivative of probability `c + 1` by score `r + 1`.
    pub cells: Vec<Vec<f64>>,
    /// The sum of each row.
    pub row_sums: Vec<f64>,
}

/// The heatmap of the link piece at `scores` (the other free indices, and one-hot targets, at
/// the true class `class`, 1-based).
pub fn jacobian(
    problem: &Problem,
    d: &Derivation,
    scores: &[f64],
    class: usize,
) -> Result<Heatmap, FigureError> {
    check_classes(scores, class)?;
    let goal = problem.goal.as_ref().ok_or(FigureError::NoGoal)?;
    let prob = cancellation::probability_symbol(problem).ok_or(FigureError::NoProbability)?;
    let lemma = link_lemma(d, &prob.name, &goal.wrt.name)
        .ok_or_else(|| FigureError::NoJacobian(prob.name.to_string()))?;
    let Expr::Deriv(f, x) = &lemma.goal else {
        return Err(FigureError::NoJacobian(prob.name.to_string()));
    };
    let Expr::Sym(p) = &**f else {
        return Err(FigureError::NoJacobian(prob.name.to_string()));
    };
    let col = class_index(p, "the probability")?;
    let row = class_index(x, "the variable")?;
    if col == row {
        return Err(FigureError::NoJacobian(prob.name.to_string()));
    }
    let instance = scores_instance(problem, &goal.wrt, scores, class)?;
    let formula = lemma.result();
    let mut free = at_class(formula, problem, class);
    let mut ev = Evaluator::new(problem, &instance, &free);
    let n = scores.len();
    let mut cells = vec![vec![0.0; n]; n];
    for (r, cells_r) in cells.iter_mut().enumerate() {
        for (c, cell) in cells_r.iter_mut().enumerate() {
            free.insert(row.clone(), r + 1);
            free.insert(col.clone(), c + 1);
            *cell = value(&mut ev, formula, &free, || "the Jacobian piece".to_string())?;
        }
    }
    let row_sums = cells.iter().map(|r| r.iter().sum()).collect();
    let p_at_col = Expr::Sym(p.clone());
    let mut free_p = at_class(&p_at_col, problem, class);
    let mut ev_p = Evaluator::new(problem, &instance, &free_p);
    let probabilities = (1..=n)
        .map(|c| {
            free_p.insert(col.clone(), c);
            value(&mut ev_p, &p_at_col, &free_p, || prob.name.to_string())
        })
        .collect::<Result<_, _>>()?;
    Ok(Heatmap {
        goal: lemma.goal.clone(),
        formula: formula.clone(),
        variable: x.name.to_string(),
        probability: p.name.to_string(),
        scores: scores.to_vec(),
        probabilities,
        cells,
        row_sums,
    })
}

/// One state of the signal figure's gradient descent.
#[derive(Clone, Debug, Serialize)]
pub struct State {
    /// The scores.
    pub scores: Vec<f64>,
    /// The probabilities at the scores.
    pub probabilities: Vec<f64>,
    /// The result (the learning signal) at every class.
    pub gradient: Vec<f64>,
    /// The loss, where it can be evaluated.
    pub loss: Option<f64>,
}

/// The data of the signal figure.
#[derive(Clone, Debug, Serialize)]
pub struct Signal {
    /// The goal (`∂L/∂s_k`).
    pub goal: Expr,
    /// The result (`p_k − q_k`).
    pub formula: Expr,
    /// The variable's name.
    pub variable: String,
    /// The probability symbol's name.
    pub probability: String,
    /// The true class (1-based).
    pub true_class: usize,
    /// The learning rate.
    pub lr: f64,
    /// The state before any step, then after each step.
    pub states: Vec<State>,
}

/// The learning signal (the result at every class) at `scores` with true class `class`, and
/// `steps` gradient steps `s ← s − lr·∂L/∂s`.
pub fn signal(
    problem: &Problem,
    d: &Derivation,
    scores: &[f64],
    class: usize,
    steps: usize,
    lr: f64,
) -> Result<Signal, FigureError> {
    check_classes(scores, class)?;
    if steps > MAX_STEPS {
        return Err(FigureError::Options(format!(
            "--steps {steps} is more than {MAX_STEPS}"
        )));
    }
    if !lr.is_finite() || lr <= 0.0 || lr > 1e3 {
        return Err(FigureError::Options(format!(
            "--lr {lr:?} is not a learning rate in (0, 1000]"
        )));
    }
    let goal = problem.goal.as_ref().ok_or(FigureError::NoGoal)?;
    let prob = cancellation::probability_symbol(problem).ok_or(FigureError::NoProbability)?;
    let letter = class_index(&goal.wrt, "the variable")?;
    let p_at = Expr::Sym(Symbol {
        name: prob.name,
        indices: goal.wrt.indices.clone(),
    });
    let result = d.result();
    let mut states = Vec::with_capacity(steps + 1);
    let mut scores = scores.to_vec();
    for step in 0..=steps {
        let instance = scores_instance(problem, &goal.wrt, &scores, class)?;
        let mut free = at_class(result, problem, class);
        let mut ev = Evaluator::new(problem, &instance, &free);
        let mut free_p = at_class(&p_at, problem, class);
        let mut ev_p = Evaluator::new(problem, &instance, &free_p);
        let mut gradient = Vec::with_capacity(scores.len());
        let mut probabilities = Vec::with_capacity(scores.len());
        for k in 1..=scores.len() {
            free.insert(letter.clone(), k);
            free_p.insert(letter.clone(), k);
            gradient.push(value(&mut ev, result, &free, || {
                format!("the gradient after {step} steps")
            })?);
            probabilities.push(value(&mut ev_p, &p_at, &free_p, || prob.name.to_string())?);
        }
        let free_l = at_class(&goal.of, problem, class);
        let mut ev_l = Evaluator::new(problem, &instance, &free_l);
        let loss = value(&mut ev_l, &goal.of, &free_l, String::new).ok();
        let next: Vec<f64> = scores
            .iter()
            .zip(&gradient)
            .map(|(s, g)| s - lr * g)
            .collect();
        states.push(State {
            scores: std::mem::replace(&mut scores, next),
            probabilities,
            gradient,
            loss,
        });
    }
    Ok(Signal {
        goal: d.goal.clone(),
        formula: result.clone(),
        variable: goal.wrt.name.to_string(),
        probability: prob.name.to_string(),
        true_class: class,
        lr,
        states,
    })
}
