//! A whole derivation as Markdown in the shape of the blog post: a plain-words sentence per step
//! (its title, its rules, the term it changed, inline as `\( .. \)`), then the equation as display
//! math `\[ .. \]`, each chain-rule piece under its own heading, and the result boxed. The math is
//! left for MathJax or KaTeX in the browser.

use super::blog_figures::{Anchor, BlogFigure};
use super::document::{blog_document_with, Block, Inline};
use crate::problem::Problem;
use crate::trace::Derivation;

/// The derivation as Markdown with MathJax/KaTeX math delimiters.
pub fn proof_markdown(problem: &Problem, d: &Derivation) -> String {
    proof_markdown_with_figures(problem, d, &[])
}

/// [`proof_markdown`] with an image link to each of `figures` after what it illustrates: `(the
/// figure, the path the document links to)`. The caller writes the SVG files.
pub fn proof_markdown_with_figures(
    problem: &Problem,
    d: &Derivation,
    figures: &[(BlogFigure, String)],
) -> String {
    let anchors: Vec<Anchor> = figures.iter().map(|(f, _)| f.anchor.clone()).collect();
    let blocks: Vec<String> = blog_document_with(problem, d, &anchors)
        .iter()
        .map(|b| match b {
            Block::Figure(i) => {
                let (f, path) = &figures[*i];
                format!("![{}]({})", escape(&f.caption), path.replace(' ', "%20"))
            }
            b => block(b),
        })
        .collect();
    let mut out = blocks.join("\n\n");
    out.push('\n');
    out
}

fn block(b: &Block) -> String {
    match b {
        Block::Heading(level, words) => format!("{} {}", "#".repeat(*level), inlines(words)),
        Block::Para(words) => inlines(words),
        Block::Display(latex) => format!("\\[\n{latex}\n\\]"),
        Block::Figure(_) => String::new(),
    }
}

fn inlines(words: &[Inline]) -> String {
    words
        .iter()
        .map(|w| match w {
            Inline::Text(text) => escape(text),
            Inline::Code(code) => format!("`{code}`"),
            Inline::Math(latex) => format!("\\( {latex} \\)"),
        })
        .collect()
}

/// `text` with the characters Markdown would read as markup backslash-escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
