//! A whole derivation as Unicode text for a terminal: the goal, one line per presented step with
//! its title and rules, the lemmas indented under the step that uses them, and the result.

use super::cancellation::cancellation_text;
use super::report::mark;
use super::{to_text, PrintOptions};
use crate::cancellation::analyse;
use crate::check::CheckReport;
use crate::index::free_indices;
use crate::problem::Problem;
use crate::trace::{Derivation, Stop};

/// Printer options for `problem`: its index letters are the candidates for renaming.
pub fn options_for(problem: &Problem) -> PrintOptions {
    let mut opts = PrintOptions {
        width: 120,
        ..PrintOptions::default()
    };
    let mut names = problem.index_names();
    names.extend(opts.index_names.iter().cloned());
    opts.index_names = names;
    opts.index_ranges = problem.index_letters();
    opts
}

/// The derivation as text, with a title line when the problem has one.
pub fn proof_text(problem: &Problem, d: &Derivation) -> String {
    proof_text_checked(problem, d, None)
}

/// The derivation as text with each line's numeric check mark from `report` (the report of
/// [`check_derivation`](crate::check::check_derivation) on `d`).
pub fn proof_text_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
) -> String {
    let mut opts = options_for(problem);
    // A lemma's bound indices must not borrow a letter the main goal uses freely.
    opts.reserved_indices = free_indices(&d.goal).into_iter().collect();
    let mut out = String::new();
    if let Some(title) = &problem.title {
        out.push_str(title);
        out.push_str("\n\n");
    }
    derivation_lines(d, report, &opts, "", &mut out);
    out.push('\n');
    out.push_str(&format!(
        "Result: {} = {}\n",
        to_text(&d.goal, &opts),
        to_text(d.result(), &opts)
    ));
    if d.stop != Stop::Saturated {
        out.push_str(&format!("Stopped early: {}\n", d.stop));
    }
    if let Some(note) = crate::piecewise::kink_note(d) {
        out.push_str(&format!("Note: {note}.\n"));
    }
    out.push('\n');
    out.push_str(&cancellation_text(&analyse(problem, d), &opts));
    out
}

fn derivation_lines(
    d: &Derivation,
    report: Option<&CheckReport>,
    opts: &PrintOptions,
    indent: &str,
    out: &mut String,
) {
    out.push_str(&format!("{indent}{}\n", to_text(&d.goal, opts)));
    for (n, step) in d.steps.iter().enumerate() {
        let checked = report.and_then(|r| r.steps.get(n));
        if !step.lemmas.is_empty() {
            out.push_str(&format!("{indent}  where\n"));
            for (i, lemma) in step.lemmas.iter().enumerate() {
                let lemma_report = checked.and_then(|c| c.lemmas.get(i));
                derivation_lines(lemma, lemma_report, opts, &format!("{indent}    "), out);
                out.push('\n');
            }
        }
        let continued = format!("\n{indent}    ");
        out.push_str(&format!(
            "{indent}  = {}\n{indent}      ({}. {}: {}){}\n",
            to_text(&step.expr, opts).replace('\n', &continued),
            n + 1,
            step.title,
            step.rules.join(", "),
            checked
                .map(|c| format!("  {}", mark(c)))
                .unwrap_or_default()
        ));
    }
}
