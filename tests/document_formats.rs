//! Every file in `derivations/` (and the layout fixtures in `tests/fixtures/formats/`) in every
//! document format, through the tools a reader uses: the standalone LaTeX compiles with
//! `pdflatex -halt-on-error` and has no overfull box over 1 pt, the Markdown survives pandoc's
//! default reader with no TeX command left in the text, the JSON parses and its `input` strings
//! parse back to the engine's expressions, the HTML needs nothing from the network (or, as a
//! fragment, links KaTeX's stylesheet and embeds no font).
//!
//! The external tools (pdflatex, pandoc) are installed by `.ci/run`; when `CI` is set, a missing
//! tool fails the test instead of skipping it.

mod common;

use common::{run, stdout};
use gradproof::engine::{derive, Limits};
use gradproof::parse::{parse_expr, parse_problem};
use gradproof::render::proof::options_for;
use gradproof::render::to_input_with;
use std::path::{Path, PathBuf};
use std::process::Command;

const FORMATS: [&str; 5] = ["text", "latex", "markdown", "json", "html"];

/// `derivations/*.deriv` and the layout fixtures.
fn files() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = common::derivation_files()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let mut extra: Vec<PathBuf> = std::fs::read_dir(fixtures)
        .expect("tests/fixtures/formats exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "deriv"))
        .collect();
    extra.sort();
    out.extend(extra);
    out
}

/// True when `tool` runs; otherwise a note (or, under `CI`, a failure).
fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is not on PATH, and CI is set: .ci/run installs it"
        );
        println!("note: {tool} is not on PATH; skipping");
    }
    ok
}

fn derive_cli(path: &Path, args: &[&str]) -> String {
    let path = path.to_string_lossy();
    let mut all = vec!["derive", path.as_ref()];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(0), "{all:?}: {:?}", o);
    stdout(&o)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gradproof-docs-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn every_file_prints_in_every_format() {
    for path in files() {
        for format in FORMATS {
            let out = derive_cli(&path, &["--format", format]);
            assert!(
                out.trim().len() > 100,
                "{} --format {format}: {out:?}",
                path.display()
            );
        }
    }
}

#[test]
fn a_show_file_prints_its_lines_with_check_marks_in_every_format() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("derivations/softmax_cross_entropy_by_hand.deriv");
    let latex = derive_cli(&path, &["--format", "latex"]);
    assert!(latex.contains(r"\text{line 9: by \texttt{substitute}} \checkmark"));
    let markdown = derive_cli(&path, &["--format", "markdown"]);
    assert!(markdown.contains("Line 10, by `cancel`: ✓ max rel error"));
    let html = derive_cli(&path, &["--format", "html"]);
    assert!(html.contains("<p>Line 12, by <code>delta-select</code>"));
    // Text quotes the user's lines as written; --normalise-show re-prints them.
    let text = derive_cli(&path, &[]);
    assert!(
        text.contains("  = sum_j (-q_j)*(delta(j,k) - p_k)\n"),
        "{text}"
    );
    let normal = derive_cli(&path, &["--normalise-show"]);
    assert!(normal.contains("  = Σ_j (−q_j(δ_jk − p_k))\n"), "{normal}");
}

#[test]
fn a_false_show_line_is_marked_false_in_every_document() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("derivations/softmax_cross_entropy_by_hand.deriv"),
    )
    .expect("readable");
    let wrong = text.replace("= p_k - q_k", "= q_k - p_k");
    assert_ne!(wrong, text);
    let file = common::temp_file("wrong_show.deriv", &wrong);
    for (format, needle) in [
        ("latex", r"\times\ \text{false}"),
        ("markdown", "✗ false"),
        ("html", "✗ false"),
        ("json", r#""status": "fail""#),
        ("text", "✗ false"),
    ] {
        let o = run(&["derive", &file, "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        assert!(stdout(&o).contains(needle), "{format}: {needle}");
    }
}

/// The overfull boxes of a pdflatex log wider than `limit` points.
fn overfull(log: &str, limit: f64) -> Vec<f64> {
    log.lines()
        .filter_map(|l| l.strip_prefix("Overfull \\hbox ("))
        .filter_map(|rest| rest.split("pt too wide").next())
        .filter_map(|w| w.parse::<f64>().ok())
        .filter(|w| *w > limit)
        .collect()
}

/// Compiles `tex` with pdflatex; the log, or the failure.
fn pdflatex(dir: &Path, name: &str, tex: &str) -> Result<String, String> {
    std::fs::write(dir.join(format!("{name}.tex")), tex).expect("write");
    let run = Command::new("pdflatex")
        .args([
            "-halt-on-error",
            "-interaction=nonstopmode",
            &format!("{name}.tex"),
        ])
        .current_dir(dir)
        .output()
        .expect("pdflatex runs");
    let log = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
    match run.status.success() && dir.join(format!("{name}.pdf")).exists() {
        true => Ok(log),
        false => Err(String::from_utf8_lossy(&run.stdout).into_owned()),
    }
}

#[test]
fn every_standalone_latex_compiles_and_fits_the_page() {
    if !have("pdflatex") {
        return;
    }
    let dir = scratch("pdflatex");
    for path in files() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        for extra in [&[][..], &["--no-annotations"][..]] {
            let mut args = vec!["--format", "latex", "--standalone"];
            args.extend_from_slice(extra);
            let tex = derive_cli(&path, &args);
            // A Unicode sign the LaTeX writer does not know becomes `?`: none may be lost.
            let source = std::fs::read_to_string(&path).unwrap();
            assert!(
                source.contains('?') || !tex.contains('?'),
                "{name}: a character was lost:\n{tex}"
            );
            let log = pdflatex(&dir, &name, &tex)
                .unwrap_or_else(|e| panic!("{name} {extra:?}: pdflatex failed:\n{e}"));
            let wide = overfull(&log, 1.0);
            assert!(wide.is_empty(), "{name} {extra:?}: overfull by {wide:?} pt");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_overfull_check_catches_a_line_too_wide() {
    if !have("pdflatex") {
        return;
    }
    let dir = scratch("overfull");
    let tex = "\\documentclass{article}\n\\begin{document}\n\\noindent\\hbox to 30cm{x\\hfil}\n\\end{document}\n";
    let log = pdflatex(&dir, "wide", tex).expect("compiles");
    let wide = overfull(&log, 1.0);
    assert_eq!(wide.len(), 1, "{log}");
    assert!(wide[0] > 100.0, "{wide:?}");
    assert!(overfull("Overfull \\hbox (0.5pt too wide) in paragraph", 1.0).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The text of pandoc's HTML with the math spans taken out.
fn html_text_outside_math(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(class) = rest.find("class=\"math") {
        let start = rest[..class].rfind("<span").expect("a span");
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("</span>").expect("a closed math span");
        rest = &after[end + "</span>".len()..];
    }
    out.push_str(rest);
    out
}

/// The TeX commands (`\frac`, `\sum`, ...) in `text`.
fn tex_commands(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices('\\') {
        let word: String = text[i + 1..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        if !word.is_empty() {
            found.push(format!("\\{word}"));
        }
    }
    found
}

fn pandoc_html(markdown: &str) -> String {
    let mut child = Command::new("pandoc")
        .args(["-f", "markdown", "-t", "html"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pandoc runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(markdown.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("pandoc finishes");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The math spans of pandoc's HTML.
fn math_spans(html: &str) -> usize {
    html.matches("class=\"math inline\"").count() + html.matches("class=\"math display\"").count()
}

/// The formulas of dollar-delimited Markdown: `$$` pairs and unescaped `$` pairs.
fn formulas(markdown: &str) -> usize {
    let displays = markdown.matches("$$").count() / 2;
    let singles = markdown
        .replace("$$", "")
        .replace("\\$", "")
        .matches('$')
        .count()
        / 2;
    displays + singles
}

#[test]
fn the_markdown_survives_pandocs_default_reader() {
    if !have("pandoc") {
        return;
    }
    for path in files() {
        let markdown = derive_cli(&path, &["--format", "markdown"]);
        let html = pandoc_html(&markdown);
        let leaked = tex_commands(&html_text_outside_math(&html));
        assert!(leaked.is_empty(), "{}: {leaked:?}", path.display());
        // Every formula became a math span: none was dropped as raw TeX.
        assert_eq!(math_spans(&html), formulas(&markdown), "{}", path.display());
        // Headings carry no math.
        for line in markdown.lines().filter(|l| l.starts_with('#')) {
            assert!(
                !line.contains('$') && tex_commands(line).is_empty(),
                "{line}"
            );
        }
    }
}

#[test]
fn bracket_delimiters_leak_through_pandocs_default_reader() {
    // The check above can fail: `\(..\)` is not math to pandoc's default reader.
    if !have("pandoc") {
        return;
    }
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("derivations/softmax_cross_entropy.deriv");
    let markdown = derive_cli(&path, &["--format", "markdown", "--math", "brackets"]);
    let html = pandoc_html(&markdown);
    assert!(html.contains("<p>We derive ( ) one named rule"), "{html}");
    assert_eq!(math_spans(&html), 0);
    // The same count on the dollar form finds the formulas, so the comparison above can fail.
    let dollars = derive_cli(&path, &["--format", "markdown"]);
    assert!(formulas(&dollars) > 20);
}

#[test]
fn front_matter_opens_the_markdown() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("derivations/focal.deriv");
    let markdown = derive_cli(&path, &["--format", "markdown", "--front-matter", "yaml"]);
    let title = parse_problem(&std::fs::read_to_string(&path).unwrap())
        .unwrap()
        .title
        .unwrap();
    assert!(
        markdown.starts_with(&format!("---\ntitle: \"{title}\"\nmath: true\n---\n\n# ")),
        "{markdown}"
    );
    let o = run(&["derive", &path.to_string_lossy(), "--front-matter", "yaml"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "front matter needs --format markdown"
    );
}

/// Every `input` field of a JSON value, at any depth.
fn inputs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                match (key.as_str(), value) {
                    ("input", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => inputs(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| inputs(i, out)),
        _ => {}
    }
}

#[test]
fn the_json_parses_and_its_inputs_parse_back_to_the_engines_expressions() {
    for path in files() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let json: serde_json::Value =
            serde_json::from_str(&derive_cli(&path, &["--format", "json"])).expect("JSON");
        assert_eq!(json["schema_version"], 2, "{}", path.display());
        assert!(json["declarations"].is_object(), "{}", path.display());
        let mut all = Vec::new();
        inputs(&json, &mut all);
        assert!(all.len() > 5, "{}", path.display());
        for input in &all {
            parse_expr(input).unwrap_or_else(|e| panic!("{}: {input}: {e:#}", path.display()));
        }
        let problem = parse_problem(&text).expect("parses");
        let Some(d) = derive(&problem, Limits::default()) else {
            assert!(json["show"]["lines"].is_array(), "{}", path.display());
            continue;
        };
        // Every step's and every firing's `input` is the engine's expression, up to the letters
        // of bound indices (both printed with the problem's letters).
        let opts = options_for(&problem);
        let to_input = |e: &gradproof::Expr| to_input_with(e, &opts);
        for (n, step) in d.steps.iter().enumerate() {
            let view = &json["steps"][n];
            let parsed = parse_expr(view["expr"]["input"].as_str().unwrap()).unwrap();
            assert_eq!(
                to_input(&parsed),
                to_input(&step.expr),
                "{}",
                path.display()
            );
            let before = if n == 0 {
                &d.goal
            } else {
                &d.steps[n - 1].expr
            };
            for (m, after) in step.replay(before).iter().enumerate() {
                let f = view["firings"][m]["expr"]["input"].as_str().unwrap();
                assert_eq!(to_input(&parse_expr(f).unwrap()), to_input(after));
            }
        }
    }
}

#[test]
fn the_html_page_opens_offline_and_the_fragment_links_katex() {
    for path in files() {
        let page = derive_cli(&path, &["--format", "html"]);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains(" src=") && !page.contains(" href=") && !page.contains("<script"));
        assert!(!page.contains("katex-error"));
        assert!(page.contains("Cancellation report") || !page.contains("We derive"));
    }
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("derivations/softmax_cross_entropy.deriv");
    let fragment = derive_cli(&path, &["--format", "html", "--fragment"]);
    assert!(fragment.starts_with("<link rel=\"stylesheet\" href=\"https://"));
    assert!(!fragment.contains("<html") && !fragment.contains("<body"));
    assert!(!fragment.contains("data:font/woff2"), "a font is embedded");
    assert!(fragment.contains("<h2>Cancellation report</h2>"));
}

#[test]
fn every_document_states_the_problem_and_ends_with_the_cancellation_report() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("derivations/softmax_cross_entropy.deriv");
    for (format, statement) in [
        ("text", "    p_j = exp(s_j)/Σ_m exp(s_m)"),
        ("markdown", r"p_j = \dfrac{e^{s_j}}{\sum_{m=1}^{K} e^{s_m}}"),
        ("latex", r"p_j &= \dfrac{e^{s_j}}{\sum_{m=1}^{K} e^{s_m}}"),
        ("html", "is a probability distribution over"),
    ] {
        let out = derive_cli(&path, &["--format", format]);
        let stated = out
            .find(statement)
            .unwrap_or_else(|| panic!("{format}: no statement"));
        let first_step = out.find("chain").expect("the chain rule");
        let report = out.rfind("Cancellation report").expect("the report");
        assert!(stated < first_step && first_step < report, "{format}");
    }
}

/// `text` with the check figures (errors, sample counts) replaced by `#`, so that a snapshot
/// does not depend on the last bits of the platform's floating point.
fn redact_figures(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let after_error = i > 0 && words[i - 1].ends_with("error");
        let before_samples = words.get(i + 1).is_some_and(|n| n.starts_with("samples"));
        let number = w.trim_start_matches('(');
        let numeric = number.starts_with(|c: char| c.is_ascii_digit());
        out.push(match (numeric, after_error, before_samples) {
            (true, true, _) => {
                let tail: String = number
                    .chars()
                    .skip_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                    .collect();
                format!("#{tail}")
            }
            (true, _, true) => format!("{}#", &w[..w.len() - number.len()]),
            _ => (*w).to_string(),
        });
    }
    out.join(" ")
}

#[test]
fn the_show_file_in_every_format() {
    // Reviewed: the user's lines, each with its file line, the rules the engine found between
    // them and a check mark, after the statement of the problem.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("derivations/softmax_cross_entropy_by_hand.deriv");
    let sections: Vec<String> = ["text", "latex", "markdown", "json"]
        .iter()
        .map(|format| {
            let out = derive_cli(&path, &["--format", format]);
            format!("## {format}\n\n{}", redact_figures(&out))
        })
        .collect();
    insta::assert_snapshot!(sections.join("\n"));
}

#[test]
fn redaction_keeps_the_mathematics() {
    assert_eq!(
        redact_figures("✓ max rel error 2.2e-15 (89 samples) p_1 (1 − p_k)"),
        "✓ max rel error # (# samples) p_1 (1 − p_k)"
    );
}

#[test]
fn text_names_each_sums_range_when_two_ranges_differ() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let two = derive_cli(&fixtures.join("two_ranges.deriv"), &[]);
    assert!(two.contains("h_a = Σ_{r=1..D} w_r c_ar"), "{two}");
    assert!(two.contains("E = Σ_{b=1..N} (h_b − t_b)^2/2"), "{two}");
    assert!(
        two.contains("Expected: Σ_{a=1..N} (h_a − t_a) c_au ✓"),
        "{two}"
    );
    // One range: the letter says it all.
    let one = derive_cli(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("derivations/softmax_cross_entropy.deriv"),
        &[],
    );
    assert!(
        one.contains("Σ_j q_j log p_j") && !one.contains("=1.."),
        "{one}"
    );
    // The ranged form reads back (as copied from a terminal).
    let o = run(&["print", "--from-text", "Σ_{r=1..D} w_r c_ar"]);
    assert_eq!(stdout(&o).trim(), "sum_r w_r*c_{a,r}");
}

#[test]
fn renaming_every_symbol_renames_every_document() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let text = std::fs::read_to_string(fixtures.join("two_ranges.deriv")).unwrap();
    // Index letters stay: the printers write `c_ar` for `c_{a,r}`, which a word-wise renaming
    // cannot see into (the engine's own renaming tests cover index letters).
    let table = [
        ("t", "g"),
        ("w", "v"),
        ("c", "f"),
        ("h", "z"),
        ("E", "J"),
        ("N", "M"),
        ("D", "Q"),
    ];
    let renamed = common::temp_file("renamed_two_ranges.deriv", &common::rename(&text, &table));
    let original = common::temp_file("two_ranges.deriv", &text);
    for format in ["text", "latex", "markdown"] {
        let a = stdout(&run(&["derive", &original, "--format", format]));
        let b = stdout(&run(&["derive", &renamed, "--format", format]));
        assert_eq!(
            redact_figures(&common::rename(&a, &table)),
            redact_figures(&b),
            "{format}"
        );
    }
}

/// The pieces of `text` between each `open` and the next `close`.
fn between<'t>(text: &'t str, open: &str, close: &str) -> Vec<&'t str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let end = after.find(close).expect("closed");
        found.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    found
}

#[test]
fn katex_renders_every_formula_of_every_checked_latex_document() {
    use gradproof::render::html::render_math;
    for path in files() {
        let latex = derive_cli(&path, &["--format", "latex"]);
        let blocks = between(&latex, r"\begin{align*}", r"\end{align*}");
        assert!(!blocks.is_empty(), "{}", path.display());
        for block in blocks {
            let formula = format!(r"\begin{{align*}}{block}\end{{align*}}");
            if let Err(e) = render_math(&formula, true) {
                panic!("{}: {e}", path.display());
            }
        }
        for inline in between(&latex, r"\(", r"\)") {
            if let Err(e) = render_math(inline, false) {
                panic!("{}: {e}", path.display());
            }
        }
    }
    // And it can fail: an unbalanced row is rejected.
    assert!(render_math(
        r"\begin{align*} a &= \left( b \\ &\quad c \right) \end{align*}",
        true
    )
    .is_err());
}

#[test]
fn verify_explains_that_a_show_only_proof_has_nothing_to_replay() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("derivations/softmax_cross_entropy_by_hand.deriv");
    let json = derive_cli(&path, &["--format", "json"]);
    let file = common::temp_file("show_only.json", &json);
    let o = run(&["verify", &file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("no firings to replay"), "{o:?}");
}

#[test]
fn a_document_flag_without_its_format_is_bad_input() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("derivations/softmax_cross_entropy.deriv");
    let path = path.to_string_lossy();
    for (args, flag) in [
        (
            &["--math", "brackets"][..],
            "--math only applies to --format markdown",
        ),
        (
            &["--format", "html", "--front-matter", "yaml"][..],
            "--front-matter only applies",
        ),
        (
            &["--format", "markdown", "--fragment"][..],
            "--fragment only applies to --format html",
        ),
        (
            &["--format", "latex", "--normalise-show"][..],
            "--normalise-show only applies",
        ),
    ] {
        let mut all = vec!["derive", path.as_ref()];
        all.extend_from_slice(args);
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            common::stderr(&o).contains(flag),
            "{args:?}: {}",
            common::stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}
