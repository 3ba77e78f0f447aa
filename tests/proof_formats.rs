//! The blog-ready formats: the reference LaTeX says what the post says, every formula the tool
//! emits is valid LaTeX to KaTeX, the standalone document compiles with pdflatex, the HTML page
//! needs nothing from the network, the JSON fields are the documented ones, renaming every symbol
//! renames the output, and the CLI's format flags and exit codes.

mod common;

use common::{rename, run, stdout, RENAMING};
use gradproof::documents::proof_html;
use gradproof::documents::proof_json;
use gradproof::documents::proof_latex;
use gradproof::documents::proof_markdown;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::latex_proof::LatexOptions;
use gradproof::{Derivation, Problem};
use std::process::Command;

const REFERENCE: &str = include_str!("../derivations/softmax_cross_entropy.deriv");

fn derived(text: &str) -> (Problem, Derivation) {
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("has a derive line");
    (problem, d)
}

/// Every `.deriv` file that has a `derive` line, with its text.
fn derivation_files() -> Vec<(String, String)> {
    common::derivation_files()
        .into_iter()
        .filter(|(_, text)| parse_problem(text).is_ok_and(|p| p.goal.is_some()))
        .map(|(path, text)| (path.display().to_string(), text))
        .collect()
}

#[test]
fn the_reference_latex_reads_like_the_post() {
    let (problem, d) = derived(REFERENCE);
    let latex = proof_latex(&problem, &d, LatexOptions::default());
    for needle in [
        r"\dfrac{\partial L}{\partial s_k}",
        r"\sum_{j=1}^{K}",
        r"\delta_{jk}",
        r"p_j\left(\delta_{jk} - p_k\right)",
        r"-\dfrac{q_j}{p_j}",
        r"\boxed{p_k - q_k}",
    ] {
        assert!(latex.contains(needle), "missing {needle} in\n{latex}");
    }
    // The first line of the derivation (after the statement, whose expected result is a display).
    let derivation = &latex[latex.find("We derive").expect("the derivation")..];
    let first = derivation
        .lines()
        .find(|l| l.starts_with(r"\dfrac{\partial L}{\partial s_k} &="))
        .expect("an align line");
    assert!(
        first.starts_with(r"\dfrac{\partial L}{\partial s_k} &= \sum_{j=1}^{K}"),
        "{first}"
    );
}

#[test]
fn the_lemmas_come_before_the_step_that_substitutes_them() {
    let (problem, d) = derived(REFERENCE);
    let latex = proof_latex(&problem, &d, LatexOptions::default());
    let at = |needle: &str| {
        latex
            .find(needle)
            .unwrap_or_else(|| panic!("missing {needle} in\n{latex}"))
    };
    let loss_piece = at(r"\dfrac{\partial L}{\partial p_j} &=");
    let softmax_piece = at(r"\dfrac{\partial p_j}{\partial s_k} &=");
    let substitute = at(r"\text{2. substitute the pieces");
    assert!(at(r"\text{1. chain rule}") < loss_piece);
    assert!(loss_piece < softmax_piece && softmax_piece < substitute);
    // The definitions, the expected result, the chain rule, the two pieces and the rest of the
    // main derivation.
    assert_eq!(latex.matches(r"\begin{align*}").count(), 6, "{latex}");
    assert_eq!(latex.matches(r"\boxed").count(), 1, "{latex}");
}

#[test]
fn no_annotations_leaves_out_every_annotation_and_nothing_else() {
    let (problem, d) = derived(REFERENCE);
    let plain = LatexOptions {
        annotations: false,
        ..LatexOptions::default()
    };
    let with = proof_latex(&problem, &d, LatexOptions::default());
    let without = proof_latex(&problem, &d, plain);
    assert!(with.contains("\\\\\n&\\qquad \\text{3. cancel}"), "{with}");
    assert!(!without.contains(r"&\qquad \text"), "{without}");
    // Dropping each annotation row (and the row break before it) gives the plain output.
    let mut stripped: Vec<String> = Vec::new();
    for l in with.lines() {
        if l.starts_with(r"&\qquad \text{") {
            let previous = stripped.pop().expect("a line above the annotation");
            let previous = previous
                .strip_suffix(r" \\")
                .unwrap_or(&previous)
                .to_string();
            let continues = l.ends_with(r" \\");
            stripped.push(match continues {
                true => format!(r"{previous} \\"),
                false => previous,
            });
        } else {
            stripped.push(l.to_string());
        }
    }
    assert_eq!(stripped.join("\n"), without.trim_end_matches('\n'));
}

#[test]
fn standalone_is_a_complete_amsmath_document() {
    let (problem, d) = derived(REFERENCE);
    let options = LatexOptions {
        standalone: true,
        ..LatexOptions::default()
    };
    let doc = proof_latex(&problem, &d, options);
    assert!(doc.starts_with("\\documentclass{article}\n"), "{doc}");
    assert!(doc.contains("\\usepackage{amsmath}"), "{doc}");
    assert!(
        doc.contains(r"\section*{Softmax cross-entropy: the learning signal}"),
        "{doc}"
    );
    assert!(doc.trim_end().ends_with(r"\end{document}"), "{doc}");
    let fragment = proof_latex(&problem, &d, LatexOptions::default());
    assert!(!fragment.contains(r"\documentclass"), "{fragment}");
}

/// Renders one formula with KaTeX as display math, failing on any LaTeX error.
fn katex(latex: &str) -> Result<String, String> {
    let opts = katex::Opts::builder()
        .display_mode(true)
        .throw_on_error(true)
        .build()
        .map_err(|e| e.to_string())?;
    katex::render_with_opts(latex, &opts).map_err(|e| format!("{e}"))
}

/// Every stretch of `text` between `open` and the next `close`.
fn between<'t>(text: &'t str, open: &str, close: &str) -> Vec<&'t str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let end = after
            .find(close)
            .unwrap_or_else(|| panic!("{open} without {close} in {rest}"));
        found.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    found
}

/// Every `latex` field of a JSON value, at any depth.
fn json_latex(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                match (key.as_str(), value) {
                    ("latex", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => json_latex(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| json_latex(i, out)),
        _ => {}
    }
}

/// Every formula the LaTeX, Markdown and JSON outputs of `text` contain.
fn emitted_formulas(text: &str) -> Vec<String> {
    let (problem, d) = derived(text);
    let mut formulas = Vec::new();
    let plain = LatexOptions {
        annotations: false,
        ..LatexOptions::default()
    };
    for latex in [
        proof_latex(&problem, &d, LatexOptions::default()),
        proof_latex(&problem, &d, plain),
    ] {
        for block in between(&latex, r"\begin{align*}", r"\end{align*}") {
            formulas.push(format!(r"\begin{{align*}}{block}\end{{align*}}"));
        }
        formulas.extend(between(&latex, r"\(", r"\)").into_iter().map(String::from));
    }
    let markdown = proof_markdown(&problem, &d);
    let displays = between(&markdown, "$$\n", "\n$$");
    formulas.extend(displays.iter().map(|s| s.to_string()));
    let mut inline_only = markdown.clone();
    for display in &displays {
        inline_only = inline_only.replace(display, "");
    }
    let inline_only = inline_only.replace("$$", "");
    formulas.extend(
        between(&inline_only, "$", "$")
            .into_iter()
            .map(String::from),
    );
    let json: serde_json::Value =
        serde_json::from_str(&proof_json(&problem, &d)).expect("the JSON output parses");
    json_latex(&json, &mut formulas);
    formulas
}

#[test]
fn katex_renders_every_formula_of_every_derivation() {
    for (path, text) in derivation_files() {
        let formulas = emitted_formulas(&text);
        assert!(
            formulas.len() > 10,
            "{path}: only {} formulas",
            formulas.len()
        );
        for formula in &formulas {
            if let Err(e) = katex(formula) {
                panic!("{path}: KaTeX rejects\n{formula}\n{e}");
            }
        }
    }
}

#[test]
fn the_formula_harvest_finds_the_boxed_result_and_the_align_blocks() {
    let formulas = emitted_formulas(REFERENCE);
    let aligns = formulas
        .iter()
        .filter(|f| f.starts_with(r"\begin{align*}"))
        .count();
    assert_eq!(
        aligns, 12,
        "the definitions, the expected result and 4 blocks, with and without annotations"
    );
    let boxed = formulas.iter().filter(|f| f.contains(r"\boxed{")).count();
    assert_eq!(boxed, 3, "LaTeX twice and Markdown once");
}

#[test]
fn katex_rejects_a_malformed_formula() {
    assert!(katex(r"\dfrac{\partial L}{\partial s_k} = p_k - q_k").is_ok());
    for bad in [
        r"\dfrac{\partial L}{",
        r"\left(p_k - q_k",
        r"\sum_{j=1}^{K} q_j \deltaa_{jk}",
        r"\begin{align*} a &= b \end{aligned}",
    ] {
        assert!(katex(bad).is_err(), "KaTeX accepted {bad}");
    }
}

#[test]
fn pdflatex_compiles_the_standalone_reference() {
    let probe = Command::new("pdflatex").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdflatex is not on PATH, and CI is set: .ci/run installs it"
        );
        println!("note: pdflatex is not on PATH; skipping the standalone LaTeX compile check");
        return;
    }
    let (problem, d) = derived(REFERENCE);
    let options = LatexOptions {
        standalone: true,
        ..LatexOptions::default()
    };
    let dir = std::env::temp_dir().join(format!("gradproof-pdflatex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tex = dir.join("proof.tex");
    std::fs::write(&tex, proof_latex(&problem, &d, options)).expect("write");
    let run = Command::new("pdflatex")
        .args(["-halt-on-error", "-interaction=nonstopmode", "proof.tex"])
        .current_dir(&dir)
        .output()
        .expect("pdflatex runs");
    assert!(
        run.status.success(),
        "pdflatex failed:\n{}",
        String::from_utf8_lossy(&run.stdout)
    );
    assert!(dir.join("proof.pdf").exists(), "no PDF written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_html_page_is_self_contained_and_rendered() {
    let (problem, d) = derived(REFERENCE);
    let page = proof_html(&problem, &d).expect("KaTeX renders the page");
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..200]);
    assert!(page.contains("<title>Softmax cross-entropy: the learning signal</title>"));
    // Every formula is already HTML: no TeX delimiters left for a script, and no script.
    assert!(page.contains(r#"<span class="katex-display">"#));
    assert!(!page.contains(r"\(") && !page.contains(r"\[") && !page.contains("<script"));
    assert!(!page.contains("katex-error"), "KaTeX reported an error");
    // Nothing to fetch: no external stylesheet, image or font.
    assert!(!page.contains(" src=") && !page.contains(" href="));
    for url in between(&page, "url(", ")") {
        assert!(url.starts_with("data:font/woff2;base64,"), "url({url})");
    }
    assert_eq!(page.matches("data:font/woff2;base64,").count(), 20);
    // The boxed result reaches the page (KaTeX draws \boxed as a `boxpad` span).
    assert!(page.contains("boxpad"), "no boxed result");
}

#[test]
fn the_json_fields_are_the_documented_ones() {
    let (problem, d) = derived(REFERENCE);
    let json: serde_json::Value = serde_json::from_str(&proof_json(&problem, &d)).expect("parses");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&json),
        [
            "cancellation",
            "checked",
            "declarations",
            "expect",
            "goal",
            "problem",
            "result",
            "schema_version",
            "show",
            "steps",
            "stop",
            "title"
        ]
    );
    assert_eq!(
        keys(&json["cancellation"]),
        [
            "cancelled",
            "cancelled_at_step",
            "loss_piece",
            "loss_piece_divides",
            "probability",
            "residual",
            "scale",
            "shape",
            "target",
            "trend",
            "true_class"
        ]
    );
    assert_eq!(json["cancellation"]["shape"], "gap");
    assert_eq!(json["cancellation"]["trend"], "bounded");
    let step = &json["steps"][1];
    assert_eq!(
        keys(step),
        ["changed", "check", "expr", "firings", "lemmas", "number", "path", "rules", "title"]
    );
    assert_eq!(keys(&step["firings"][0]), ["expr", "path", "rule"]);
    assert_eq!(keys(&step["expr"]), ["input", "latex"]);
    assert_eq!(keys(&json["stop"]), ["limit", "message", "reason"]);
    assert_eq!(keys(&json["expect"]), ["expr", "holds"]);
    let lemma = &step["lemmas"][0];
    assert_eq!(keys(lemma), ["goal", "result", "steps", "stop"]);
    assert_eq!(lemma["result"]["input"], "-q_j/p_j");
    assert_eq!(json["result"]["input"], "p_k - q_k");
    assert_eq!(json["expect"]["holds"], true);
    assert_eq!(json["stop"]["reason"], "saturated");
    assert_eq!(json["steps"][2]["title"], "cancel");
}

#[test]
fn json_reports_a_false_expect() {
    let text = REFERENCE.replace("expect p_k - q_k", "expect q_k - p_k");
    let (problem, d) = derived(&text);
    let json: serde_json::Value = serde_json::from_str(&proof_json(&problem, &d)).expect("parses");
    assert_eq!(json["expect"]["holds"], false);
    let text = REFERENCE.replace("expect p_k - q_k", "");
    let (problem, d) = derived(&text);
    let json: serde_json::Value = serde_json::from_str(&proof_json(&problem, &d)).expect("parses");
    assert!(json["expect"].is_null());
}

#[test]
fn renaming_every_name_renames_every_format() {
    let table = RENAMING;
    let (problem, d) = derived(REFERENCE);
    let (renamed_problem, renamed_d) = derived(&rename(REFERENCE, &table));
    let outputs = |p: &Problem, d: &Derivation| {
        [
            proof_latex(p, d, LatexOptions::default()),
            proof_markdown(p, d),
            proof_json(p, d),
        ]
    };
    let original = outputs(&problem, &d);
    let renamed = outputs(&renamed_problem, &renamed_d);
    assert!(renamed[0].contains(r"\boxed{r_v - t_v}"), "{}", renamed[0]);
    assert!(renamed[0].contains(r"r_u\left(\delta_{uv} - r_v\right)"));
    for (a, b) in original.iter().zip(&renamed) {
        assert_eq!(&rename(a, &table), b);
    }
}

const FILE: &str = "derivations/softmax_cross_entropy.deriv";

#[test]
fn the_cli_prints_every_format() {
    let cases = [
        ("latex", r"\boxed{p_k - q_k}"),
        (
            "markdown",
            "$$\n\\dfrac{\\partial L}{\\partial s_k} = \\boxed{p_k - q_k}\n$$",
        ),
        ("json", r#""holds": true"#),
        ("html", r#"<span class="katex-display">"#),
    ];
    for (format, needle) in cases {
        let o = run(&["derive", FILE, "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}");
        let out = stdout(&o);
        assert!(out.contains(needle), "{format}: {needle} missing");
        assert!(
            !out.contains("Expected:"),
            "{format}: the text check line leaked"
        );
    }
    let o = run(&["derive", FILE, "--format", "json"]);
    serde_json::from_str::<serde_json::Value>(&stdout(&o)).expect("pure JSON on stdout");
}

#[test]
fn the_cli_latex_flags() {
    let o = run(&["derive", FILE, "--format", "latex", "--standalone"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with(r"\documentclass{article}"));
    let o = run(&["derive", FILE, "--format", "latex", "--no-annotations"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains(r"\text{"));
    for flag in ["--standalone", "--no-annotations"] {
        let o = run(&["derive", FILE, "--format", "markdown", flag]);
        assert_eq!(o.status.code(), Some(2), "{flag} without latex");
        assert!(String::from_utf8_lossy(&o.stderr).contains("only applies to --format latex"));
    }
}

#[test]
fn the_cli_exits_1_on_a_false_expect_in_every_format() {
    let text = REFERENCE.replace("expect p_k - q_k", "expect q_k - p_k");
    let dir = std::env::temp_dir().join(format!("gradproof-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("false.deriv");
    std::fs::write(&path, text).expect("write");
    let path = path.display().to_string();
    for format in ["text", "latex", "markdown", "json", "html"] {
        let o = run(&["derive", &path, "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
    }
    let o = run(&["derive", &path, "--format", "json"]);
    assert!(stdout(&o).contains(r#""holds": false"#));
    let _ = std::fs::remove_dir_all(&dir);
}
