//! What a proof document is made of: the problem, the engine's derivation with its numeric check,
//! and a checked hand-written `show` block. A file may have either or both.

use crate::analysis::cancellation::Cancellation;
use crate::check::handwritten::ShowReport;
use crate::check::CheckReport;
use crate::engine::trace::Derivation;
use crate::syntax::problem::Problem;

/// The inputs of a proof document in any format.
#[derive(Clone, Copy, Debug)]
pub struct ProofInput<'a> {
    /// The problem (its declarations are stated at the top of every document).
    pub problem: &'a Problem,
    /// The derivation of the `derive` line, if the file has one.
    pub derivation: Option<&'a Derivation>,
    /// The numeric check of [`ProofInput::derivation`], when it was checked.
    pub report: Option<&'a CheckReport>,
    /// The checked `show` block, if the file has one.
    pub show: Option<&'a ShowReport>,
    /// The file's text, so that text output can quote the user's `show` lines as written.
    pub source: Option<&'a str>,
    /// The cancellation report of [`ProofInput::derivation`], computed before rendering
    /// ([`crate::analysis::cancellation::analyse`]); documents print it when it is given.
    pub cancellation: Option<&'a Cancellation>,
    /// Whether the derivation's result equals the `expect` line after normalisation
    /// ([`crate::analysis::normal::expect_holds`]), decided before rendering; `None` when not
    /// decided (the JSON view then leaves the `expect` verdict out).
    pub expect_holds: Option<bool>,
}

impl<'a> ProofInput<'a> {
    /// A document of the derivation `d` alone, unchecked, with its cancellation report.
    pub fn derivation(
        problem: &'a Problem,
        d: &'a Derivation,
        cancellation: &'a Cancellation,
    ) -> Self {
        ProofInput {
            problem,
            derivation: Some(d),
            report: None,
            show: None,
            source: None,
            cancellation: Some(cancellation),
            // Not decided here (a renderer computes nothing): only the JSON view prints it.
            expect_holds: None,
        }
    }
}
