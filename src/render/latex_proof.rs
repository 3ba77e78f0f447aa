//! A whole proof as LaTeX: the problem stated (its declarations, and its definitions in an
//! `align*` block), then `align*` blocks of the presented steps in the blog post's notation, the
//! lemmas (the chain rule's pieces) as their own blocks before the step that substitutes them, the
//! final result in `\boxed{..}`, the hand-written `show` block and the cancellation report.
//! Optionally wrapped in a minimal `article` document that `pdflatex` compiles.
//!
//! Layout, so that every line fits the page: each step's annotation (its number, title, rules and
//! check mark) sits on its own row under the step, indented (`&\qquad \text{..}`), and a long
//! right side breaks before a top-level `+`/`-` onto continuation rows (`\\ &\quad {}+ ..`).
//! A row still too long whose sum sits inside `\left( .. \right)` breaks inside that group,
//! whose delimiters become fixed-size `\bigl(` .. `\bigr)`: a `\\` between `\left` and `\right`
//! is illegal.
//! Every piece stays one `align*` block, which KaTeX and MathJax render.

use super::document::{
    inline_latex, is_final, ordinal, proof_options, rules_repeat_title, Block, Inline,
};
use super::latex_rows::*;
use super::proof_input::ProofInput;
use super::statement::{statement_blocks, MathStyle};
use super::{to_latex, PrintOptions};
use crate::analysis::cancellation::Cancellation;
use crate::check::handwritten::ShowReport;
use crate::check::{CheckReport, StepReport};
use crate::engine::trace::{Derivation, Step};
use crate::syntax::problem::Problem;

/// What the LaTeX proof includes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatexOptions {
    /// Annotate every line with its step's title and rules (a row under the line).
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

/// The width, in characters of LaTeX source, past which a right side breaks onto a new row.
const LATEX_WIDTH: usize = 90;

/// The most characters of annotation text on one row before the rest goes on the next.
const ANNOTATION_WIDTH: usize = 60;

/// The derivation as LaTeX: a fragment of `align*` blocks and short connecting sentences, or a
/// complete document when [`LatexOptions::standalone`] is set.
pub fn proof_latex(
    problem: &Problem,
    d: &Derivation,
    cancellation: &Cancellation,
    options: LatexOptions,
) -> String {
    document_latex(&ProofInput::derivation(problem, d, cancellation), options)
}

/// The whole proof document of `input` as LaTeX (see the module documentation).
pub fn document_latex(input: &ProofInput, options: LatexOptions) -> String {
    let problem = input.problem;
    let mut opts = match input.derivation {
        Some(d) => proof_options(problem, d),
        None => super::proof::options_for(problem),
    };
    opts.width = LATEX_WIDTH;
    let mut body = statement(problem, &opts);
    if let Some(d) = input.derivation {
        body.push_str(&format!(
            "\nWe derive \\({}\\) one named rule at a time; every line is checked numerically.\n",
            inline_latex(&d.goal, &opts)
        ));
        derivation(d, input.report, &opts, options, is_final(d), &mut body);
        if !is_final(d) && !d.steps.is_empty() {
            body.push_str(&format!(
                "\nThe derivation stopped early: {}.\n",
                text_escape(&d.stop.to_string())
            ));
        }
        if let Some(note) = crate::analysis::notes::kink_note(d) {
            body.push_str(&format!("\nNote: {}.\n", text_escape(note)));
        }
    }
    if let Some(show) = input.show {
        show_block(show, &opts, options, &mut body);
    }
    if let (Some(_), Some(c)) = (input.derivation, input.cancellation) {
        for b in super::document::cancellation_blocks(c, &opts) {
            match b {
                Block::Heading(_, words) => body.push_str(&format!(
                    "\n\\medskip\\noindent\\textbf{{{}.}}\n",
                    inlines(&words)
                )),
                // The report's sentences: words as text, its formulas as inline math.
                Block::Para(words) => {
                    body.push_str(&format!("\n{{\\raggedright {}\\par}}\n", inlines(&words)))
                }
                Block::Display(_) | Block::Figure(_) => {}
            }
        }
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
        "\\documentclass{{article}}\n\\usepackage{{amsmath}}\n\\usepackage{{amssymb}}\n\
         \\usepackage[margin=2cm]{{geometry}}\n\\allowdisplaybreaks\n\
         \\begin{{document}}\n\n{title}{body}\n\\end{{document}}\n"
    )
}

/// The problem stated: its sentences, and its definitions as one `align*` block.
fn statement(problem: &Problem, opts: &PrintOptions) -> String {
    let mut out = String::new();
    let mut rows: Vec<String> = Vec::new();
    for b in statement_blocks(problem, opts, MathStyle::Latex) {
        match b {
            Block::Display(eq) => {
                // Every statement display is `LHS = RHS` with a symbol or a derivative on the
                // left, whose LaTeX never contains ` = `.
                let (lhs, rhs) = eq
                    .split_once(" = ")
                    .expect("a statement display is `LHS = RHS`");
                rows.push(format!("{lhs} &= {}", break_rows(rhs)));
            }
            Block::Heading(_, words) | Block::Para(words) => {
                flush(&mut rows, &mut out);
                out.push_str(&format!("\n{}\n", inlines(&words)));
            }
            Block::Figure(_) => {}
        }
    }
    flush(&mut rows, &mut out);
    out
}

/// Running text with inline math as `\( .. \)`.
fn inlines(words: &[Inline]) -> String {
    words
        .iter()
        .map(|w| match w {
            Inline::Text(t) => text_escape(t),
            Inline::Code(c) => format!("\\texttt{{{}}}", text_escape(c)),
            Inline::Math(m) => format!("\\({m}\\)"),
        })
        .collect()
}

/// The blocks of one derivation; `boxed` says whether its result is the final one.
fn derivation(
    d: &Derivation,
    report: Option<&CheckReport>,
    opts: &PrintOptions,
    options: LatexOptions,
    boxed: bool,
    out: &mut String,
) {
    let goal = to_latex(&d.goal, opts);
    let mut lines: Vec<String> = Vec::new();
    for (n, step) in d.steps.iter().enumerate() {
        let checked = report.and_then(|r| r.steps.get(n));
        if !step.lemmas.is_empty() {
            flush(&mut lines, out);
            for (i, lemma) in step.lemmas.iter().enumerate() {
                let lemma_goal = inline_latex(&lemma.goal, opts);
                out.push_str(&format!(
                    "\nThe {} piece, \\({lemma_goal}\\):\n",
                    ordinal(i + 1)
                ));
                let lemma_report = checked.and_then(|c| c.lemmas.get(i));
                derivation(lemma, lemma_report, opts, options, false, out);
            }
            out.push_str(&format!(
                "\nBack to \\({}\\):\n",
                inline_latex(&d.goal, opts)
            ));
        }
        let pieces = row_pieces(&to_latex(&step.expr, opts));
        let rhs = match (boxed && n + 1 == d.steps.len(), pieces.len()) {
            (true, 1) => format!("\\boxed{{{}}}", pieces[0]),
            // A box cannot span the rows of `align*`: a long result is boxed as one `aligned`.
            (true, _) => {
                let rows: Vec<String> = pieces
                    .iter()
                    .enumerate()
                    .map(|(i, p)| match i {
                        0 => format!("&{p}"),
                        _ => format!("&\\quad {{}}{p}"),
                    })
                    .collect();
                format!(
                    "\\boxed{{\\begin{{aligned}}{}\\end{{aligned}}}}",
                    rows.join(" \\\\\n")
                )
            }
            (false, _) => join_rows(&pieces),
        };
        let lhs = if lines.is_empty() { goal.as_str() } else { "" };
        let mut line = format!("{lhs} &= {rhs}");
        if options.annotations {
            line.push_str(&annotation_rows(&format!("{}. ", n + 1), step, checked));
        }
        lines.push(line);
    }
    if d.steps.is_empty() {
        lines.push(format!("{goal} &= {goal}"));
    }
    flush(&mut lines, out);
}

/// The hand-written `show` block: one `align*` of the user's lines, each with its file line, the
/// rules that connect it and its check mark on a row under it.
fn show_block(show: &ShowReport, opts: &PrintOptions, options: LatexOptions, out: &mut String) {
    out.push_str(
        "\n\\medskip\\noindent\\textbf{The hand-written derivation.} Each line is checked \
         numerically against the previous one; where the rules lead from one line to the next, \
         they are named.\n",
    );
    let start = to_latex(&show.start, opts);
    let mut lines = Vec::new();
    for (n, line) in show.lines.iter().enumerate() {
        let lhs = if lines.is_empty() { start.as_str() } else { "" };
        let mut row = format!("{lhs} &= {}", break_rows(&to_latex(&line.expr, opts)));
        if options.annotations {
            let mut words = vec![format!("line {}:", line.file_line)];
            match &line.rules {
                Some(rules) if !rules.is_empty() => {
                    words.push(String::from(" by"));
                    for (i, r) in rules.iter().enumerate() {
                        let comma = if i + 1 < rules.len() { "," } else { "" };
                        words.push(format!(" \\texttt{{{}}}{comma}", text_escape(r)));
                    }
                }
                Some(_) => words.push(String::from(" the same expression")),
                None => words.push(String::from(" checked by the numbers only")),
            }
            row.push_str(&rows_of(&words, show.check.steps.get(n)));
        }
        lines.push(row);
    }
    flush(&mut lines, out);
}

/// The annotation of a step: its number and title, its rules (when they add to the title) and
/// its check mark, on rows under the step.
fn annotation_rows(number: &str, step: &Step, checked: Option<&StepReport>) -> String {
    let mut words = vec![format!("{number}{}", text_escape(&step.title))];
    if !(step.rules.is_empty() || rules_repeat_title(step)) {
        if let Some(first) = words.first_mut() {
            first.push(':');
        }
        let n = step.rules.len();
        for (i, r) in step.rules.iter().enumerate() {
            let comma = if i + 1 < n { "," } else { "" };
            words.push(format!(" \\texttt{{{}}}{comma}", text_escape(r)));
        }
    }
    rows_of(&words, checked)
}

/// Annotation words on rows of at most [`ANNOTATION_WIDTH`] characters, each row `&\qquad
/// \text{..}`, the check mark after the last.
fn rows_of(words: &[String], checked: Option<&StepReport>) -> String {
    let mut rows: Vec<String> = vec![String::new()];
    let mut visible = 0;
    for w in words {
        let len = visible_len(w);
        if visible > 0 && visible + len > ANNOTATION_WIDTH {
            rows.push(String::new());
            visible = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push_str(w);
        }
        visible += len;
    }
    let check = match checked {
        Some(c) if c.status.is_pass() => " \\checkmark",
        Some(_) => " \\times\\ \\text{false}",
        None => "",
    };
    let mut out = String::new();
    let last = rows.len() - 1;
    for (i, row) in rows.iter().enumerate() {
        let mark = if i == last { check } else { "" };
        out.push_str(&format!(" \\\\\n&\\qquad \\text{{{}}}{mark}", row.trim()));
    }
    out
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

/// `text` safe in LaTeX text mode (and in KaTeX's `\text{..}`); the Unicode math signs of the
/// text printer become inline math (`\(\Sigma\)`), which LaTeX and MathJax both read.
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
            c if c.is_ascii() => out.push(c),
            c => match unicode_math(c) {
                Some(cmd) => out.push_str(&format!("\\({cmd}\\)")),
                None => out.push('?'),
            },
        }
    }
    out
}

/// The LaTeX math command of a Unicode sign the text printer and the reports use.
fn unicode_math(c: char) -> Option<&'static str> {
    const SIGNS: &[(char, &str)] = &[
        ('−', "-"),
        ('·', "\\cdot"),
        ('×', "\\times"),
        ('→', "\\to"),
        ('∂', "\\partial"),
        ('√', "\\surd"),
        ('∞', "\\infty"),
        ('≈', "\\approx"),
        ('≤', "\\le"),
        ('≥', "\\ge"),
        ('≠', "\\ne"),
        ('∈', "\\in"),
        ('…', "\\dots"),
        ('∑', "\\sum"),
        ('⋅', "\\cdot"),
        ('±', "\\pm"),
        ('∓', "\\mp"),
        ('⊙', "\\odot"),
        ('≡', "\\equiv"),
        ('∝', "\\propto"),
        ('′', "'"),
        ('²', "^2"),
        ('³', "^3"),
        ('←', "\\leftarrow"),
        ('↑', "\\uparrow"),
        ('↓', "\\downarrow"),
        ('⇒', "\\Rightarrow"),
        ('✓', "\\checkmark"),
        ('✗', "\\times"),
        ('Σ', "\\Sigma"),
        ('Π', "\\Pi"),
        ('Γ', "\\Gamma"),
        ('Δ', "\\Delta"),
        ('Θ', "\\Theta"),
        ('Λ', "\\Lambda"),
        ('Ξ', "\\Xi"),
        ('Φ', "\\Phi"),
        ('Ψ', "\\Psi"),
        ('Ω', "\\Omega"),
        ('α', "\\alpha"),
        ('β', "\\beta"),
        ('γ', "\\gamma"),
        ('δ', "\\delta"),
        ('ε', "\\varepsilon"),
        ('ϵ', "\\epsilon"),
        ('ζ', "\\zeta"),
        ('η', "\\eta"),
        ('θ', "\\theta"),
        ('ι', "\\iota"),
        ('κ', "\\kappa"),
        ('λ', "\\lambda"),
        ('μ', "\\mu"),
        ('ν', "\\nu"),
        ('ξ', "\\xi"),
        ('π', "\\pi"),
        ('ρ', "\\rho"),
        ('σ', "\\sigma"),
        ('τ', "\\tau"),
        ('υ', "\\upsilon"),
        ('φ', "\\phi"),
        ('χ', "\\chi"),
        ('ψ', "\\psi"),
        ('ω', "\\omega"),
    ];
    SIGNS.iter().find(|(s, _)| *s == c).map(|(_, cmd)| *cmd)
}

#[cfg(test)]
mod tests {
    use super::{display_len, split_long, visible_len};

    #[test]
    fn a_long_row_inside_one_group_breaks_with_fixed_size_delimiters() {
        let term = "\\left[x_j - y_j > 0\\right] h\\left(x_j - \\dfrac{1}{2} h\\right)";
        let row = format!("\\sum_{{j=1}}^{{N}} \\left({term} + {term} - {term}\\right)");
        let rows = split_long(&row);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(
            rows[0].starts_with("\\sum_{j=1}^{N} \\Bigl(\\left["),
            "{rows:?}"
        );
        assert!(rows[1].starts_with("+ \\left["), "{rows:?}");
        assert!(rows[2].starts_with("- \\left["), "{rows:?}");
        assert!(rows[2].ends_with("\\right)\\Bigr)"), "{rows:?}");
        // The groups inside the terms keep their `\left`..`\right`, each on one row.
        for r in &rows {
            assert_eq!(r.matches("\\left").count(), r.matches("\\right").count());
        }
    }

    #[test]
    fn a_short_row_or_one_without_a_sum_outside_braces_stays() {
        let short = "\\left(a + b\\right)";
        assert_eq!(split_long(short), vec![short.to_string()]);
        let term = "\\left[x_j - y_j > 0\\right] h\\left(x_j - \\dfrac{1}{2} h\\right)";
        let braced = format!("\\boxed{{{term} + {term} + {term}}}");
        assert_eq!(split_long(&braced), vec![braced.clone()]);
    }
    #[test]
    fn a_too_wide_fraction_over_a_sum_opens_into_rows_after_one_over_its_denominator() {
        let term = "\\left[x_j - y_j > 0\\right] h\\left(x_j - \\dfrac{1}{2} h\\right)";
        let den = "\\left(\\sum_{j=1}^{N} x_j\\right)^{2}";
        let row = format!("\\dfrac{{{term} + {term} - {term} + {term}}}{{{den}}}");
        let rows = split_long(&row);
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert!(
            rows[0].starts_with(&format!("\\frac{{1}}{{{den}}}\\Bigl(\\left[")),
            "{rows:?}"
        );
        assert!(rows[1].starts_with("+ \\left["), "{rows:?}");
        assert!(rows[2].starts_with("- \\left["), "{rows:?}");
        assert!(rows[3].starts_with("+ \\left["), "{rows:?}");
        assert!(rows[3].ends_with("\\right)\\Bigr)"), "{rows:?}");
        for r in &rows {
            assert_eq!(r.matches("\\left").count(), r.matches("\\right").count());
        }
    }

    #[test]
    fn a_fraction_as_wide_as_its_wider_part_stays_when_that_fits() {
        let part = "a_1 + a_2 + a_3 + a_4 + a_5 + a_6";
        let row = format!("\\dfrac{{{part} + {part}}}{{{part} - {part}}}");
        assert!(display_len(&row) < 100 && visible_len(&row) > 100);
        assert_eq!(split_long(&row), vec![row.clone()]);
    }
}
