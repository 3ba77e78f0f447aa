//! The source folders are the pipeline's stages, and imports point one way: a stage may use the
//! stages listed before it in [`STAGES`], never one after it. This test reads `src/` and fails on
//! the first import that points the wrong way, so a new cycle shows up in review rather than in
//! the next person's refactoring.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The stages, lowest first. A file in `src/<stage>/` (or `src/<stage>.rs`) may use itself and
/// the stages before it.
const STAGES: &[&str] = &[
    "syntax",
    "parse",
    "rules",
    "engine",
    "check",
    "analysis",
    "render",
    "documents",
    "verify",
    "audit",
];

/// Names the crate root re-exports, and the stage each comes from.
const ROOT_REEXPORTS: &[(&str, &str)] = &[
    ("Binder", "syntax"),
    ("Expr", "syntax"),
    ("Func", "syntax"),
    ("Index", "syntax"),
    ("Symbol", "syntax"),
    ("Kind", "syntax"),
    ("Problem", "syntax"),
    ("Rational", "syntax"),
    ("Derivation", "engine"),
    ("Step", "engine"),
    ("Stop", "engine"),
];

fn rank(stage: &str) -> Option<usize> {
    STAGES.iter().position(|s| *s == stage)
}

/// The stage a name after `crate::` belongs to, if it is a stage or a root re-export.
fn stage_of(name: &str) -> Option<&'static str> {
    if let Some(i) = rank(name) {
        return Some(STAGES[i]);
    }
    ROOT_REEXPORTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

/// The top-level names used after `crate::` in `code` (comments and unit tests ignored: a test
/// of a lower stage may use a higher one to build its input), including those inside a grouped
/// import `crate::{a::x, b}`.
fn crate_uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code.lines().take_while(|l| l.trim() != "#[cfg(test)]") {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let before = &rest[..i];
            rest = &rest[i + "crate::".len()..];
            if before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 0usize;
                let mut item = String::new();
                let mut at_start = true;
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => at_start = true,
                        c if at_start && (c.is_alphanumeric() || c == '_') => item.push(c),
                        _ => {
                            if at_start && !item.is_empty() {
                                found.insert(std::mem::take(&mut item));
                                at_start = false;
                            }
                        }
                    }
                }
                if !item.is_empty() {
                    found.insert(item);
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.insert(name);
            }
        }
    }
    found
}

/// Every import of `file` (a path below `src/`, such as `check/eval/mod.rs`) that points to a
/// later stage, as `file -> stage`.
fn violations(file: &str, code: &str) -> Vec<String> {
    let top = file
        .split('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".rs");
    let Some(own) = rank(top) else {
        return Vec::new(); // lib.rs and the binary's modules may use every stage
    };
    crate_uses(code)
        .into_iter()
        .filter_map(|name| {
            let stage = stage_of(&name)?;
            (rank(stage)? > own).then(|| format!("src/{file} uses crate::{name} (stage `{stage}`)"))
        })
        .collect()
}

fn rust_files(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).expect("a readable src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(base).expect("below src/");
            let code = fs::read_to_string(&path).expect("a readable source file");
            out.push((rel.to_string_lossy().replace('\\', "/"), code));
        }
    }
}

#[test]
fn imports_point_from_later_stages_to_earlier_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    assert!(files.len() > 50, "read the source tree");
    let bad: Vec<String> = files
        .iter()
        .flat_map(|(file, code)| violations(file, code))
        .collect();
    assert!(
        bad.is_empty(),
        "imports against the stage order:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_source_folder_is_a_known_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in fs::read_dir(&src).expect("a readable src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            assert!(
                rank(&name).is_some() || name == "cli",
                "src/{name}/ is not in STAGES: add it where it belongs in the pipeline"
            );
        }
    }
}

#[test]
fn the_check_catches_an_import_that_points_up() {
    let code = "use crate::syntax::expr::Expr;\nuse crate::render::to_text;\n";
    assert_eq!(
        violations("syntax/expr.rs", code),
        ["src/syntax/expr.rs uses crate::render (stage `render`)"]
    );
    let grouped = "use crate::{check::eval::Evaluator, syntax::expr::Expr};";
    assert_eq!(violations("engine/mod.rs", grouped).len(), 1);
    assert_eq!(
        violations("parse/x.rs", "fn f() -> crate::Derivation {}").len(),
        1
    );
    // Unit tests may build their input with a later stage.
    assert!(violations(
        "syntax/x.rs",
        "#[cfg(test)]\nmod tests { use crate::parse::parse_expr; }"
    )
    .is_empty());
    // Comments and paths that merely end in `crate::` are not imports.
    assert!(violations("syntax/x.rs", "/// see [`crate::render::to_text`]").is_empty());
    assert!(violations("syntax/x.rs", "use othercrate::render;").is_empty());
    assert!(violations("render/x.rs", "use crate::{check::CheckReport, syntax};").is_empty());
}

/// The analysis functions that compute (the cancellation report, its sweep and bisection, the
/// chain below the logits, the instance, the figures' data): renderers print their results,
/// handed to them in `render::proof_input::ProofInput` or as arguments, and never call them.
const COMPUTING: &[&str] = &[
    "analyse",
    "analyse_with",
    "true_class",
    "drive_for",
    "value_at",
    "fixed_instance",
    "fixed_instance_with",
    "true_class_instance",
    "instance_values",
    "below_logits",
    "chain_below",
    "builtin_probability",
    "probability_symbol",
    "blog_figure_data",
    "jacobian",
    "curves",
    "signal",
];

/// Every call in `code` (a file below `src/render/`) to one of [`COMPUTING`], as `file calls
/// name`; comments and unit tests are ignored.
/// The code lines of `code` when `file` is below `src/render/` (none otherwise), trimmed at the
/// start, without comment lines and without the unit tests.
fn renderer_code<'c>(file: &str, code: &'c str) -> impl Iterator<Item = &'c str> {
    let lines = if file.starts_with("render/") {
        code
    } else {
        ""
    };
    lines
        .lines()
        .take_while(|l| l.trim() != "#[cfg(test)]")
        .map(str::trim_start)
        .filter(|l| !l.starts_with("//"))
}

fn computing_calls(file: &str, code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in renderer_code(file, code) {
        for name in COMPUTING {
            let call = format!("{name}(");
            let mut rest = line;
            while let Some(i) = rest.find(&call) {
                let before = rest[..i].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    found.push(format!("src/{file} calls {name}"));
                }
                rest = &rest[i + call.len()..];
            }
        }
    }
    found
}

/// Every path into `crate::analysis` in `code` (a file below `src/render/`) that names a
/// function rather than data: renderers take the analysis's results (types such as
/// `Cancellation`, constants such as `FIXED_RANGE_SIZE`) and may read the fixed texts of
/// `analysis::notes`; any other lower-case item (`normal::equivalent`, `cancellation::analyse`,
/// a module imported to call into) is a computation. Comments and unit tests are ignored.
fn analysis_functions_used(file: &str, code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in renderer_code(file, code) {
        let mut rest = line;
        while let Some(i) = rest.find("analysis::") {
            rest = &rest[i + "analysis::".len()..];
            let path: String = rest
                .chars()
                .take_while(|c| {
                    c.is_alphanumeric() || matches!(c, '_' | ':' | '{' | '}' | ',' | ' ')
                })
                .collect();
            let (module, items) = match path.split_once("::") {
                Some((m, items)) => (m.trim(), items),
                None => (path.trim(), ""),
            };
            if module == "notes" {
                continue;
            }
            let items = items.trim_start_matches('{');
            let names: Vec<&str> = items
                .split([',', '}'])
                .map(|n| n.trim().rsplit("::").next().unwrap_or("").trim())
                .filter(|n| !n.is_empty())
                .collect();
            if names.is_empty() {
                found.push(format!("src/{file} uses analysis::{module} itself"));
            }
            for name in names {
                if name.starts_with(|c: char| c.is_lowercase()) {
                    found.push(format!("src/{file} uses analysis::{module}::{name}"));
                }
            }
        }
    }
    found
}

/// Asserts that `check` finds nothing in any file below `src/`.
fn every_source_file_passes(check: fn(&str, &str) -> Vec<String>, rule: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    let bad: Vec<String> = files
        .iter()
        .flat_map(|(file, code)| check(file, code))
        .collect();
    assert!(bad.is_empty(), "{rule}:\n{}", bad.join("\n"));
}

#[test]
fn renderers_take_only_data_from_the_analysis() {
    every_source_file_passes(
        analysis_functions_used,
        "renderers must print the analysis they are given, not call into it",
    );
}

#[test]
fn the_data_only_check_catches_a_renderer_that_calls_the_analysis() {
    let bad = |code: &str| analysis_functions_used("render/json.rs", code);
    // The call this check was written for: JSON deciding `expect` itself.
    assert_eq!(
        bad("use crate::analysis::normal::equivalent;"),
        ["src/render/json.rs uses analysis::normal::equivalent"]
    );
    assert_eq!(
        bad("use crate::analysis::cancellation::{Cancellation, analyse};").len(),
        1
    );
    assert_eq!(
        bad("let v = crate::analysis::figures::curves(p, d);").len(),
        1
    );
    assert_eq!(bad("use crate::analysis::normal;").len(), 1);
    // Data, the notes' texts, comments and other folders pass.
    assert!(
        bad("use crate::analysis::cancellation::{Cancellation, Shape, FIXED_RANGE_SIZE};")
            .is_empty()
    );
    assert!(bad("if let Some(n) = crate::analysis::notes::kink_note(d) {").is_empty());
    assert!(bad("/// see crate::analysis::normal::equivalent").is_empty());
    assert!(
        analysis_functions_used("cli/run.rs", "use crate::analysis::normal::equivalent;")
            .is_empty()
    );
}

#[test]
fn renderers_compute_no_analysis() {
    every_source_file_passes(
        computing_calls,
        "renderers must print the analysis they are given, not compute it",
    );
}

#[test]
fn the_check_catches_a_renderer_that_computes() {
    let code = "let c = crate::analysis::cancellation::analyse(problem, d);";
    assert_eq!(
        computing_calls("render/proof.rs", code),
        ["src/render/proof.rs calls analyse"]
    );
    assert_eq!(
        computing_calls(
            "render/json.rs",
            "let x = cancellation::drive_for(p, &i, &e, 0.1)?;"
        )
        .len(),
        1
    );
    assert_eq!(
        computing_calls(
            "render/x.rs",
            "out.push_str(&text(&analyse_with(p, d, &o)));"
        )
        .len(),
        1
    );
    // The CLI computes (it is where the analysis is run); comments, unit tests and names that
    // merely end in a computing name are not calls.
    assert!(computing_calls("cli/run.rs", code).is_empty());
    assert!(computing_calls("render/x.rs", "/// see [`analyse`](crate::analysis)").is_empty());
    assert!(computing_calls(
        "render/x.rs",
        "#[cfg(test)]\nmod t { fn f() { analyse(p, d); } }"
    )
    .is_empty());
    assert!(computing_calls("render/x.rs", "let r = reanalyse(p);").is_empty());
}
