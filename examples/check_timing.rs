//! Wall time of the default numeric check of one derivation file, on one thread and on every
//! core, with and without the central-difference cross-check: the best of 20 batches of 10
//! `check_derivation` calls. Criterion (`cargo bench --bench pipeline -- check`) is the
//! reference; this prints one line per configuration so that two builds can be run alternately
//! and compared.
//!
//! ```sh
//! cargo run --release --example check_timing -- derivations/softmax_cross_entropy.deriv
//! ```

use gradproof::check::{check_derivation, CheckOptions};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "derivations/softmax_cross_entropy.deriv".to_string());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let problem = parse_problem(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let d = derive(&problem, Limits::default()).expect("the file has a derive line");
    for threads in [1, 0] {
        for cross_check in [true, false] {
            let opts = CheckOptions {
                threads,
                cross_check,
                ..CheckOptions::default()
            };
            let best = (0..20)
                .map(|_| {
                    let start = Instant::now();
                    for _ in 0..10 {
                        std::hint::black_box(check_derivation(&problem, &d, &opts));
                    }
                    start.elapsed().as_secs_f64() * 1e3 / 10.0
                })
                .fold(f64::INFINITY, f64::min);
            let threads = if threads == 0 {
                "every core"
            } else {
                "one thread"
            };
            println!("{path}: {threads}, cross-check {cross_check}: {best:.2} ms");
        }
    }
}
