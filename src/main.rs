//! The gradproof command line: reads files, prints, and chooses exit codes (0 all good, 1 a
//! result or step is false, 2 bad input). Everything else is in the library.

use clap::{Parser, Subcommand, ValueEnum};
use gradproof::engine::{self, Limits};
use gradproof::expr::Expr;
use gradproof::parse::{parse_expr, parse_problem};
use gradproof::problem::Problem;
use gradproof::render::latex_proof::{self, LatexOptions};
use gradproof::render::{self, html, json, markdown, proof, PrintOptions};
use gradproof::{normal, rules};
use std::io::Write;
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
                  Exit codes: 0 everything holds, 1 a result differs from `expect`, 2 bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A .deriv file to derive (default: the embedded softmax cross-entropy derivation).
    file: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Derive a .deriv file and print the proof.
    Derive {
        /// The .deriv file.
        file: String,
        /// The output format.
        #[arg(long, value_enum, default_value_t = ProofFormat::Text)]
        format: ProofFormat,
        /// With --format latex: a complete `article` document (amsmath) that pdflatex compiles,
        /// instead of a fragment to paste into a post.
        #[arg(long)]
        standalone: bool,
        /// With --format latex: leave out the `\text{..}` annotation (step title and rules) of
        /// every line.
        #[arg(long)]
        no_annotations: bool,
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
    /// LaTeX `align*` blocks in the blog post's notation, lemmas first, the result boxed.
    Latex,
    /// Markdown for a MathJax/KaTeX blog: a sentence per step, then `\[ .. \]` display math.
    Markdown,
    /// JSON for tools: every step, firing and lemma (fields documented in the README).
    Json,
    /// One standalone HTML page, math rendered by KaTeX, fonts embedded (opens offline).
    Html,
}

/// How a proof is printed: the format and its LaTeX options.
#[derive(Clone, Copy)]
struct Output {
    format: ProofFormat,
    latex: LatexOptions,
}

impl Output {
    /// Plain text, as printed when no command is given.
    const TEXT: Output = Output {
        format: ProofFormat::Text,
        latex: LatexOptions {
            annotations: true,
            standalone: false,
        },
    };
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
        Some(Command::Derive {
            file,
            format,
            standalone,
            no_annotations,
        }) => output(format, standalone, no_annotations)
            .and_then(|out| read(&file).and_then(|text| derive(&file, &text, out))),
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
            Some(file) => read(&file).and_then(|text| derive(&file, &text, Output::TEXT)),
            None => derive("<embedded>", DEFAULT_DERIVATION, Output::TEXT),
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
    String::from_utf8(bytes).map_err(|e| {
        Failure::Input(format!(
            "{path} is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn load(name: &str, text: &str) -> Result<Problem, Failure> {
    parse_problem(text).map_err(|e| Failure::Input(format!("{name}:{e:#}")))
}

/// Checks that the LaTeX-only flags come with `--format latex`.
fn output(format: ProofFormat, standalone: bool, no_annotations: bool) -> Result<Output, Failure> {
    let latex_only = [
        (standalone, "--standalone"),
        (no_annotations, "--no-annotations"),
    ];
    if !matches!(format, ProofFormat::Latex) {
        if let Some((_, flag)) = latex_only.iter().find(|(set, _)| *set) {
            return Err(Failure::Input(format!(
                "{flag} only applies to --format latex"
            )));
        }
    }
    Ok(Output {
        format,
        latex: LatexOptions {
            annotations: !no_annotations,
            standalone,
        },
    })
}

fn derive(name: &str, text: &str, out: Output) -> Result<ExitCode, Failure> {
    let problem = load(name, text)?;
    let Some(d) = engine::derive(&problem, Limits::default()) else {
        return Err(Failure::Input(format!(
            "{name}: no `derive` line, nothing to derive"
        )));
    };
    let proof = match out.format {
        ProofFormat::Text => proof::proof_text(&problem, &d),
        ProofFormat::Latex => latex_proof::proof_latex(&problem, &d, out.latex),
        ProofFormat::Markdown => markdown::proof_markdown(&problem, &d),
        ProofFormat::Json => json::proof_json(&problem, &d),
        ProofFormat::Html => {
            html::proof_html(&problem, &d).map_err(|e| Failure::Input(format!("{name}: {e}")))?
        }
    };
    emit(&proof);
    let Some((expect, _)) = &problem.expect else {
        return Ok(ExitCode::SUCCESS);
    };
    let holds = normal::equivalent(d.result(), expect, &problem);
    if !matches!(out.format, ProofFormat::Text) {
        // The output is a document (or JSON, with `expect.holds`): a failure goes to stderr.
        if !holds {
            eprintln!("{name}: the result differs from `expect`");
        }
        return Ok(if holds {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let opts = proof::options_for(&problem);
    if holds {
        emit(&format!(
            "Expected: {} ✓ (equal after normalisation)\n",
            render::to_text(expect, &opts)
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        emit(&format!(
            "Expected: {} ✗ the result differs (normal form of the difference: {})\n",
            render::to_text(expect, &opts),
            render::to_text(
                &normal::normalize(
                    &gradproof::expr::sub(d.result().clone(), expect.clone()),
                    &problem
                ),
                &opts
            )
        ));
        Ok(ExitCode::from(1))
    }
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
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
