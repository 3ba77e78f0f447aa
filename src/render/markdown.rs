//! A whole proof as Markdown in the shape of the blog post: the problem stated, a plain-words
//! sentence per step (its title, its rules, the term it changed, its check mark), then the
//! equation as display math, each chain-rule piece under its own heading (headings carry no
//! math, so that their anchors stay readable), the result boxed, the hand-written `show` block
//! and the cancellation report. The math is left for MathJax or KaTeX in the browser.
//!
//! Math is delimited by `$..$` and `$$..$$` by default, which pandoc, GitHub, Obsidian, Quarto
//! and kramdown read; `\(..\)` and `\[..\]` on request ([`MathDelimiters::Brackets`]).

use super::blog_figures::{Anchor, BlogFigure};
use super::document::{blog_document_with, document_blocks, Block, Inline};
use super::proof_input::ProofInput;
use crate::analysis::cancellation::Cancellation;
use crate::engine::trace::Derivation;
use crate::syntax::problem::Problem;

/// How math is delimited in Markdown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MathDelimiters {
    /// `$x$` inline and `$$ .. $$` on their own lines for display math (the default).
    #[default]
    Dollars,
    /// `\(x\)` inline and `\[ .. \]` for display math (MathJax's defaults).
    Brackets,
}

/// How a Markdown document is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// The math delimiters.
    pub math: MathDelimiters,
    /// Open the document with YAML front matter (`title`, `math: true`) for static site
    /// generators (Hugo, Jekyll, Quarto).
    pub front_matter: bool,
}

/// The derivation as Markdown with `$` math delimiters.
pub fn proof_markdown(problem: &Problem, d: &Derivation, cancellation: &Cancellation) -> String {
    proof_markdown_with_figures(problem, d, cancellation, &[])
}

/// [`proof_markdown`] with an image link to each of `figures` after what it illustrates: `(the
/// figure, the path the document links to)`. The caller writes the SVG files.
pub fn proof_markdown_with_figures(
    problem: &Problem,
    d: &Derivation,
    cancellation: &Cancellation,
    figures: &[(BlogFigure, String)],
) -> String {
    let anchors: Vec<Anchor> = figures.iter().map(|(f, _)| f.anchor.clone()).collect();
    write(
        &blog_document_with(problem, d, cancellation, &anchors),
        figures,
        problem.title.as_deref(),
        MarkdownOptions::default(),
    )
}

/// The whole proof document of `input` (statement, derivation with check marks, `show` block,
/// cancellation report) as Markdown, with `figures` linked as in
/// [`proof_markdown_with_figures`].
pub fn document_markdown(
    input: &ProofInput,
    figures: &[(BlogFigure, String)],
    options: MarkdownOptions,
) -> String {
    let anchors: Vec<Anchor> = figures.iter().map(|(f, _)| f.anchor.clone()).collect();
    write(
        &document_blocks(input, &anchors),
        figures,
        input.problem.title.as_deref(),
        options,
    )
}

fn write(
    blocks: &[Block],
    figures: &[(BlogFigure, String)],
    title: Option<&str>,
    options: MarkdownOptions,
) -> String {
    let blocks: Vec<String> = blocks
        .iter()
        .map(|b| match b {
            Block::Figure(i) => {
                let (f, path) = &figures[*i];
                format!("![{}]({})", escape(&f.caption), path.replace(' ', "%20"))
            }
            b => block(b, options.math),
        })
        .collect();
    let mut out = String::new();
    if options.front_matter {
        out.push_str(&front_matter(title));
    }
    out.push_str(&blocks.join("\n\n"));
    out.push('\n');
    out
}

/// YAML front matter: the title (a double-quoted YAML string) and `math: true`.
fn front_matter(title: Option<&str>) -> String {
    let mut out = String::from("---\n");
    if let Some(title) = title {
        let mut quoted = String::new();
        for c in title.chars() {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\n' | '\r' => quoted.push(' '),
                c => quoted.push(c),
            }
        }
        out.push_str(&format!("title: \"{quoted}\"\n"));
    }
    out.push_str("math: true\n---\n\n");
    out
}

fn block(b: &Block, math: MathDelimiters) -> String {
    match b {
        Block::Heading(level, words) => format!("{} {}", "#".repeat(*level), inlines(words, math)),
        Block::Para(words) => inlines(words, math),
        Block::Display(latex) => match math {
            MathDelimiters::Dollars => format!("$$\n{latex}\n$$"),
            MathDelimiters::Brackets => format!("\\[\n{latex}\n\\]"),
        },
        Block::Figure(_) => String::new(),
    }
}

fn inlines(words: &[Inline], math: MathDelimiters) -> String {
    words
        .iter()
        .map(|w| match w {
            Inline::Text(text) => escape(text),
            Inline::Code(code) => format!("`{code}`"),
            Inline::Math(latex) => match math {
                MathDelimiters::Dollars => format!("${}$", latex.trim()),
                MathDelimiters::Brackets => format!("\\( {latex} \\)"),
            },
        })
        .collect()
}

/// `text` with the characters Markdown would read as markup backslash-escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
