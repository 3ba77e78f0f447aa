//! The cancellation report's line for a variable below the logits.

use super::cancellation::line;
use super::PrintOptions;
use crate::analysis::cancellation_below::BelowLogits;

/// "Below the logits z_a: the result is Σ_a (r_a − t_a) x_ae, the gap at the logits weighted
/// by ∂z_a/∂v_e = x_ae (equal after normalisation ✓)."
pub fn below_text(b: &BelowLogits, opts: &PrintOptions) -> String {
    let logit = line(&b.logit, opts);
    match (&b.gap, &b.weight, &b.chain) {
        (Some(gap), Some(weight), Some(chain)) => format!(
            "  Below the logits {logit}: the result is {}, the gap at the logits {} weighted by \
             the factor the chain carries it by, {} ({}).\n",
            line(chain, opts),
            line(gap, opts),
            line(weight, opts),
            match b.chain_holds {
                true => "equal to the result after normalisation ✓",
                false => "the rules did not show it equal to the result",
            }
        ),
        _ => format!(
            "  Below the logits {logit}: the engine did not derive the gap or the factor.\n"
        ),
    }
}
