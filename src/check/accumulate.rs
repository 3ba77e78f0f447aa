//! What is gathered about one line over all samples, and the verdict it gives.

use super::*;

/// What is gathered about one line over all samples.
pub(super) struct Acc {
    pub(super) samples: usize,
    pub(super) max_abs: f64,
    pub(super) max_rel: f64,
    pub(super) floor_samples: usize,
    pub(super) max_cancel: f64,
    pub(super) undefined: usize,
    pub(super) precise_samples: usize,
    pub(super) max_ratio: f64,
    pub(super) disagreements: usize,
    pub(super) status: Status,
}

impl Acc {
    pub(super) fn new() -> Acc {
        Acc {
            samples: 0,
            max_abs: 0.0,
            max_rel: 0.0,
            floor_samples: 0,
            max_cancel: 0.0,
            undefined: 0,
            precise_samples: 0,
            max_ratio: 0.0,
            disagreements: 0,
            status: Status::Pass,
        }
    }

    /// Keeps `status` if it is more serious than the current one (the first of equal rank).
    pub(super) fn escalate(&mut self, status: impl FnOnce() -> Status, rank: u8) {
        if rank > self.status.rank() {
            self.status = status();
        }
    }

    /// Records an evaluation error at a sample.
    pub(super) fn error(&mut self, e: &EvalError, instance: &Instance, free: &Assignment) {
        if e.is_domain() {
            let at = SamplePoint::new(instance, free);
            let message = e.to_string();
            self.escalate(
                || Status::DomainError(Box::new(DomainFailure { message, at })),
                1,
            );
        } else {
            let message = e.to_string();
            self.escalate(|| Status::Invalid { message }, 3);
        }
    }

    /// Compares a line's value with the reference (or the previous line) at a sample.
    ///
    /// Where the fast comparison says "different", `precise` re-evaluates the sample in
    /// arbitrary precision ([`crate::check::eval_precise`]) against the reference or the previous line;
    /// `Some(true)` there overrules it.
    pub(super) fn record(
        &mut self,
        value: LogNum,
        sample: &Sample,
        tol: Tolerance,
        precise: &mut dyn FnMut(Against) -> Option<bool>,
    ) {
        if let Some(p) = sample.previous {
            let c = tol.compare(value, p);
            let settled = c.undecided() && precise(Against::Previous) == Some(true);
            if !c.equal && !settled {
                self.disagreements += 1;
            }
        }
        let (expected, against) = match (sample.reference, sample.previous) {
            (Some(r), _) => (r, Against::Reference),
            (None, Some(p)) => (p, Against::Previous),
            (None, None) => return,
        };
        let c = tol.compare(value, expected);
        self.samples += 1;
        self.max_abs = self.max_abs.max(c.abs_error);
        if c.by_floor {
            self.floor_samples += 1;
            self.max_cancel = self.max_cancel.max(c.cancel_error);
            self.max_ratio = self.max_ratio.max(c.ratio);
        } else if c.equal {
            self.record_rel(&c);
        } else if c.undecided() && precise(against) == Some(true) {
            self.precise_samples += 1;
        } else {
            self.max_rel = self.max_rel.max(c.rel_error);
            self.max_ratio = self.max_ratio.max(c.ratio);
            let fail = || {
                Status::Fail(Box::new(Counterexample {
                    against,
                    at: SamplePoint::new(sample.instance, sample.free),
                    value: value.to_f64(),
                    expected: expected.to_f64(),
                    abs_error: c.abs_error,
                    rel_error: c.rel_error,
                }))
            };
            self.escalate(fail, 2);
        }
    }

    /// Notes the errors of a comparison that agreed by the relative tolerance.
    pub(super) fn record_rel(&mut self, c: &Comparison) {
        self.max_rel = self.max_rel.max(c.rel_error);
        self.max_ratio = self.max_ratio.max(c.ratio);
    }

    /// Records a sample that the fast path found clearly equal to the reference
    /// ([`Tolerance::compare_fast`]), as [`Acc::record`] records one equal by the relative
    /// tolerance.
    pub(super) fn record_fast(&mut self, c: &Comparison) {
        self.samples += 1;
        self.max_abs = self.max_abs.max(c.abs_error);
        self.record_rel(c);
    }

    /// Adds what a later instance gathered (as if its samples had come after these).
    pub(super) fn merge(&mut self, later: Acc) {
        self.samples += later.samples;
        self.max_abs = self.max_abs.max(later.max_abs);
        self.max_rel = self.max_rel.max(later.max_rel);
        self.floor_samples += later.floor_samples;
        self.precise_samples += later.precise_samples;
        self.undefined += later.undefined;
        self.max_cancel = self.max_cancel.max(later.max_cancel);
        self.max_ratio = self.max_ratio.max(later.max_ratio);
        self.disagreements += later.disagreements;
        let rank = later.status.rank();
        self.escalate(|| later.status, rank);
    }

    pub(super) fn report(self, line: Line<'_>) -> StepReport {
        let status = match self.status {
            Status::Pass if self.samples == 0 => Status::Unchecked {
                message: "no sample had a value to compare with".to_string(),
            },
            other => other,
        };
        StepReport {
            number: line.number,
            title: line.title,
            rules: line.rules,
            expr: line.expr.clone(),
            samples: self.samples,
            max_abs_error: self.max_abs,
            max_rel_error: self.max_rel,
            floor_samples: self.floor_samples,
            precise_samples: self.precise_samples,
            max_cancel_error: self.max_cancel,
            undefined_samples: self.undefined,
            max_error_ratio: self.max_ratio,
            disagreements_with_previous: self.disagreements,
            status,
            lemmas: line.lemmas,
        }
    }
}
