//! Every class of bad input, as the command line reports it: the exact stderr (an insta
//! snapshot), exit code 2, and a line and column with a caret wherever the problem has a place
//! in the input. Files are written to a temporary folder and named relative to it, so the
//! snapshots do not depend on where the tests run.

use std::path::PathBuf;
use std::process::Command;

/// A fresh folder for this test binary's files.
fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gradproof-cli-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `gradproof derive NAME` on a file holding `bytes` and returns its stderr, asserting
/// exit code 2 and an empty stdout.
fn derive_error(name: &str, bytes: &[u8]) -> String {
    let dir = dir();
    std::fs::write(dir.join(name), bytes).expect("write");
    run_error(&dir, name)
}

/// Runs `gradproof derive NAME` in `dir` and returns its stderr, asserting exit code 2.
fn run_error(dir: &PathBuf, name: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .current_dir(dir)
        .args(["derive", name])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    stderr
}

/// The reference declarations, to which each test adds lines.
const HEAD: &str = "index j, k, m in 1..K
var s_j real
var q_j distribution
let p_j = exp(s_j) / sum_m exp(s_m)
";

fn with_head(rest: &str) -> Vec<u8> {
    format!("{HEAD}{rest}").into_bytes()
}

#[test]
fn unknown_function() {
    let err = derive_error("f.deriv", &with_head("let L = softmax(s_j)\n"));
    insta::assert_snapshot!(err, @r"
    error: f.deriv:5:9: unknown function `softmax` (known: exp, log, sqrt, relu, abs, max, min, clamp, if, delta(j, k) and d(F)/d(x))
      |
    5 | let L = softmax(s_j)
      |         ^
    ");
}

#[test]
fn unbalanced_parentheses() {
    let err = derive_error("open.deriv", &with_head("let L = -log(p_k * (1 + q_k)\n"));
    insta::assert_snapshot!(err, @r"
    error: open.deriv:5:29: expected ')' after the argument of log, found end of line
      |
    5 | let L = -log(p_k * (1 + q_k)
      |                             ^
    ");
    let err = derive_error("close.deriv", &with_head("let L = log(p_k))\n"));
    insta::assert_snapshot!(err, @r"
    error: close.deriv:5:17: found ')' without a matching '('
      |
    5 | let L = log(p_k))
      |                 ^
    ");
}

#[test]
fn unbound_index() {
    let err = derive_error("idx.deriv", &with_head("let L = -log(p_y)\n"));
    insta::assert_snapshot!(err, @r"
    error: idx.deriv:5:16: index `y` is not declared (add a line such as `index y in 1..K`)
      |
    5 | let L = -log(p_y)
      |                ^
    ");
}

#[test]
fn index_declared_twice() {
    let err = derive_error("twice.deriv", &with_head("index y, k in 1..K\n"));
    insta::assert_snapshot!(err, @r"
    error: twice.deriv:5:10: index `k` is already declared on line 1
      |
    5 | index y, k in 1..K
      |          ^
    ");
}

#[test]
fn derivative_by_an_undefined_symbol() {
    let err = derive_error("wrt.deriv", &with_head("derive d(p_j)/d(z_k)\n"));
    insta::assert_snapshot!(err, @r"
    error: wrt.deriv:5:17: cannot differentiate with respect to `z`: it is not declared by `var` or `let`
      |
    5 | derive d(p_j)/d(z_k)
      |                 ^
      |
      = help: if `z` is an input, declare it before this line: `var z_k real`
    ");
}

#[test]
fn via_naming_no_definition() {
    let err = derive_error(
        "via.deriv",
        &with_head("let L = -log(p_k)\nderive d(L)/d(s_k) via q_j\n"),
    );
    insta::assert_snapshot!(err, @r"
    error: via.deriv:6:24: `via q` needs a definition of `q` (a `let` line)
      |
    6 | derive d(L)/d(s_k) via q_j
      |                        ^
    ");
}

#[test]
fn definition_that_refers_to_itself() {
    let err = derive_error("self.deriv", &with_head("let L = 1 + L*q_k\n"));
    insta::assert_snapshot!(err, @r"
    error: self.deriv:5:13: definition of `L` refers to itself: L -> L
      |
    5 | let L = 1 + L*q_k
      |             ^
    ");
}

#[test]
fn distribution_without_an_index() {
    let err = derive_error("dist.deriv", b"var t distribution\n");
    insta::assert_snapshot!(err, @r"
    error: dist.deriv:1:5: a `distribution` variable needs exactly one index to sum over, as in `t_j`
      |
    1 | var t distribution
      |     ^
    ");
}

#[test]
fn empty_file() {
    let err = derive_error("empty.deriv", b"");
    insta::assert_snapshot!(err, @"error: empty.deriv: the file is empty (expected lines such as `var x real`, `let L = x^2` and `derive d(L)/d(x)`)");
    let err = derive_error("blank.deriv", b"\n  \n\t\n");
    assert!(err.contains("the file is empty"), "{err}");
}

#[test]
fn nothing_to_do() {
    let err = derive_error("nothing.deriv", b"# only a comment\nvar x real\n");
    insta::assert_snapshot!(err, @"error: nothing.deriv: no `derive` or `show` line, nothing to do");
}

#[test]
fn binary_file() {
    let err = derive_error("bin.deriv", b"var x real\nlet L = x\x00\x01\x02*x\n");
    insta::assert_snapshot!(err, @r"
    error: bin.deriv:2:10: this is a binary file (a NUL byte), not a .deriv text file
      |
    2 | let L = x���*x
      |          ^
    ");
}

#[test]
fn invalid_utf8() {
    let err = derive_error("latin1.deriv", b"title \"caf\xe9\"\nvar x real\n");
    insta::assert_snapshot!(err, @r#"
    error: latin1.deriv:1:11: the file is not UTF-8 text (byte 0xe9 here); save it as UTF-8
      |
    1 | title "caf�"
      |           ^
    "#);
}

#[test]
fn missing_file() {
    let err = run_error(&dir(), "no-such-file.deriv");
    insta::assert_snapshot!(err, @"error: cannot read no-such-file.deriv: No such file or directory (os error 2)");
}

#[test]
fn limits_name_themselves() {
    let mut chain = String::from("var x real\nlet a0 = x\n");
    for i in 1..=200 {
        chain.push_str(&format!("let a{i} = a{} + x\n", i - 1));
    }
    let err = derive_error("chain.deriv", chain.as_bytes());
    insta::assert_snapshot!(err, @r"
    error: chain.deriv:102:1: the definition of `a100` is 101 levels deep with the definitions it uses substituted, more than 100 (limit MAX_UNFOLDED_DEPTH)
        |
    102 | let a100 = a99 + x
        | ^
    ");
    let nested = format!(
        "var x real\nlet L = {}x{}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let err = derive_error("nested.deriv", nested.as_bytes());
    assert!(err.contains("(limit MAX_NESTING)"), "{err}");
}
