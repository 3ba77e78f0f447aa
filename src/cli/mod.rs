//! The command line: reads files, prints, and chooses exit codes (0 all good, 1 a result or
//! step is false, 2 bad input). Each subcommand lives in its own module; this one dispatches
//! and owns what every subcommand shares: reading input (`-` is stdin), the `-o` sink, and how
//! diagnostics are printed (`--message-format`, `--color`, `--quiet`).

pub mod args;
mod compare;
mod compare_table;
pub mod plot_cmd;
mod run;
mod tools;
mod watch;

use args::{Cli, ColorChoice, Command, MessageFormat, Output, RunArgs};
use clap::{CommandFactory, Parser};
use gradproof::parse::diagnostic::{Code, Diagnostic};
use gradproof::syntax::problem::Problem;
use run::{run_file, verify_proof, Mode};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};
use tools::{audit, list_rules, print_expr};

/// The reference derivation, run when no file is given.
const DEFAULT_DERIVATION: &str = include_str!("../../derivations/softmax_cross_entropy.deriv");

/// What went wrong, and the exit code it maps to.
pub enum Failure {
    /// Bad input, said in a sentence: exit 2.
    Input(String),
    /// Bad input with its place and hints: exit 2.
    Diag(Box<Diagnostic>),
}

impl Failure {
    /// The failure as a diagnostic.
    fn into_diagnostic(self) -> Diagnostic {
        match self {
            Failure::Input(message) => Diagnostic::plain(Code::Usage, message, Vec::new()),
            Failure::Diag(d) => *d,
        }
    }
}

/// How this run prints: the global flags, resolved once.
pub struct Settings {
    /// Diagnostics as JSON lines.
    pub json: bool,
    /// Colour on stderr.
    pub color: bool,
    /// No report on stdout.
    pub quiet: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// The run's settings (human, no colour, not quiet before `main` has read the flags).
pub fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| Settings {
        json: false,
        color: false,
        quiet: false,
    })
}

/// Prints a diagnostic on stderr in the chosen message format.
pub fn report(d: &Diagnostic) {
    let s = settings();
    match s.json {
        true => eprintln!("{}", d.json()),
        false => eprintln!("{}", d.human(s.color)),
    }
}

/// Runs the command line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    let _ = SETTINGS.set(Settings {
        json: cli.message_format == MessageFormat::Json,
        color,
        quiet: cli.quiet,
    });
    let outcome = dispatch(cli.command, cli.file);
    match outcome {
        Ok(code) => code,
        Err(failure) => {
            report(&failure.into_diagnostic());
            ExitCode::from(2)
        }
    }
}

fn dispatch(command: Option<Command>, file: Option<String>) -> Result<ExitCode, Failure> {
    match command {
        Some(Command::Derive {
            files,
            format,
            standalone,
            no_annotations,
            figures,
            seed,
            math,
            front_matter,
            fragment,
            normalise_show,
            run,
        }) => {
            let out = args::output(format, standalone, no_annotations, figures.as_deref())
                .and_then(|out| {
                    args::document_flags(out, math, front_matter, fragment, normalise_show)
                })?;
            if files.len() > 1 && !matches!(format, args::ProofFormat::Text) {
                return Err(Failure::Input(format!(
                    "{} files with a document format: give one file per run (each is its own \
                     document), or use --format text",
                    files.len()
                )));
            }
            run_files(&files, Mode::Derive(out), seed, &run)
        }
        Some(Command::Check { files, seed, run }) => run_files(&files, Mode::Check, seed, &run),
        Some(Command::Verify { proof, seed }) => {
            read(&proof).and_then(|text| verify_proof(&display_name(&proof), &text, seed))
        }
        Some(Command::Compare {
            files,
            plot: false,
            output,
            format,
            set,
            full,
        }) => compare::compare(
            &files,
            &compare::CompareOptions {
                format,
                set: &set,
                full,
            },
        )
        .and_then(|text| write_output(&text, output.as_deref())),
        Some(Command::Compare {
            files,
            plot: true,
            output,
            format,
            set,
            full,
        }) => {
            if !set.is_empty() || full || format != args::CompareFormat::Table {
                return Err(Failure::Input(
                    "--set, --full and --format apply to the table, not to --plot".to_string(),
                ));
            }
            compare::compare_plot(&files, output.as_deref())
        }
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
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "gradproof", &mut out);
            emit(&String::from_utf8_lossy(&out));
            Ok(ExitCode::SUCCESS)
        }
        None => match file {
            Some(file) => {
                unknown_command(&file)?;
                let text = read(&file)?;
                let code = run_file(&display_name(&file), &text, Mode::Derive(Output::TEXT), 0)?;
                Ok(ExitCode::from(code))
            }
            None => run_file(
                "<embedded>",
                DEFAULT_DERIVATION,
                Mode::Derive(Output::TEXT),
                0,
            )
            .map(ExitCode::from),
        },
    }
}

/// A word given where a file or a command goes that is neither an existing file nor a command:
/// "unknown command", with the closest command when one is close. A path that exists is always
/// a file.
fn unknown_command(word: &str) -> Result<(), Failure> {
    if word == "-" || std::path::Path::new(word).exists() {
        return Ok(());
    }
    let cmd = Cli::command();
    let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
    let Some(close) = gradproof::syntax::suggest::closest(word, names.iter().copied()) else {
        return Ok(());
    };
    Err(Failure::Diag(Box::new(Diagnostic::plain(
        Code::Usage,
        format!("unknown command `{word}`, and no file of that name"),
        vec![format!("did you mean `gradproof {close}`?")],
    ))))
}

/// `derive`/`check` of several files: each reported (a header before each when there are
/// several), the exit code the worst; `-o` and `--watch` apply to the whole run.
fn run_files(files: &[String], mode: Mode, seed: u64, run: &RunArgs) -> Result<ExitCode, Failure> {
    if run.watch && files.iter().any(|f| f == "-") {
        return Err(Failure::Input(
            "--watch needs files: standard input (`-`) cannot be watched".to_string(),
        ));
    }
    let once = || -> Result<u8, Failure> {
        start_capture(run.output.is_some());
        let mut worst = 0u8;
        for (i, file) in files.iter().enumerate() {
            if files.len() > 1 && mode.is_report() && !settings().quiet {
                let gap = if i == 0 { "" } else { "\n" };
                emit(&format!("{gap}══ {} ══\n", display_name(file)));
            }
            let code = read(file).and_then(|text| run_file(&display_name(file), &text, mode, seed));
            worst = worst.max(code.unwrap_or_else(|f| {
                report(&f.into_diagnostic());
                2
            }));
        }
        if let Some(path) = &run.output {
            let text = finish_capture();
            std::fs::write(path, text)
                .map_err(|e| Failure::Input(format!("cannot write {path}: {e}")))?;
        }
        Ok(worst)
    };
    if !run.watch {
        let worst = once()?;
        return Ok(ExitCode::from(worst));
    }
    watch::watch(files, || match once() {
        Ok(_) => {}
        Err(f) => report(&f.into_diagnostic()),
    });
    Ok(ExitCode::SUCCESS)
}

/// The name a file is reported under: `<stdin>` for `-`.
pub fn display_name(path: &str) -> String {
    match path {
        "-" => "<stdin>".to_string(),
        p => p.to_string(),
    }
}

/// The text of the file `path` (`-`: standard input).
fn read(path: &str) -> Result<String, Failure> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::Input(format!("cannot read standard input: {e}")))?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| Failure::Input(format!("cannot read {path}: {e}")))?
    };
    gradproof::parse::decode_text(bytes).map_err(|e| {
        Failure::Diag(Box::new(Diagnostic::from_parse(
            &display_name(path),
            "",
            &e,
        )))
    })
}

/// The problem in `text`, read from the file `name`; a parse error with its hints.
/// Parses a `.deriv` file named `name`, resolving its `use` lines relative to it.
fn load(name: &str, text: &str) -> Result<Problem, Failure> {
    let read = |path: &std::path::Path| -> Result<String, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        gradproof::parse::decode_text(bytes).map_err(|e| format!("{e}"))
    };
    gradproof::engine::imports::parse_with_imports(text, std::path::Path::new(name), &read)
        .map_err(|e| Failure::Diag(Box::new(Diagnostic::from_parse(name, text, &e))))
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

/// Output held back for `-o FILE` (None: straight to stdout).
static CAPTURE: Mutex<Option<String>> = Mutex::new(None);

/// From now on, [`emit`] collects into a buffer when `on`.
fn start_capture(on: bool) {
    if let Ok(mut c) = CAPTURE.lock() {
        *c = on.then(String::new);
    }
}

/// The collected output; [`emit`] writes to stdout again.
fn finish_capture() -> String {
    CAPTURE
        .lock()
        .ok()
        .and_then(|mut c| c.take())
        .unwrap_or_default()
}

/// Writes `text` to stdout (or to the `-o` buffer); a closed pipe (`| head`) is not an error.
fn emit(text: &str) {
    if let Ok(mut c) = CAPTURE.lock() {
        if let Some(buffer) = c.as_mut() {
            buffer.push_str(text);
            return;
        }
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
