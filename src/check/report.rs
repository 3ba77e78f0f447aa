//! What the check reports: per-line verdicts, counterexamples, the cross-check, the whole
//! report.

use super::*;

/// What a failing line was compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Against {
    /// The reference (the goal's numeric value).
    Reference,
    /// The previous line (used where the reference has no value).
    Previous,
}

/// One sample: the instance and the free-index values. Enough to reproduce it with
/// [`sample::draw`]`(problem, &sizes, seed, regime, extreme)` followed by
/// [`sample_fit::fit`]; `inputs` holds the values themselves.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SamplePoint {
    /// The size of each range (`K`).
    pub sizes: BTreeMap<String, usize>,
    /// The instance's seed.
    pub seed: u64,
    /// The instance's regime.
    pub regime: Regime,
    /// The magnitude of extreme values used.
    pub extreme: f64,
    /// The free-index values.
    pub free: Assignment,
    /// Every input variable's values.
    pub inputs: BTreeMap<String, VarValues>,
}

impl SamplePoint {
    pub(super) fn new(instance: &Instance, free: &Assignment) -> SamplePoint {
        SamplePoint {
            sizes: instance.sizes.clone(),
            seed: instance.seed,
            regime: instance.regime,
            extreme: instance.extreme,
            free: free.clone(),
            inputs: instance.values.clone(),
        }
    }
}

/// A sample at which a line disagrees with what it should equal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counterexample {
    /// What the line was compared with.
    pub against: Against,
    /// Where.
    pub at: SamplePoint,
    /// The line's value.
    pub value: f64,
    /// The value it should have had.
    pub expected: f64,
    /// `|value - expected|`.
    pub abs_error: f64,
    /// The relative error.
    pub rel_error: f64,
}

/// A sample at which a line has no value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DomainFailure {
    /// What went wrong (`log of a non-positive number (-1e0)`).
    pub message: String,
    /// Where.
    pub at: SamplePoint,
}

/// The verdict on one line.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Agreed at every sample.
    Pass,
    /// Numerically false; the first counterexample found (smallest sizes first).
    Fail(Box<Counterexample>),
    /// Undefined at some sample (and not false at any); the first such sample.
    DomainError(Box<DomainFailure>),
    /// The line cannot be evaluated at all (unknown symbol, undeclared index...).
    Invalid {
        /// Why.
        message: String,
    },
    /// Evaluated, but no sample had anything to compare it with.
    Unchecked {
        /// Why.
        message: String,
    },
}

impl Status {
    /// True for [`Status::Pass`].
    pub fn is_pass(&self) -> bool {
        matches!(self, Status::Pass)
    }

    /// Precedence when several samples disagree: the most serious verdict is kept.
    pub(super) fn rank(&self) -> u8 {
        match self {
            Status::Pass | Status::Unchecked { .. } => 0,
            Status::DomainError(_) => 1,
            Status::Fail(_) => 2,
            Status::Invalid { .. } => 3,
        }
    }
}

/// The check of one line: the goal (number 0) or a step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepReport {
    /// 0 for the goal, then 1, 2, ... for the steps (or `show` lines) in order.
    pub number: usize,
    /// The step's title (`goal` for the goal).
    pub title: String,
    /// The rules that fired in the step.
    pub rules: Vec<String>,
    /// The line's expression.
    pub expr: Expr,
    /// Samples at which the line was compared (for the goal: evaluated).
    pub samples: usize,
    /// The largest absolute error against the reference (or previous line) over all samples.
    pub max_abs_error: f64,
    /// The largest relative error against the reference (or previous line) over the samples
    /// that the relative tolerance decided (all but `floor_samples`).
    pub max_rel_error: f64,
    /// Samples that agreed only by the cancellation floor: the exact value is 0 (or tiny next
    /// to the terms that cancelled), see [`Tolerance`].
    pub floor_samples: usize,
    /// The largest [`Comparison::cancel_error`] over those samples.
    pub max_cancel_error: f64,
    /// Samples that the fast comparison found different and the arbitrary-precision
    /// re-evaluation ([`crate::check::eval_precise`]) found equal.
    pub precise_samples: usize,
    /// Samples skipped because the line has no value where that is not its own doing: for the
    /// goal, where the goal is undefined (skipped for every line); for a step, where the line
    /// before it is undefined too, or a derivative in it does not exist (an infinite slope).
    pub undefined_samples: usize,
    /// The largest [`Comparison::ratio`]: how close the line came to failing (1 is the limit).
    pub max_error_ratio: f64,
    /// Samples at which the line disagrees with the previous line (nonzero after a false line).
    pub disagreements_with_previous: usize,
    /// The verdict.
    pub status: Status,
    /// The checks of the step's lemmas.
    pub lemmas: Vec<CheckReport>,
}

/// The forward-mode reference compared with central differences.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossCheck {
    /// Samples compared.
    pub samples: usize,
    /// Samples at which central differences failed to evaluate (e.g. a step crossing a domain).
    pub errors: usize,
    /// Samples at which they disagree beyond [`Tolerance::CROSS_CHECK`].
    pub disagreements: usize,
    /// The largest absolute difference.
    pub max_abs_error: f64,
    /// The largest relative difference (over the samples not decided by the cancellation floor).
    pub max_rel_error: f64,
    /// The largest [`Comparison::ratio`] against [`Tolerance::CROSS_CHECK`].
    pub max_error_ratio: f64,
}

/// The check of a derivation (or of `show` lines, or of an `expect`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckReport {
    /// The first line: the goal, whose value is the reference.
    pub goal: StepReport,
    /// Each following line.
    pub steps: Vec<StepReport>,
    /// The reference against central differences, when the goal is a derivative and
    /// [`CheckOptions::cross_check`] is on.
    pub cross_check: Option<CrossCheck>,
    /// The free indices enumerated.
    pub free_indices: Vec<String>,
    /// The number of instances drawn.
    pub instances: usize,
    /// The seed.
    pub seed: u64,
    /// The range sizes the instances had (every range's, sorted, without repeats).
    pub sizes: Vec<usize>,
    /// The tolerance used.
    pub tolerance: Tolerance,
    /// Instances re-drawn away from the kinks of piecewise functions ([`crate::check::kinks`]).
    #[serde(skip_serializing_if = "KinkReport::is_empty")]
    pub kinks: KinkReport,
}

impl CheckReport {
    /// True when every line, and every lemma's every line, passed.
    pub fn ok(&self) -> bool {
        self.lines()
            .all(|s| s.status.is_pass() && s.lemmas.iter().all(CheckReport::ok))
    }

    /// The goal, then the steps.
    pub fn lines(&self) -> impl Iterator<Item = &StepReport> {
        std::iter::once(&self.goal).chain(&self.steps)
    }

    /// The first line (goal or step, not lemmas) that did not pass.
    pub fn first_failure(&self) -> Option<&StepReport> {
        self.lines().find(|s| !s.status.is_pass())
    }

    /// The number of the first numerically false line (for `show` lines: line `n` is
    /// `lines[n - 1]`).
    pub fn first_false(&self) -> Option<usize> {
        self.lines()
            .find(|s| matches!(s.status, Status::Fail(_)))
            .map(|s| s.number)
    }
}
