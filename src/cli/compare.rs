//! `gradproof compare`: the cancellation table of several files (in a format), or its plot.

use super::args::CompareFormat;
use super::compare_table::{self, Row};
use super::{load, read, write_output, Failure};
use crate::cli::plot_cmd;
use gradproof::analysis::cancellation::{self, Overrides};
use gradproof::engine::{self, Limits};
use gradproof::parse::diagnostic::{Code, Diagnostic};
use gradproof::render::{self, proof};
use gradproof::syntax::problem::{Kind, Problem};
use std::process::ExitCode;

/// How the table is computed and printed.
pub struct CompareOptions<'a> {
    /// The output format.
    pub format: CompareFormat,
    /// The `--set` arguments, each `NAME=VALUE[,NAME=VALUE…]`.
    pub set: &'a [String],
    /// No elision in the table format.
    pub full: bool,
}

/// The `compare` output for `files`.
pub fn compare(files: &[String], options: &CompareOptions) -> Result<String, Failure> {
    let mut problems = Vec::new();
    for file in files {
        problems.push((file, load(file, &read(file)?)?));
    }
    let overrides = overrides(options.set, &problems)?;
    let mut rows = Vec::new();
    for (file, problem) in &problems {
        let Some(d) = engine::derive(problem, Limits::default()) else {
            eprintln!("note: {file} has no `derive` line; left out of the comparison");
            continue;
        };
        let analysis = cancellation::analyse_with(problem, &d, &overrides);
        let opts = proof::options_for(problem);
        rows.push(Row {
            name: std::path::Path::new(file.as_str())
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(file)
                .to_string(),
            gradient: render::cancellation::line(d.result(), &opts),
            gradient_input: render::to_input_with(d.result(), &opts),
            instance: cancellation::instance_values(
                problem,
                &overrides,
                analysis.true_class.as_ref().and_then(|tc| tc.coupling),
            )
            .into_iter()
            .map(|(name, v)| {
                (
                    render::to_text(&gradproof::Expr::plain(&name), &opts),
                    name,
                    v,
                )
            })
            .collect(),
            report: analysis,
        });
    }
    if rows.is_empty() {
        return Err(Failure::Input(
            "none of the files has a `derive` line, nothing to compare".to_string(),
        ));
    }
    Ok(match options.format {
        CompareFormat::Table => compare_table::table(&rows, terminal_width(), options.full),
        CompareFormat::Csv => compare_table::csv(&rows),
        CompareFormat::Json => compare_table::json(&rows),
        CompareFormat::Markdown => compare_table::markdown(&rows),
    })
}

/// The width the table must fit: `COLUMNS` when it is a number of at least 40, else 100.
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c >= 40)
        .unwrap_or(100)
}

/// The `--set` values: each NAME must be a plain variable of one of the files (not the
/// variable differentiated by), each VALUE a number its kind allows in every file declaring it.
fn overrides(set: &[String], problems: &[(&String, Problem)]) -> Result<Overrides, Failure> {
    let mut out = Overrides::new();
    let settable: Vec<String> = problems
        .iter()
        .flat_map(|(_, p)| cancellation::instance_values(p, &Overrides::new(), None))
        .map(|(name, _)| name)
        .collect();
    for pair in set.iter().flat_map(|s| s.split(',')).map(str::trim) {
        if pair.is_empty() {
            continue;
        }
        let Some((name, value)) = pair.split_once('=') else {
            return Err(Failure::Input(format!(
                "--set {pair}: expected NAME=VALUE, such as {}=1",
                settable.first().map_or("gamma", String::as_str)
            )));
        };
        let (name, value) = (name.trim(), value.trim());
        if !settable.iter().any(|s| s == name) {
            let mut help = Vec::new();
            if let Some(close) =
                gradproof::syntax::suggest::closest(name, settable.iter().map(String::as_str))
            {
                help.push(format!("did you mean `{close}`?"));
            }
            help.push(match settable.is_empty() {
                true => "these files have no plain variable to set".to_string(),
                false => format!("the values that can be set: {}", settable.join(", ")),
            });
            return Err(Failure::Diag(Box::new(Diagnostic::plain(
                Code::Usage,
                format!("--set {name}: no file declares a plain variable `{name}`"),
                help,
            ))));
        }
        let v: f64 = value
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| Failure::Input(format!("--set {name}={value}: not a finite number")))?;
        for (file, p) in problems {
            if let Some(var) = p.var(name) {
                let fits = match var.kind {
                    Kind::Positive => v > 0.0,
                    // The closure [0, 1], as the report's own instance, whose targets are 1.
                    Kind::Unit => (0.0..=1.0).contains(&v),
                    _ => true,
                };
                if !fits {
                    return Err(Failure::Input(format!(
                        "--set {name}={value}: {file} declares `{name}` {}, which excludes {value}",
                        var.kind.keyword()
                    )));
                }
            }
        }
        out.insert(name.to_string(), v);
    }
    Ok(out)
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
