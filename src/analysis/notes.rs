//! Notes a proof carries about its derivation as a whole.

/// The note a proof carries when a bracket was differentiated: the derivative it shows holds
/// away from the kinks only.
pub const KINK_NOTE: &str = "derivatives of piecewise functions hold away from their kinks \
     (where the argument of an Iverson bracket is 0); on the kinks they are not defined";

/// [`KINK_NOTE`] when `d` (or one of its lemmas) differentiated a bracket (`d-bracket` fired).
pub fn kink_note(d: &crate::engine::trace::Derivation) -> Option<&'static str> {
    fn fired(d: &crate::engine::trace::Derivation) -> bool {
        d.steps
            .iter()
            .any(|s| s.fired(&crate::rules::piecewise::D_BRACKET) || s.lemmas.iter().any(fired))
    }
    fired(d).then_some(KINK_NOTE)
}
