//! Index ranges (issue #12, items 6, 7 and 8): a range end is a positive integer and nothing
//! else; an index fills a symbol's subscript place only when it runs over that place's range
//! (`via` included); and two-range derivations never show a sum over one range with a letter of
//! another.

use gradproof::parse::{parse_problem, ErrorKind, ParseError};
use std::process::Command;

/// The error for a file that must not parse.
fn file_error(text: &str) -> ParseError {
    match parse_problem(text) {
        Ok(p) => panic!("parsed:\n{text}\nas {p:?}"),
        Err(err) => err,
    }
}

/// `(line, column)` of an error.
fn at(err: &ParseError) -> (usize, usize) {
    (err.pos().line, err.pos().column)
}

/// Runs `gradproof derive` on `text` and returns (exit code, stderr).
fn cli(name: &str, text: &str) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("gradproof-ranges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(name), text).expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .current_dir(&dir)
        .args(["derive", name])
        .output()
        .expect("the binary runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

// ---- Item 6: a range end is not a variable, a definition or an index letter ---------------

const RANGE_END_VAR: &str = "index j in 1..K
var K real
var x_j real
let L = sum_j x_j * K
derive d(L)/d(x_j)
";

#[test]
fn a_range_end_declared_as_a_variable_is_rejected_at_the_variable() {
    let err = file_error(RANGE_END_VAR);
    assert!(
        matches!(err.kind(), ErrorKind::RangeEndDeclared { name, what, .. }
            if name == "K" && what == "a variable"),
        "{err:#}"
    );
    assert_eq!(at(&err), (2, 5), "{err:#}");
    let (code, stderr) = cli("range_end_var.deriv", RANGE_END_VAR);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("range_end_var.deriv:2:5:"), "{stderr}");
}

#[test]
fn a_range_end_declared_as_a_definition_is_rejected_at_the_later_line() {
    // The definition comes first: the error sits on the range end of the `index` line.
    let err = file_error("let K = 3\nindex j in 1..K\nvar x_j real\nlet L = sum_j x_j\n");
    assert!(
        matches!(err.kind(), ErrorKind::RangeEndDeclared { what, .. } if what == "a definition"),
        "{err:#}"
    );
    assert_eq!(at(&err), (2, 15), "{err:#}");
}

#[test]
fn a_range_end_that_is_an_index_letter_is_rejected() {
    let err = file_error("index n in 1..K\nindex j in 1..n\nvar x_j real\nlet L = sum_j x_j\n");
    assert!(
        matches!(err.kind(), ErrorKind::RangeEndDeclared { what, .. } if what == "an index letter"),
        "{err:#}"
    );
    assert_eq!(at(&err), (2, 15), "{err:#}");
}

// ---- Item 7: the `via` index has the range of the slot it fills --------------------------

const VIA_OTHER_RANGE: &str = "index j, k in 1..K
index e in 1..D
var s_j real
var q_j distribution
let p_j = exp(s_j) / sum_k exp(s_k)
let L = -sum_j q_j * log(p_j)
derive d(L)/d(s_k) via p_e
";

#[test]
fn a_via_index_over_another_range_is_rejected() {
    let err = file_error(VIA_OTHER_RANGE);
    assert!(
        matches!(err.kind(), ErrorKind::IndexRange { index, range, symbol, expected, .. }
            if index == "e" && range == "D" && symbol == "p" && expected == "K"),
        "{err:#}"
    );
    assert_eq!(at(&err), (7, 26), "{err:#}");
    let (code, stderr) = cli("via_other_range.deriv", VIA_OTHER_RANGE);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("via_other_range.deriv:7:26:"), "{stderr}");
}

#[test]
fn a_via_index_over_the_same_range_is_accepted() {
    // Any letter of the slot's range will do, not only the one of the definition.
    let ok = VIA_OTHER_RANGE.replace("index e in 1..D", "index e in 1..K");
    parse_problem(&ok).expect("a via index over the slot's range parses");
}

// ---- Item 8: a symbol used with an index of another range is rejected at parse time -------

#[test]
fn a_subscript_over_another_range_is_rejected_where_it_is_written() {
    let text = "index k in 1..K
index d in 1..D
var w_d real
var x_k real
let L = sum_k w_k * x_k
derive d(L)/d(x_k)
";
    let err = file_error(text);
    assert!(
        matches!(err.kind(), ErrorKind::IndexRange { index, symbol, declared, line, .. }
            if index == "k" && symbol == "w" && declared == "w_d" && *line == 3),
        "{err:#}"
    );
    assert_eq!(at(&err), (5, 17), "{err:#}");
}

#[test]
fn each_subscript_place_has_its_own_range() {
    let head = "index k in 1..K\nindex d in 1..D\nvar c_{k,d} real\n";
    parse_problem(&format!("{head}let L = sum_k sum_d c_{{k,d}}\n")).expect("in order");
    let err = file_error(&format!("{head}let L = sum_k sum_d c_{{d,k}}\n"));
    assert!(
        matches!(err.kind(), ErrorKind::IndexRange { index, .. } if index == "d"),
        "{err:#}"
    );
    assert_eq!(at(&err), (4, 24), "{err:#}");
    // The variable of a derivative is checked too.
    let err = file_error(&format!(
        "{head}let L = sum_k sum_d c_{{k,d}}\nderive d(L)/d(c_{{d,d}})\n"
    ));
    assert!(
        matches!(err.kind(), ErrorKind::IndexRange { .. }),
        "{err:#}"
    );
    assert_eq!(at(&err), (5, 18), "{err:#}");
}
