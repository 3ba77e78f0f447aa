//! Arbitrary bytes as a `.deriv` file → `parse_problem` → `derive` → `check_derivation` with
//! small options → the text proof and the LaTeX of every line. Nothing may panic, overflow the
//! stack or take long.
#![no_main]

use gradproof::check::{check_derivation, CheckOptions};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::{proof, to_latex};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(problem) = parse_problem(text) else { return };
    // Small limits keep each run short; the limits themselves are part of what is exercised.
    let limits = Limits { max_firings: 300, max_size: 5_000 };
    let Some(d) = derive(&problem, limits) else { return };
    let opts = CheckOptions {
        samples: 1,
        sizes: vec![2, 3],
        random_sizes: 0,
        max_assignments: 8,
        cross_check: false,
        // One thread: the fuzzer's coverage feedback wants a run on the calling thread.
        threads: 1,
        ..CheckOptions::default()
    };
    let _report = check_derivation(&problem, &d, &opts);
    let _ = proof::proof_text(&problem, &d);
    let print = proof::options_for(&problem);
    for line in d.lines() {
        let _ = to_latex(line, &print);
    }
});
