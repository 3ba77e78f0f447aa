//! The cancellation report's line for a variable below the logits.

use super::cancellation::{MathPart, Part};
use crate::analysis::cancellation_below::BelowLogits;
use crate::syntax::expr::Expr;

/// "Below the logits z_a: the result is Σ_a (r_a − t_a) x_ae, the gap at the logits weighted
/// by ∂z_a/∂v_e = x_ae (equal after normalisation ✓)." as a sentence of the report.
pub(crate) fn below_sentence(b: &BelowLogits) -> Vec<Part> {
    let math = |e: &Expr| Part::Math(vec![MathPart::Expr(e.clone())]);
    let mut out = vec![Part::Words("Below the logits ".into()), math(&b.logit)];
    match (&b.gap, &b.weight, &b.chain) {
        (Some(gap), Some(weight), Some(chain)) => {
            out.push(Part::Words(": the result is ".into()));
            out.push(math(chain));
            out.push(Part::Words(", the gap at the logits ".into()));
            out.push(math(gap));
            out.push(Part::Words(
                " weighted by the factor the chain carries it by, ".into(),
            ));
            out.push(math(weight));
            out.push(Part::Words(
                match b.chain_holds {
                    true => " (equal to the result after normalisation ✓).",
                    false => " (the rules did not show it equal to the result).",
                }
                .into(),
            ));
        }
        _ => out.push(Part::Words(
            ": the engine did not derive the gap or the factor.".into(),
        )),
    }
    out
}
