//! Index ranges (issue #12, items 6, 7 and 8): a range end is a positive integer and nothing
//! else; an index fills a symbol's subscript place only when it runs over that place's range
//! (`via` included); and two-range derivations never show a sum over one range with a letter of
//! another.

mod common;

use gradproof::parse::{parse_problem, ErrorKind, ParseError};

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
    let o = common::run(&["derive", &common::temp_file(name, text)]);
    (o.status.code(), common::stderr(&o))
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
            if name == "K" && *what == "a variable"),
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
        matches!(err.kind(), ErrorKind::RangeEndDeclared { what, .. } if *what == "a definition"),
        "{err:#}"
    );
    assert_eq!(at(&err), (2, 15), "{err:#}");
}

#[test]
fn a_range_end_that_is_an_index_letter_is_rejected() {
    let err = file_error("index n in 1..K\nindex j in 1..n\nvar x_j real\nlet L = sum_j x_j\n");
    assert!(
        matches!(err.kind(), ErrorKind::RangeEndDeclared { what, .. } if *what == "an index letter"),
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
        matches!(err.kind(), ErrorKind::IndexRange(m)
            if m.index == "e" && m.range == "D" && m.symbol == "p" && m.expected == "K"),
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
        matches!(err.kind(), ErrorKind::IndexRange(m)
            if m.index == "k" && m.symbol == "w" && m.declared == "w_d" && m.line == 3),
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
        matches!(err.kind(), ErrorKind::IndexRange(m) if m.index == "d"),
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

// ---- Item 8: fresh names stay in their range; printers never mix ranges --------------------

/// Classes `1..K` and dimensions `1..D`: scores `s_k = Σ_d w_d c_{k,d}`, softmax and
/// cross-entropy. `{WRT}` is the variable.
const TWO_RANGES: &str = "index j, k in 1..K
index d, e in 1..D
var w_d real
var c_{k,d} real
var q_k distribution
let s_k = sum_d w_d * c_{k,d}
let p_k = exp(s_k) / sum_j exp(s_j)
let L = -sum_k q_k * log(p_k)
derive d(L)/d({WRT}) via s_k
";

/// The two goals of the two-range file.
fn two_range_files() -> Vec<String> {
    ["w_d", "c_{k,d}"]
        .iter()
        .map(|wrt| TWO_RANGES.replace("{WRT}", wrt))
        .collect()
}

/// Every `\sum_{X=1}^{U}` of a LaTeX text, as `(X, U)`.
fn latex_sums(latex: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = latex;
    while let Some(at) = rest.find("\\sum_{") {
        rest = &rest[at + "\\sum_{".len()..];
        let Some(eq) = rest.find("=1}^{") else {
            panic!("a sum without its range: {latex}")
        };
        let letter = rest[..eq].to_string();
        let after = &rest[eq + "=1}^{".len()..];
        let end = after.find('}').expect("closing brace");
        out.push((letter, after[..end].to_string()));
        rest = &after[end..];
    }
    out
}

/// Every letter after `Σ` in a text (`Σ_j`, `Σ_{j1}`).
fn text_sums(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("Σ_") {
        let rest = &text[at + "Σ_".len()..];
        let letter: String = match rest.strip_prefix('{') {
            // `Σ_{m=1..D}`: with two ranges the text form names the range after the letter.
            Some(inner) => inner
                .chars()
                .take_while(|c| !matches!(c, '}' | '='))
                .collect(),
            None => rest
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect(),
        };
        out.push(letter);
    }
    out
}

/// Every line of a derivation and of its lemmas.
fn all_lines(d: &gradproof::Derivation) -> Vec<gradproof::Expr> {
    let mut out: Vec<_> = d.lines().cloned().collect();
    for step in &d.steps {
        for lemma in &step.lemmas {
            out.extend(all_lines(lemma));
        }
    }
    out
}

#[test]
fn every_sum_of_a_two_range_derivation_is_named_with_a_letter_of_its_range() {
    use gradproof::engine::{derive, Limits};
    use gradproof::render::{proof::options_for, to_latex, to_text};
    use gradproof::syntax::index::range_of_name;
    for text in two_range_files() {
        let problem = parse_problem(&text).expect("parses");
        let letters = problem.index_letters();
        let d = derive(&problem, Limits::default()).expect("a goal");
        let opts = options_for(&problem);
        let mut sums = 0;
        for line in all_lines(&d) {
            let latex = to_latex(&line, &opts);
            let in_latex = latex_sums(&latex);
            for (letter, upper) in &in_latex {
                assert_eq!(
                    range_of_name(letter, &letters),
                    Some(upper.as_str()),
                    "\\sum_{{{letter}=1}}^{{{upper}}} in {latex}"
                );
            }
            // The text form names the same sums in the same order, each with its range.
            let names: Vec<String> = in_latex.iter().map(|(l, _)| l.clone()).collect();
            let text = to_text(&line, &opts);
            assert_eq!(text_sums(&text), names, "{latex}");
            for (letter, upper) in &in_latex {
                assert!(
                    text.contains(&format!("Σ_{{{letter}=1..{upper}}}")),
                    "{text}"
                );
            }
            sums += names.len();
        }
        assert!(sums > 10, "only {sums} sums in the derivation of\n{text}");
    }
}

#[test]
fn the_two_range_documents_never_show_a_sum_with_a_letter_of_another_range() {
    use gradproof::syntax::index::range_of_name;
    for (n, text) in two_range_files().iter().enumerate() {
        let problem = parse_problem(text).expect("parses");
        let letters = problem.index_letters();
        let path = common::temp_file(&format!("two_ranges_{n}.deriv"), text);
        let run = |format: &str| {
            let o = common::run(&["derive", &path, "--format", format]);
            assert_eq!(o.status.code(), Some(0), "{format}");
            common::stdout(&o)
        };
        let latex = run("latex");
        let sums = latex_sums(&latex);
        assert!(sums.len() > 10, "{latex}");
        for (letter, upper) in sums {
            assert_eq!(
                range_of_name(&letter, &letters),
                Some(upper.as_str()),
                "{letter}"
            );
        }
        // JSON: each expression's LaTeX shows sums in their range, and its input syntax reads
        // back (as an `expect` line of the file) with every sum over the range it had.
        let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
        let mut exprs = Vec::new();
        collect_exprs(&json, &mut exprs);
        assert!(exprs.len() > 10);
        for (input, latex) in exprs {
            for (letter, upper) in latex_sums(&latex) {
                assert_eq!(
                    range_of_name(&letter, &letters),
                    Some(upper.as_str()),
                    "{latex}"
                );
            }
            if input.contains("sum_") {
                let file = format!("{text}expect {input}\n");
                let back = parse_problem(&file).unwrap_or_else(|e| panic!("{input}: {e:#}"));
                let opts = gradproof::render::proof::options_for(&back);
                let expr = back.expect.as_ref().expect("expect").0.clone();
                // Compared without the layout's line breaks.
                let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
                let again = gradproof::render::to_latex(&expr, &opts);
                assert_eq!(flat(&again), flat(&latex), "{input}");
            }
        }
    }
}

/// Every `{"input": .., "latex": ..}` expression object in a JSON document.
fn collect_exprs(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            if let (Some(serde_json::Value::String(i)), Some(serde_json::Value::String(l))) =
                (map.get("input"), map.get("latex"))
            {
                out.push((i.clone(), l.clone()));
            }
            map.values().for_each(|x| collect_exprs(x, out));
        }
        serde_json::Value::Array(xs) => xs.iter().for_each(|x| collect_exprs(x, out)),
        _ => {}
    }
}

#[test]
fn renaming_every_name_of_a_two_range_file_renames_its_proof() {
    use gradproof::engine::{derive, Limits};
    use gradproof::render::{proof::options_for, to_input_with};
    // Dimensions over `a, b` here so that no letter is the `d` of `d(F)/d(x)`.
    let file = |wrt: &str| {
        TWO_RANGES
            .replace("index d, e in 1..D", "index a, b in 1..D")
            .replace("_d ", "_a ")
            .replace("{k,d}", "{k,a}")
            .replace("sum_d", "sum_a")
            .replace("{WRT}", wrt)
    };
    let table = [
        ("j", "u"),
        ("k", "v"),
        ("j1", "u1"),
        ("a", "x"),
        ("b", "y"),
        ("w", "g"),
        ("c", "h"),
        ("q", "t"),
        ("s", "z"),
        ("p", "r"),
        ("L", "E"),
        ("K", "N"),
        ("D", "M"),
    ];
    let lines = |text: &str| -> Vec<String> {
        let problem = parse_problem(text).unwrap_or_else(|e| panic!("{e:#}\n{text}"));
        let d = derive(&problem, Limits::default()).expect("a goal");
        let opts = options_for(&problem);
        all_lines(&d)
            .iter()
            .map(|l| to_input_with(l, &opts))
            .collect()
    };
    for wrt in ["w_a", "c_{k,a}"] {
        let original = file(wrt);
        assert!(
            original.contains("let s_k = sum_a w_a * c_{k,a}"),
            "{original}"
        );
        let renamed = common::rename(&original, &table);
        let expected: Vec<String> = lines(&original)
            .iter()
            .map(|l| common::rename(l, &table))
            .collect();
        assert!(
            expected.iter().any(|l| l.contains("sum_{u1}")),
            "{expected:?}"
        );
        assert_eq!(lines(&renamed), expected);
    }
}
