//! A whole derivation as LaTeX: `align*` blocks of the presented steps in the blog post's
//! notation, each line annotated with its step's title (and rules), the lemmas (the chain rule's
//! pieces) as their own blocks before the step that substitutes them, and the final result in
//! `\boxed{..}`. Optionally wrapped in a minimal `article` document that `pdflatex` compiles.

use super::document::{inline_latex, is_final, ordinal, proof_options, rules_repeat_title};
use super::{to_latex, PrintOptions};
use crate::problem::Problem;
use crate::trace::{Derivation, Step};

/// What the LaTeX proof includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatexOptions {
    /// Annotate every line with its step's title and rules (`&& \text{cancel}`).
    pub annotations: bool,
    /// Wrap the proof in a complete `article` document (with `amsmath`).
    pub standalone: bool,
}

impl Default for LatexOptions {
    fn default() -> Self {
        LatexOptions {
            annotations: true,
            standalone: false,
        }
    }
}

/// The derivation as LaTeX: a fragment of `align*` blocks and short connecting sentences, or a
/// complete document when [`LatexOptions::standalone`] is set.
pub fn proof_latex(problem: &Problem, d: &Derivation, options: LatexOptions) -> String {
    let opts = proof_options(problem, d);
    let mut body = String::new();
    derivation(d, &opts, options, is_final(d), &mut body);
    if !is_final(d) && !d.steps.is_empty() {
        body.push_str(&format!(
            "\nThe derivation stopped early: {}.\n",
            text_escape(&d.stop.to_string())
        ));
    }
    if let Some(note) = crate::piecewise::kink_note(d) {
        body.push_str(&format!("\nNote: {}.\n", text_escape(note)));
    }
    if !options.standalone {
        let heading = match &problem.title {
            Some(title) => format!("% {}\n", title.replace(['\n', '\r'], " ")),
            None => String::new(),
        };
        return format!("{heading}{body}");
    }
    let title = match &problem.title {
        Some(title) => format!("\\section*{{{}}}\n\n", text_escape(title)),
        None => String::new(),
    };
    format!(
        "\\documentclass{{article}}\n\\usepackage{{amsmath}}\n\\usepackage[margin=2cm]{{geometry}}\n\\allowdisplaybreaks\n\
         \\begin{{document}}\n\n{title}{body}\n\\end{{document}}\n"
    )
}

/// The blocks of one derivation; `boxed` says whether its result is the final one.
fn derivation(
    d: &Derivation,
    opts: &PrintOptions,
    options: LatexOptions,
    boxed: bool,
    out: &mut String,
) {
    let goal = to_latex(&d.goal, opts);
    let mut lines: Vec<String> = Vec::new();
    for (n, step) in d.steps.iter().enumerate() {
        if !step.lemmas.is_empty() {
            flush(&mut lines, out);
            for (i, lemma) in step.lemmas.iter().enumerate() {
                let lemma_goal = inline_latex(&lemma.goal, opts);
                out.push_str(&format!(
                    "\nThe {} piece, \\({lemma_goal}\\):\n",
                    ordinal(i + 1)
                ));
                derivation(lemma, opts, options, false, out);
            }
            out.push_str(&format!(
                "\nBack to \\({}\\):\n",
                inline_latex(&d.goal, opts)
            ));
        }
        let mut rhs = to_latex(&step.expr, opts);
        if boxed && n + 1 == d.steps.len() {
            rhs = format!("\\boxed{{{rhs}}}");
        }
        let lhs = if lines.is_empty() { goal.as_str() } else { "" };
        let mut line = format!("{lhs} &= {rhs}");
        if options.annotations {
            line.push_str(&format!(" && {}", annotation(step)));
        }
        lines.push(line);
    }
    if d.steps.is_empty() {
        lines.push(format!("{goal} &= {goal}"));
    }
    flush(&mut lines, out);
}

/// Writes the collected lines as one `align*` block, if there are any.
fn flush(lines: &mut Vec<String>, out: &mut String) {
    if lines.is_empty() {
        return;
    }
    out.push_str("\\begin{align*}\n");
    out.push_str(&lines.join(" \\\\\n"));
    out.push_str("\n\\end{align*}\n");
    lines.clear();
}

/// `\text{cancel}`, or `\text{split the sum: \texttt{split-sum}, ..}` when the rule names add
/// something to the title.
fn annotation(step: &Step) -> String {
    let title = text_escape(&step.title);
    if step.rules.is_empty() || rules_repeat_title(step) {
        return format!("\\text{{{title}}}");
    }
    let rules: Vec<String> = step
        .rules
        .iter()
        .map(|r| format!("\\texttt{{{}}}", text_escape(r)))
        .collect();
    format!("\\text{{{title}: {}}}", rules.join(", "))
}

/// `text` safe in LaTeX text mode (and in KaTeX's `\text{..}`).
fn text_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' | '$' | '%' | '&' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\textbackslash{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
