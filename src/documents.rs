//! A derivation analysed and rendered in one call: the cancellation report is computed here
//! ([`crate::analysis::cancellation::analyse`]) and handed to the renderers, which compute
//! nothing of their own (`tests/architecture.rs` checks that no file under `src/render/` calls
//! the analysis). These are the entry points for a caller that has a derivation and wants a
//! document; the command line does the same in `src/cli/run.rs`.

use crate::analysis::cancellation::analyse;
use crate::analysis::normal::expect_holds;
use crate::check::CheckReport;
use crate::engine::trace::Derivation;
use crate::render::blog_figures::BlogFigure;
use crate::render::html::KatexError;
use crate::render::json::ProofView;
use crate::render::latex_proof::LatexOptions;
use crate::render::{blog_figures, html, json, latex_proof, markdown, proof};
use crate::syntax::problem::Problem;

/// [`proof::proof_text`] with the report computed.
pub fn proof_text(problem: &Problem, d: &Derivation) -> String {
    proof::proof_text(problem, d, &analyse(problem, d))
}

/// [`proof::proof_text_checked`] with the report computed.
pub fn proof_text_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
) -> String {
    proof::proof_text_checked(problem, d, report, &analyse(problem, d))
}

/// [`latex_proof::proof_latex`] with the report computed.
pub fn proof_latex(problem: &Problem, d: &Derivation, options: LatexOptions) -> String {
    latex_proof::proof_latex(problem, d, &analyse(problem, d), options)
}

/// [`markdown::proof_markdown`] with the report computed.
pub fn proof_markdown(problem: &Problem, d: &Derivation) -> String {
    markdown::proof_markdown(problem, d, &analyse(problem, d))
}

/// [`markdown::proof_markdown_with_figures`] with the report computed.
pub fn proof_markdown_with_figures(
    problem: &Problem,
    d: &Derivation,
    figures: &[(BlogFigure, String)],
) -> String {
    markdown::proof_markdown_with_figures(problem, d, &analyse(problem, d), figures)
}

/// [`html::proof_html`] with the report computed.
pub fn proof_html(problem: &Problem, d: &Derivation) -> Result<String, KatexError> {
    html::proof_html(problem, d, &analyse(problem, d))
}

/// [`html::proof_html_with_figures`] with the report computed.
pub fn proof_html_with_figures(
    problem: &Problem,
    d: &Derivation,
    figures: &[BlogFigure],
) -> Result<String, KatexError> {
    html::proof_html_with_figures(problem, d, &analyse(problem, d), figures)
}

/// [`json::proof_view`] with the report computed.
pub fn proof_view(problem: &Problem, d: &Derivation) -> ProofView {
    json::proof_view(problem, d, &analyse(problem, d), expect_holds(problem, d))
}

/// [`json::proof_view_checked`] with the report computed.
pub fn proof_view_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
) -> ProofView {
    json::proof_view_checked(
        problem,
        d,
        report,
        &analyse(problem, d),
        expect_holds(problem, d),
    )
}

/// [`json::proof_json`] with the report computed.
pub fn proof_json(problem: &Problem, d: &Derivation) -> String {
    json::proof_json(problem, d, &analyse(problem, d), expect_holds(problem, d))
}

/// [`json::proof_json_checked`] with the report computed.
pub fn proof_json_checked(
    problem: &Problem,
    d: &Derivation,
    report: Option<&CheckReport>,
) -> String {
    json::proof_json_checked(
        problem,
        d,
        report,
        &analyse(problem, d),
        expect_holds(problem, d),
    )
}

/// [`blog_figures::blog_figures`] with the report and the figures' data computed.
pub fn blog_figures(problem: &Problem, d: &Derivation) -> Vec<BlogFigure> {
    let data = crate::analysis::blog_data::blog_figure_data(problem, d);
    blog_figures::blog_figures(problem, d, &analyse(problem, d), &data)
}
