//! The cancellation report as text, and the `compare` table.

use super::{to_text, PrintOptions};

use crate::analysis::cancellation::{Cancellation, Shape, FIXED_RANGE_SIZE};
use std::fmt::Write;

/// `e` as text on one line.
pub fn line(e: &crate::syntax::expr::Expr, opts: &PrintOptions) -> String {
    let wide = PrintOptions {
        width: usize::MAX / 4,
        ..opts.clone()
    };
    to_text(e, &wide)
}

/// `e` as text, in parentheses when it is a sum of terms.
fn grouped(e: &crate::syntax::expr::Expr, opts: &PrintOptions) -> String {
    match e {
        crate::syntax::expr::Expr::Add(_) => format!("({})", line(e, opts)),
        _ => line(e, opts),
    }
}

/// The report's section of a text proof.
pub fn cancellation_text(c: &Cancellation, opts: &PrintOptions) -> String {
    let mut out = String::from("Cancellation report\n");
    let Some(p) = &c.probability else {
        out.push_str("  not applicable: no probability (no definition is a normalised positive vector or lies in (0, 1)), or no logits between it and the variable\n");
        return out;
    };
    let p = line(p, opts);
    match (&c.loss_piece, c.cancelled) {
        (Some(piece), Some(true)) => {
            let _ = writeln!(
                out,
                "  The loss piece {} divides by the probability; that factor cancels{}.",
                line(piece, opts),
                c.cancelled_at_step
                    .map(|n| format!(" in step {n}"))
                    .unwrap_or_default()
            );
        }
        (Some(piece), Some(false)) => {
            let _ = writeln!(
                out,
                "  The loss piece {} divides by the probability, and the reciprocal survives in the result.",
                line(piece, opts)
            );
        }
        (Some(piece), None) => {
            let _ = writeln!(
                out,
                "  The loss piece {} does not divide by the probability: there is nothing to cancel.",
                line(piece, opts)
            );
        }
        (None, _) => {
            out.push_str(
                "  No chain rule, so no loss piece: the gradient was differentiated directly.\n",
            );
        }
    }
    match &c.shape {
        Shape::Gap { scale, target } if scale.is_one() => {
            let _ = writeln!(out, "  Shape: the gap {p} − {}.", grouped(target, opts));
        }
        Shape::Gap { scale, target } => {
            let _ = writeln!(
                out,
                "  Shape: a scaled gap {} · ({p} − {}).",
                grouped(scale, opts),
                grouped(target, opts)
            );
        }
        Shape::Beyond { target, residual } => {
            let _ = writeln!(
                out,
                "  Shape: not a gap. Beyond {p} − {} remains {}.",
                grouped(target, opts),
                line(residual, opts)
            );
        }
        Shape::NotApplicable => {
            out.push_str("  Shape: the result does not involve the probability.\n")
        }
    }
    if let Some(b) = &c.below {
        out.push_str(&super::cancellation_below::below_text(b, opts));
    }
    if let Some(tc) = &c.true_class {
        let _ = writeln!(
            out,
            "  Gradient on the true class as its probability falls (fixed instance: ranges of size {FIXED_RANGE_SIZE}, targets at class 1): {}; {}.",
            points(tc),
            tc.trend
        );
    }
    out
}

fn points(tc: &crate::analysis::cancellation::TrueClass) -> String {
    tc.points
        .iter()
        .map(|(p, g)| match g {
            Some(g) => format!("{p} → {g:.4}"),
            None if tc.unreachable(*p) => format!("{p} → unreachable"),
            None => format!("{p} → n/a"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row of the `compare` table.
pub struct Row<'a> {
    /// The file's name.
    pub name: &'a str,
    /// The derived gradient, as text.
    pub gradient: String,
    /// The analysis.
    pub report: &'a Cancellation,
}

/// The `compare` table: one row per loss.
pub fn compare_table(rows: &[Row]) -> String {
    let mut header: Vec<String> = vec!["loss".into(), "gradient".into(), "1/p cancelled".into()];
    header.extend(
        crate::analysis::cancellation::TRUE_CLASS_PROBABILITIES
            .iter()
            .map(|p| format!("true p={p}")),
    );
    header.push("as true p → 0".into());
    let mut table: Vec<Vec<String>> = vec![header];
    for r in rows {
        let mut row = vec![r.name.to_string(), r.gradient.clone()];
        row.push(
            match (r.report.cancelled, r.report.loss_piece.is_some()) {
                (Some(true), _) => "yes",
                (Some(false), _) => "no",
                (None, true) => "nothing to cancel",
                (None, false) => "no chain rule",
            }
            .to_string(),
        );
        match &r.report.true_class {
            Some(tc) => {
                row.extend(tc.points.iter().map(|(p, g)| match g {
                    Some(g) => format!("{g:.4}"),
                    None if tc.unreachable(*p) => "—".into(),
                    None => "n/a".into(),
                }));
                row.push(tc.trend.to_string());
            }
            None => row.extend(std::iter::repeat_n("n/a".to_string(), 5)),
        }
        table.push(row);
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, row) in table.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            let _ = writeln!(out, "{}", rule.join("  "));
        }
    }
    out
}
