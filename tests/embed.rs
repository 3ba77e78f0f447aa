//! The series' next post (#14): the chain rule through several definitions (`via s_k, p_j`),
//! stated results (`given`), and the gradients into embedding matrices and layers.
//!
//! Every closed form `expect`ed here and in `derivations/` was first checked by the independent
//! oracle `tests/oracles/embed_oracle.py` (mpmath central differences, no gradproof).

mod common;

use common::{rename, run, stderr, stdout, temp_file};
use gradproof::engine::chain::parse_and_validate;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::{proof::options_for, to_input_with, to_latex};
use gradproof::syntax::index::range_of_name;
use gradproof::{Derivation, Expr, Stop};

/// The new files of `derivations/`.
const NEW_FILES: [&str; 6] = [
    "word2vec_centre",
    "word2vec_context",
    "two_layer_first",
    "attention_scores",
    "logistic_regression",
    "skipgram_negative_sampling",
];

/// The unseen variants under `tests/fixtures/embed/`.
const VARIANTS: [&str; 5] = [
    "centre_other_names",
    "centre_true_class",
    "centre_onehot",
    "three_layers",
    "sgns_context",
];

fn new_file(name: &str) -> String {
    format!("{}/derivations/{name}.deriv", env!("CARGO_MANIFEST_DIR"))
}

fn variant(name: &str) -> String {
    format!(
        "{}/tests/fixtures/embed/{name}.deriv",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn all_files() -> Vec<String> {
    let mut files: Vec<String> = NEW_FILES.iter().map(|n| new_file(n)).collect();
    files.extend(VARIANTS.iter().map(|n| variant(n)));
    files
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).expect("readable")
}

/// Every line of a derivation and of its lemmas, nested lemmas included.
fn all_lines(d: &Derivation) -> Vec<Expr> {
    let mut out: Vec<_> = d.lines().cloned().collect();
    for step in &d.steps {
        for lemma in &step.lemmas {
            out.extend(all_lines(lemma));
        }
    }
    out
}

/// The deepest nesting of lemmas in a derivation.
fn lemma_depth(d: &Derivation) -> usize {
    d.steps
        .iter()
        .flat_map(|s| &s.lemmas)
        .map(|l| 1 + lemma_depth(l))
        .max()
        .unwrap_or(0)
}

#[test]
fn every_new_file_reaches_its_expect_in_every_format() {
    for path in all_files() {
        for format in ["text", "latex", "markdown", "json", "html"] {
            let o = run(&["derive", &path, "--format", format]);
            assert_eq!(o.status.code(), Some(0), "{path} {format}: {}", stderr(&o));
        }
        let o = run(&["check", &path]);
        assert_eq!(o.status.code(), Some(0), "{path} check: {}", stdout(&o));
    }
}

#[test]
fn the_results_are_in_the_posts_notation() {
    let result = |name: &str| {
        let o = run(&["derive", &new_file(name)]);
        let out = stdout(&o);
        out.lines()
            .find(|l| l.starts_with("Result:"))
            .expect("a result line")
            .to_string()
    };
    assert_eq!(
        result("word2vec_centre"),
        "Result: ∂L/∂w_d = Σ_{k=1..K} (p_k − q_k) c_kd"
    );
    assert_eq!(
        result("word2vec_context"),
        "Result: ∂L/∂c_kd = (p_k − q_k) w_d"
    );
    assert_eq!(
        result("two_layer_first"),
        "Result: ∂L/∂a_de = Σ_{k=1..K} x_e b_kd(p_k − q_k)"
    );
    assert_eq!(
        result("logistic_regression"),
        "Result: ∂L/∂w_d = (sigma − y) x_d"
    );
}

#[test]
fn each_via_is_a_nested_lemma_in_every_format() {
    let path = new_file("two_layer_first");
    let problem = parse_problem(&read(&path)).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    // via h_d, s_k, p_j: the piece by h through s, whose piece by s goes through p.
    assert_eq!(lemma_depth(&d), 3);
    let o = run(&["derive", &path, "--format", "latex"]);
    let latex = stdout(&o);
    let at = |needle: &str| {
        latex
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    // Each lemma's chain rule comes before the step that substitutes it.
    assert!(
        at(r"\dfrac{\partial L}{\partial s_k} &= \sum_{j=1}^{K}")
            < at(r"\dfrac{\partial L}{\partial h_f} &= \sum_{k=1}^{K} \left(p_k - q_k\right)")
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["derive", &path, "--format", "json"]))).expect("json");
    let text = json.to_string();
    assert!(text.contains("\"lemmas\""));
    for format in ["markdown", "text"] {
        let out = stdout(&run(&["derive", &path, "--format", format]));
        assert!(out.contains("p_k") && out.contains("q_k"), "{format}");
    }
}

#[test]
fn a_false_expect_on_each_new_file_exits_1() {
    for (n, path) in all_files().iter().enumerate() {
        let text = read(path);
        let expect = text
            .lines()
            .find(|l| l.starts_with("expect "))
            .expect("an expect line");
        // Twice the true result: a factor of 2 is never "equal".
        let doubled = expect.replacen("expect ", "expect 2 * (", 1) + ")";
        let wrong = text.replace(expect, &doubled);
        let file = temp_file(&format!("false_expect_{n}.deriv"), &wrong);
        for format in ["text", "json"] {
            let o = run(&["derive", &file, "--format", format]);
            assert_eq!(o.status.code(), Some(1), "{path} {format}");
        }
    }
}

#[test]
fn a_false_given_exits_1_and_a_true_one_is_named() {
    let path = new_file("skipgram_negative_sampling");
    let text = read(&path);
    let out = stdout(&run(&["derive", &path]));
    assert!(out.contains("given, checked numerically"), "{out}");
    let wrong = text.replace(
        "given d(L)/d(b_n) = sg_n - delta(n,y)",
        "given d(L)/d(b_n) = sg_n - 2 * delta(n,y)",
    );
    assert_ne!(wrong, text);
    let file = temp_file("false_given.deriv", &wrong);
    for format in ["text", "latex", "json"] {
        let o = run(&["derive", &file, "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
    }
    let o = run(&["check", &file]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn without_via_a_given_result_chooses_the_route() {
    let text = read(&new_file("word2vec_centre")).replace(
        "derive d(L)/d(w_d) via s_k, p_j",
        "given d(L)/d(s_k) = p_k - q_k\nderive d(L)/d(w_d)",
    );
    let problem = parse_problem(&text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    assert_eq!(d.steps[0].title, "chain rule");
    let given = &d.steps[1].lemmas[0];
    assert_eq!(given.steps[0].rules, vec!["given"]);
    let opts = options_for(&problem);
    assert_eq!(
        to_input_with(d.result(), &opts),
        "sum_k (p_k - q_k)*c_{k,d}"
    );
}

/// `derive` lines that cannot apply, with the column of the offending symbol and the reason.
#[test]
fn a_via_that_cannot_apply_exits_2_with_a_message() {
    let base = read(&new_file("word2vec_centre"));
    let derive = "derive d(L)/d(w_d) via s_k, p_j";
    let cases = [
        // The loss also reaches w directly (a weight penalty).
        (
            base.replace(
                "let L = -sum_j q_j * log(p_j)",
                "let L = -sum_j q_j * log(p_j) + sum_e w_e^2",
            ),
            24,
            "`L` depends on `w_d` by another path than through `s_k`",
        ),
        // In the wrong order: s does not depend on p.
        (
            base.replace(derive, "derive d(L)/d(w_d) via p_j, s_k"),
            29,
            "`s_k` does not depend on `p_j`",
        ),
        // The same symbol twice.
        (
            base.replace(derive, "derive d(L)/d(w_d) via s_k, s_k"),
            29,
            "`s_k` is the variable the piece differentiates by",
        ),
        // A definition the variable does not reach.
        (
            base.replace(derive, "derive d(L)/d(q_k) via s_k"),
            24,
            "`s_k` does not depend on `q_k`",
        ),
        // An unknown symbol.
        (
            base.replace(derive, "derive d(L)/d(w_d) via s_k, zz_j"),
            29,
            "needs a definition of `zz`",
        ),
    ];
    for (n, (text, column, why)) in cases.iter().enumerate() {
        let file = temp_file(&format!("bad_via_{n}.deriv"), text);
        let o = run(&["derive", &file]);
        assert_eq!(o.status.code(), Some(2), "case {n}");
        let err = stderr(&o);
        assert!(err.contains(&format!(":13:{column}:")), "case {n}: {err}");
        assert!(err.contains(why), "case {n}: {err}");
        assert!(parse_and_validate(text).is_err(), "case {n}");
    }
}

#[test]
fn the_via_list_is_read_with_commas_and_its_errors_are_placed() {
    let base = read(&new_file("word2vec_centre"));
    for bad in ["via s_k p_j", "via s_k,", "via s_k,, p_j"] {
        let text = base.replace("via s_k, p_j", bad);
        let err = parse_problem(&text).expect_err(bad);
        assert_eq!(err.pos().line, 13, "{bad}");
    }
    let p = parse_problem(&base).expect("parses");
    let goal = p.goal.expect("a goal");
    let names: Vec<&str> = goal.vias.iter().map(|(v, _)| v.name.as_str()).collect();
    assert_eq!(names, ["s", "p"]);
    assert_eq!(goal.vias[1].1.column, 29);
}

/// Every `\sum_{X=1}^{U}` of a LaTeX text, as `(X, U)`.
fn latex_sums(latex: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = latex;
    while let Some(at) = rest.find("\\sum_{") {
        rest = &rest[at + "\\sum_{".len()..];
        let eq = rest.find("=1}^{").expect("a sum with its range");
        let letter = rest[..eq].to_string();
        let after = &rest[eq + "=1}^{".len()..];
        let end = after.find('}').expect("closing brace");
        out.push((letter, after[..end].to_string()));
        rest = &after[end..];
    }
    out
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
fn two_ranges_never_mix_in_latex_or_json() {
    for path in all_files() {
        let text = read(&path);
        let problem = parse_problem(&text).expect("parses");
        let letters = problem.index_letters();
        let d = derive(&problem, Limits::default()).expect("a goal");
        let opts = options_for(&problem);
        for line in all_lines(&d) {
            for (letter, upper) in latex_sums(&to_latex(&line, &opts)) {
                assert_eq!(
                    range_of_name(&letter, &letters),
                    Some(upper.as_str()),
                    "{path}: {letter}"
                );
            }
        }
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&run(&["derive", &path, "--format", "json"])))
                .expect("json");
        let mut exprs = Vec::new();
        collect_exprs(&json, &mut exprs);
        assert!(exprs.len() > 5, "{path}");
        for (input, latex) in exprs {
            for (letter, upper) in latex_sums(&latex) {
                assert_eq!(range_of_name(&letter, &letters), Some(upper.as_str()));
            }
            // The input syntax reads back (as an `expect` line) to the same expression.
            // Definitions become variables, so the line is read with the same symbols but
            // without substituting them (which would nest more sums than an `expect` may).
            let kept: String = text
                .lines()
                .filter(|l| !l.starts_with("expect") && !l.starts_with("given"))
                .map(|l| match l.strip_prefix("let ") {
                    Some(def) => format!("var {} real\n", def.split(" =").next().unwrap_or("")),
                    None => format!("{l}\n"),
                })
                .map(|l| match l.starts_with("derive") {
                    true => l.split(" via").next().unwrap_or("").trim_end().to_string() + "\n",
                    false => l,
                })
                .collect();
            let back = parse_problem(&format!("{kept}expect {input}\n"))
                .unwrap_or_else(|e| panic!("{path}: {input}: {e:#}"));
            let expr = back.expect.expect("expect").0;
            let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(flat(&to_latex(&expr, &opts)), flat(&latex), "{input}");
        }
    }
}

/// Renames whole words by `table`, but never the `d` of `d(F)/d(x)`.
fn rename_keeping_d(text: &str, table: &[(&str, &str)]) -> String {
    let mut protected = String::new();
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let word_before = prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '_');
        if c == 'd' && chars.peek() == Some(&'(') && !word_before {
            protected.push('\u{1}');
        } else {
            protected.push(c);
        }
        prev = Some(c);
    }
    rename(&protected, table).replace('\u{1}', "d")
}

#[test]
fn renaming_every_symbol_and_index_gives_the_same_proofs() {
    // Every letter to the next one (single letters stay single letters, so index names stay
    // letters), the two-letter names and the numbered index copies along with them.
    let lower: Vec<(String, String)> = ('a'..='z')
        .chain('A'..='Z')
        .map(|c| {
            let next = match c {
                'z' => 'a',
                'Z' => 'A',
                _ => char::from(c as u8 + 1),
            };
            (c.to_string(), next.to_string())
        })
        .chain(
            [
                ("d2", "e2"),
                ("e2", "f2"),
                ("f2", "g2"),
                ("sg", "th"),
                ("sigma", "lgt"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string())),
        )
        .collect();
    let table: Vec<(&str, &str)> = lower
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let proof = |text: &str| -> (Vec<String>, Stop) {
        let problem = parse_and_validate(text).unwrap_or_else(|e| panic!("{e:#}\n{text}"));
        let d = derive(&problem, Limits::default()).expect("a goal");
        let opts = options_for(&problem);
        let lines = all_lines(&d)
            .iter()
            .map(|e| to_input_with(e, &opts))
            .collect();
        (lines, d.stop)
    };
    for path in all_files() {
        let text = read(&path);
        let renamed = rename_keeping_d(&text, &table);
        assert_ne!(renamed, text);
        let (original, stop) = proof(&text);
        let (again, stop2) = proof(&renamed);
        assert_eq!(stop, stop2, "{path}");
        let expected: Vec<String> = original
            .iter()
            .map(|l| rename_keeping_d(l, &table))
            .collect();
        for (a, b) in again.iter().zip(&expected) {
            assert_eq!(a, b, "{path}");
        }
        assert_eq!(again.len(), expected.len(), "{path}");
    }
}

#[test]
fn a_saved_proof_with_nested_lemmas_and_a_given_verifies() {
    for (n, path) in all_files().iter().enumerate() {
        let json = stdout(&run(&["derive", path, "--format", "json"]));
        let file = temp_file(&format!("proof_{n}.json"), &json);
        let o = run(&["verify", &file]);
        assert_eq!(o.status.code(), Some(0), "{path}: {}", stdout(&o));
    }
    // A given whose recorded result is not the file's is caught.
    let json = stdout(&run(&[
        "derive",
        &new_file("skipgram_negative_sampling"),
        "--format",
        "json",
    ]));
    let tampered = json.replacen("sg_n - delta(n,y)", "sg_n + delta(n,y)", 1);
    assert_ne!(tampered, json);
    let file = temp_file("tampered.json", &tampered);
    let o = run(&["verify", &file]);
    assert_ne!(o.status.code(), Some(0));
}

/// Fails when a lemma, at any depth, opens a sum with a letter that is free in a goal it sits
/// in: the piece's index would read as the variable's own index.
fn assert_fresh_letters(d: &Derivation, enclosing: &std::collections::BTreeSet<String>, at: &str) {
    use gradproof::syntax::index::free_indices;
    let own = free_indices(&d.goal);
    let mut inside = enclosing.clone();
    inside.extend(own.iter().cloned());
    for step in &d.steps {
        for lemma in &step.lemmas {
            for letter in free_indices(&lemma.goal).difference(&own) {
                assert!(
                    !enclosing.contains(letter),
                    "{at}: the lemma {} takes `{letter}`, free in an enclosing goal",
                    lemma.goal
                );
            }
            assert_fresh_letters(lemma, &inside, at);
        }
    }
}

#[test]
fn nested_pieces_never_reuse_an_enclosing_goals_index() {
    for path in all_files() {
        let problem = parse_problem(&read(&path)).expect("parses");
        let d = derive(&problem, Limits::default()).expect("a goal");
        assert_fresh_letters(&d, &Default::default(), &path);
    }
    // The check can fail: a lemma named with the goal's own `k`.
    let problem = parse_problem(&read(&new_file("word2vec_context"))).expect("parses");
    let mut d = derive(&problem, Limits::default()).expect("a goal");
    let piece = &mut d.steps[1].lemmas[0].steps[1].lemmas[0];
    piece.goal = gradproof::parse::parse_expr("d(L)/d(p_k)").expect("parses");
    let caught = std::panic::catch_unwind(|| assert_fresh_letters(&d, &Default::default(), "x"));
    assert!(caught.is_err());
}

fn use_file(name: &str) -> String {
    format!(
        "{}/tests/fixtures/embed/use/{name}.deriv",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn use_imports_the_derived_result_of_another_file() {
    let path = use_file("centre");
    for format in ["text", "latex", "markdown", "json", "html"] {
        let o = run(&["derive", &path, "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
    }
    let out = stdout(&run(&["derive", &path]));
    assert!(
        out.contains("from softmax_ce.deriv, checked numerically"),
        "{out}"
    );
    assert!(
        out.contains("Result: ∂L/∂w_d = Σ_{k=1..K} (p_k − q_k) c_kd"),
        "{out}"
    );
    // The saved proof carries the imported result as a `given` line and verifies.
    let json = stdout(&run(&["derive", &path, "--format", "json"]));
    assert!(json.contains("given d(L)/d(s_k) = p_k - q_k"), "{json}");
    let file = temp_file("use_centre.json", &json);
    assert_eq!(run(&["verify", &file]).status.code(), Some(0));
}

#[test]
fn an_imported_result_that_is_false_here_exits_1() {
    // The squared-error file derives its own loss's gradient: false for cross-entropy.
    let o = run(&["derive", &use_file("wrong_import")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("from squared.deriv, checked numerically: given)  ✗ false"));
}

#[test]
fn missing_and_cyclic_imports_exit_2_at_the_use_line() {
    let cases = [
        (
            "missing",
            ":12:5:",
            "cannot use \"no_such_file.deriv\": cannot read it",
        ),
        ("cycle_a", ":3:5:", "a cycle"),
        ("nested_cycle", ":12:5:", "a cycle"),
    ];
    for (name, at, why) in cases {
        let o = run(&["derive", &use_file(name)]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = stderr(&o);
        assert!(err.contains(at) && err.contains(why), "{name}: {err}");
    }
    let bad = temp_file("use_unquoted.deriv", "var x real\nuse other.deriv\n");
    let o = run(&["derive", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(":2:5:"), "{}", stderr(&o));
}

#[test]
fn a_via_after_a_given_piece_is_refused_not_ignored() {
    let text = read(&new_file("word2vec_centre")).replace(
        "derive d(L)/d(w_d) via s_k, p_j",
        "given d(L)/d(s_k) = p_k - q_k\nderive d(L)/d(w_d) via s_k, p_j",
    );
    let err = parse_and_validate(&text).expect_err("p_j is never used");
    assert_eq!((err.pos().line, err.pos().column), (14, 29));
    assert!(format!("{err}").contains("is given (line 13)"), "{err}");
    // Without the second via it is accepted, and the given is the piece.
    let ok = text.replace("via s_k, p_j", "via s_k");
    assert!(parse_and_validate(&ok).is_ok());
}

#[test]
fn a_malformed_given_is_an_error_at_its_place() {
    let base = read(&new_file("word2vec_centre"));
    for (bad, column) in [
        ("given d(L)/d(s_k) p_k - q_k", 19),
        ("given d(L)/d(s_k) = p_k - zz_k", 27),
        ("given L = p_k", 7),
    ] {
        let text = base.replace("derive", &format!("{bad}\nderive"));
        let err = parse_problem(&text).expect_err(bad);
        assert_eq!(
            (err.pos().line, err.pos().column),
            (13, column),
            "{bad}: {err}"
        );
        let file = temp_file("bad_given.deriv", &text);
        assert_eq!(run(&["derive", &file]).status.code(), Some(2), "{bad}");
    }
}
