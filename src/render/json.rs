//! A whole derivation as JSON for tools: explicit view structs with stable field names (documented
//! in the README's "JSON output" section), every firing included, lemmas nested.

use super::document::{changed_term, one_line, proof_options};
use super::report::mark;
use super::{to_input_with, to_latex, PrintOptions};
use crate::cancellation::{analyse, Cancellation, Shape, Trend};
use crate::check::{CheckReport, Status, StepReport};
use crate::expr::Expr;
use crate::normal::equivalent;
use crate::problem::Problem;
use crate::trace::{Derivation, Firing, Step, Stop};
use serde::{Deserialize, Serialize};

/// The whole proof: the problem's title, the main derivation (its fields at the top level) and the
/// `expect` check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProofView {
    /// The file's `title`, if any.
    pub title: Option<String>,
    /// The main derivation.
    #[serde(flatten)]
    pub derivation: DerivationView,
    /// The file's `expect` and whether the result equals it, if the file has one.
    pub expect: Option<ExpectView>,
    /// The cancellation report.
    pub cancellation: CancellationView,
    /// True when every line of the derivation and its lemmas passed the numeric check; `null`
    /// when the proof was printed unchecked.
    pub checked: Option<bool>,
    /// The problem as `.deriv` text that parses back to it (declarations, definitions, the
    /// `derive` and `expect` lines; see [`super::deriv_file`]): what `gradproof verify` rebuilds
    /// the derivation from.
    pub problem: String,
}

/// The cancellation report (see [`crate::cancellation`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CancellationView {
    /// The probability symbol at the variable's index (`p_k`), if there is one.
    pub probability: Option<ExprView>,
    /// The loss piece (the lemma differentiating by the probability), if any.
    pub loss_piece: Option<ExprView>,
    /// The loss piece divides by the probability symbol.
    pub loss_piece_divides: bool,
    /// The reciprocal is gone from the result (`null` when there was none to cancel).
    pub cancelled: Option<bool>,
    /// The first main step that cancelled it.
    pub cancelled_at_step: Option<usize>,
    /// `gap` (`scale * (probability - target)`), `beyond` (with a `residual`) or
    /// `not_applicable`.
    pub shape: String,
    /// For a gap: the factor in front.
    pub scale: Option<ExprView>,
    /// What the probability is compared with: the negated terms free of it.
    pub target: Option<ExprView>,
    /// For `beyond`: `result - (probability - target)`.
    pub residual: Option<ExprView>,
    /// The gradient on the true class at fixed probabilities (`gradient` is `null` where the
    /// probability could not be reached).
    pub true_class: Vec<TrueClassPoint>,
    /// `bounded`, `vanishing`, `exploding` or `unknown`, as the true-class probability goes to 0.
    pub trend: String,
}

/// The gradient on the true class at one probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrueClassPoint {
    /// The true class's probability.
    pub probability: f64,
    /// The gradient there.
    pub gradient: Option<f64>,
}

fn cancellation_view(c: &Cancellation, opts: &PrintOptions) -> CancellationView {
    let view = |e: &Expr| expr_view(e, opts);
    let (shape, scale, target, residual) = match &c.shape {
        Shape::Gap { scale, target } => ("gap", Some(view(scale)), Some(view(target)), None),
        Shape::Beyond { target, residual } => {
            ("beyond", None, Some(view(target)), Some(view(residual)))
        }
        Shape::NotApplicable => ("not_applicable", None, None, None),
    };
    let (true_class, trend) = match &c.true_class {
        Some(tc) => (
            tc.points
                .iter()
                .map(|(p, g)| TrueClassPoint {
                    probability: *p,
                    // Ten significant digits: the last bits of a bisection are not part of the
                    // report.
                    gradient: g.and_then(|g| format!("{g:.9e}").parse().ok()),
                })
                .collect(),
            match tc.trend {
                Trend::Bounded(_) => "bounded",
                Trend::Vanishing => "vanishing",
                Trend::Exploding => "exploding",
                Trend::Unknown => "unknown",
                Trend::SwitchesOff(_) => "switches_off",
            },
        ),
        None => (Vec::new(), "unknown"),
    };
    CancellationView {
        probability: c.probability.as_ref().map(view),
        loss_piece: c.loss_piece.as_ref().map(view),
        loss_piece_divides: c.loss_piece_divides,
        cancelled: c.cancelled,
        cancelled_at_step: c.cancelled_at_step,
        shape: shape.to_string(),
        scale,
        target,
        residual,
        true_class,
        trend: trend.to_string(),
    }
}

/// One derivation: the main one or a lemma.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DerivationView {
    /// The expression derived.
    pub goal: ExprView,
    /// The presented steps, in order.
    pub steps: Vec<StepView>,
    /// Why the engine stopped.
    pub stop: StopView,
    /// The last expression (the goal when there are no steps).
    pub result: ExprView,
}

/// An expression in two notations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExprView {
    /// The input syntax (parses back to the same expression).
    pub input: String,
    /// LaTeX in the blog post's notation (math mode, no delimiters).
    pub latex: String,
}

/// A presented step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    /// The step's number in its derivation, from 1.
    pub number: usize,
    /// What the step does ("cancel", "split the sum").
    pub title: String,
    /// The distinct rules that fired, in order of first firing.
    pub rules: Vec<String>,
    /// The whole expression after the step.
    pub expr: ExprView,
    /// The position of the smallest subterm containing every change (child numbers from the
    /// root of the expression before the step).
    pub path: Vec<usize>,
    /// That subterm as it read before the step, with the indices of the sums it sits under
    /// shown as free indices; `null` when the step rewrote the whole expression.
    pub changed: Option<ExprView>,
    /// Every rule firing, in order.
    pub firings: Vec<FiringView>,
    /// The sub-derivations this step uses (the pieces of a chain rule).
    pub lemmas: Vec<DerivationView>,
    /// The step's numeric check, or `null` when the proof was printed unchecked.
    pub check: Option<CheckView>,
}

/// The numeric check of one line (see the README's "Numeric checking").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckView {
    /// `pass`, `fail`, `domain_error`, `invalid` or `unchecked`.
    pub status: String,
    /// Samples at which the line was compared.
    pub samples: usize,
    /// The largest absolute error against the reference.
    pub max_abs_error: f64,
    /// The largest relative error against the reference.
    pub max_rel_error: f64,
    /// The verdict in words, with the counterexample for a failure.
    pub message: String,
}

fn check_view(line: &StepReport) -> CheckView {
    CheckView {
        status: match line.status {
            Status::Pass => "pass",
            Status::Fail(_) => "fail",
            Status::DomainError(_) => "domain_error",
            Status::Invalid { .. } => "invalid",
            Status::Unchecked { .. } => "unchecked",
        }
        .to_string(),
        samples: line.samples,
        max_abs_error: line.max_abs_error,
        max_rel_error: line.max_rel_error,
        message: mark(line),
    }
}

/// One application of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiringView {
    /// The rule's registry name.
    pub rule: String,
    /// Where it fired, in the expression before the firing.
    pub path: Vec<usize>,
    /// The whole expression after the firing, in the input syntax.
    pub expr: String,
}

/// Why the engine stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopView {
    /// `saturated` (no rule applies), `step-limit`, `size-limit` or `trace-limit`.
    pub reason: String,
    /// The limit that was reached, for the `*-limit` reasons.
    pub limit: Option<usize>,
    /// The reason in words.
    pub message: String,
}

/// The `expect` line and its check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectView {
    /// The expected result.
    pub expr: ExprView,
    /// True when the result equals it after normalisation.
    pub holds: bool,
}

/// The view of the whole proof of `d`, unchecked.
pub fn proof_view(problem: &Problem, d: &Derivation) -> ProofView {
    proof_view_checked(problem, d, None)
}

/// The view of the whole proof of `d` with the numeric check `report` of it.
pub fn proof_view_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
) -> ProofView {
    let opts = proof_options(problem, d);
    ProofView {
        title: problem.title.clone(),
        derivation: derivation_view(d, report, &opts),
        checked: report.map(CheckReport::ok),
        expect: problem.expect.as_ref().map(|(e, _)| ExpectView {
            expr: expr_view(e, &opts),
            holds: equivalent(d.result(), e, problem),
        }),
        cancellation: cancellation_view(&analyse(problem, d), &opts),
        problem: super::deriv_file::problem_text(problem),
    }
}

/// The proof as pretty-printed JSON (see [`ProofView`]).
pub fn proof_json(problem: &Problem, d: &Derivation) -> String {
    proof_json_checked(problem, d, None)
}

/// The proof as pretty-printed JSON with each step's numeric check from `report`.
pub fn proof_json_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
) -> String {
    let view = proof_view_checked(problem, d, report);
    // The views hold only strings, numbers, booleans and sequences: serialising cannot fail.
    let mut out = serde_json::to_string_pretty(&view).unwrap_or_default();
    out.push('\n');
    out
}

fn derivation_view(
    d: &Derivation,
    report: Option<&CheckReport>,
    opts: &PrintOptions,
) -> DerivationView {
    DerivationView {
        goal: expr_view(&d.goal, opts),
        steps: (0..d.steps.len())
            .map(|n| step_view(d, n, report.and_then(|r| r.steps.get(n)), opts))
            .collect(),
        stop: stop_view(&d.stop),
        result: expr_view(d.result(), opts),
    }
}

fn step_view(
    d: &Derivation,
    n: usize,
    checked: Option<&StepReport>,
    opts: &PrintOptions,
) -> StepView {
    let step: &Step = &d.steps[n];
    StepView {
        number: n + 1,
        title: step.title.clone(),
        rules: step.rules.iter().map(|r| (*r).to_string()).collect(),
        expr: expr_view(&step.expr, opts),
        path: step.path.clone(),
        changed: changed_term(d, n, opts).map(|e| expr_view(&e, opts)),
        firings: {
            let before = if n == 0 {
                &d.goal
            } else {
                &d.steps[n - 1].expr
            };
            step.firings
                .iter()
                .zip(step.replay(before))
                .map(|(f, after)| firing_view(f, &after, opts))
                .collect()
        },
        lemmas: step
            .lemmas
            .iter()
            .enumerate()
            .map(|(i, l)| derivation_view(l, checked.and_then(|c| c.lemmas.get(i)), opts))
            .collect(),
        check: checked.map(check_view),
    }
}

fn firing_view(f: &Firing, after: &Expr, opts: &PrintOptions) -> FiringView {
    FiringView {
        rule: f.rule.to_string(),
        path: f.path.clone(),
        expr: to_input_with(after, opts),
    }
}

pub(crate) fn stop_view(stop: &Stop) -> StopView {
    let (reason, limit) = match stop {
        Stop::Saturated => ("saturated", None),
        Stop::StepLimit(n) => ("step-limit", Some(*n)),
        Stop::SizeLimit(n) => ("size-limit", Some(*n)),
        Stop::TraceLimit(n) => ("trace-limit", Some(*n)),
    };
    StopView {
        reason: reason.to_string(),
        limit,
        message: stop.to_string(),
    }
}

pub(crate) fn expr_view(e: &Expr, opts: &PrintOptions) -> ExprView {
    ExprView {
        input: to_input_with(e, opts),
        latex: one_line(&to_latex(e, opts)),
    }
}
