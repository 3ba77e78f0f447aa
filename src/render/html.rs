//! A whole derivation as one standalone HTML page: the blog-post shape of the Markdown output, with
//! every formula rendered to HTML by KaTeX at build time (no JavaScript in the page) and KaTeX's
//! stylesheet and `woff2` fonts embedded as data URLs, so the page opens offline.

use super::blog_figures::{inline_svg, Anchor, BlogFigure};
use super::document::{blog_document_with, document_blocks, Block, Inline};
use super::proof_input::ProofInput;
use crate::analysis::cancellation::Cancellation;
use crate::engine::trace::Derivation;
use crate::syntax::problem::Problem;
use thiserror::Error;

/// `(NAME, bytes of assets/katex/fonts/NAME.woff2)`.
macro_rules! font {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../../assets/katex/fonts/", $name, ".woff2")),
        )
    };
}

/// A formula KaTeX could not render.
#[derive(Debug, Error)]
#[error("KaTeX cannot render `{latex}`: {message}")]
pub struct KatexError {
    /// The LaTeX that failed.
    pub latex: String,
    /// KaTeX's message.
    pub message: String,
}

/// Renders `latex` to HTML with KaTeX, as display math (`display`) or inline, failing on any
/// LaTeX error instead of showing it in red.
pub fn render_math(latex: &str, display: bool) -> Result<String, KatexError> {
    let fail = |message: String| KatexError {
        latex: latex.to_string(),
        message,
    };
    let opts = katex::Opts::builder()
        .display_mode(display)
        .throw_on_error(true)
        .build()
        .map_err(|e| fail(e.to_string()))?;
    katex::render_with_opts(latex, &opts).map_err(|e| fail(e.to_string()))
}

/// The derivation as a standalone HTML page.
pub fn proof_html(
    problem: &Problem,
    d: &Derivation,
    cancellation: &Cancellation,
) -> Result<String, KatexError> {
    proof_html_with_figures(problem, d, cancellation, &[])
}

/// The derivation as a standalone HTML page with `figures` inline (SVG), each after what it
/// illustrates (see [`blog_figures`](super::blog_figures::blog_figures)).
pub fn proof_html_with_figures(
    problem: &Problem,
    d: &Derivation,
    cancellation: &Cancellation,
    figures: &[BlogFigure],
) -> Result<String, KatexError> {
    let anchors: Vec<Anchor> = figures.iter().map(|f| f.anchor.clone()).collect();
    page(
        &blog_document_with(problem, d, cancellation, &anchors),
        figures,
        problem.title.as_deref(),
        HtmlOptions::default(),
    )
}

/// How an HTML document is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    /// Write a fragment to paste into a CMS: the `<article>` alone, with a `<link>` to KaTeX's
    /// stylesheet on a CDN instead of the embedded stylesheet and fonts.
    pub fragment: bool,
}

/// KaTeX's stylesheet for fragments, at the version of the embedded one.
pub const KATEX_CSS_URL: &str = "https://cdn.jsdelivr.net/npm/katex@0.16.4/dist/katex.min.css";

/// The whole proof document of `input` (statement, derivation with check marks, `show` block,
/// cancellation report) as HTML: a standalone page, or a fragment (see [`HtmlOptions`]).
pub fn document_html(
    input: &ProofInput,
    figures: &[BlogFigure],
    options: HtmlOptions,
) -> Result<String, KatexError> {
    let anchors: Vec<Anchor> = figures.iter().map(|f| f.anchor.clone()).collect();
    page(
        &document_blocks(input, &anchors),
        figures,
        input.problem.title.as_deref(),
        options,
    )
}

fn page(
    blocks: &[Block],
    figures: &[BlogFigure],
    title: Option<&str>,
    options: HtmlOptions,
) -> Result<String, KatexError> {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Figure(i) => body.push_str(&format!(
                "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
                inline_svg(&figures[*i].svg),
                escape(&figures[*i].caption)
            )),
            b => body.push_str(&block(b)?),
        }
        body.push('\n');
    }
    if options.fragment {
        return Ok(format!(
            "<link rel=\"stylesheet\" href=\"{KATEX_CSS_URL}\">\n<article class=\"gradproof\">\n{body}</article>\n"
        ));
    }
    let title = escape(title.unwrap_or("gradproof derivation"));
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{}\n</style>\n<style>\n{PAGE_CSS}</style>\n</head>\n\
         <body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        katex_css()
    ))
}

/// The page's own layout: a readable column, equations that scroll rather than overflow.
const PAGE_CSS: &str = "body { margin: 0; background: #fdfdfc; color: #1d1d1f; \
font: 18px/1.6 Georgia, 'Times New Roman', serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.8rem; line-height: 1.25; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.8rem; }
code { font: 0.85em ui-monospace, Menlo, Consolas, monospace; background: #f0efeb; \
padding: 0.1em 0.3em; border-radius: 3px; }
.equation { overflow-x: auto; overflow-y: hidden; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #555; }
";

fn block(b: &Block) -> Result<String, KatexError> {
    Ok(match b {
        Block::Heading(level, words) => {
            let level = (*level).clamp(1, 6);
            format!("<h{level}>{}</h{level}>", inlines(words)?)
        }
        Block::Para(words) => format!("<p>{}</p>", inlines(words)?),
        Block::Display(latex) => {
            format!(
                "<div class=\"equation\">{}</div>",
                render_math(latex, true)?
            )
        }
        Block::Figure(_) => String::new(),
    })
}

fn inlines(words: &[Inline]) -> Result<String, KatexError> {
    let mut out = String::new();
    for w in words {
        match w {
            Inline::Text(text) => out.push_str(&escape(text)),
            Inline::Code(code) => out.push_str(&format!("<code>{}</code>", escape(code))),
            Inline::Math(latex) => out.push_str(&render_math(latex, false)?),
        }
    }
    Ok(out)
}

/// `text` safe in HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// KaTeX's stylesheet (woff2 sources only, see `assets/katex/README.md`).
const KATEX_CSS: &str = include_str!("../../assets/katex/katex.min.css");

/// KaTeX's fonts, by the file name the stylesheet uses.
const FONTS: &[(&str, &[u8])] = &[
    font!("KaTeX_AMS-Regular"),
    font!("KaTeX_Caligraphic-Bold"),
    font!("KaTeX_Caligraphic-Regular"),
    font!("KaTeX_Fraktur-Bold"),
    font!("KaTeX_Fraktur-Regular"),
    font!("KaTeX_Main-Bold"),
    font!("KaTeX_Main-BoldItalic"),
    font!("KaTeX_Main-Italic"),
    font!("KaTeX_Main-Regular"),
    font!("KaTeX_Math-BoldItalic"),
    font!("KaTeX_Math-Italic"),
    font!("KaTeX_SansSerif-Bold"),
    font!("KaTeX_SansSerif-Italic"),
    font!("KaTeX_SansSerif-Regular"),
    font!("KaTeX_Script-Regular"),
    font!("KaTeX_Size1-Regular"),
    font!("KaTeX_Size2-Regular"),
    font!("KaTeX_Size3-Regular"),
    font!("KaTeX_Size4-Regular"),
    font!("KaTeX_Typewriter-Regular"),
];

/// The stylesheet with every `url(fonts/NAME.woff2)` replaced by a base64 data URL.
fn katex_css() -> String {
    let mut css = KATEX_CSS.to_string();
    for (name, bytes) in FONTS {
        let url = format!("url(fonts/{name}.woff2)");
        let data = format!("url(data:font/woff2;base64,{})", base64(bytes));
        css = css.replace(&url, &data);
    }
    css
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }

    #[test]
    fn every_font_of_the_stylesheet_is_embedded() {
        let css = katex_css();
        assert!(!css.contains("url(fonts/"), "a font is left as a file URL");
        assert_eq!(css.matches("data:font/woff2;base64,").count(), FONTS.len());
    }
}
