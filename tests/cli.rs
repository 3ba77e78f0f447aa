//! The command line: exit codes and what it prints.

mod common;

use common::{derivation_files, run, stderr, stdout};

fn temp_file(name: &str, text: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gradproof-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn no_argument_runs_the_embedded_reference() {
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Result: ∂L/∂s_k = p_k − q_k"), "{out}");
    assert!(out.contains("✓"), "{out}");
}

#[test]
fn a_false_expect_exits_1() {
    let text = include_str!("../derivations/softmax_cross_entropy.deriv")
        .replace("expect p_k - q_k", "expect q_k - p_k");
    let path = temp_file("false_expect.deriv", text.as_bytes());
    let o = run(&["derive", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("✗"));
}

#[test]
fn bad_input_exits_2_with_line_and_column() {
    let path = temp_file("bad.deriv", b"index j in 1..K\nlet L = exp(s_j\n");
    let o = run(&["derive", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(":2:"), "{err}");
    assert!(err.contains('^'), "{err}");
}

#[test]
fn a_missing_file_and_invalid_utf8_exit_2() {
    let o = run(&["derive", "/nonexistent/file.deriv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"));
    let path = temp_file("binary.deriv", &[0xff, 0xfe, 0x00, 0x41]);
    let o = run(&["derive", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("binary file"), "{}", stderr(&o));
    let path = temp_file("latin1.deriv", &[b'#', b' ', 0xe9, b'\n']);
    let o = run(&["derive", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not UTF-8"), "{}", stderr(&o));
}

#[test]
fn a_file_without_derive_exits_2() {
    let path = temp_file("empty.deriv", b"# nothing here\n");
    let o = run(&["derive", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no `derive` or `show` line"));
}

#[test]
fn print_writes_latex_in_the_posts_notation() {
    let o = run(&[
        "print",
        "-sum_j q_j * log(p_j)",
        "--format",
        "latex",
        "--index",
        "j=K",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), r"-\sum_{j=1}^{K} q_j \log p_j");
    let o = run(&["print", "exp(s_k", "--format", "text"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1:8"));
}

#[test]
fn rules_lists_the_registry() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    for r in gradproof::rules::registry() {
        assert!(stdout(&o).contains(r.name), "{} missing", r.name);
    }
}

#[test]
fn check_passes_on_every_derivation() {
    for (path, _) in derivation_files() {
        let o = run(&["check", path.to_str().expect("utf-8 path")]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            stdout(&o)
        );
        assert!(!stdout(&o).contains('✗'), "{}", stdout(&o));
    }
}

#[test]
fn a_false_show_line_exits_1_and_names_its_line() {
    let text = include_str!("../derivations/softmax_cross_entropy_by_hand.deriv").replace(
        "= sum_j (-q_j)*(delta(j,k) - p_k)",
        "= sum_j (-q_j)*(delta(j,k) + p_k)",
    );
    assert!(text.contains("+ p_k)"), "the fault was injected");
    let path = temp_file("false_show2.deriv", text.as_bytes());
    let o = run(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    // The false line is pointed at as FILE:LINE:COL, which editors jump to.
    assert!(out.contains("false_show2.deriv:10:1: ✗"), "{out}");
    assert!(out.contains("✗ false"), "{out}");
}

#[test]
fn derive_marks_every_step() {
    let o = run(&["derive", "derivations/softmax_cross_entropy.deriv"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let is_step = |l: &&str| {
        let t = l.trim_start();
        t.starts_with('(') && t[1..].starts_with(|c: char| c.is_ascii_digit())
    };
    let steps = out.lines().filter(is_step).count();
    let marks = out
        .lines()
        .filter(is_step)
        .filter(|l| l.contains("✓ max rel error"))
        .count();
    assert!(steps >= 6, "{out}");
    assert_eq!(steps, marks, "{out}");
}

#[test]
fn json_from_the_cli_carries_the_check() {
    let o = run(&[
        "derive",
        "derivations/softmax_cross_entropy.deriv",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(json["checked"], true);
    for step in json["steps"].as_array().expect("steps") {
        assert_eq!(step["check"]["status"], "pass", "{step}");
        assert!(step["check"]["samples"].as_u64().unwrap_or(0) > 0);
    }
    let lemma_step = &json["steps"][1]["lemmas"][1]["steps"][0];
    assert_eq!(lemma_step["check"]["status"], "pass");
}
