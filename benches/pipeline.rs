//! The pipeline on every file in `derivations/`: parse, derive, the default numeric check and
//! the text proof; the numeric check of the reference derivation at growing range sizes, and on
//! one thread against every core.
//!
//! Run with `cargo bench --bench pipeline` (add a filter such as `-- derive/` to run one group).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gradproof::check::{check_derivation, CheckOptions};
use gradproof::documents::proof_text;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use std::hint::black_box;
use std::time::Duration;

/// Every derivation file with a `derive` line, as (file stem, text).
fn files() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/derivations");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("derivations/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deriv"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_stem().map(|s| s.to_string_lossy().into_owned());
            let text = std::fs::read_to_string(&p).expect("readable");
            (name.unwrap_or_default(), text)
        })
        .filter(|(_, text)| parse_problem(text).is_ok_and(|p| p.goal.is_some()))
        .collect()
}

fn pipeline(c: &mut Criterion) {
    let files = files();
    for stage in ["parse", "derive", "check", "render", "parse+derive+render"] {
        let mut group = c.benchmark_group(stage);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
        for (name, text) in &files {
            let problem = parse_problem(text).expect("parses");
            let d = derive(&problem, Limits::default()).expect("a derive line");
            let id = BenchmarkId::from_parameter(name);
            match stage {
                "parse" => group.bench_function(id, |b| b.iter(|| parse_problem(black_box(text)))),
                "derive" => group.bench_function(id, |b| {
                    b.iter(|| derive(black_box(&problem), Limits::default()))
                }),
                "check" => group.bench_function(id, |b| {
                    b.iter(|| check_derivation(black_box(&problem), &d, &CheckOptions::default()))
                }),
                "render" => {
                    group.bench_function(id, |b| b.iter(|| proof_text(black_box(&problem), &d)))
                }
                _ => group.bench_function(id, |b| {
                    b.iter(|| {
                        let p = parse_problem(black_box(text)).expect("parses");
                        let d = derive(&p, Limits::default()).expect("a derive line");
                        proof_text(&p, &d)
                    })
                }),
            };
        }
        group.finish();
    }
}

/// The check of the reference derivation at one range size `K`, one instance, and four
/// free-index assignments (drawn at random: enumerating all `K` of them would measure `K^2`).
fn check_by_size(c: &mut Criterion) {
    let text = include_str!("../derivations/softmax_cross_entropy.deriv");
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a derive line");
    let mut group = c.benchmark_group("check-K");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for k in [10usize, 1_000, 100_000] {
        let opts = CheckOptions {
            samples: 1,
            sizes: vec![k],
            random_sizes: 0,
            max_assignments: 4,
            ..CheckOptions::default()
        };
        group.bench_function(BenchmarkId::from_parameter(k), |b| {
            b.iter(|| check_derivation(black_box(&problem), &d, &opts))
        });
    }
    group.finish();
}

/// The default check of the reference derivation on one thread and on every core, with the
/// `f64` fast path and without it (log space only, as before it): the verdicts are the same,
/// only the wall time differs.
fn check_by_threads(c: &mut Criterion) {
    let text = include_str!("../derivations/softmax_cross_entropy.deriv");
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a derive line");
    let mut group = c.benchmark_group("check-threads");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (name, threads, fast_path) in [
        ("one", 1, true),
        ("one-log-space", 1, false),
        ("every-core", 0, true),
        ("every-core-log-space", 0, false),
    ] {
        let opts = CheckOptions {
            threads,
            fast_path,
            ..CheckOptions::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| check_derivation(black_box(&problem), &d, &opts))
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline, check_by_size, check_by_threads);
criterion_main!(benches);
