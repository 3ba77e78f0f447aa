//! A whole derivation as JSON for tools: explicit view structs with stable field names (documented
//! in the README's "JSON output" section), every firing included, lemmas nested.

use super::document::{changed_term, one_line, proof_options};
use super::proof_input::ProofInput;
use super::report::mark;
use super::{to_input_with, to_latex, PrintOptions};
use crate::analysis::cancellation::{Cancellation, Shape, Trend};
use crate::check::handwritten::ShowReport;
use crate::check::{CheckReport, Status, StepReport};
use crate::engine::trace::{Derivation, Firing, Step, Stop};
use crate::syntax::expr::Expr;
use crate::syntax::problem::Problem;
use serde::{Deserialize, Serialize};

/// The version of the JSON document's shape (see the README's "JSON output"): 2 added
/// `schema_version`, `declarations`, `show` and firings as `{input, latex}` expressions.
pub const SCHEMA_VERSION: u32 = 2;

/// The whole proof: the problem's title, the main derivation (its fields at the top level) and the
/// `expect` check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProofView {
    /// The shape's version, [`SCHEMA_VERSION`] (absent, read as 0, in older proofs).
    #[serde(default)]
    pub schema_version: u32,
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
    /// The problem's declarations, each expression in both notations.
    #[serde(default)]
    pub declarations: Option<DeclarationsView>,
    /// The file's checked `show` block, if it has one.
    #[serde(default)]
    pub show: Option<ShowView>,
}

/// A file with a `show` block and no `derive` line: the problem and the checked lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShowDocumentView {
    /// The shape's version, [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The file's `title`, if any.
    pub title: Option<String>,
    /// The problem as `.deriv` text (as in [`ProofView::problem`]).
    pub problem: String,
    /// The problem's declarations.
    pub declarations: DeclarationsView,
    /// The checked `show` block.
    pub show: ShowView,
}

/// The declarations of a problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeclarationsView {
    /// `index` lines: the letters of each range and its upper end.
    pub indices: Vec<IndexView>,
    /// `var` lines.
    pub variables: Vec<VariableView>,
    /// `let` lines.
    pub definitions: Vec<DefinitionView>,
    /// The derivative of the `derive` line, if any.
    pub goal: Option<ExprView>,
}

/// One index letter and its range `1..upper`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexView {
    /// The letter.
    pub letter: String,
    /// The upper end of its range.
    pub upper: String,
}

/// A declared variable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableView {
    /// The symbol with its indices.
    pub symbol: ExprView,
    /// Its kind's keyword (`real`, `distribution`, ...).
    pub kind: String,
}

/// A definition `symbol = body`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionView {
    /// The defined symbol.
    pub symbol: ExprView,
    /// Its right-hand side.
    pub body: ExprView,
}

/// A checked `show` block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShowView {
    /// The expression the lines start from.
    pub start: ExprView,
    /// Each line, in order.
    pub lines: Vec<ShowLineView>,
    /// True when every line is numerically true.
    pub checked: bool,
}

/// One line of a `show` block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShowLineView {
    /// The line's number in the file.
    pub file_line: usize,
    /// The claimed expression.
    pub expr: ExprView,
    /// The rules that connect it to the previous line, or `null` when the engine found none.
    pub rules: Option<Vec<String>>,
    /// Its numeric check.
    pub check: Option<CheckView>,
}

fn declarations_view(problem: &Problem, opts: &PrintOptions) -> DeclarationsView {
    let sym = |s: &crate::syntax::expr::Symbol| expr_view(&Expr::Sym(s.clone()), opts);
    DeclarationsView {
        indices: problem
            .indices
            .iter()
            .map(|i| IndexView {
                letter: i.name.clone(),
                upper: i.upper.clone(),
            })
            .collect(),
        variables: problem
            .vars
            .iter()
            .map(|v| VariableView {
                symbol: sym(&v.symbol),
                kind: v.kind.keyword().to_string(),
            })
            .collect(),
        definitions: problem
            .defs
            .iter()
            .map(|d| DefinitionView {
                symbol: sym(&d.symbol),
                body: expr_view(&d.body, opts),
            })
            .collect(),
        goal: problem.goal.as_ref().map(|g| {
            expr_view(
                &crate::syntax::expr::deriv(g.of.clone(), g.wrt.clone()),
                opts,
            )
        }),
    }
}

fn show_view(show: &ShowReport, opts: &PrintOptions) -> ShowView {
    ShowView {
        start: expr_view(&show.start, opts),
        lines: show
            .lines
            .iter()
            .enumerate()
            .map(|(n, l)| ShowLineView {
                file_line: l.file_line,
                expr: expr_view(&l.expr, opts),
                rules: l
                    .rules
                    .as_ref()
                    .map(|r| r.iter().map(|r| (*r).to_string()).collect()),
                check: show.check.steps.get(n).map(check_view),
            })
            .collect(),
        checked: show.ok(),
    }
}

/// The whole proof document of `input` as pretty-printed JSON: a [`ProofView`] (with the `show`
/// block, if any) when the file derives, a [`ShowDocumentView`] when it only shows.
pub fn document_json(input: &ProofInput) -> String {
    let problem = input.problem;
    let text = match input.derivation {
        Some(d) => {
            let none = Cancellation::not_applicable();
            let c = input.cancellation.unwrap_or(&none);
            let mut view = proof_view_checked(problem, d, input.report, c, input.expect_holds);
            let opts = proof_options(problem, d);
            view.show = input.show.map(|s| show_view(s, &opts));
            serde_json::to_string_pretty(&view)
        }
        None => {
            let opts = super::proof::options_for(problem);
            let Some(show) = input.show else {
                return String::from("{}\n");
            };
            serde_json::to_string_pretty(&ShowDocumentView {
                schema_version: SCHEMA_VERSION,
                title: problem.title.clone(),
                problem: super::deriv_file::problem_text(problem),
                declarations: declarations_view(problem, &opts),
                show: show_view(show, &opts),
            })
        }
    };
    let mut out = text.expect(
        "the views hold only strings, numbers, booleans and sequences: serialising cannot fail",
    );
    out.push('\n');
    out
}

/// The cancellation report (see [`crate::analysis::cancellation`]).
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
    /// `bounded`, `vanishing`, `exploding`, `switches_off`, `unreachable` (the sweep cannot
    /// bring the probability to the smallest target) or `unknown`, as the true-class
    /// probability goes to 0.
    pub trend: String,
}

/// The gradient on the true class at one probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrueClassPoint {
    /// The true class's probability.
    pub probability: f64,
    /// The gradient there.
    pub gradient: Option<f64>,
    /// The sweep cannot bring the probability there (the gradient is then `null`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreachable: bool,
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
                    unreachable: tc.unreachable(*p),
                })
                .collect(),
            match tc.trend {
                Trend::Bounded(_) => "bounded",
                Trend::Vanishing => "vanishing",
                Trend::Exploding => "exploding",
                Trend::Unknown => "unknown",
                Trend::SwitchesOff(_) => "switches_off",
                Trend::Floor(_) => "unreachable",
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
    /// The whole expression after the firing.
    pub expr: ExprView,
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
pub fn proof_view(
    problem: &Problem,
    d: &Derivation,
    cancellation: &Cancellation,
    expect_holds: Option<bool>,
) -> ProofView {
    proof_view_checked(problem, d, None, cancellation, expect_holds)
}

/// The view of the whole proof of `d` with the numeric check `report` of it; `expect_holds`
/// is [`crate::analysis::normal::expect_holds`], decided before rendering (the `expect` view is
/// left out without it).
pub fn proof_view_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
    cancellation: &Cancellation,
    expect_holds: Option<bool>,
) -> ProofView {
    let opts = proof_options(problem, d);
    ProofView {
        schema_version: SCHEMA_VERSION,
        title: problem.title.clone(),
        derivation: derivation_view(d, report, &opts),
        checked: report.map(CheckReport::ok),
        expect: problem
            .expect
            .as_ref()
            .zip(expect_holds)
            .map(|((e, _), holds)| ExpectView {
                expr: expr_view(e, &opts),
                holds,
            }),
        cancellation: cancellation_view(cancellation, &opts),
        problem: super::deriv_file::problem_text(problem),
        declarations: Some(declarations_view(problem, &opts)),
        show: None,
    }
}

/// The proof as pretty-printed JSON (see [`ProofView`]).
pub fn proof_json(
    problem: &Problem,
    d: &Derivation,
    cancellation: &Cancellation,
    expect_holds: Option<bool>,
) -> String {
    proof_json_checked(problem, d, None, cancellation, expect_holds)
}

/// The proof as pretty-printed JSON with each step's numeric check from `report`.
pub fn proof_json_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
    cancellation: &Cancellation,
    expect_holds: Option<bool>,
) -> String {
    let view = proof_view_checked(problem, d, report, cancellation, expect_holds);
    let mut out = serde_json::to_string_pretty(&view).expect(
        "the views hold only strings, numbers, booleans and sequences: serialising cannot fail",
    );
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
        expr: expr_view(after, opts),
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
