//! The diagnostics of #20: a hint for each common mistake, did-you-mean for directives, kinds,
//! functions, symbols and subcommands, FILE:LINE:COL for every report that points into a file,
//! and `--message-format json`. Each test feeds a wrong input and snapshots stderr (read: the
//! hint must name the user's own symbols and propose a line that parses).

mod common;

use std::path::PathBuf;
use std::process::Command;

/// A fresh folder for this test binary's files.
fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gradproof-cli-diag-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs gradproof with `args` in `dir`.
fn run_in(dir: &PathBuf, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `gradproof derive NAME` on a file holding the declarations and `rest`: its stderr, asserting
/// exit code 2 and an empty stdout.
fn derive_error(name: &str, rest: &str) -> String {
    let dir = dir();
    std::fs::write(dir.join(name), format!("{HEAD}{rest}\n")).expect("write");
    let o = run_in(&dir, &["derive", name]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty());
    err
}

/// Declarations with a second range, to which each test adds a line.
const HEAD: &str = "index a, b, n in 1..N
index e in 1..E
var z_a real
var t_a distribution
var u_{b,e} real
";

#[test]
fn juxtaposition_suggests_the_missing_star() {
    insta::assert_snapshot!(derive_error("jux.deriv", "let R = sum_e v_e u_{b,e}"));
    insta::assert_snapshot!(derive_error("jux2.deriv", "let R = z_b (1 - z_b)"));
}

#[test]
fn a_text_form_sum_suggests_sum_letter() {
    insta::assert_snapshot!(derive_error(
        "sigma.deriv",
        "let r_a = exp(z_a) / Σ_n exp(z_n)"
    ));
}

#[test]
fn a_forgotten_var_or_let_is_named() {
    insta::assert_snapshot!(derive_error("novar.deriv", "v_e real"));
    insta::assert_snapshot!(derive_error("nolet.deriv", "R = z_b^2"));
}

#[test]
fn misspelt_directive_kind_and_function() {
    insta::assert_snapshot!(derive_error("dir.deriv", "derivee d(R)/d(z_b)"));
    insta::assert_snapshot!(derive_error("kind.deriv", "var h distrbution"));
    insta::assert_snapshot!(derive_error("func.deriv", "let R = epx(z_b)"));
}

#[test]
fn an_undeclared_symbol_gets_a_declaration_or_a_close_name() {
    insta::assert_snapshot!(derive_error("undeclared.deriv", "let R = h_b^2"));
    let err = derive_error("close.deriv", "let temp = 2\nlet R = tmep * z_b");
    assert!(err.contains("did you mean `temp`?"), "{err}");
}

#[test]
fn a_misspelt_subcommand_is_not_read_as_a_file() {
    let dir = dir();
    let o = run_in(&dir, &["chek"]);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&o.stderr));
    // A path that exists is still a file, even when it is one edit from a command.
    let sub = dir.join("asfile");
    std::fs::create_dir_all(&sub).expect("dir");
    std::fs::write(
        sub.join("chek"),
        include_str!("../derivations/softmax_cross_entropy.deriv"),
    )
    .expect("write");
    let o = run_in(&sub, &["chek"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert!(common::stdout(&o).contains("Result:"));
}

#[test]
fn message_format_json_is_one_object_per_line() {
    let dir = dir();
    std::fs::write(dir.join("j.deriv"), format!("{HEAD}derivee d(R)/d(z_b)\n")).expect("write");
    let o = run_in(&dir, &["derive", "j.deriv", "--message-format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = common::stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON");
    assert_eq!(v["file"], "j.deriv");
    assert_eq!(v["line"], 6);
    assert_eq!(v["column"], 1);
    assert_eq!(v["code"], "parse");
    assert_eq!(v["help"][0], "did you mean `derive`?");
}

#[test]
fn false_expect_and_show_lines_point_at_file_line_column() {
    let dir = dir();
    let text = include_str!("../derivations/softmax_cross_entropy.deriv")
        .replace("expect p_k - q_k", "expect p_k + q_k");
    assert!(text.contains("p_k + q_k"), "the fault was injected");
    std::fs::write(dir.join("fe.deriv"), &text).expect("write");
    let line = text
        .lines()
        .position(|l| l.starts_with("expect"))
        .expect("an expect line")
        + 1;
    let o = run_in(&dir, &["check", "fe.deriv"]);
    assert_eq!(o.status.code(), Some(1));
    let out = common::stdout(&o);
    assert!(
        out.contains(&format!("fe.deriv:{line}:1: Expected:")),
        "{out}"
    );
    // As JSON on stderr, with the same place.
    let o = run_in(&dir, &["check", "fe.deriv", "--message-format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    let v: serde_json::Value =
        serde_json::from_str(err.lines().next().expect("a line")).expect("JSON");
    assert_eq!(v["code"], "false_expect");
    assert_eq!(v["line"], line);
}

#[test]
fn color_is_chosen_by_the_flag() {
    let dir = dir();
    std::fs::write(dir.join("c.deriv"), format!("{HEAD}derivee d(R)/d(z_b)\n")).expect("write");
    let with =
        |color: &str| common::stderr(&run_in(&dir, &["derive", "c.deriv", "--color", color]));
    assert!(
        with("always").contains("\x1b[1;31merror"),
        "{}",
        with("always")
    );
    assert!(!with("never").contains('\x1b'));
    // Not a terminal: auto is plain.
    assert!(!with("auto").contains('\x1b'));
    let o = Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["derive", "c.deriv"])
        .output()
        .expect("runs");
    assert!(!common::stderr(&o).contains('\x1b'));
}
