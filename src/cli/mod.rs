//! The command line: reads files, prints, and chooses exit codes (0 all good, 1 a result or
//! step is false, 2 bad input). Each subcommand lives in its own module; this one dispatches.

pub mod args;
mod compare;
mod run;
mod tools;

use crate::plot_cmd;
use args::output;
use args::{Cli, Command, Output};
use clap::Parser;
use gradproof::parse::parse_problem;
use gradproof::problem::Problem;
use run::{run_file, verify_proof, Mode};
use std::io::Write;
use std::process::ExitCode;
use tools::{audit, list_rules, print_expr};

/// The reference derivation, run when no file is given.
const DEFAULT_DERIVATION: &str = include_str!("../../derivations/softmax_cross_entropy.deriv");

/// What went wrong, and the exit code it maps to.
pub enum Failure {
    /// Bad input: exit 2.
    Input(String),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Derive {
            file,
            format,
            standalone,
            no_annotations,
            figures,
            seed,
        }) => output(format, standalone, no_annotations, figures.as_deref()).and_then(|out| {
            read(&file).and_then(|text| run_file(&file, &text, Mode::Derive(out), seed))
        }),
        Some(Command::Check { file, seed }) => {
            read(&file).and_then(|text| run_file(&file, &text, Mode::Check, seed))
        }
        Some(Command::Verify { proof, seed }) => {
            read(&proof).and_then(|text| verify_proof(&proof, &text, seed))
        }
        Some(Command::Compare {
            files, plot: false, ..
        }) => compare::compare(&files),
        Some(Command::Compare {
            files,
            plot: true,
            output,
        }) => compare::compare_plot(&files, output.as_deref()),
        Some(Command::Plot {
            file,
            figure,
            preset,
            scores,
            true_class,
            steps,
            lr,
            output,
        }) => {
            let options = plot_cmd::PlotOptions {
                preset,
                scores,
                true_class,
                steps,
                lr,
            };
            read(&file)
                .and_then(|text| load(&file, &text))
                .and_then(|problem| {
                    plot_cmd::plot(&file, &problem, figure, &options).map_err(Failure::Input)
                })
                .and_then(|svg| write_output(&svg, output.as_deref()))
        }
        Some(Command::Print {
            expr,
            format,
            index,
            from_text,
        }) => {
            let expr = match from_text {
                true => gradproof::parse::text_to_input(&expr),
                false => expr,
            };
            print_expr(&expr, format, &index)
        }
        Some(Command::Audit {
            post,
            with,
            format,
            seed,
        }) => audit(&post, &with, format, seed),
        Some(Command::Rules) => {
            list_rules();
            Ok(ExitCode::SUCCESS)
        }
        None => match cli.file {
            Some(file) => {
                read(&file).and_then(|text| run_file(&file, &text, Mode::Derive(Output::TEXT), 0))
            }
            None => run_file(
                "<embedded>",
                DEFAULT_DERIVATION,
                Mode::Derive(Output::TEXT),
                0,
            ),
        },
    };
    match outcome {
        Ok(code) => code,
        Err(Failure::Input(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &str) -> Result<String, Failure> {
    let bytes =
        std::fs::read(path).map_err(|e| Failure::Input(format!("cannot read {path}: {e}")))?;
    gradproof::parse::decode_text(bytes).map_err(|e| Failure::Input(format!("{path}:{e:#}")))
}

fn load(name: &str, text: &str) -> Result<Problem, Failure> {
    parse_problem(text).map_err(|e| Failure::Input(format!("{name}:{e:#}")))
}

/// Writes `text` to the file `output`, or to stdout without one.
fn write_output(text: &str, output: Option<&str>) -> Result<ExitCode, Failure> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Input(format!("cannot write {path}: {e}")))?,
        None => emit(text),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
