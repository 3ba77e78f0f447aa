//! What the blog-shaped renderers share: one reading of a derivation as a short document of
//! headings, plain-words sentences and display equations (the shape of the blog post), plus the
//! helpers every proof renderer needs (printer options, the term a step changed, ordinals).
//!
//! Markdown and HTML print the same [`Block`]s, so the two cannot drift apart; only the way math
//! and text are written out differs.

use super::blog_figures::Anchor;
use super::proof_input::ProofInput;
use super::report::mark;
use super::statement::{statement_blocks, MathStyle};
use super::{to_latex, FracStyle, PrintOptions};
use crate::analysis::cancellation::Cancellation;
use crate::check::CheckReport;
use crate::engine::trace::{Derivation, Step, Stop};
use crate::syntax::expr::{Expr, Index};
use crate::syntax::index::{free_indices, fresh_index_name, open};
use crate::syntax::problem::Problem;
use std::collections::BTreeSet;

/// A piece of running text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Inline {
    /// Plain words (not yet escaped for the output format).
    Text(String),
    /// A rule name or other identifier, shown as code.
    Code(String),
    /// Inline math, as LaTeX.
    Math(String),
}

/// A block of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// A heading of the given level (1 is the title).
    Heading(usize, Vec<Inline>),
    /// A paragraph.
    Para(Vec<Inline>),
    /// A display equation, as LaTeX.
    Display(String),
    /// The figure at this position of the figure list the document was made with.
    Figure(usize),
}

/// Printer options for a whole proof of `d`: the problem's index letters are the candidates for
/// renaming, and the goal's free indices are reserved so that a lemma's bound indices never
/// borrow the goal's letters.
pub(crate) fn proof_options(problem: &Problem, d: &Derivation) -> PrintOptions {
    let mut opts = super::proof::options_for(problem);
    opts.reserved_indices = free_indices(&d.goal).into_iter().collect();
    opts
}

/// True when the derivation ran to the end, so its result may be presented as final (boxed).
pub(crate) fn is_final(d: &Derivation) -> bool {
    d.stop == Stop::Saturated && !d.steps.is_empty()
}

/// The subterm of `e` at `path`, with the index of every sum it sits under opened as a free index
/// named by that sum's letter (renamed where the letter is taken), so that it prints on its own.
/// `None` when `path` does not lead to a subterm of `e`.
pub(crate) fn subterm(e: &Expr, path: &[usize], opts: &PrintOptions) -> Option<Expr> {
    let mut taken: BTreeSet<String> = free_indices(e);
    taken.extend(opts.reserved_indices.iter().cloned());
    let mut current = e.clone();
    for &i in path {
        current = match &current {
            Expr::Sum(binder, body) if i == 0 => {
                let name = fresh_index_name(
                    &binder.hint.0,
                    binder.upper.as_deref(),
                    &opts.index_ranges,
                    &opts.index_names,
                    &taken,
                );
                taken.insert(name.clone());
                open(body, &Index::Free(name.into()))
            }
            other => (*other.children().get(i)?).clone(),
        };
    }
    Some(current)
}

/// The term step `n` (counting from zero) of `d` changed, as it read before the step; `None` when
/// the step rewrote the whole expression.
pub(crate) fn changed_term(d: &Derivation, n: usize, opts: &PrintOptions) -> Option<Expr> {
    let step = d.steps.get(n)?;
    if step.path.is_empty() {
        return None;
    }
    let before = d.lines().nth(n)?;
    subterm(before, &step.path, opts)
}

/// "first", "second", ... for the pieces of a chain rule; a number past ten.
pub(crate) fn ordinal(n: usize) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    match WORDS.get(n.wrapping_sub(1)) {
        Some(word) => (*word).to_string(),
        None => format!("number {n}"),
    }
}

/// True when the rule names say nothing the title does not (`chain rule` and `chain-rule`).
pub(crate) fn rules_repeat_title(step: &Step) -> bool {
    matches!(step.rules.as_slice(), [only] if only.replace('-', " ") == step.title)
}

/// LaTeX on one line (the printer breaks long sums with newlines).
pub(crate) fn one_line(latex: &str) -> String {
    latex.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `e` as inline math in running text: on one line, with text-size `\frac` fractions so that the
/// line spacing of the sentence survives.
pub(crate) fn inline_latex(e: &Expr, opts: &PrintOptions) -> String {
    let inline = PrintOptions {
        frac: FracStyle::Frac,
        ..opts.clone()
    };
    one_line(&to_latex(e, &inline))
}

/// The derivation as a blog post: a title, a sentence and a display equation per step, each
/// chain-rule piece under its own heading before the step that substitutes it, and the final
/// result boxed.
///
/// A [`Block::Figure`] is placed for each of `anchors` (by position) after what it illustrates.
pub(crate) fn blog_document_with(
    problem: &Problem,
    d: &Derivation,
    cancellation: &Cancellation,
    anchors: &[Anchor],
) -> Vec<Block> {
    document_blocks(&ProofInput::derivation(problem, d, cancellation), anchors)
}

/// The whole document: the title, the problem stated, the derivation (each step with its check
/// mark when `input` has a report), the hand-written `show` block, and the cancellation report.
pub(crate) fn document_blocks(input: &ProofInput, anchors: &[Anchor]) -> Vec<Block> {
    let problem = input.problem;
    let opts = match input.derivation {
        Some(d) => proof_options(problem, d),
        None => super::proof::options_for(problem),
    };
    let mut out = Vec::new();
    if let Some(title) = &problem.title {
        out.push(Block::Heading(1, vec![Inline::Text(title.clone())]));
    }
    out.extend(statement_blocks(problem, &opts, MathStyle::Latex));
    if let Some(d) = input.derivation {
        out.push(Block::Para(vec![
            Inline::Text(String::from("We derive ")),
            Inline::Math(inline_latex(&d.goal, &opts)),
            Inline::Text(String::from(
                " one named rule at a time; every line is checked numerically.",
            )),
        ]));
        derivation_blocks(d, input.report, &opts, 2, is_final(d), anchors, &mut out);
        if let Some(note) = crate::analysis::notes::kink_note(d) {
            out.push(Block::Para(vec![Inline::Text(format!("Note: {note}."))]));
        }
        if d.stop != Stop::Saturated {
            out.push(Block::Para(vec![Inline::Text(format!(
                "The derivation stopped early: {}.",
                d.stop
            ))]));
        }
    }
    if let Some(show) = input.show {
        out.extend(super::show_doc::show_blocks(show, &opts, 2));
    }
    if let (Some(_), Some(c)) = (input.derivation, input.cancellation) {
        out.extend(cancellation_blocks(c, &opts));
    }
    out
}

/// The cancellation report as a heading and one paragraph per sentence, its formulas as inline
/// math (the wording is [`super::cancellation::sentences`], shared with the text form).
pub(crate) fn cancellation_blocks(c: &Cancellation, opts: &PrintOptions) -> Vec<Block> {
    use super::cancellation::{MathPart, Part};
    let inline = |parts: &[Part]| -> Vec<Inline> {
        parts
            .iter()
            .map(|part| match part {
                Part::Words(w) => Inline::Text(w.clone()),
                Part::Math(ms) => Inline::Math(
                    ms.iter()
                        .map(|m| match m {
                            MathPart::Expr(e) => inline_latex(e, opts),
                            MathPart::Grouped(e @ Expr::Add(_)) => {
                                format!("\\left({}\\right)", inline_latex(e, opts))
                            }
                            MathPart::Grouped(e) => inline_latex(e, opts),
                            MathPart::Sign(_, latex) => latex.clone(),
                        })
                        .collect(),
                ),
            })
            .collect()
    };
    let sentences = super::cancellation::sentences(c);
    let mut out = Vec::new();
    for (i, sentence) in sentences.iter().enumerate() {
        match i {
            0 => out.push(Block::Heading(2, inline(sentence))),
            _ => out.push(Block::Para(inline(sentence))),
        }
    }
    out
}

/// The blocks of one derivation (the main one or a lemma); `level` is the heading level of its
/// lemmas, and `boxed` says whether its result is the final one. Headings carry no math: the
/// formula goes in the sentence below.
fn derivation_blocks(
    d: &Derivation,
    report: Option<&CheckReport>,
    opts: &PrintOptions,
    level: usize,
    boxed: bool,
    anchors: &[Anchor],
    out: &mut Vec<Block>,
) {
    let figures_at = |at: &Anchor, out: &mut Vec<Block>| {
        for (i, a) in anchors.iter().enumerate() {
            if a == at {
                out.push(Block::Figure(i));
            }
        }
    };
    let goal = to_latex(&d.goal, opts);
    for (n, step) in d.steps.iter().enumerate() {
        let checked = report.and_then(|r| r.steps.get(n));
        if !step.lemmas.is_empty() {
            for (i, lemma) in step.lemmas.iter().enumerate() {
                let piece = ordinal(i + 1);
                out.push(Block::Heading(
                    level,
                    vec![Inline::Text(format!("The {piece} piece"))],
                ));
                out.push(Block::Para(vec![
                    Inline::Text(format!("The {piece} piece is ")),
                    Inline::Math(inline_latex(&lemma.goal, opts)),
                    Inline::Text(String::from(".")),
                ]));
                let lemma_report = checked.and_then(|c| c.lemmas.get(i));
                derivation_blocks(lemma, lemma_report, opts, level + 1, false, &[], out);
                figures_at(&Anchor::AfterLemma(lemma.goal.clone()), out);
            }
            out.push(Block::Heading(
                level,
                vec![Inline::Text(String::from("Putting the pieces together"))],
            ));
            out.push(Block::Para(vec![
                Inline::Text(String::from("With the pieces, back to ")),
                Inline::Math(inline_latex(&d.goal, opts)),
                Inline::Text(String::from(".")),
            ]));
        }
        let mut sentence = step_sentence(d, n, opts);
        if let Some(c) = checked {
            sentence.push(Inline::Text(format!(" {}", mark(c))));
        }
        out.push(Block::Para(sentence));
        let mut rhs = to_latex(&step.expr, opts);
        if boxed && n + 1 == d.steps.len() {
            rhs = format!("\\boxed{{{rhs}}}");
        }
        out.push(Block::Display(format!("{goal} = {rhs}")));
        figures_at(&Anchor::AfterStep(n + 1), out);
    }
}

/// "Step 3, cancel: the rule `cancel` rewrites the term \( x \)."
fn step_sentence(d: &Derivation, n: usize, opts: &PrintOptions) -> Vec<Inline> {
    let step = &d.steps[n];
    if step.rules.is_empty() {
        return vec![Inline::Text(format!("Step {}, {}:", n + 1, step.title))];
    }
    let (noun, verb) = match step.rules.len() {
        1 => ("rule", " rewrites "),
        _ => ("rules", " rewrite "),
    };
    let mut words = vec![Inline::Text(format!(
        "Step {}, {}: the {noun} ",
        n + 1,
        step.title
    ))];
    for (i, rule) in step.rules.iter().enumerate() {
        if i > 0 {
            let sep = if i + 1 == step.rules.len() {
                " and "
            } else {
                ", "
            };
            words.push(Inline::Text(sep.to_string()));
        }
        words.push(Inline::Code((*rule).to_string()));
    }
    match changed_term(d, n, opts) {
        Some(term) => {
            words.push(Inline::Text(format!("{verb}the term ")));
            words.push(Inline::Math(inline_latex(&term, opts)));
            words.push(Inline::Text(String::from(":")));
        }
        None => words.push(Inline::Text(format!("{verb}the whole expression:"))),
    }
    words
}
