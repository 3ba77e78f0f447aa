//! Printers: the input syntax (parses back to the same tree), Unicode text for terminals, and
//! LaTeX in the notation of the blog post.
//!
//! Every printer is a pure function of an [`Expr`](crate::Expr) and a [`PrintOptions`]. They share
//! one reading of the semi-canonical tree (see `layout`): `a + (-1)*b` prints as `a - b`, a
//! product's negative coefficient as a leading minus, factors `b^(-n)` as a denominator, and each
//! bound index gets its user's letter unless that letter would capture or confuse, in which case
//! it is renamed with [`index::fresh_index_name`](crate::syntax::index::fresh_index_name), within its range.

pub mod blog_figures;
pub mod deriv_file;
pub(crate) mod document;
pub mod figures;
pub mod html;
pub mod json;
pub mod latex;
pub mod latex_proof;
mod latex_rows;
pub mod markdown;
pub mod text;
pub mod proof_input;
pub mod show_doc;
pub(crate) mod statement;

pub use crate::syntax::print::{to_input, to_input_with, FracStyle, PrintOptions};
pub use latex::to_latex;
pub use text::to_text;

pub mod cancellation;
pub mod cancellation_below;
pub mod proof;
pub mod report;
