//! The CLI conveniences of #20: stdin, -o, several files, --quiet, completions, --watch.

mod common;

use common::{run, stderr, stdout, temp_file};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GOOD: &str = "derivations/softmax_cross_entropy.deriv";

/// The reference with a false `expect`.
fn false_expect() -> String {
    let text = include_str!("../derivations/softmax_cross_entropy.deriv")
        .replace("expect p_k - q_k", "expect p_k + q_k");
    assert!(text.contains("p_k + q_k"), "the fault was injected");
    temp_file("conv_false.deriv", &text)
}

#[test]
fn stdin_is_read_for_a_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .args(["derive", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(include_bytes!("../derivations/softmax_cross_entropy.deriv"))
        .expect("write");
    let o = child.wait_with_output().expect("waits");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), stdout(&run(&["derive", GOOD])));
    // Bad input on stdin is reported as <stdin>:LINE:COL.
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"var x real\nlet L = x x\n")
        .expect("write");
    let o = child.wait_with_output().expect("waits");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<stdin>:2:11:"), "{}", stderr(&o));
}

#[test]
fn output_goes_to_the_file_of_dash_o() {
    let out = temp_file("conv_out.tex", "");
    let o = run(&["derive", GOOD, "--format", "latex", "-o", &out]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&out).expect("written");
    assert_eq!(
        written,
        stdout(&run(&["derive", GOOD, "--format", "latex"]))
    );
}

#[test]
fn several_files_are_each_reported_and_the_worst_code_wins() {
    let bad = false_expect();
    let o = run(&["check", GOOD, &bad]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains(&format!("══ {GOOD} ══")) && out.contains(&format!("══ {bad} ══")));
    let broken = temp_file("conv_broken.deriv", "var x real\nlet L = x x\n");
    let o = run(&["check", &bad, &broken, GOOD]);
    assert_eq!(o.status.code(), Some(2), "bad input is the worst");
    assert!(
        stdout(&o).contains(&format!("══ {GOOD} ══")),
        "later files still run"
    );
    // A document format takes one file.
    let o = run(&["derive", GOOD, GOOD, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn quiet_prints_only_what_is_false() {
    let o = run(&["check", GOOD, "--quiet"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{}", stdout(&o));
    let bad = false_expect();
    let o = run(&["-q", "check", &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("Expected:") && stderr(&o).contains(&bad),
        "{}",
        stderr(&o)
    );
    // verify is quiet too.
    let proof = temp_file("conv_proof.json", "");
    let o = run(&["derive", GOOD, "--format", "json", "-o", &proof]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["verify", &proof, "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    assert!(!stdout(&run(&["verify", &proof])).is_empty());
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        assert!(
            out.contains("gradproof") && out.contains("compare"),
            "{shell}"
        );
    }
    assert_eq!(run(&["completions", "cmd.exe"]).status.code(), Some(2));
    // The table's flags do not apply to --plot.
    let o = run(&["compare", GOOD, "--plot", "--set", "gamma=1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn watch_runs_again_when_the_file_changes() {
    let file = temp_file(
        "conv_watch.deriv",
        include_str!("../derivations/softmax_cross_entropy.deriv"),
    );
    let out = temp_file("conv_watch.out", "");
    std::fs::remove_file(&out).expect("rm");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .args(["check", &file, "--watch", "-o", &out])
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let wait_for = |pred: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            if let Ok(text) = std::fs::read_to_string(&out) {
                if pred(&text) {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    };
    let first = wait_for(&|t| t.contains("Expected:"));
    std::fs::write(
        &file,
        include_str!("../derivations/softmax_cross_entropy.deriv")
            .replace("expect p_k - q_k", "expect p_k + q_k"),
    )
    .expect("rewrite");
    let second = wait_for(&|t| t.contains("Expected:") && t.contains('✗'));
    let _ = child.kill();
    let _ = child.wait();
    assert!(first, "the first run wrote its report");
    assert!(second, "the change was picked up");
}
