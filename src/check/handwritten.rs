//! Checking a hand-written derivation (a `show` block): every line numerically, against the
//! previous one and against the start's value, and, where the engine's own moves lead from one
//! line to the next within the step limit, the rules that connect them.

use crate::check::{check_show, CheckOptions, CheckReport};
use crate::engine::{connect, Limits};
use crate::syntax::expr::Expr;
use crate::syntax::problem::{Problem, Show};
use serde::Serialize;

/// One `= E` line of a `show` block, checked.
#[derive(Clone, Debug, Serialize)]
pub struct LineReport {
    /// The line's number in the file.
    pub file_line: usize,
    /// The claimed expression.
    pub expr: Expr,
    /// The rules that lead from the previous line to this one, if the engine finds them.
    pub rules: Option<Vec<&'static str>>,
}

/// A checked `show` block.
#[derive(Clone, Debug, Serialize)]
pub struct ShowReport {
    /// The expression the lines start from.
    pub start: Expr,
    /// Each line, in order.
    pub lines: Vec<LineReport>,
    /// The numeric check: line `n` of the report is `lines[n - 1]`.
    pub check: CheckReport,
}

impl ShowReport {
    /// True when every line is numerically true.
    pub fn ok(&self) -> bool {
        self.check.ok()
    }

    /// The file line of the first numerically false line, if any.
    pub fn first_false_line(&self) -> Option<usize> {
        let n = self.check.first_failure()?.number;
        n.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .map(|l| l.file_line)
    }
}

/// Checks a `show` block: numerically, and by searching for the rules between lines.
pub fn check_show_block(
    problem: &Problem,
    show: &Show,
    opts: &CheckOptions,
    limits: Limits,
) -> ShowReport {
    let check = check_show(problem, show, opts);
    let mut previous = &show.start;
    let mut lines = Vec::new();
    for line in &show.lines {
        lines.push(LineReport {
            file_line: line.pos.line,
            expr: line.expr.clone(),
            rules: connect(problem, previous, &line.expr, limits),
        });
        previous = &line.expr;
    }
    ShowReport {
        start: show.start.clone(),
        lines,
        check,
    }
}
