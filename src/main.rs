//! The gradproof command line: reads files, prints, and chooses exit codes (0 all good, 1 a
//! result or step is false, 2 bad input). Everything else is in the library.

use clap::{Parser, Subcommand, ValueEnum};
use gradproof::check::{check_derivation, check_expect_against_goal, CheckOptions};
use gradproof::engine::{self, Limits};
use gradproof::expr::Expr;
use gradproof::handwritten::check_show_block;
use gradproof::parse::parse_expr;
use gradproof::problem::Problem;
use gradproof::render::blog_figures::blog_figures;
use gradproof::render::latex_proof::{self, LatexOptions};
use gradproof::render::{self, html, json, markdown, proof, report, PrintOptions};
use gradproof::{cancellation, normal, rules, verify};
use std::io::Write;
use std::process::ExitCode;

mod plot_cmd;
use plot_cmd::{Figure, PresetArg, Scores};

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
        /// With --format latex: a complete `article` document (amsmath) that pdflatex compiles,
        /// instead of a fragment to paste into a post.
        #[arg(long)]
        standalone: bool,
        /// With --format latex: leave out the `\text{..}` annotation (step title and rules) of
        /// every line.
        #[arg(long)]
        no_annotations: bool,
        /// With --format markdown: write the figures (SVG) into this folder and link them after
        /// the steps they illustrate (--format html always embeds them inline).
        #[arg(long, value_name = "DIR")]
        figures: Option<String>,
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
    /// Re-check a saved JSON proof (`derive FILE --format json`): replay every firing with its
    /// named rule at its path, then check the replayed derivation numerically.
    Verify {
        /// The JSON proof.
        proof: String,
        /// The seed of the random instances.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Line losses up: the derived gradient, whether the loss piece's 1/p cancelled, and the
    /// gradient on the true class as its probability falls to 0.5, 0.1, 0.01, 0.001 (at the fixed
    /// instance described in the README).
    Compare {
        /// The .deriv files to compare.
        #[arg(required = true)]
        files: Vec<String>,
        /// Draw the gradients on the true class along its probability, overlaid, as SVG (the
        /// picture of the table) instead of printing the table.
        #[arg(long)]
        plot: bool,
        /// With --plot: write the SVG to this file instead of stdout.
        #[arg(short, long, requires = "plot")]
        output: Option<String>,
    },
    /// Draw one of the post's figures from the derivation, as SVG: `curves` (the loss piece, the
    /// softmax piece and the result along the true-class probability), `jacobian` (the softmax
    /// piece at every pair of classes) or `signal` (the learning signal per class and gradient
    /// steps).
    Plot {
        /// The .deriv file.
        file: String,
        /// Which figure.
        #[arg(long, value_enum)]
        figure: Figure,
        /// jacobian, signal: named scores (default balanced).
        #[arg(long, value_enum)]
        preset: Option<PresetArg>,
        /// jacobian, signal: the scores, comma-separated (e.g. 2,1,0.5,-1).
        #[arg(long, value_parser = plot_cmd::parse_scores, allow_hyphen_values = true)]
        scores: Option<Scores>,
        /// jacobian, signal: the true class, 1-based (default 1).
        #[arg(long, allow_negative_numbers = true)]
        true_class: Option<usize>,
        /// signal: the number of gradient steps (default 1).
        #[arg(long)]
        steps: Option<usize>,
        /// signal: the learning rate η (default 1).
        #[arg(long, allow_negative_numbers = true)]
        lr: Option<f64>,
        /// Write the SVG to this file instead of stdout.
        #[arg(short, long)]
        output: Option<String>,
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
        /// Read EXPR in the text form the text printer writes (`Σ_j q_j δ_jk`, `−`, `·`,
        /// juxtaposition), as copied from a terminal, instead of the input syntax.
        #[arg(long)]
        from_text: bool,
    },
    /// Check the formulas of a blog post's own LaTeX (Markdown, HTML or LaTeX) against the
    /// declarations of a .deriv file: one line per formula with =, ✓ with the rules, ✗ with a
    /// counterexample, or skipped with the reason. Exit 1 when a formula is false.
    Audit {
        /// The post: .md (or any text with $..$, \(..\), \[..\]), .html or .tex.
        post: String,
        /// The .deriv file whose declarations give the post's symbols their meaning.
        #[arg(long = "with", value_name = "FILE.deriv")]
        with: String,
        /// The output format.
        #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
        format: AuditFormat,
        /// The seed of the numeric check's random instances.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// List the rewrite rules, in registry order.
    Rules,
}

#[derive(Clone, Copy, ValueEnum)]
enum AuditFormat {
    /// One line per formula, for a terminal.
    Text,
    /// JSON for tools (every checked line with the checker's full report).
    Json,
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

/// How a proof is printed: the format, its LaTeX options, and where Markdown's figures go.
#[derive(Clone, Copy)]
struct Output<'a> {
    format: ProofFormat,
    latex: LatexOptions,
    figures: Option<&'a str>,
}

impl Output<'_> {
    /// Plain text, as printed when no command is given.
    const TEXT: Output<'static> = Output {
        format: ProofFormat::Text,
        latex: LatexOptions {
            annotations: true,
            standalone: false,
        },
        figures: None,
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
        }) => compare(&files),
        Some(Command::Compare {
            files,
            plot: true,
            output,
        }) => compare_plot(&files, output.as_deref()),
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

/// Parses a `.deriv` file named `name`, resolving its `use` lines relative to it.
fn load(name: &str, text: &str) -> Result<Problem, Failure> {
    let read = |path: &std::path::Path| -> Result<String, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        gradproof::parse::decode_text(bytes).map_err(|e| format!("{e}"))
    };
    gradproof::imports::parse_with_imports(text, std::path::Path::new(name), &read)
        .map_err(|e| Failure::Input(format!("{name}:{e:#}")))
}

/// Checks that the LaTeX-only flags come with `--format latex`.
fn output(
    format: ProofFormat,
    standalone: bool,
    no_annotations: bool,
    figures: Option<&str>,
) -> Result<Output<'_>, Failure> {
    if figures.is_some() && !matches!(format, ProofFormat::Markdown) {
        return Err(Failure::Input(
            "--figures only applies to --format markdown".to_string(),
        ));
    }
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
        figures,
    })
}

/// What to print for a file.
#[derive(Clone, Copy)]
enum Mode<'a> {
    /// The proof in a format (text: with a check mark per step).
    Derive(Output<'a>),
    /// The numeric check report.
    Check,
}

impl Mode<'_> {
    /// True when stdout is a human-readable report; false when it holds a document (LaTeX,
    /// Markdown, JSON, HTML), in which case verdicts go to stderr.
    fn is_report(self) -> bool {
        match self {
            Mode::Derive(out) => matches!(out.format, ProofFormat::Text),
            Mode::Check => true,
        }
    }

    /// Prints a verdict where this mode's verdicts go.
    fn say(self, line: &str) {
        if self.is_report() {
            emit(&format!("{line}\n"));
        } else {
            eprintln!("{line}");
        }
    }
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
            Mode::Derive(out) => emit(&render_proof(name, &problem, &d, &report, out)?),
            Mode::Check => emit(&report::report_text(&report, &opts)),
        }
        if !report.ok() {
            all_true = false;
            mode.say(&format!(
                "{name}: ✗ a step of the derivation is numerically false or undefined"
            ));
        }
        if let Some((expect, _)) = &problem.expect {
            all_true &= expect_holds(&problem, &d.goal, d.result(), expect, &check_opts, mode);
        }
    }
    if let Some(show) = &problem.show {
        let checked = check_show_block(&problem, show, &check_opts, Limits::default());
        if mode.is_report() {
            emit(&format!(
                "\nHand-written derivation (line {}):\n{}",
                show.pos.line,
                report::show_text(&checked, &opts)
            ));
        }
        if let Some(line) = checked.first_false_line() {
            mode.say(&format!("✗ line {line} of {name} is false"));
        }
        all_true &= checked.ok();
    }
    Ok(if all_true {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Replays and re-checks the JSON proof `text`: 1 when a firing or step is false, a line is
/// numerically false or the `expect` line fails; bad input is a [`Failure`].
fn verify_proof(name: &str, text: &str, seed: u64) -> Result<ExitCode, Failure> {
    let check_opts = CheckOptions {
        seed,
        ..CheckOptions::default()
    };
    let verified = match verify::verify_json(text, &check_opts) {
        Ok(v) => v,
        Err(verify::VerifyError::Unreadable(m)) => {
            return Err(Failure::Input(format!("{name}: {m}")))
        }
        Err(verify::VerifyError::False(m)) => {
            println!("{name}: ✗ {m}");
            return Ok(ExitCode::from(1));
        }
    };
    let problem = &verified.problem;
    let d = &verified.derivation;
    let firings: usize = count_firings(d);
    emit(&format!(
        "{name}: every firing replays ({firings} firings, {} steps)\n",
        d.steps.len()
    ));
    emit(&report::report_text(
        &verified.report,
        &proof::options_for(problem),
    ));
    let mut all_true = verified.report.ok();
    if !all_true {
        emit(&format!(
            "{name}: ✗ a step of the derivation is numerically false or undefined\n"
        ));
    }
    if let Some((expect, _)) = &problem.expect {
        all_true &= expect_holds(
            problem,
            &d.goal,
            d.result(),
            expect,
            &check_opts,
            Mode::Check,
        );
    }
    Ok(if all_true {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The firings of `d` and of its lemmas.
fn count_firings(d: &gradproof::Derivation) -> usize {
    d.steps
        .iter()
        .map(|s| s.firings.len() + s.lemmas.iter().map(count_firings).sum::<usize>())
        .sum()
}

/// The proof of `d` in the requested format.
fn render_proof(
    name: &str,
    problem: &Problem,
    d: &gradproof::Derivation,
    report: &gradproof::check::CheckReport,
    out: Output,
) -> Result<String, Failure> {
    Ok(match out.format {
        ProofFormat::Text => proof::proof_text_checked(problem, d, Some(report)),
        ProofFormat::Latex => latex_proof::proof_latex(problem, d, out.latex),
        ProofFormat::Markdown => match out.figures {
            Some(dir) => markdown::proof_markdown_with_figures(
                problem,
                d,
                &plot_cmd::write_figures(problem, d, dir).map_err(Failure::Input)?,
            ),
            None => markdown::proof_markdown(problem, d),
        },
        ProofFormat::Json => json::proof_json_checked(problem, d, Some(report)),
        ProofFormat::Html => html::proof_html_with_figures(problem, d, &blog_figures(problem, d))
            .map_err(|e| Failure::Input(format!("{name}: {e}")))?,
    })
}

/// The `compare` table of `files`.
fn compare(files: &[String]) -> Result<ExitCode, Failure> {
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
fn compare_plot(files: &[String], output: Option<&str>) -> Result<ExitCode, Failure> {
    let mut problems = Vec::new();
    for file in files {
        problems.push((file.clone(), load(file, &read(file)?)?));
    }
    let svg = plot_cmd::compare_plot(&problems).map_err(Failure::Input)?;
    write_output(&svg, output)
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

/// Checks `expect` against the goal's reference gradient and the result numerically, and
/// against the result symbolically (normal forms), and says the one verdict that applies.
fn expect_holds(
    problem: &Problem,
    goal: &Expr,
    result: &Expr,
    expect: &Expr,
    opts: &CheckOptions,
    mode: Mode,
) -> bool {
    let text = render::to_text(expect, &proof::options_for(problem));
    let numeric = check_expect_against_goal(problem, goal, result, expect, opts);
    let mark = report::mark(numeric.expect_line());
    if !numeric.equals_reference() {
        let why = if numeric.report.goal.status.is_pass() {
            mark.trim_start_matches("✗ ").to_string()
        } else {
            format!("the reference: {}", report::mark(&numeric.report.goal))
        };
        mode.say(&format!(
            "Expected: {text} ✗ differs from the reference gradient: {why}"
        ));
        return false;
    }
    if !numeric.equals_result() {
        mode.say(&format!(
            "Expected: {text} ✗ equals the reference gradient ({mark}), but the derivation's \
             result does not"
        ));
        return false;
    }
    if !normal::equivalent(result, expect, problem) {
        mode.say(&format!(
            "Expected: {text} ✗ the numbers agree ({mark}), but the rules did not bring the \
             result to this form"
        ));
        return false;
    }
    if mode.is_report() {
        mode.say(&format!(
            "Expected: {text} ✓ equal after normalisation; numerically {mark}"
        ));
    }
    true
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
    let (e, table) = with_ranges(&e, ranges)?;
    let opts = PrintOptions {
        index_names: table.iter().map(|(l, _)| l.clone()).collect(),
        index_ranges: table,
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
/// letters with their upper ends, the candidates for renaming a bound index.
fn with_ranges(e: &Expr, ranges: &[String]) -> Result<(Expr, Vec<(String, String)>), Failure> {
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
    Ok((set_ranges(e, &table), table))
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

/// `gradproof audit POST --with FILE`.
fn audit(post: &str, with: &str, format: AuditFormat, seed: u64) -> Result<ExitCode, Failure> {
    let with_text = read(with)?;
    let problem = load(with, &with_text)?;
    let text = read(post)?;
    if text.len() > gradproof::parse::MAX_INPUT_BYTES {
        return Err(Failure::Input(format!(
            "{post}: the post is {} bytes, more than {} (limit MAX_INPUT_BYTES)",
            text.len(),
            gradproof::parse::MAX_INPUT_BYTES
        )));
    }
    let check = CheckOptions {
        seed,
        ..CheckOptions::default()
    };
    let ctx = gradproof::audit::AuditContext {
        with_text: &with_text,
        problem: &problem,
        check: &check,
        limits: Limits::default(),
    };
    let kind = gradproof::audit::PostKind::of(post, &text);
    let report = gradproof::audit::audit(&text, kind, &ctx)
        .map_err(|e| Failure::Input(format!("{post}:{e:#}")))?;
    match format {
        AuditFormat::Text => emit(&gradproof::audit::report::audit_text(&report, post)),
        AuditFormat::Json => emit(&gradproof::audit::report::audit_json(&report)),
    }
    Ok(match report.ok() {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(1),
    })
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
