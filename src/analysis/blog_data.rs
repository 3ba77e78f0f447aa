//! The data of a blog-shaped proof's figures (`derive --format html`, markdown with
//! `--figures DIR`), computed before rendering: `render::blog_figures` draws what is here and
//! computes nothing. A figure the derivation cannot give is `None`.

use crate::analysis::figures::{self, Curves, Heatmap, Preset, Signal};
use crate::engine::trace::Derivation;
use crate::syntax::problem::Problem;

/// The three figures' data at the balanced preset's scores, class 1 the true class.
pub struct BlogFigureData {
    /// The link piece's Jacobian ([`figures::jacobian`]).
    pub jacobian: Option<Heatmap>,
    /// The pieces along the true-class probability ([`figures::curves`]).
    pub curves: Option<Curves>,
    /// The learning signal and one gradient step of rate 1 ([`figures::signal`]).
    pub signal: Option<Signal>,
}

/// The figures' data of `d`.
pub fn blog_figure_data(problem: &Problem, d: &Derivation) -> BlogFigureData {
    let scores = Preset::Balanced.scores();
    BlogFigureData {
        jacobian: figures::jacobian(problem, d, &scores, 1).ok(),
        curves: figures::curves(problem, d).ok(),
        signal: figures::signal(problem, d, &scores, 1, 1, 1.0).ok(),
    }
}
