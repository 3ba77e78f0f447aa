//! `gradproof compare`: the cancellation table of several files, or its plot.

use super::{emit, load, read, write_output, Failure};
use crate::plot_cmd;
use gradproof::cancellation;
use gradproof::engine::{self, Limits};
use gradproof::render::{self, proof};
use std::process::ExitCode;

/// The `compare` table of `files`.
pub fn compare(files: &[String]) -> Result<ExitCode, Failure> {
    let mut derived = Vec::new();
    for file in files {
        let problem = load(file, &read(file)?)?;
        let Some(d) = engine::derive(&problem, Limits::default()) else {
            eprintln!("note: {file} has no `derive` line; left out of the comparison");
            continue;
        };
        let analysis = cancellation::analyse(&problem, &d);
        derived.push((file, problem, d, analysis));
    }
    let rows: Vec<render::cancellation::Row> = derived
        .iter()
        .map(|(file, problem, d, analysis)| render::cancellation::Row {
            name: std::path::Path::new(file.as_str())
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(file),
            gradient: render::cancellation::line(d.result(), &proof::options_for(problem)),
            report: analysis,
        })
        .collect();
    if rows.is_empty() {
        return Err(Failure::Input(
            "none of the files has a `derive` line, nothing to compare".to_string(),
        ));
    }
    emit(&render::cancellation::compare_table(&rows));
    Ok(ExitCode::SUCCESS)
}

/// `compare --plot`: the overlay of the files' true-class gradients.
pub fn compare_plot(files: &[String], output: Option<&str>) -> Result<ExitCode, Failure> {
    let mut problems = Vec::new();
    for file in files {
        problems.push((file.clone(), load(file, &read(file)?)?));
    }
    let svg = plot_cmd::compare_plot(&problems).map_err(Failure::Input)?;
    write_output(&svg, output)
}
