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
use super::proof_input::ProofInput;
use super::statement::{statement_blocks, MathStyle};
use super::{to_latex, PrintOptions};
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

/// The most visible characters (see [`visible_len`]) of a row before it is split further
/// (about 400pt of the page's 500pt, leaving room for the left side).
const ROW_WIDTH: usize = 100;

/// The most characters of annotation text on one row before the rest goes on the next.
const ANNOTATION_WIDTH: usize = 60;

/// The derivation as LaTeX: a fragment of `align*` blocks and short connecting sentences, or a
/// complete document when [`LatexOptions::standalone`] is set.
pub fn proof_latex(problem: &Problem, d: &Derivation, options: LatexOptions) -> String {
    document_latex(&ProofInput::derivation(problem, d), options)
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
    if let Some(d) = input.derivation {
        for b in super::document::cancellation_blocks(problem, d, &opts) {
            match b {
                Block::Heading(_, words) => body.push_str(&format!(
                    "\n\\medskip\\noindent\\textbf{{{}.}}\n",
                    inlines(&words)
                )),
                // The report's sentences quote expressions in the text printer's notation:
                // typeset as in the terminal (monospace), not as half-converted math.
                Block::Para(words) => body.push_str(&format!(
                    "\n{{\\raggedright\\ttfamily\\small {}\\par}}\n",
                    inlines(&words)
                )),
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
                let (lhs, rhs) = eq.split_once(" = ").unwrap_or(("", eq.as_str()));
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

/// The characters of `latex` a reader sees, roughly: commands and braces do not count.
fn visible_len(latex: &str) -> usize {
    let mut n = 0;
    let mut chars = latex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut word = false;
                while chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    chars.next();
                    word = true;
                }
                if !word {
                    chars.next();
                    n += 1;
                }
            }
            '{' | '}' => {}
            _ => n += 1,
        }
    }
    n
}

/// A right side the printer broke over several source lines (before top-level `+`/`-`), as
/// `align*` continuation rows; pieces whose braces or `\left`/`\right` do not balance are joined
/// back, so that no group is split across rows.
fn break_rows(latex: &str) -> String {
    join_rows(&row_pieces(latex))
}

/// The rows of a right side the printer broke over several source lines, each balanced; a row
/// still too long is split further by [`split_long`].
fn row_pieces(latex: &str) -> Vec<String> {
    printer_rows(latex)
        .into_iter()
        .flat_map(|row| split_long(&row))
        .collect()
}

/// The rows of a right side as the printer broke it, pieces joined back until balanced.
fn printer_rows(latex: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    for part in latex.lines().map(str::trim).filter(|p| !p.is_empty()) {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(part);
        if balanced(&current) {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// A row too long for the page ([`ROW_WIDTH`] visible characters) split before the `+`/`-` of
/// its shallowest sum. A break inside `\left( .. \right)` is illegal, so the groups open at the
/// breaks get fixed-size delimiters instead (`\bigl(` .. `\bigr)`, larger for taller content and
/// for an outer group), which may sit on different rows. Rows still too long are split again; a
/// row without such a sum stays as it is.
fn split_long(row: &str) -> Vec<String> {
    if visible_len(row) <= ROW_WIDTH {
        return vec![row.to_string()];
    }
    let scan = scan_row(row);
    let Some(depth) = scan.breaks.iter().map(|(_, open)| open.len()).min() else {
        return split_fraction(row);
    };
    // The breaks in one group: the first at the shallowest depth and those sharing its groups.
    let Some(chain) = scan
        .breaks
        .iter()
        .find(|(_, open)| open.len() == depth)
        .map(|(_, open)| open.clone())
    else {
        return vec![row.to_string()];
    };
    let at: Vec<usize> = scan
        .breaks
        .iter()
        .filter(|(_, open)| *open == chain)
        .map(|(i, _)| *i)
        .collect();
    // Each group on the chain gets a size: its content's, and above the group inside it.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut inner = 0;
    for &g in chain.iter().rev() {
        let (open, close) = scan.groups[g];
        let content = &row[open..close];
        let own = if content.contains("\\sum") {
            3
        } else if content.contains("\\dfrac") {
            2
        } else {
            1
        };
        let level = own.max(inner + 1).min(4);
        inner = level;
        let size = ["big", "Big", "bigg", "Bigg"][level - 1];
        edits.push((open, "\\left".len(), format!("\\{size}l")));
        edits.push((close, "\\right".len(), format!("\\{size}r")));
    }
    edits.extend(at.iter().map(|&i| (i, 1, String::from("\n"))));
    edits.sort_by_key(|(i, _, _)| *i);
    let mut out = String::with_capacity(row.len() + 16);
    let mut from = 0;
    for (i, len, text) in edits {
        out.push_str(&row[from..i]);
        out.push_str(&text);
        from = i + len;
    }
    out.push_str(&row[from..]);
    out.lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .flat_map(split_long)
        .collect()
}

/// A row with no `+`/`-` to break at that is still too wide, its fractions as wide as their
/// wider part: its widest fraction (outside braces) whose numerator is a sum is written as
/// `\frac{1}{DEN}\left(NUM\right)` (without the parentheses when the numerator's sums all sit in
/// groups of their own), so that [`split_long`] can break the numerator over rows; the row stays
/// as it is when no fraction can be opened so.
fn split_fraction(row: &str) -> Vec<String> {
    if display_len(row) <= ROW_WIDTH {
        return vec![row.to_string()];
    }
    match open_fraction(row) {
        Some(opened) => split_long(&opened),
        None => vec![row.to_string()],
    }
}

/// `row` with its widest fraction outside braces whose numerator is a sum written as a product
/// `\frac{1}{DEN}` times the numerator; `None` when it has no such fraction.
fn open_fraction(row: &str) -> Option<String> {
    let bytes = row.as_bytes();
    // The widest fraction: its start, its end, its numerator and denominator, its width.
    let mut best: Option<(usize, usize, &str, &str, usize)> = None;
    let mut braces: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let name = &row[start + 1..i];
                if name.is_empty() {
                    i += 1;
                    continue;
                }
                if braces != 0 || !matches!(name, "dfrac" | "frac") {
                    continue;
                }
                let Some(num_end) = group_end(row, i) else {
                    continue;
                };
                let Some(den_end) = group_end(row, num_end) else {
                    continue;
                };
                let num = &row[i + 1..num_end - 1];
                let den = &row[num_end + 1..den_end - 1];
                if scan_row(num).breaks.is_empty() {
                    continue;
                }
                let width = display_len(num).max(display_len(den));
                if best.is_none_or(|b| width > b.4) {
                    best = Some((start, den_end, num, den, width));
                }
                continue;
            }
            b'{' => braces += 1,
            b'}' => braces -= 1,
            _ => {}
        }
        i += 1;
    }
    let (start, end, num, den, _) = best?;
    let outside = scan_row(num).breaks.iter().any(|(_, open)| open.is_empty());
    let product = if outside {
        format!("\\frac{{1}}{{{den}}}\\left({num}\\right)")
    } else {
        format!("\\frac{{1}}{{{den}}} {num}")
    };
    Some(format!("{}{product}{}", &row[..start], &row[end..]))
}

/// The byte offset just after the `}` closing the brace group that opens at `open`, if a group
/// opens there and closes.
fn group_end(latex: &str, open: usize) -> Option<usize> {
    let bytes = latex.as_bytes();
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let mut depth = 0;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Like [`visible_len`], but a fraction counts as wide as the wider of its numerator and
/// denominator, as it is set.
fn display_len(latex: &str) -> usize {
    let bytes = latex.as_bytes();
    let mut n = 0;
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        if !matches!(&latex[start + 1..i], "dfrac" | "frac") {
            if i == start + 1 {
                i += 1;
            }
            continue;
        }
        let Some(num_end) = group_end(latex, i) else {
            continue;
        };
        let Some(den_end) = group_end(latex, num_end) else {
            continue;
        };
        n += visible_len(&latex[from..start]);
        n += display_len(&latex[i + 1..num_end - 1])
            .max(display_len(&latex[num_end + 1..den_end - 1]));
        from = den_end;
        i = den_end;
    }
    n + visible_len(&latex[from..])
}

/// What [`split_long`] needs to know of a row.
struct RowScan {
    /// The `\left`..`\right` groups: the byte offsets of their `\left` and their `\right`.
    groups: Vec<(usize, usize)>,
    /// The spaces before a binary `+`/`-` outside braces, each with the groups open there
    /// (outermost first).
    breaks: Vec<(usize, Vec<usize>)>,
}

/// Scans a row for its `\left`/`\right` groups and the places it may break.
fn scan_row(row: &str) -> RowScan {
    let bytes = row.as_bytes();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut breaks = Vec::new();
    let mut braces: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                match &row[start + 1..i] {
                    // An escaped character (`\{`) is no brace.
                    "" => i += 1,
                    "left" => {
                        open.push(groups.len());
                        groups.push((start, start));
                    }
                    "right" => {
                        if let Some(g) = open.pop() {
                            groups[g].1 = start;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            b'{' => braces += 1,
            b'}' => braces -= 1,
            b' ' if braces == 0
                && matches!(bytes.get(i + 1), Some(b'+' | b'-'))
                && bytes.get(i + 2) == Some(&b' ') =>
            {
                breaks.push((i, open.clone()));
            }
            _ => {}
        }
        i += 1;
    }
    // A group never closed (not balanced LaTeX) is never made fixed-size.
    breaks.retain(|(_, at)| at.iter().all(|&g| groups[g].1 > groups[g].0));
    RowScan { groups, breaks }
}

/// Rows as `align*` continuation rows.
fn join_rows(pieces: &[String]) -> String {
    let mut out = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        if i == 0 {
            out.push_str(piece);
        } else {
            out.push_str(&format!(" \\\\\n&\\quad {{}}{piece}"));
        }
    }
    out
}

/// True when `latex` has as many `{` as `}` and as many `\left` as `\right`, never closing more
/// than it opened.
fn balanced(latex: &str) -> bool {
    let mut depth: i64 = 0;
    for c in latex.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0 && latex.matches("\\left").count() == latex.matches("\\right").count()
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
