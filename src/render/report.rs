//! Numeric check reports as text: a mark per line (✓ with its largest error, ✗ with the
//! reason), the full report for `gradproof check`, and hand-written `show` blocks.

use super::{to_text, PrintOptions};
use crate::check::{Against, CheckReport, SamplePoint, Status, StepReport};
use std::fmt::Write;

/// The one-line mark of a checked line: `✓ max rel error 2.1e-16 (88 samples)` or `✗ ...`.
/// The figure is the one the verdict was decided on: the relative error, and for samples whose
/// exact value is 0 the error relative to the terms that cancelled (see
/// [`crate::check::Tolerance`]).
pub fn mark(line: &StepReport) -> String {
    match &line.status {
        Status::Pass => format!("✓ {}", figures(line)),
        Status::Fail(c) => format!(
            "✗ false: {} where {} was expected (relative error {:.1e}; {}, against the {})",
            fmt_value(c.value),
            fmt_value(c.expected),
            c.rel_error,
            where_(&c.at),
            match c.against {
                Against::Reference => "reference gradient",
                Against::Previous => "previous line",
            }
        ),
        Status::DomainError(d) => format!("✗ undefined: {} ({})", d.message, where_(&d.at)),
        Status::Invalid { message } => format!("✗ cannot be evaluated: {message}"),
        Status::Unchecked { message } => format!("? unchecked: {message}"),
    }
}

/// The figures a passing line was decided on: its largest relative error, and, for the samples
/// that agree only by the cancellation floor, their largest error relative to the cancelled terms.
fn figures(line: &StepReport) -> String {
    let by_rel = line.samples - line.floor_samples - line.precise_samples;
    let floor = format!(
        "0 up to {:.1e} of the cancelled terms",
        line.max_cancel_error.max(0.0)
    );
    let undefined = match line.undefined_samples {
        0 => String::new(),
        n => format!("; undefined at {n} samples, skipped"),
    };
    let precise = match line.precise_samples {
        0 => String::new(),
        n => format!(
            "; {n} samples equal only at {} bits",
            2 * crate::check::eval_precise::PRECISE_BITS
        ),
    };
    let decided = match (by_rel, line.floor_samples) {
        (_, 0) => format!(
            "max rel error {:.1e} ({} samples)",
            line.max_rel_error.max(0.0),
            line.samples
        ),
        (0, n) => format!("{floor} ({n} samples)"),
        (m, n) => format!(
            "max rel error {:.1e} ({m} samples); {floor} ({n} samples)",
            line.max_rel_error.max(0.0)
        ),
    };
    decided + &precise + &undefined
}

/// A short description of a sample: the sizes, the free-index values, the seed and regime.
pub fn where_(at: &SamplePoint) -> String {
    let mut parts: Vec<String> = at.sizes.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.extend(at.free.iter().map(|(k, v)| format!("{k}={v}")));
    parts.push(format!("seed {}", at.seed));
    parts.push(format!("{:?} values", at.regime).to_lowercase());
    format!("at {}", parts.join(", "))
}

/// The inputs of a sample, one variable per line.
pub fn inputs(at: &SamplePoint) -> String {
    let mut out = String::new();
    for (name, values) in &at.inputs {
        let shown: Vec<String> = values.data.iter().map(|v| format!("{v:.6}")).collect();
        let _ = writeln!(out, "      {name} = [{}]", shown.join(", "));
    }
    out
}

fn fmt_value(v: f64) -> String {
    if v != 0.0 && (v.abs() < 1e-4 || v.abs() >= 1e6) {
        format!("{v:.6e}")
    } else {
        format!("{v:.9}")
    }
}

/// The full report of `gradproof check`: every line of the derivation and its lemmas with its
/// samples and largest errors, and a counterexample for each failure.
pub fn report_text(report: &CheckReport, opts: &PrintOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Checked {}, {} instances, seed {}, every value of {}; tolerance rel {:.0e}, and {:.0e} of the cancelled terms where the exact value is 0",
        if report.sizes.is_empty() {
            "with no index range".to_string()
        } else {
            let sizes: Vec<String> = report.sizes.iter().map(ToString::to_string).collect();
            format!("at range sizes {{{}}}", sizes.join(", "))
        },
        report.instances,
        report.seed,
        if report.free_indices.is_empty() {
            "no free index".to_string()
        } else {
            report.free_indices.join(", ")
        },
        report.tolerance.rel,
        report.tolerance.cancellation,
    );
    if !report.kinks.is_empty() {
        let _ = writeln!(
            out,
            "Kinks of piecewise functions: {} instances re-drawn off their kinks, {} still on one (their samples skipped)",
            report.kinks.redrawn, report.kinks.on_kink
        );
    }
    lines(report, opts, "", &mut out);
    if let Some(cc) = &report.cross_check {
        let _ = writeln!(
            out,
            "Reference (forward-mode dual numbers) against central differences: {} samples, {} disagreements, max rel error {:.1e}",
            cc.samples, cc.disagreements, cc.max_rel_error
        );
    }
    out
}

fn lines(report: &CheckReport, opts: &PrintOptions, indent: &str, out: &mut String) {
    for line in report.lines() {
        for lemma in &line.lemmas {
            let _ = writeln!(out, "{indent}  lemma {}", to_text(&lemma.goal.expr, opts));
            lines(lemma, opts, &format!("{indent}    "), out);
        }
        let what = if line.number == 0 {
            "goal (the reference)".to_string()
        } else {
            format!(
                "{}. {} [{}]",
                line.number,
                line.title,
                line.rules.join(", ")
            )
        };
        let _ = writeln!(out, "{indent}  {what}");
        let _ = writeln!(out, "{indent}    {}", mark(line));
        if let Status::Fail(c) = &line.status {
            out.push_str(&inputs(&c.at));
        }
    }
}

/// A checked `show` block as text: each line with its file line, its mark, and the rules that
/// connect it to the previous line (or a note that only the numbers do).
pub fn show_text(show: &crate::check::handwritten::ShowReport, opts: &PrintOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", to_text(&show.start, opts));
    for (n, line) in show.lines.iter().enumerate() {
        let _ = writeln!(out, "  = {}", to_text(&line.expr, opts));
        let how = match &line.rules {
            Some(rules) => format!("by {}", rules.join(", ")),
            None => "the rules do not connect it to the previous line".to_string(),
        };
        let checked = show.check.steps.get(n);
        let _ = writeln!(
            out,
            "      (line {}: {}){}",
            line.file_line,
            how,
            checked
                .map(|c| format!("  {}", mark(c)))
                .unwrap_or_default()
        );
        if let Some(crate::check::Status::Fail(c)) = checked.map(|c| &c.status) {
            out.push_str(&inputs(&c.at));
        }
    }
    out
}
