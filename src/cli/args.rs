//! The command line's arguments (clap): the subcommands, their flags and the format choices.

use super::Failure;
use crate::cli::plot_cmd::{self, Figure, PresetArg, Scores};
use clap::{Parser, Subcommand, ValueEnum};
use gradproof::render::latex_proof::LatexOptions;
use gradproof::render::{html, markdown};

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
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A .deriv file to derive (default: the embedded softmax cross-entropy derivation); `-`
    /// reads standard input.
    pub file: Option<String>,
    /// How diagnostics (errors with their place and hints) are printed on stderr: `human`, or
    /// `json`, one JSON object per diagnostic per line (like cargo's).
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Colour diagnostics and verdicts: `auto` (when stderr is a terminal and NO_COLOR is not
    /// set), `always` or `never`.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print no report on stdout (`derive` in text, `check`, `verify`): only diagnostics for what
    /// is false or bad, and the exit code. Documents (LaTeX, Markdown, JSON, HTML) are still
    /// written.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// `error: FILE:LINE:COL: message`, the line with a caret, and `= help:` lines.
    Human,
    /// One JSON object per diagnostic per line: level, code, message, file, line, column,
    /// help, rendered.
    Json,
}

/// When to colour.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stderr is a terminal and the NO_COLOR environment variable is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Subcommand)]
pub enum Command {
    /// Derive a .deriv file, check every step numerically, and print the proof.
    Derive {
        /// The .deriv files (`-` reads standard input); several only with --format text. Each is
        /// reported; the exit code is the worst.
        #[arg(required = true)]
        files: Vec<String>,
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
        /// With --format markdown: the math delimiters, `$..$`/`$$..$$` (dollars, read by
        /// pandoc, GitHub, Obsidian, Quarto, kramdown) or `\(..\)`/`\[..\]` (brackets).
        #[arg(long, value_enum, default_value_t = MathArg::Dollars)]
        math: MathArg,
        /// With --format markdown: open with front matter (yaml: `title`, `math: true`).
        #[arg(long, value_enum)]
        front_matter: Option<FrontMatterArg>,
        /// With --format html: a fragment to paste into a CMS (no page, no embedded fonts;
        /// KaTeX's stylesheet linked).
        #[arg(long)]
        fragment: bool,
        /// With --format text: print the lines of a `show` block in the printer's normal form
        /// instead of as written in the file.
        #[arg(long)]
        normalise_show: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Print the numeric check report of a .deriv file: every step of the derivation and its
    /// lemmas, the `expect` line, and any `show` block.
    Check {
        /// The .deriv files (`-` reads standard input). Each is reported; the exit code is the
        /// worst.
        #[arg(required = true)]
        files: Vec<String>,
        /// The seed of the random instances.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[command(flatten)]
        run: RunArgs,
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
        /// Write the table (or, with --plot, the SVG) to this file instead of stdout.
        #[arg(short, long)]
        output: Option<String>,
        /// The table's format: `table` (fits the terminal: COLUMNS, else 100), `csv`, `json` or
        /// `markdown` (the machine formats always carry the full gradients).
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
        /// Change the fixed instance's values: NAME=VALUE pairs, comma-separated or repeated
        /// (e.g. gamma=1,eps=0.2). NAME is a plain `var` of one of the files.
        #[arg(long, value_name = "NAME=VALUE,...", allow_hyphen_values = true)]
        set: Vec<String>,
        /// With --format table: print every gradient in full, however wide the table gets.
        #[arg(long)]
        full: bool,
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
    /// Print a shell completion script (e.g. `gradproof completions bash >
    /// ~/.local/share/bash-completion/completions/gradproof`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where a run's output goes, and whether it repeats.
#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// Write what would go to stdout into FILE instead.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
    /// Run again whenever one of the files changes (their modification times are polled every
    /// 300 ms); stop with Ctrl-C.
    #[arg(long)]
    pub watch: bool,
}

/// The formats of the `compare` table.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Aligned columns that fit the terminal width; long gradients are elided with `…`.
    Table,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// One JSON document: the instance and one object per file.
    Json,
    /// A Markdown (GFM) table.
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuditFormat {
    /// One line per formula, for a terminal.
    Text,
    /// JSON for tools (every checked line with the checker's full report).
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ProofFormat {
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
pub struct Output<'a> {
    pub format: ProofFormat,
    pub latex: LatexOptions,
    pub figures: Option<&'a str>,
    pub markdown: markdown::MarkdownOptions,
    pub html: html::HtmlOptions,
    pub normalise_show: bool,
}

impl Output<'_> {
    /// Plain text, as printed when no command is given.
    pub const TEXT: Output<'static> = Output {
        format: ProofFormat::Text,
        latex: LatexOptions {
            annotations: true,
            standalone: false,
        },
        figures: None,
        markdown: markdown::MarkdownOptions {
            math: markdown::MathDelimiters::Dollars,
            front_matter: false,
        },
        html: html::HtmlOptions { fragment: false },
        normalise_show: false,
    };
}

/// `--math`: how Markdown delimits math.
#[derive(Clone, Copy, ValueEnum)]
pub enum MathArg {
    /// `$..$` inline, `$$..$$` display.
    Dollars,
    /// `\(..\)` inline, `\[..\]` display.
    Brackets,
}

/// `--front-matter`: the front matter of a Markdown document.
#[derive(Clone, Copy, ValueEnum)]
pub enum FrontMatterArg {
    /// YAML between `---` lines.
    Yaml,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExprFormat {
    /// The input syntax (parses back to the same expression).
    Input,
    /// Unicode text.
    Text,
    /// LaTeX in the blog post's notation.
    Latex,
}

/// Checks that the LaTeX-only flags come with `--format latex`.
pub fn output(
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
        ..Output::TEXT
    })
}

/// Adds the Markdown, HTML and text document flags to `out`, checking that each comes with its
/// format.
pub fn document_flags(
    mut out: Output<'_>,
    math: MathArg,
    front_matter: Option<FrontMatterArg>,
    fragment: bool,
    normalise_show: bool,
) -> Result<Output<'_>, Failure> {
    let only = |set: bool, flag: &str, format: ProofFormat, name: &str| match set
        && !matches!(
            (format, out.format),
            (ProofFormat::Markdown, ProofFormat::Markdown)
                | (ProofFormat::Html, ProofFormat::Html)
                | (ProofFormat::Text, ProofFormat::Text)
        ) {
        true => Err(Failure::Input(format!(
            "{flag} only applies to --format {name}"
        ))),
        false => Ok(()),
    };
    let brackets = matches!(math, MathArg::Brackets);
    only(brackets, "--math", ProofFormat::Markdown, "markdown")?;
    only(
        front_matter.is_some(),
        "--front-matter",
        ProofFormat::Markdown,
        "markdown",
    )?;
    only(fragment, "--fragment", ProofFormat::Html, "html")?;
    only(
        normalise_show,
        "--normalise-show",
        ProofFormat::Text,
        "text",
    )?;
    out.markdown = markdown::MarkdownOptions {
        math: match math {
            MathArg::Dollars => markdown::MathDelimiters::Dollars,
            MathArg::Brackets => markdown::MathDelimiters::Brackets,
        },
        front_matter: front_matter.is_some(),
    };
    out.html = html::HtmlOptions { fragment };
    out.normalise_show = normalise_show;
    Ok(out)
}
