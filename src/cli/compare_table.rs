//! The `compare` output in each format. The table (laid out by comfy-table) fits a width in
//! display columns, not bytes: one row per file with its numbers, then one row per file with its
//! gradient, wrapped and elided with `…` unless `--full`; the instance values follow. CSV, JSON
//! and Markdown always carry the full gradients.

use comfy_table::{
    ColumnConstraint, ContentArrangement, ContentLineStyle, LineStyle, Table as ComfyTable,
    TableStyle, Width,
};
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

/// How many lines a gradient may wrap to before the rest is elided (unless `--full`).
const GRADIENT_LINES: usize = 3;

/// The narrowest the last column (the trend, the gradient) is made to keep the loss names whole.
const LAST_COLUMN_MIN: usize = 20;

/// The narrowest a wrapped loss name column gets.
const NAME_MIN: usize = 12;

/// A borderless table laid out by comfy-table: a rule of `─` under the header, one space
/// between columns, fitted to `columns` display columns (`None`: as wide as its content).
/// Every column but the first and the last keeps its content on one line; the loss names (the
/// first column) stay whole when the last column keeps [`LAST_COLUMN_MIN`] columns, and wrap
/// otherwise; the last column takes the rest and wraps.
fn layout(header: Vec<String>, rows: Vec<Vec<String>>, columns: Option<usize>) -> ComfyTable {
    let mut t = ComfyTable::new();
    t.load_style(
        TableStyle::new()
            .header_separator(LineStyle::none().fill('─').junction(' '))
            .header_lines(ContentLineStyle::none().junction(' '))
            .content_lines(ContentLineStyle::none().junction(' ')),
    )
    .set_truncation_indicator(ELISION)
    .set_header(header);
    for r in rows {
        t.add_row(r);
    }
    let widths: Vec<usize> = t
        .column_max_content_widths()
        .into_iter()
        .map(usize::from)
        .collect();
    let last = widths.len().saturating_sub(1);
    // Each column but the last is followed by a one-space separator.
    let middle: usize = widths[1..last].iter().map(|w| w + 1).sum();
    let name = match columns {
        Some(c) if c < widths[0] + 1 + middle + LAST_COLUMN_MIN => {
            let room = c.saturating_sub(middle + 1 + LAST_COLUMN_MIN).max(NAME_MIN);
            ColumnConstraint::UpperBoundary(Width::Fixed(u16::try_from(room).unwrap_or(u16::MAX)))
        }
        _ => ColumnConstraint::ContentWidth,
    };
    match columns {
        Some(c) => t
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(c).unwrap_or(u16::MAX)),
        None => t.set_content_arrangement(ContentArrangement::Disabled),
    };
    for (i, col) in t.column_iter_mut().enumerate() {
        col.set_padding((0, 0));
        if i == 0 {
            col.set_constraint(name);
        } else if i < last {
            col.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    t
}

/// The lines of `t` without trailing spaces.
fn lines(t: &ComfyTable) -> Vec<String> {
    t.lines().map(|l| l.trim_end().to_string()).collect()
}

/// The table, fitted to `columns` display columns: the numbers of every file (the loss names
/// whole, the trend wrapped), then each file's gradient wrapped to [`GRADIENT_LINES`] lines and
/// elided after them unless `full`.
pub fn table(rows: &[Row], columns: usize, full: bool) -> String {
    let numbers = rows.iter().map(|r| {
        let mut row = vec![r.name.clone(), r.cancelled().to_string()];
        row.extend(r.points());
        row.push(r.trend());
        row
    });
    let numbers = layout(headers(), numbers.collect(), Some(columns));
    let gradients = |cut: bool| {
        let header = vec!["loss".to_string(), "gradient".to_string()];
        let body = rows
            .iter()
            .map(|r| vec![r.name.clone(), r.gradient.clone()]);
        let mut t = layout(header, body.collect(), (!full).then_some(columns));
        if cut {
            t.row_iter_mut().for_each(|r| {
                r.max_height(GRADIENT_LINES);
            });
        }
        lines(&t)
    };
    let shown = gradients(true);
    let elided = !full && shown.len() < gradients(false).len();
    let mut out = String::new();
    for line in lines(&numbers) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    for line in shown {
        let _ = writeln!(out, "{line}");
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
                &format!("Gradients cut at {ELISION}: --full (or --format csv|json|markdown) prints them whole."),
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
    serde_json::to_string_pretty(&doc).expect("a JSON value with string keys always serialises")
        + "\n"
}
