//! What the subcommands that read a .deriv file or a proof do: derive, check, verify.

use super::args::{Output, ProofFormat};
use super::{emit, load, report, settings, Failure};
use crate::cli::plot_cmd;
use gradproof::analysis::blog_data::blog_figure_data;
use gradproof::check::handwritten::check_show_block;
use gradproof::check::{check_derivation, check_expect_against_goal, CheckOptions};
use gradproof::engine::{self, Limits};
use gradproof::parse::diagnostic::{Code, Diagnostic};
use gradproof::render::blog_figures::blog_figures;
use gradproof::render::latex_proof;
use gradproof::render::{self, html, json, markdown, proof, report};
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;
use gradproof::{analysis::normal, verify};
use std::process::ExitCode;

/// What to print for a file.
#[derive(Clone, Copy)]
pub enum Mode<'a> {
    /// The proof in a format (text: with a check mark per step).
    Derive(Output<'a>),
    /// The numeric check report.
    Check,
}

impl Mode<'_> {
    /// True when stdout is a human-readable report; false when it holds a document (LaTeX,
    /// Markdown, JSON, HTML), in which case verdicts go to stderr.
    pub fn is_report(self) -> bool {
        match self {
            Mode::Derive(out) => matches!(out.format, ProofFormat::Text),
            Mode::Check => true,
        }
    }

    /// Prints a verdict where this mode's verdicts go: stdout for a report, stderr next to a
    /// document or with --quiet. A false verdict carries its diagnostic, which replaces the line
    /// with --message-format json; a true verdict (`diagnostic` None) is not printed with
    /// --quiet.
    fn say(self, diagnostic: Option<Diagnostic>, line: &str) {
        let s = settings();
        match diagnostic {
            Some(d) if s.json => return report(&d),
            None if s.quiet || s.json && !self.is_report() => return,
            _ => {}
        }
        if self.is_report() && !s.quiet {
            emit(&format!("{line}\n"));
        } else {
            eprintln!("{line}");
        }
    }

    /// Emits a report (not with --quiet) or a document (always).
    fn print(self, text: &str) {
        if !(settings().quiet && self.is_report()) {
            emit(text);
        }
    }
}

/// Derives and checks the file's goal and checks its `show` block; 1 when anything is false.
pub fn run_file(name: &str, text: &str, mode: Mode, seed: u64) -> Result<u8, Failure> {
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
    let derived = engine::derive(&problem, Limits::default()).map(|d| {
        let report = check_derivation(&problem, &d, &check_opts);
        (d, report)
    });
    let shown = problem
        .show
        .as_ref()
        .map(|show| check_show_block(&problem, show, &check_opts, Limits::default()));
    if let Mode::Derive(out) = mode {
        // Analysis before rendering: the renderers print this report, they do not compute it.
        let analysis = derived
            .as_ref()
            .map(|(d, _)| gradproof::analysis::cancellation::analyse(&problem, d));
        let input = render::proof_input::ProofInput {
            problem: &problem,
            derivation: derived.as_ref().map(|(d, _)| d),
            report: derived.as_ref().map(|(_, r)| r),
            show: shown.as_ref(),
            source: (!out.normalise_show).then_some(text),
            cancellation: analysis.as_ref(),
            expect_holds: derived
                .as_ref()
                .and_then(|(d, _)| gradproof::analysis::normal::expect_holds(&problem, d)),
        };
        mode.print(&render_proof(name, &input, out)?);
    }
    if let Some((d, report)) = &derived {
        if let Mode::Check = mode {
            mode.print(&report::report_text(report, &opts));
        }
        if !report.ok() {
            all_true = false;
            let message = "a step of the derivation is numerically false or undefined";
            let diagnostic = match problem.goal.as_ref() {
                Some(g) => {
                    Diagnostic::at(Code::FalseStep, name, (g.pos.line, g.pos.column), message)
                }
                None => {
                    Diagnostic::plain(Code::FalseStep, format!("{name}: {message}"), Vec::new())
                }
            };
            let place = match problem.goal.as_ref() {
                Some(g) => format!("{name}:{}:{}", g.pos.line, g.pos.column),
                None => name.to_string(),
            };
            mode.say(Some(diagnostic), &format!("{place}: ✗ {message}"));
        }
        if let Some((expect, pos)) = &problem.expect {
            let at = Place {
                file: name,
                line: pos.line,
                column: pos.column,
            };
            all_true &= expect_holds(
                &problem,
                &d.goal,
                d.result(),
                expect,
                &check_opts,
                mode,
                Some(at),
            );
        }
    }
    if let (Some(show), Some(checked)) = (&problem.show, &shown) {
        if let Mode::Check = mode {
            mode.print(&format!(
                "\nHand-written derivation (line {}):\n{}",
                show.pos.line,
                render::show_doc::show_text_as_written(checked, show.pos.line, &opts, Some(text))
            ));
        }
        if let Some(line) = checked.first_false_line() {
            let column = show
                .lines
                .iter()
                .find(|l| l.pos.line == line)
                .map_or(1, |l| l.pos.column);
            let d = Diagnostic::at(
                Code::FalseShowLine,
                name,
                (line, column),
                "this `show` line is numerically false (the check report has the instance and both values)",
            );
            mode.say(
                Some(d),
                &format!("{name}:{line}:{column}: ✗ this `show` line is false"),
            );
        }
        all_true &= checked.ok();
    }
    Ok(if all_true { 0 } else { 1 })
}

/// Where a verdict points: a file, line and column.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    /// The file's name.
    pub file: &'a str,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Replays and re-checks the JSON proof `text`: 1 when a firing or step is false, a line is
/// numerically false or the `expect` line fails; bad input is a [`Failure`].
pub fn verify_proof(name: &str, text: &str, seed: u64) -> Result<ExitCode, Failure> {
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
    let quiet = settings().quiet;
    let emit = |text: &str| {
        if !quiet {
            emit(text)
        }
    };
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
            None,
        );
    }
    Ok(if all_true {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The firings of `d` and of its lemmas.
pub fn count_firings(d: &gradproof::Derivation) -> usize {
    d.steps
        .iter()
        .map(|s| s.firings.len() + s.lemmas.iter().map(count_firings).sum::<usize>())
        .sum()
}

/// The proof document of `input` in the requested format.
pub fn render_proof(
    name: &str,
    input: &render::proof_input::ProofInput,
    out: Output,
) -> Result<String, Failure> {
    let problem = input.problem;
    Ok(match out.format {
        ProofFormat::Text => proof::document_text(input),
        ProofFormat::Latex => latex_proof::document_latex(input, out.latex),
        ProofFormat::Markdown => {
            let figures = match (out.figures, input.derivation, input.cancellation) {
                (Some(dir), Some(d), Some(c)) => {
                    plot_cmd::write_figures(problem, d, c, dir).map_err(Failure::Input)?
                }
                _ => Vec::new(),
            };
            markdown::document_markdown(input, &figures, out.markdown)
        }
        ProofFormat::Json => json::document_json(input),
        ProofFormat::Html => {
            let figures = match (input.derivation, input.cancellation) {
                (Some(d), Some(c)) => blog_figures(problem, d, c, &blog_figure_data(problem, d)),
                _ => Vec::new(),
            };
            html::document_html(input, &figures, out.html)
                .map_err(|e| Failure::Input(format!("{name}: {e}")))?
        }
    })
}

/// Checks `expect` against the goal's reference gradient and the result numerically, and
/// against the result symbolically (normal forms), and says the one verdict that applies.
pub fn expect_holds(
    problem: &Problem,
    goal: &Expr,
    result: &Expr,
    expect: &Expr,
    opts: &CheckOptions,
    mode: Mode,
    at: Option<Place>,
) -> bool {
    let text = render::to_text(expect, &proof::options_for(problem));
    let false_expect = |line: String| {
        let (d, place) = match at {
            Some(at) => (
                Diagnostic::at(
                    Code::FalseExpect,
                    at.file,
                    (at.line, at.column),
                    line.clone(),
                ),
                format!("{}:{}:{}: ", at.file, at.line, at.column),
            ),
            None => (
                Diagnostic::plain(Code::FalseExpect, line.clone(), Vec::new()),
                String::new(),
            ),
        };
        mode.say(Some(d), &format!("{place}{line}"));
    };
    let numeric = check_expect_against_goal(problem, goal, result, expect, opts);
    let mark = report::mark(numeric.expect_line());
    if !numeric.equals_reference() {
        let why = if numeric.report.goal.status.is_pass() {
            mark.trim_start_matches("✗ ").to_string()
        } else {
            format!("the reference: {}", report::mark(&numeric.report.goal))
        };
        false_expect(format!(
            "Expected: {text} ✗ differs from the reference gradient: {why}"
        ));
        return false;
    }
    if !numeric.equals_result() {
        false_expect(format!(
            "Expected: {text} ✗ equals the reference gradient ({mark}), but the derivation's \
             result does not"
        ));
        return false;
    }
    if !normal::equivalent(result, expect, problem) {
        false_expect(format!(
            "Expected: {text} ✗ the numbers agree ({mark}), but the rules did not bring the \
             result to this form"
        ));
        return false;
    }
    if mode.is_report() {
        mode.say(
            None,
            &format!("Expected: {text} ✓ equal after normalisation; numerically {mark}"),
        );
    }
    true
}
