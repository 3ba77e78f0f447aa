//! The figures a blog-shaped proof (`derive --format html`, or markdown with `--figures DIR`)
//! shows, each placed after the part of the derivation it illustrates:
//! - the Jacobian heatmap after the chain-rule piece it draws (the link lemma);
//! - the curves after the step where the loss piece's reciprocal cancels (or, when nothing
//!   cancels, after the step that substitutes the pieces);
//! - the learning signal after the result.
//!
//! A figure the derivation cannot give (no probability to sweep, no class index) is left out.

use super::figures::{curves_svg, jacobian_svg, signal_svg};
use super::proof::options_for;
use crate::analysis::blog_data::BlogFigureData;
use crate::analysis::cancellation::Cancellation;
use crate::engine::trace::Derivation;
use crate::rules::Move;
use crate::syntax::expr::Expr;
use crate::syntax::problem::Problem;

/// Where a figure goes in the document.
#[derive(Clone, Debug, PartialEq)]
pub enum Anchor {
    /// After the chain-rule piece (lemma) with this goal.
    AfterLemma(Expr),
    /// After this main step (1-based).
    AfterStep(usize),
}

/// A figure of a blog-shaped proof.
#[derive(Clone, Debug)]
pub struct BlogFigure {
    /// A short file-name-safe name (`curves`, `jacobian`, `signal`).
    pub name: &'static str,
    /// The caption (also the image's alternative text).
    pub caption: String,
    /// The SVG.
    pub svg: String,
    /// Where it goes.
    pub anchor: Anchor,
}

/// The figures of `d`'s blog-shaped proof, in document order of their anchors' kinds.
/// `report` is `d`'s cancellation report (the curves figure is placed after the step that
/// cancels) and `data` the figures' data, both computed before rendering.
pub fn blog_figures(
    problem: &Problem,
    d: &Derivation,
    report: &Cancellation,
    data: &BlogFigureData,
) -> Vec<BlogFigure> {
    let opts = options_for(problem);
    let title = problem.title.as_deref().unwrap_or("");
    let mut out = Vec::new();
    if let Some(h) = &data.jacobian {
        if let Ok(svg) = jacobian_svg(h, title, &opts) {
            out.push(BlogFigure {
                name: "jacobian",
                caption: "Each row nudges one score; each column is a probability responding; \
                          the diagonal is outlined and each row's sum is printed at its end."
                    .to_string(),
                svg,
                anchor: Anchor::AfterLemma(h.goal.clone()),
            });
        }
    }
    if let Some(c) = &data.curves {
        let substitute = d
            .steps
            .iter()
            .position(|s| s.made(Move::Substitute))
            .map(|i| i + 1);
        let step = report
            .cancelled_at_step
            .or(substitute)
            .unwrap_or(d.steps.len());
        if let Ok(svg) = curves_svg(c, title, &opts) {
            out.push(BlogFigure {
                name: "curves",
                caption: "The pieces of the chain rule and their product, along the probability \
                          of the true class."
                    .to_string(),
                svg,
                anchor: Anchor::AfterStep(step),
            });
        }
    }
    if let Some(s) = &data.signal {
        if let Ok(svg) = signal_svg(s, title, &opts) {
            out.push(BlogFigure {
                name: "signal",
                caption: "The learning signal per class, and what one gradient step does to the \
                          probabilities."
                    .to_string(),
                svg,
                anchor: Anchor::AfterStep(d.steps.len()),
            });
        }
    }
    out
}

/// `svg` ready to sit inline in an HTML page: without its metadata (whose id would repeat).
pub fn inline_svg(svg: &str) -> String {
    match (svg.find("<metadata"), svg.find("</metadata>")) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{}", &svg[..a], &svg[b + "</metadata>".len()..])
        }
        _ => svg.to_string(),
    }
}
