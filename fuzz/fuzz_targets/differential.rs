//! The random differential test as a fuzz target: the input's first 8 bytes seed the same
//! generator as `tests/differential` (random losses, definitions, `via` and goals); whenever
//! gradproof's check passes, the result must agree with the arbitrary-precision oracle, and false
//! claims made from it must be rejected. A failing case panics with its `.deriv` text.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The test's own modules (dead code allowed: the test reads fields this target does not).
#[path = "../../tests/differential/gen.rs"]
#[allow(dead_code)]
mod gen;
#[path = "../../tests/differential/oracle.rs"]
#[allow(dead_code)]
mod oracle;
#[path = "../../tests/differential/rng.rs"]
#[allow(dead_code)]
mod rng;
#[path = "../../tests/differential/run.rs"]
#[allow(dead_code)]
mod run;

fuzz_target!(|data: &[u8]| {
    let mut seed = [0u8; 8];
    for (i, b) in data.iter().take(8).enumerate() {
        seed[i] = *b;
    }
    let case = gen::generate(u64::from_le_bytes(seed));
    if let run::Outcome::Bug(why) = run::run(&case) {
        panic!("{why}\n--- case {} ---\n{}", case.seed, case.text);
    }
});
