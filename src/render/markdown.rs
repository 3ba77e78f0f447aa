//! A whole derivation as Markdown in the shape of the blog post: a plain-words sentence per step
//! (its title, its rules, the term it changed, inline as `\( .. \)`), then the equation as display
//! math `\[ .. \]`, each chain-rule piece under its own heading, and the result boxed. The math is
//! left for MathJax or KaTeX in the browser.

use super::document::{blog_document, Block, Inline};
use crate::problem::Problem;
use crate::trace::Derivation;

/// The derivation as Markdown with MathJax/KaTeX math delimiters.
pub fn proof_markdown(problem: &Problem, d: &Derivation) -> String {
    let blocks: Vec<String> = blog_document(problem, d).iter().map(block).collect();
    let mut out = blocks.join("\n\n");
    out.push('\n');
    out
}

fn block(b: &Block) -> String {
    match b {
        Block::Heading(level, words) => format!("{} {}", "#".repeat(*level), inlines(words)),
        Block::Para(words) => inlines(words),
        Block::Display(latex) => format!("\\[\n{latex}\n\\]"),
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
