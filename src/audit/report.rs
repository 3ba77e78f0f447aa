//! The audit report as text (one line per statement: its post line, ✓ with the rules, ✗ with a
//! counterexample, or skipped with the reason) and as JSON.

use super::{AuditLine, AuditReport, Verdict};
use crate::check::Status;
use crate::render::report::{inputs, mark};
use std::fmt::Write;

/// The longest statement text shown in a text report line, in characters.
const MAX_TEXT: usize = 72;

/// The text report. `name` is the post's name, shown in the heading.
pub fn audit_text(report: &AuditReport, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Audit of {name}");
    for line in &report.lines {
        text_line(line, &mut out);
    }
    let (holds, false_, skipped) = report.counts();
    let _ = writeln!(
        out,
        "\n{} formulas: {} statements checked and true, {} false, {} skipped; {} without a relation",
        report.formulas, holds, false_, skipped, report.without_relation
    );
    out
}

fn text_line(line: &AuditLine, out: &mut String) {
    let text = shorten(&line.text);
    let _ = write!(out, "line {:>4}: {text}\n           ", line.pos.line);
    match &line.verdict {
        Verdict::Skipped { reason } => {
            let _ = writeln!(out, "skipped: {reason}");
        }
        Verdict::Holds(c) | Verdict::False(c) => {
            let mut parts = Vec::new();
            if let Some(d) = &c.definition {
                parts.push(format!("the definition of {d}"));
            }
            if !c.conditions.is_empty() {
                let conds: Vec<String> = c
                    .conditions
                    .iter()
                    .map(|k| format!("{} {} {}", k.left, if k.equal { "=" } else { "≠" }, k.right))
                    .collect();
                parts.push(format!("where {}", conds.join(", ")));
            }
            let mut first = true;
            for (link, step) in c.links.iter().zip(&c.check.steps) {
                if !first {
                    out.push_str("           ");
                }
                first = false;
                if step.status.is_pass() {
                    let rules = match &link.rules {
                        Some(r) if r.is_empty() => "the same expression once read".to_string(),
                        Some(r) => format!("by {}", r.join(", ")),
                        None => "numerically".to_string(),
                    };
                    let from = if c.continues && step.number == 1 {
                        " (from the previous line)"
                    } else {
                        ""
                    };
                    let mut all = parts.clone();
                    all.insert(0, format!("{rules}{from}"));
                    let _ = writeln!(
                        out,
                        "✓ = #{} {}; {}",
                        step.number,
                        all.join("; "),
                        samples(step.samples)
                    );
                } else {
                    let m = mark(step);
                    let (sign, rest) = match m.split_once(' ') {
                        Some((sign, rest)) => (sign.to_string(), rest.to_string()),
                        None => (String::new(), m.clone()),
                    };
                    let _ = writeln!(out, "{sign} = #{} {rest}", step.number);
                    let at = match &step.status {
                        Status::Fail(f) => Some(&f.at),
                        Status::DomainError(d) => Some(&d.at),
                        _ => None,
                    };
                    if let Some(at) = at {
                        out.push_str(&inputs(at));
                    }
                }
            }
            if !c.check.goal.status.is_pass() {
                let _ = writeln!(out, "           left side: {}", mark(&c.check.goal));
            }
        }
    }
}

fn samples(n: usize) -> String {
    format!("{n} samples")
}

/// `s` cut to [`MAX_TEXT`] characters.
fn shorten(s: &str) -> String {
    match s.chars().count() > MAX_TEXT {
        true => format!("{}…", s.chars().take(MAX_TEXT - 1).collect::<String>()),
        false => s.to_string(),
    }
}

/// The report as pretty-printed JSON: the kind, the counts and every line with its verdict
/// (a checked line carries the checker's full report).
pub fn audit_json(report: &AuditReport) -> String {
    serde_json::to_string_pretty(report).expect(
        "the report holds only strings, numbers, booleans and sequences: serialising cannot fail",
    )
}
