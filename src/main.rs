//! The gradproof command line: reads files, prints, and chooses exit codes (0 all good, 1 a
//! result or step is false, 2 bad input). Everything else is in the library.

use clap::{Parser, Subcommand, ValueEnum};
use gradproof::check::{check_derivation, check_expect, CheckOptions};
use gradproof::engine::{self, Limits};
use gradproof::expr::Expr;
use gradproof::handwritten::check_show_block;
use gradproof::parse::{parse_expr, parse_problem};
use gradproof::problem::Problem;
use gradproof::render::{self, proof, report, PrintOptions};
use gradproof::{normal, rules};
use std::process::ExitCode;

/// The reference derivation, run when no file is given.
const DEFAULT_DERIVATION: &str = include_str!("../derivations/softmax_cross_entropy.deriv");

#[derive(Parser)]
#[command(
    name = "gradproof",
    version,
    about = "Derive gradients one named rule at a time, check every step, print the proof",
    long_about = "Derive gradients one named rule at a time, check every step, print the proof.\n\n\
                  With no command, derives FILE (or the embedded softmax cross-entropy derivation \
                  from the blog post) and prints it as text.\n\n\
                  Exit codes: 0 everything holds, 1 a step, an `expect` or a `show` line is \
                  false, 2 bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A .deriv file to derive (default: the embedded softmax cross-entropy derivation).
    file: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Derive a .deriv file, check every step numerically, and print the proof.
    Derive {
        /// The .deriv file.
        file: String,
        /// The output format.
        #[arg(long, value_enum, default_value_t = ProofFormat::Text)]
        format: ProofFormat,
        /// The seed of the numeric check's random instances.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Print the numeric check report of a .deriv file: every step of the derivation and its
    /// lemmas, the `expect` line, and any `show` block.
    Check {
        /// The .deriv file.
        file: String,
        /// The seed of the random instances.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Parse one expression and print it.
    Print {
        /// The expression, in the input syntax (e.g. "-sum_j q_j * log(p_j)").
        #[arg(allow_hyphen_values = true)]
        expr: String,
        /// The output format.
        #[arg(long, value_enum, default_value_t = ExprFormat::Input)]
        format: ExprFormat,
        /// Index ranges for printing sums, as LETTERS=UPPER (e.g. j,k,m=K); repeatable.
        #[arg(long = "index", value_name = "LETTERS=UPPER")]
        index: Vec<String>,
    },
    /// List the rewrite rules, in registry order.
    Rules,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProofFormat {
    /// Unicode text for a terminal.
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExprFormat {
    /// The input syntax (parses back to the same expression).
    Input,
    /// Unicode text.
    Text,
    /// LaTeX in the blog post's notation.
    Latex,
}

/// What went wrong, and the exit code it maps to.
enum Failure {
    /// Bad input: exit 2.
    Input(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Derive { file, format, seed }) => {
            read(&file).and_then(|text| run_file(&file, &text, Mode::Derive(format), seed))
        }
        Some(Command::Check { file, seed }) => {
            read(&file).and_then(|text| run_file(&file, &text, Mode::Check, seed))
        }
        Some(Command::Print {
            expr,
            format,
            index,
        }) => print_expr(&expr, format, &index),
        Some(Command::Rules) => {
            list_rules();
            Ok(ExitCode::SUCCESS)
        }
        None => match cli.file {
            Some(file) => read(&file)
                .and_then(|text| run_file(&file, &text, Mode::Derive(ProofFormat::Text), 0)),
            None => run_file(
                "<embedded>",
                DEFAULT_DERIVATION,
                Mode::Derive(ProofFormat::Text),
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

/// What to print for a file.
#[derive(Clone, Copy)]
enum Mode {
    /// The proof, with a check mark per step.
    Derive(ProofFormat),
    /// The numeric check report.
    Check,
}

/// Derives and checks the file's goal and checks its `show` block; 1 when anything is false.
fn run_file(name: &str, text: &str, mode: Mode, seed: u64) -> Result<ExitCode, Failure> {
    let problem = load(name, text)?;
    if text.trim().is_empty() {
        return Err(Failure::Input(format!(
            "{name}: the file is empty (expected lines such as `var x real`, `let L = x^2` and \
             `derive d(L)/d(x)`)"
        )));
    }
    if problem.goal.is_none() && problem.show.is_none() {
        return Err(Failure::Input(format!(
            "{name}: no `derive` or `show` line, nothing to do"
        )));
    }
    let opts = proof::options_for(&problem);
    let check_opts = CheckOptions {
        seed,
        ..CheckOptions::default()
    };
    let mut all_true = true;
    if let Some(d) = engine::derive(&problem, Limits::default()) {
        let report = check_derivation(&problem, &d, &check_opts);
        match mode {
            Mode::Derive(ProofFormat::Text) => {
                print!("{}", proof::proof_text_checked(&problem, &d, Some(&report)))
            }
            Mode::Check => print!("{}", report::report_text(&report, &opts)),
        }
        if !report.ok() {
            all_true = false;
            println!("✗ a step of the derivation is numerically false or undefined");
        }
        if let Some((expect, _)) = &problem.expect {
            all_true &= expect_holds(&problem, d.result(), expect, &check_opts);
        }
    }
    if let Some(show) = &problem.show {
        let checked = check_show_block(&problem, show, &check_opts, Limits::default());
        println!("\nHand-written derivation (line {}):", show.pos.line);
        print!("{}", report::show_text(&checked, &opts));
        if let Some(line) = checked.first_false_line() {
            println!("✗ line {line} of {name} is false");
        }
        all_true &= checked.ok();
    }
    Ok(if all_true {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Checks `expect` against the result symbolically (normal forms) and numerically, and says so.
fn expect_holds(problem: &Problem, result: &Expr, expect: &Expr, opts: &CheckOptions) -> bool {
    let text = render::to_text(expect, &proof::options_for(problem));
    let symbolic = normal::equivalent(result, expect, problem);
    let numeric = check_expect(problem, result, expect, opts);
    let line = numeric.steps.first();
    match (symbolic, numeric.ok()) {
        (true, true) => {
            println!(
                "Expected: {text} ✓ equal after normalisation; numerically {}",
                line.map(report::mark).unwrap_or_default()
            );
            true
        }
        (false, true) => {
            println!(
                "Expected: {text} ✗ numerically equal, but the rules did not bring the result to it"
            );
            false
        }
        (_, false) => {
            println!(
                "Expected: {text} ✗ the result differs: {}",
                line.map(report::mark).unwrap_or_default()
            );
            false
        }
    }
}

fn print_expr(text: &str, format: ExprFormat, ranges: &[String]) -> Result<ExitCode, Failure> {
    let e = parse_expr(text).map_err(|e| Failure::Input(format!("{e:#}")))?;
    let (e, letters) = with_ranges(&e, ranges)?;
    let opts = PrintOptions {
        index_names: letters,
        ..PrintOptions::default()
    };
    let out = match format {
        ExprFormat::Input => render::to_input_with(&e, &opts),
        ExprFormat::Text => render::to_text(&e, &opts),
        ExprFormat::Latex => render::to_latex(&e, &opts),
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Gives every sum whose letter is named in `ranges` (`j,k=K`) that upper end; also returns the
/// letters, the candidates for renaming a bound index.
fn with_ranges(e: &Expr, ranges: &[String]) -> Result<(Expr, Vec<String>), Failure> {
    let mut table: Vec<(String, String)> = Vec::new();
    for r in ranges {
        let (letters, upper) = r.split_once('=').ok_or_else(|| {
            Failure::Input(format!(
                "--index {r}: expected LETTERS=UPPER, such as j,k=K"
            ))
        })?;
        for l in letters.split(',').map(str::trim).filter(|l| !l.is_empty()) {
            table.push((l.to_string(), upper.trim().to_string()));
        }
    }
    let letters = table.iter().map(|(l, _)| l.clone()).collect();
    Ok((set_ranges(e, &table), letters))
}

fn set_ranges(e: &Expr, table: &[(String, String)]) -> Expr {
    let children = e
        .children()
        .into_iter()
        .map(|c| set_ranges(c, table))
        .collect();
    match engine::rebuild(e, children) {
        Expr::Sum(mut b, body) => {
            if let Some((_, upper)) = table.iter().find(|(l, _)| *l == b.hint.0) {
                b.upper = Some(upper.clone());
            }
            Expr::Sum(b, body)
        }
        other => other,
    }
}

fn list_rules() {
    let width = rules::registry()
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(0);
    for r in rules::registry() {
        println!("{:width$}  {}", r.name, r.description);
    }
    println!(
        "{:width$}  replace each derivative of a chain rule by the result of its lemma (a strategy step)",
        engine::SUBSTITUTE
    );
}
