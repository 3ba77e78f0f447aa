//! A whole derivation as Unicode text for a terminal: the goal, one line per presented step with
//! its title and rules, the lemmas indented under the step that uses them, and the result.

use super::cancellation::cancellation_text;
use super::report::mark;
use super::{to_text, PrintOptions};
use crate::analysis::cancellation::Cancellation;
use crate::check::CheckReport;
use crate::engine::trace::{Derivation, Stop};
use crate::syntax::index::free_indices;
use crate::syntax::problem::Problem;

use super::document::{Block, Inline};
use super::proof_input::ProofInput;
use super::statement::{statement_blocks, MathStyle};

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

/// The derivation as text, with a title line when the problem has one, and its cancellation
/// report `cancellation`.
pub fn proof_text(problem: &Problem, d: &Derivation, cancellation: &Cancellation) -> String {
    proof_text_checked(problem, d, None, cancellation)
}

/// The derivation as text with each line's numeric check mark from `report` (the report of
/// [`check_derivation`](crate::check::check_derivation) on `d`).
pub fn proof_text_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
    cancellation: &Cancellation,
) -> String {
    let mut opts = options_for(problem);
    // A lemma's bound indices must not borrow a letter the main goal uses freely.
    opts.reserved_indices = free_indices(&d.goal).into_iter().collect();
    let mut out = String::new();
    if let Some(title) = &problem.title {
        out.push_str(title);
        out.push_str("\n\n");
    }
    body_text(d, report, &opts, &mut out);
    out.push_str(&cancellation_text(cancellation, &opts));
    out
}

/// The derivation's lines and its result (no title, no cancellation report).
fn body_text(d: &Derivation, report: Option<&CheckReport>, opts: &PrintOptions, out: &mut String) {
    derivation_lines(d, report, opts, "", out);
    out.push('\n');
    out.push_str(&format!(
        "Result: {} = {}\n",
        to_text(&d.goal, opts),
        to_text(d.result(), opts)
    ));
    if d.stop != Stop::Saturated {
        out.push_str(&format!("Stopped early: {}\n", d.stop));
    }
    if let Some(note) = crate::analysis::notes::kink_note(d) {
        out.push_str(&format!("Note: {note}.\n"));
    }
    out.push('\n');
}

/// The whole document as text: the title, the problem stated, the derivation with its check
/// marks, the `show` block (its lines as the user wrote them when `input` has the source, else
/// normalised) and the cancellation report.
pub fn document_text(input: &ProofInput) -> String {
    let problem = input.problem;
    let mut opts = options_for(problem);
    if let Some(d) = input.derivation {
        opts.reserved_indices = free_indices(&d.goal).into_iter().collect();
    }
    let mut out = String::new();
    if let Some(title) = &problem.title {
        out.push_str(title);
        out.push_str("\n\n");
    }
    let statement = statement_blocks(problem, &opts, MathStyle::Text);
    if !statement.is_empty() {
        out.push_str(&blocks_text(&statement));
        out.push('\n');
    }
    if let Some(d) = input.derivation {
        body_text(d, input.report, &opts, &mut out);
    }
    if let (Some(show), Some(decl)) = (input.show, &problem.show) {
        out.push_str(&format!(
            "Hand-written derivation (line {}):\n",
            decl.pos.line
        ));
        out.push_str(&super::show_doc::show_text_as_written(
            show,
            decl.pos.line,
            &opts,
            input.source,
        ));
        out.push('\n');
    }
    if let (Some(_), Some(c)) = (input.derivation, input.cancellation) {
        out.push_str(&cancellation_text(c, &opts));
    }
    out
}

/// Document blocks whose math is already text, one paragraph per line, displays indented.
fn blocks_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(_, words) | Block::Para(words) => {
                out.push_str(&inline_text(words));
                out.push('\n');
            }
            Block::Display(math) => {
                out.push_str("    ");
                out.push_str(&math.replace('\n', "\n      "));
                out.push('\n');
            }
            Block::Figure(_) => {}
        }
    }
    out
}

fn inline_text(words: &[Inline]) -> String {
    words
        .iter()
        .map(|w| match w {
            Inline::Text(t) | Inline::Code(t) | Inline::Math(t) => t.as_str(),
        })
        .collect()
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
