//! Arbitrary UTF-8 → `parse_expr` → print in the input syntax → parse again: the parser never
//! panics, and whatever it accepts prints to text that parses back to the same tree.
#![no_main]

use gradproof::parse::parse_expr;
use gradproof::render::{to_input, to_latex, to_text, PrintOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(e) = parse_expr(text) else { return };
    let printed = to_input(&e);
    let again = parse_expr(&printed)
        .unwrap_or_else(|err| panic!("{text:?} printed as {printed:?}, which fails: {err}"));
    assert_eq!(again, e, "{text:?} printed as {printed:?}, which parses differently");
    let opts = PrintOptions::default();
    let _ = to_text(&e, &opts);
    let _ = to_latex(&e, &opts);
});
