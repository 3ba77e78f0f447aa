//! The per-step numeric checker.
//!
//! Every line of a derivation (the goal, then each step's expression) is evaluated at seeded
//! random instances (see [`crate::check::sample`]) and at every value of every free index, and compared
//!
//! - with the **reference**: the value of the goal, a `d(F)/d(x)` node evaluated numerically by
//!   forward-mode dual numbers from the definitions alone, independent of any symbolic rule;
//! - with the **previous line**.
//!
//! A line is false ([`Status::Fail`]) when it disagrees with the reference; where the reference
//! has no value (a domain error) the previous line stands in for it. So an injected error is
//! reported at the step where it was injected; a correct line after a false one passes and is
//! counted in [`StepReport::disagreements_with_previous`]. A line that cannot be evaluated
//! reports a [`Status::DomainError`] (log of a negative number, division by zero...) or, for an
//! ill-formed expression, [`Status::Invalid`] — never a NaN compared as a number.
//!
//! Lemmas (each step's sub-derivations) are checked the same way against their own goals and
//! reported nested. All tolerances live in [`Tolerance`].
//!
//! Instances are independent: they are checked on every core ([`CheckOptions::threads`]) and
//! their results merged in sampling order, so the report does not depend on the number of
//! threads.

mod accumulate;
pub mod assignments;
pub mod eval;
pub mod eval_precise;
pub mod handwritten;
pub mod kinks;
pub mod parallel;
mod report;
pub mod sample;
pub mod sample_fit;
mod tolerance;

use accumulate::*;
pub use report::*;
pub use tolerance::*;

use crate::check::assignments::{assignments, fixed_indices, ranges};
use crate::check::eval::{Assignment, CentralDifferences, EvalError, Evaluator, FastNum, LogNum};
use crate::check::eval_precise::agree_precisely;
use crate::check::kinks::KinkReport;
use crate::check::sample::{Instance, Regime, SampleOptions, VarValues};
use crate::engine::trace::Derivation;
use crate::syntax::expr::Expr;
use crate::syntax::index::free_indices;
use crate::syntax::problem::{Problem, Show};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How the checker samples and compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckOptions {
    /// The seed every instance is drawn from.
    pub seed: u64,
    /// Instances per range size; they cycle through the regimes ordinary, extreme, peaked.
    pub samples: usize,
    /// The fixed range sizes (`K`) to check at.
    pub sizes: Vec<usize>,
    /// Instances at seeded random sizes, each range its own (see
    /// [`SampleOptions::random_sizes`]).
    pub random_sizes: usize,
    /// The largest random size.
    pub max_size: usize,
    /// The magnitude of extreme values (logits up to `±extreme`).
    pub extreme: f64,
    /// At most this many free-index assignments per instance; beyond it (at large sizes) the
    /// first and last value of every free index are always checked, and the rest drawn at random.
    pub max_assignments: usize,
    /// The tolerance between lines.
    pub tolerance: Tolerance,
    /// Also compare the reference with central differences (reported, never failing a step).
    pub cross_check: bool,
    /// How many threads check instances at once; 0 (the default) means one per core. The report
    /// is the same for any number.
    #[serde(skip)]
    pub threads: usize,
    /// Evaluate each instance in plain `f64` first ([`FastNum`]) and keep the result where every
    /// comparison is clearly decided ([`Tolerance::compare_fast`]); otherwise, and always when
    /// false, in log space. The verdicts are the same either way; only the reported error
    /// figures of clearly passing samples come from the `f64` values.
    #[serde(skip)]
    pub fast_path: bool,
}

impl Default for CheckOptions {
    /// Seed 0; sizes 1, 2, 3, 5 with three instances each (one per regime) and three instances
    /// at random sizes up to 40 (see [`SampleOptions`]); extremes of ±50; every assignment up to
    /// 25 per instance, beyond it the first, the last and 23 random ones; [`Tolerance::STEP`];
    /// cross-check on; one thread per core.
    fn default() -> Self {
        let s = SampleOptions::default();
        CheckOptions {
            seed: 0,
            samples: s.per_size,
            sizes: s.sizes,
            random_sizes: s.random_sizes,
            max_size: s.max_size,
            extreme: s.extreme,
            max_assignments: 25,
            tolerance: Tolerance::STEP,
            cross_check: true,
            threads: 0,
            fast_path: true,
        }
    }
}

/// Checks every line of `d` and, recursively, of its lemmas.
pub fn check_derivation(problem: &Problem, d: &Derivation, opts: &CheckOptions) -> CheckReport {
    let lines = d
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| Line {
            number: i + 1,
            title: step.title.clone(),
            rules: step.rules.iter().map(|r| r.to_string()).collect(),
            expr: &step.expr,
            lemmas: step
                .lemmas
                .iter()
                .map(|l| check_derivation(problem, l, opts))
                .collect(),
        })
        .collect();
    check_chain(problem, &d.goal, lines, opts)
}

/// Checks hand-written lines (`show start` then `= line` ...): each against the previous one and
/// against `start`'s value. Line `n` of the report is `lines[n - 1]`; see
/// [`CheckReport::first_false`].
pub fn check_lines(
    problem: &Problem,
    start: &Expr,
    lines: &[Expr],
    opts: &CheckOptions,
) -> CheckReport {
    let lines = lines
        .iter()
        .enumerate()
        .map(|(i, expr)| Line {
            number: i + 1,
            title: format!("line {}", i + 1),
            rules: Vec::new(),
            expr,
            lemmas: Vec::new(),
        })
        .collect();
    check_chain(problem, start, lines, opts)
}

/// Checks a problem's `show` block: [`check_lines`] on its start and lines. Line `n` of the
/// report is `show.lines[n - 1]` (whose `pos` locates it in the file).
pub fn check_show(problem: &Problem, show: &Show, opts: &CheckOptions) -> CheckReport {
    let lines: Vec<Expr> = show.lines.iter().map(|l| l.expr.clone()).collect();
    check_lines(problem, &show.start, &lines, opts)
}

/// Checks that `expect` equals `result` (a derivation's result) numerically: the report's goal
/// is `result`, its single step (titled `expect`) is `expect`.
pub fn check_expect(
    problem: &Problem,
    result: &Expr,
    expect: &Expr,
    opts: &CheckOptions,
) -> CheckReport {
    let line = Line {
        number: 1,
        title: "expect".to_string(),
        rules: Vec::new(),
        expr: expect,
        lemmas: Vec::new(),
    };
    check_chain(problem, result, vec![line], opts)
}

/// The numeric verdict on a derivation's `expect` ([`check_expect_against_goal`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpectCheck {
    /// The check of the chain goal → result → expect: the goal is the reference gradient,
    /// `steps[0]` the derivation's result, `steps[1]` the `expect` (compared with the reference;
    /// its [`StepReport::disagreements_with_previous`] counts samples where it differs from the
    /// result).
    pub report: CheckReport,
}

impl ExpectCheck {
    /// The `expect` line's check against the reference gradient.
    pub fn expect_line(&self) -> &StepReport {
        &self.report.steps[1]
    }

    /// The result line's check against the reference gradient.
    pub fn result_line(&self) -> &StepReport {
        &self.report.steps[0]
    }

    /// True when `expect` equals the reference gradient at every sample.
    pub fn equals_reference(&self) -> bool {
        self.report.goal.status.is_pass() && self.expect_line().status.is_pass()
    }

    /// True when the derivation's result equals `expect` at every sample where both have a
    /// value. (Where the result is undefined, the derivation's own check has said so, and
    /// `expect` is compared with the reference only where the result has a value.)
    pub fn equals_result(&self) -> bool {
        matches!(
            self.result_line().status,
            Status::Pass | Status::Fail(_) | Status::DomainError(_)
        ) && self.expect_line().disagreements_with_previous == 0
    }

    /// Both: `expect` is the goal's value, and the derivation reached it.
    pub fn ok(&self) -> bool {
        self.equals_reference() && self.equals_result()
    }
}

/// Checks a derivation's `expect` numerically against the goal's reference gradient **and**
/// against the derivation's result: after a false step the result may equal `expect` while
/// both are wrong, and this says so.
pub fn check_expect_against_goal(
    problem: &Problem,
    goal: &Expr,
    result: &Expr,
    expect: &Expr,
    opts: &CheckOptions,
) -> ExpectCheck {
    let line = |number: usize, title: &str, expr| Line {
        number,
        title: title.to_string(),
        rules: Vec::new(),
        expr,
        lemmas: Vec::new(),
    };
    let lines = vec![line(1, "result", result), line(2, "expect", expect)];
    // The reference is the goal's, whose central-difference cross-check (a diagnostic) the
    // derivation's own check already reports: repeating it here would only double its cost.
    let opts = CheckOptions {
        cross_check: false,
        ..opts.clone()
    };
    ExpectCheck {
        report: check_chain(problem, goal, lines, &opts),
    }
}

/// One line to check, with what the report says about it.
struct Line<'a> {
    number: usize,
    title: String,
    rules: Vec<String>,
    expr: &'a Expr,
    lemmas: Vec<CheckReport>,
}

/// The values a line is compared with at one sample.
struct Sample<'s> {
    instance: &'s Instance,
    free: &'s Assignment,
    reference: Option<LogNum>,
    previous: Option<LogNum>,
}

/// What one instance contributed to the check of a chain of lines.
struct Contribution {
    goal: Acc,
    lines: Vec<Acc>,
    cross: Option<CrossAcc>,
}

/// A chain of lines to check: `start`, then `lines`.
struct Chain<'c> {
    problem: &'c Problem,
    start: &'c Expr,
    lines: &'c [Line<'c>],
    opts: &'c CheckOptions,
}

/// What the samples of one instance gathered so far.
struct Tally<'c> {
    goal: Acc,
    lines: Vec<Acc>,
    cross: Option<CrossAcc>,
    /// Made when first needed.
    differences: Option<CentralDifferences<'c>>,
    /// The same in `f64`, tried first on the fast path.
    fast_differences: Option<CentralDifferences<'c, FastNum>>,
    /// An evaluator of the instance that new evaluators are made from
    /// ([`Evaluator::sibling`]: the definitions are analysed once).
    base: Evaluator<'c, FastNum>,
    /// Arbitrary-precision re-evaluations left per line at this instance.
    budgets: Vec<usize>,
}

impl<'c> Chain<'c> {
    /// Checks the chain at every assignment of the free indices at `inst`.
    ///
    /// With [`CheckOptions::fast_path`], each sample is first evaluated in `f64`
    /// ([`Chain::fast_sample`]) and kept where that decides every comparison; every other sample
    /// is evaluated in log space ([`Chain::exact_sample`]) exactly as without the fast path. A
    /// kept sample is one the log-space evaluation would pass on every line too, and skipping
    /// it changes no count, no budget and no first counterexample: the verdicts are the same.
    fn at(
        &self,
        inst: &'c Instance,
        ranges: &[(String, String)],
        cross_check: bool,
    ) -> Contribution {
        let (problem, opts) = (self.problem, self.opts);
        let none = Assignment::new();
        let base = Evaluator::<FastNum>::with_numbers(problem, inst, &none);
        let mut tally = Tally {
            goal: Acc::new(),
            lines: self.lines.iter().map(|_| Acc::new()).collect(),
            cross: cross_check.then(CrossAcc::new),
            differences: None,
            fast_differences: (opts.fast_path && cross_check)
                .then(|| CentralDifferences::from_evaluator(base.sibling(&none))),
            base,
            budgets: vec![PRECISE_PER_INSTANCE; self.lines.len()],
        };
        let mut fast = opts.fast_path.then(|| tally.base.sibling::<FastNum>(&none));
        let mut exact: Option<Evaluator<'c>> = None;
        let mut comparisons = Vec::with_capacity(self.lines.len());
        for (n, free) in assignments(ranges, inst, opts.max_assignments)
            .into_iter()
            .enumerate()
        {
            let fast_reference = fast
                .as_mut()
                .and_then(|ev| self.fast_sample(ev, &free, &mut comparisons));
            if let Some(reference) = fast_reference {
                tally.goal.samples += 1;
                if n < CROSS_CHECKED_ASSIGNMENTS {
                    self.cross_check(&mut tally, &free, reference);
                }
                for (acc, c) in tally.lines.iter_mut().zip(&comparisons) {
                    acc.record_fast(c);
                }
                continue;
            }
            let ev = exact.get_or_insert_with(|| tally.base.sibling(&none));
            self.exact_sample(ev, inst, n, &free, &mut tally);
        }
        Contribution {
            goal: tally.goal,
            lines: tally.lines,
            cross: tally.cross,
        }
    }

    /// Records the central difference of the goal `d(f)/d(x)` at `free` against `reference`
    /// (the cross-check, when on): in `f64`
    /// first on the fast path, in log space where that overflows or leaves the domain. The
    /// cross-check is a diagnostic that never fails a step.
    fn cross_check(&self, tally: &mut Tally<'c>, free: &Assignment, reference: LogNum) {
        let Expr::Deriv(f, x) = self.start else {
            return;
        };
        if tally.cross.is_none() {
            return;
        }
        let fast = tally
            .fast_differences
            .as_mut()
            .map(|cd| cd.at_number(f, x, free).and_then(FastNum::to_lognum));
        let cd = match fast {
            Some(Ok(v)) => Ok(v),
            _ => {
                let base = &tally.base;
                tally
                    .differences
                    .get_or_insert_with(|| CentralDifferences::from_evaluator(base.sibling(free)))
                    .at_lognum(f, x, free)
            }
        };
        if let Some(cc) = tally.cross.as_mut() {
            cc.record(cd, reference);
        }
    }

    /// One sample evaluated in [`FastNum`]: the reference (as a [`LogNum`]), with each line's
    /// comparison against it in `comparisons`, when every line has a value and agrees clearly
    /// ([`Tolerance::compare_fast`]) with the reference and with the line before it. `None`
    /// (an overflow, an underflow, a cancellation, a domain error, a difference) leaves the
    /// sample to [`Chain::exact_sample`].
    fn fast_sample(
        &self,
        ev: &mut Evaluator<'c, FastNum>,
        free: &Assignment,
        comparisons: &mut Vec<Comparison>,
    ) -> Option<LogNum> {
        let tol = self.opts.tolerance;
        comparisons.clear();
        ev.set_free(free);
        let reference = ev.eval(self.start).ok()?;
        let mut previous = reference;
        for line in self.lines {
            let value = ev.eval(line.expr).ok()?;
            tol.compare_fast(value, previous)?;
            comparisons.push(tol.compare_fast(value, reference)?);
            previous = value;
        }
        reference.to_lognum().ok()
    }

    /// One sample evaluated in [`LogNum`], with arbitrary-precision re-evaluation where
    /// rounding decides.
    fn exact_sample(
        &self,
        ev: &mut Evaluator<'c>,
        inst: &Instance,
        n: usize,
        free: &Assignment,
        tally: &mut Tally<'c>,
    ) {
        let (problem, start, opts) = (self.problem, self.start, self.opts);
        ev.set_free(free);
        let reference = ev.eval(start);
        match &reference {
            Ok(_) => tally.goal.samples += 1,
            // Where the goal itself has no value (a loss undefined at `K = 1`, a derivative
            // of a fractional power at 0) there is nothing to derive: skip the sample.
            Err(e) if e.is_domain() => {
                tally.goal.undefined += 1;
                return;
            }
            Err(e) => tally.goal.error(e, inst, free),
        }
        if let Ok(r) = reference {
            if n < CROSS_CHECKED_ASSIGNMENTS {
                self.cross_check(tally, free, r);
            }
        }
        let mut sample = Sample {
            instance: inst,
            free,
            reference: reference.as_ref().ok().copied(),
            previous: reference.as_ref().ok().copied(),
        };
        let mut previous_expr = start;
        let lines = self.lines.iter().zip(tally.lines.iter_mut());
        for ((line, acc), budget) in lines.zip(&mut tally.budgets) {
            match ev.eval(line.expr) {
                Ok(v) => {
                    // The budget counts samples: comparing with the previous line and with the
                    // reference (the same goal, for the line after it) spends one.
                    let mut last: Option<(*const Expr, Option<bool>)> = None;
                    let mut precise = |against: Against| {
                        let other = match against {
                            Against::Reference => start,
                            Against::Previous => previous_expr,
                        };
                        if let Some((_, verdict)) = last.filter(|(at, _)| std::ptr::eq(*at, other))
                        {
                            return verdict;
                        }
                        if last.is_none() {
                            if *budget == 0 {
                                return None;
                            }
                            *budget -= 1;
                        }
                        let rel = opts.tolerance.rel;
                        let verdict = agree_precisely(problem, inst, free, line.expr, other, rel);
                        // Once a sample is found really different, the line is false at this
                        // instance: more re-evaluations could not change that.
                        if verdict != Some(true) {
                            *budget = 0;
                        }
                        last = Some((other, verdict));
                        verdict
                    };
                    acc.record(v, &sample, opts.tolerance, &mut precise);
                    sample.previous = Some(v);
                    previous_expr = line.expr;
                }
                Err(e) => {
                    // Undefined because the line before it is, or because a derivative in
                    // it does not exist here (a chain rule through a piece with an infinite
                    // slope): not this step's doing, so the sample is skipped for it. A step
                    // that makes a defined line undefined is still reported.
                    let inherited = sample.previous.is_none()
                        || matches!(e, EvalError::InfiniteSlope | EvalError::Kink);
                    if e.is_domain() && inherited {
                        acc.undefined += 1;
                    } else {
                        acc.error(&e, inst, free);
                    }
                    sample.previous = None;
                    previous_expr = line.expr;
                }
            }
        }
    }
}

/// Checks `start` and the `lines` after it.
fn check_chain(
    problem: &Problem,
    start: &Expr,
    lines: Vec<Line<'_>>,
    opts: &CheckOptions,
) -> CheckReport {
    let exprs: Vec<&Expr> = std::iter::once(start)
        .chain(lines.iter().map(|l| l.expr))
        .collect();
    let mut names: BTreeSet<String> = exprs.iter().flat_map(|e| free_indices(e)).collect();
    names.extend(fixed_indices(problem, &exprs));
    let mut goal = Acc::new();
    let mut accs: Vec<Acc> = lines.iter().map(|_| Acc::new()).collect();
    let cross_check = opts.cross_check && matches!(start, Expr::Deriv(..));
    let mut cross = cross_check.then(CrossAcc::new);
    let setup = ranges(problem, &names).and_then(|ranges| {
        let sample_opts = SampleOptions {
            sizes: opts.sizes.clone(),
            random_sizes: opts.random_sizes,
            max_size: opts.max_size,
            per_size: opts.samples,
            extreme: if nests_derivatives(problem, start) {
                opts.extreme.min(NESTED_EXTREME)
            } else {
                opts.extreme
            },
        };
        let mut instances =
            sample::instances(problem, opts.seed, &sample_opts).map_err(|e| e.to_string())?;
        // The scores the loss sees, not only the entries, in the regime's range.
        instances
            .iter_mut()
            .for_each(|inst| sample_fit::fit(problem, inst));
        let refit = |i: &mut Instance| sample_fit::fit(problem, i);
        let max = opts.max_assignments;
        let kinks = kinks::redraw(problem, start, &mut instances, &ranges, max, refit);
        Ok((ranges, instances, kinks))
    });
    let mut sizes_seen: BTreeSet<usize> = BTreeSet::new();
    let mut kinks = KinkReport::default();
    let instances = match setup {
        Ok((ranges, instances, redrawn)) => {
            kinks = redrawn;
            sizes_seen.extend(instances.iter().flat_map(|i| i.sizes.values().copied()));
            // Instances are independent: check them on every core, and gather the results in
            // instance order, so the report is the same as one thread's.
            let cost = |inst: &Instance| {
                let sizes = ranges.iter().map(|(_, u)| inst.size(u).unwrap_or(0));
                sizes.fold(1usize, usize::saturating_mul)
            };
            let check = |inst: &Instance| {
                let chain = Chain {
                    problem,
                    start,
                    lines: &lines,
                    opts,
                };
                chain.at(inst, &ranges, cross_check)
            };
            for done in parallel::map_ordered(&instances, opts.threads, cost, check) {
                goal.merge(done.goal);
                accs.iter_mut()
                    .zip(done.lines)
                    .for_each(|(acc, more)| acc.merge(more));
                if let (Some(cc), Some(more)) = (cross.as_mut(), done.cross) {
                    cc.merge(more);
                }
            }
            instances.len()
        }
        Err(message) => {
            for acc in std::iter::once(&mut goal).chain(accs.iter_mut()) {
                acc.status = Status::Invalid {
                    message: message.clone(),
                };
            }
            0
        }
    };
    let goal_line = Line {
        number: 0,
        title: "goal".to_string(),
        rules: Vec::new(),
        expr: start,
        lemmas: Vec::new(),
    };
    CheckReport {
        goal: kinks::explain(goal.report(goal_line), &kinks),
        steps: accs
            .into_iter()
            .zip(lines)
            .map(|(a, l)| kinks::explain(a.report(l), &kinks))
            .collect(),
        cross_check: cross.map(CrossAcc::finish),
        free_indices: names.into_iter().collect(),
        instances,
        seed: opts.seed,
        sizes: sizes_seen.into_iter().collect(),
        tolerance: opts.tolerance,
        kinks,
    }
}

/// At most this many arbitrary-precision re-evaluations per line and instance: enough to settle
/// the few samples where rounding noise decides, and bounded for a line that is plainly false.
const PRECISE_PER_INSTANCE: usize = 16;

/// The magnitude of extreme values for a goal with a derivative inside a derivative. A second
/// derivative of a softmax at logits of ±50 is a difference of terms of size 1 that agree to
/// 40 digits: the forward-mode reference loses them, and every sample there would need the
/// arbitrary-precision re-check (about a minute per file). At ±10 the terms still span nine
/// orders of magnitude and the reference keeps them.
pub const NESTED_EXTREME: f64 = 10.0;

/// True when `e`, with definitions looked through, differentiates an expression that itself
/// contains a derivative (`d(d(L)/d(s_k))/d(s_l)`, or `d(g_k)/d(s_l)` with `g_k = d(L)/d(s_k)`).
pub fn nests_derivatives(problem: &Problem, e: &Expr) -> bool {
    fn has_deriv(problem: &Problem, e: &Expr, depth: usize) -> bool {
        match e {
            Expr::Deriv(..) => true,
            Expr::Sym(s) if depth < crate::syntax::limits::MAX_UNFOLDED_DEPTH => problem
                .def(&s.name)
                .is_some_and(|d| has_deriv(problem, &d.body, depth + 1)),
            _ => e
                .children()
                .into_iter()
                .any(|c| has_deriv(problem, c, depth)),
        }
    }
    match e {
        Expr::Deriv(of, _) => has_deriv(problem, of, 0),
        _ => e
            .children()
            .into_iter()
            .any(|c| nests_derivatives(problem, c)),
    }
}

/// The central-difference cross-check (a diagnostic) runs at the first this many free-index
/// assignments of each instance: it re-evaluates the goal's function twice per sample.
const CROSS_CHECKED_ASSIGNMENTS: usize = 4;

/// Gathers the central-difference cross-check of the reference.
struct CrossAcc(CrossCheck);

impl CrossAcc {
    fn new() -> CrossAcc {
        CrossAcc(CrossCheck {
            samples: 0,
            errors: 0,
            disagreements: 0,
            max_abs_error: 0.0,
            max_rel_error: 0.0,
            max_error_ratio: 0.0,
        })
    }

    /// Compares the central difference `cd` of the goal (see [`Chain::cross_check`])
    /// with the forward-mode `reference`.
    fn record(&mut self, cd: Result<LogNum, EvalError>, reference: LogNum) {
        let Ok(cd) = cd else {
            self.0.errors += 1;
            return;
        };
        let c = Tolerance::CROSS_CHECK.compare(cd, reference);
        self.0.samples += 1;
        self.0.disagreements += usize::from(!c.equal);
        self.0.max_abs_error = self.0.max_abs_error.max(c.abs_error);
        if !c.by_floor {
            self.0.max_rel_error = self.0.max_rel_error.max(c.rel_error);
        }
        self.0.max_error_ratio = self.0.max_error_ratio.max(c.ratio);
    }

    /// Adds what a later instance gathered.
    fn merge(&mut self, later: CrossAcc) {
        let (a, b) = (&mut self.0, later.0);
        a.samples += b.samples;
        a.errors += b.errors;
        a.disagreements += b.disagreements;
        a.max_abs_error = a.max_abs_error.max(b.max_abs_error);
        a.max_rel_error = a.max_rel_error.max(b.max_rel_error);
        a.max_error_ratio = a.max_error_ratio.max(b.max_error_ratio);
    }

    fn finish(self) -> CrossCheck {
        self.0
    }
}
