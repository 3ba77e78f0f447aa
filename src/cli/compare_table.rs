//! The `compare` output in each format. The table fits a width (display columns, not bytes):
//! one row per file with its numbers, and under it the file's gradient, elided with `…` to the
//! width unless `--full`; the instance values follow the table. CSV, JSON and Markdown always
//! carry the full gradients.

use gradproof::analysis::cancellation::{Cancellation, FIXED_RANGE_SIZE, TRUE_CLASS_PROBABILITIES};
use serde_json::json;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// One file of the comparison.
pub struct Row {
    /// The file's stem.
    pub name: String,
    /// The derived gradient as text (one line).
    pub gradient: String,
    /// The derived gradient in the input syntax.
    pub gradient_input: String,
    /// The plain variables of the fixed instance: (as printed, as declared, value).
    pub instance: Vec<(String, String, f64)>,
    /// The cancellation analysis.
    pub report: Cancellation,
}

/// The mark of a probability the sweep cannot reach (README: `compare`).
pub const UNREACHABLE: &str = "—";

/// The columns a trend keeps before the loss names give way: "unreachable below p = 0.269" and
/// "bounded, towards -0.999" fit.
const TREND_WHOLE: usize = 27;

/// The marker of an elided gradient.
pub const ELISION: &str = "…";

impl Row {
    /// `yes`, `no`, `none` (nothing to cancel) or `no chain` (no chain rule).
    fn cancelled(&self) -> &'static str {
        match (self.report.cancelled, self.report.loss_piece.is_some()) {
            (Some(true), _) => "yes",
            (Some(false), _) => "no",
            (None, true) => "none",
            (None, false) => "no chain",
        }
    }

    /// The gradient at each true-class probability: [`UNREACHABLE`] where the sweep cannot
    /// bring the probability there, `n/a` where the gradient has no value.
    fn points(&self) -> Vec<String> {
        match &self.report.true_class {
            Some(tc) => tc
                .points
                .iter()
                .map(|(p, g)| match g {
                    Some(g) => format!("{g:.4}"),
                    None if tc.unreachable(*p) => UNREACHABLE.to_string(),
                    None => "n/a".to_string(),
                })
                .collect(),
            None => vec!["n/a".to_string(); TRUE_CLASS_PROBABILITIES.len()],
        }
    }

    /// The trend as the true-class probability goes to 0.
    fn trend(&self) -> String {
        match &self.report.true_class {
            Some(tc) => tc.trend.to_string(),
            None => "not applicable".to_string(),
        }
    }

    /// `γ = 2, ε = 0.1` (empty without plain variables).
    fn instance_text(&self) -> String {
        self.instance
            .iter()
            .map(|(shown, _, v)| format!("{shown} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The column headers of the numbers.
fn headers() -> Vec<String> {
    let mut h = vec!["loss".to_string(), "1/p cancelled".to_string()];
    h.extend(TRUE_CLASS_PROBABILITIES.iter().map(|p| format!("p={p}")));
    h.push("as p → 0".to_string());
    h
}

/// The display width of `s`.
fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `w` display columns, ending in [`ELISION`] when cut.
pub fn elide(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}");
        if width(&next) + width(ELISION) > w {
            break;
        }
        out = next;
    }
    out.push_str(ELISION);
    out
}

/// `s` padded with spaces to `w` display columns.
fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The table, fitted to `columns` display columns (the gradients elided unless `full`).
pub fn table(rows: &[Row], columns: usize, full: bool) -> String {
    let mut cells: Vec<Vec<String>> = vec![headers()];
    for r in rows {
        let mut row = vec![r.name.clone(), r.cancelled().to_string()];
        row.extend(r.points());
        row.push(r.trend());
        cells.push(row);
    }
    let mut widths: Vec<usize> = (0..cells[0].len())
        .map(|c| cells.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    let gap = 2;
    let total = |w: &[usize]| w.iter().sum::<usize>() + gap * (w.len() - 1);
    // Too wide: the trend gives way first, down to TREND_WHOLE columns (every trend but the
    // switches-off sentence stays whole), then the loss names (down to 12 columns), then the
    // trend again.
    let last = widths.len() - 1;
    if total(&widths) > columns {
        let excess = total(&widths) - columns;
        widths[last] = widths[last]
            .saturating_sub(excess)
            .max(TREND_WHOLE.min(widths[last]));
    }
    if total(&widths) > columns {
        let excess = total(&widths) - columns;
        widths[0] = widths[0].saturating_sub(excess).max(12);
    }
    if total(&widths) > columns {
        let last = widths.len() - 1;
        let excess = total(&widths) - columns;
        widths[last] = widths[last].saturating_sub(excess).max(9);
    }
    let mut out = String::new();
    let mut elided = false;
    for (i, row) in cells.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| pad(&elide(cell, w), w))
            .collect();
        let _ = writeln!(out, "{}", line.join(&" ".repeat(gap)).trim_end());
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            let _ = writeln!(out, "{}", rule.join(&" ".repeat(gap)));
            continue;
        }
        let gradient = format!("  gradient: {}", rows[i - 1].gradient);
        let shown = if full {
            gradient
        } else {
            elide(&gradient, columns)
        };
        elided |= shown.ends_with(ELISION) && !full;
        let _ = writeln!(out, "{shown}");
    }
    let _ = writeln!(
        out,
        "\nInstance: ranges of size {FIXED_RANGE_SIZE}, class 1 the true class (README: `compare`)."
    );
    for r in rows.iter().filter(|r| !r.instance.is_empty()) {
        let _ = writeln!(
            out,
            "{}",
            elide(&format!("  {}: {}", r.name, r.instance_text()), columns)
        );
    }
    if elided {
        let _ = writeln!(
            out,
            "{}",
            elide(
                &format!("Gradients elided ({ELISION}) to {columns} columns: --full, or --format csv|json|markdown, prints them whole."),
                columns
            )
        );
    }
    out
}

/// The header and the fields of every row, full width.
fn records(rows: &[Row]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = headers();
    header.insert(1, "gradient".to_string());
    header.push("instance".to_string());
    let body = rows
        .iter()
        .map(|r| {
            let mut f = vec![
                r.name.clone(),
                r.gradient.clone(),
                r.cancelled().to_string(),
            ];
            f.extend(r.points());
            f.push(r.trend());
            f.push(
                r.instance
                    .iter()
                    .map(|(_, name, v)| format!("{name}={v}"))
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            f
        })
        .collect();
    (header, body)
}

/// RFC 4180 CSV: a header row, then one row per file, every row with the same fields.
pub fn csv(rows: &[Row]) -> String {
    let quote = |f: &str| {
        if f.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.to_string()
        }
    };
    let (header, body) = records(rows);
    std::iter::once(header)
        .chain(body)
        .map(|r| r.iter().map(|f| quote(f)).collect::<Vec<_>>().join(",") + "\r\n")
        .collect()
}

/// A GFM Markdown table (`|` in a cell escaped).
pub fn markdown(rows: &[Row]) -> String {
    let cell = |f: &str| f.replace('|', "\\|");
    let (header, body) = records(rows);
    let mut out = format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for r in body {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter().map(|f| cell(f)).collect::<Vec<_>>().join(" | ")
        );
    }
    out
}

/// One JSON document: the fixed instance and one object per file.
pub fn json(rows: &[Row]) -> String {
    let files: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            json!({
                "loss": r.name,
                "gradient": { "input": r.gradient_input, "text": r.gradient },
                "cancelled": r.cancelled(),
                "true_class": r.report.true_class.as_ref().map(|tc| tc.points.iter().map(|(p, g)| json!({"probability": p, "gradient": g, "unreachable": tc.unreachable(*p)})).collect::<Vec<_>>()),
                "trend": r.trend(),
                "values": r.instance.iter().map(|(_, name, v)| (name.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
                "report": r.report,
            })
        })
        .collect();
    let doc = json!({
        "instance": { "range_size": FIXED_RANGE_SIZE, "true_class": 1, "probabilities": TRUE_CLASS_PROBABILITIES },
        "files": files,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
