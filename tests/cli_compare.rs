//! `compare`: fits the width (display columns), shows and sets the instance values, and writes
//! csv, json and markdown that parse.

mod common;

use std::process::Command;
use unicode_width::UnicodeWidthStr;

/// Every file of derivations/, as arguments.
fn all_files() -> Vec<String> {
    common::derivation_files()
        .into_iter()
        .map(|(p, _)| p.to_str().expect("utf-8").to_string())
        .collect()
}

/// `compare` of every derivation with `extra` flags and `COLUMNS` set.
fn compare(columns: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["compare".to_string()];
    args.extend(all_files());
    args.extend(extra.iter().map(|s| s.to_string()));
    Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .env("COLUMNS", columns)
        .args(&args)
        .output()
        .expect("runs")
}

#[test]
fn the_table_fits_the_width() {
    for columns in [100, 80] {
        let o = compare(&columns.to_string(), &[]);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        let out = common::stdout(&o);
        for line in out.lines() {
            assert!(
                line.width() <= columns,
                "{} > {columns}: {line}",
                line.width()
            );
        }
    }
    // At 100 columns every loss name is whole on its line, and the gradients wrap uncut.
    let out = common::stdout(&compare("100", &[]));
    let csv = parse_csv(&common::stdout(&compare("100", &["--format", "csv"])));
    for name in csv[1..].iter().map(|r| &r[0]) {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{name} "))),
            "{name}: {out}"
        );
    }
    assert!(!out.contains('…') && !out.contains("--full"), "{out}");
    // Narrower, a gradient longer than three lines is cut, and the table says how to see it whole.
    let out = common::stdout(&compare("60", &[]));
    assert!(out.contains('…') && out.contains("--full"), "{out}");
    // --full prints the gradients whole (wider than 100 columns for some loss).
    let out = common::stdout(&compare("100", &["--full"]));
    assert!(out.lines().any(|l| l.width() > 100), "{out}");
    assert!(!out.contains('…'), "{out}");
}

/// A minimal RFC 4180 reader: the fields of each record.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "an unterminated quote");
    records
}

#[test]
fn csv_parses_with_the_same_fields_in_every_row_and_numbers_in_every_row() {
    let o = compare("100", &["--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    let records = parse_csv(&common::stdout(&o));
    let n = records[0].len();
    assert!(records.len() > 5);
    for r in &records {
        assert_eq!(r.len(), n, "{r:?}");
    }
    // Every row has a number in each true-class column.
    let cols: Vec<usize> = (0..n)
        .filter(|&i| records[0][i].starts_with("p="))
        .collect();
    assert_eq!(cols.len(), 4);
    let gradient = (0..n).find(|&i| records[0][i] == "gradient");
    let trend = (0..n).find(|&i| records[0][i].starts_with("as p"));
    // The files with no probability, as the program's own report says (JSON `probability`
    // null): those rows, and only those, say "not applicable".
    let no_probability = files_without_probability(&compare("100", &["--format", "json"]));
    assert!(
        !no_probability.is_empty(),
        "derivations/ has a file with no probability"
    );
    for r in &records[1..] {
        let not_applicable = trend.is_some_and(|c| r[c] == "not applicable");
        assert_eq!(
            not_applicable,
            no_probability.contains(&r[0]),
            "{}: not applicable exactly when there is no probability",
            r[0]
        );
        if not_applicable {
            continue;
        }
        assert!(gradient.is_some());
        assert_numbers_or_unreachable(&r[0], cols.iter().map(|&c| r[c].as_str()));
    }
}

/// The stems of the files whose report has no probability, from `compare --format json`.
fn files_without_probability(o: &std::process::Output) -> Vec<String> {
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(o));
    let v: serde_json::Value = serde_json::from_str(&common::stdout(o)).expect("JSON");
    v["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["report"]["probability"].is_null())
        .map(|f| f["loss"].as_str().expect("a name").to_string())
        .collect()
}

/// Every cell is a number, or the unreachable mark `—`; at least the first (p = 0.5, where the
/// sweep starts) is a number.
fn assert_numbers_or_unreachable<'a>(name: &str, cells: impl Iterator<Item = &'a str>) {
    let cells: Vec<&str> = cells.collect();
    assert_eq!(cells.len(), 4, "{name}");
    assert!(cells[0].parse::<f64>().is_ok(), "{name}: {cells:?}");
    for c in &cells {
        assert!(
            c.parse::<f64>().is_ok() || *c == "—",
            "{name}: {c} is neither a number nor unreachable"
        );
    }
}

#[test]
fn markdown_has_numbers_in_every_row_with_a_probability() {
    let o = compare("100", &["--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0));
    let out = common::stdout(&o);
    let no_probability = files_without_probability(&compare("100", &["--format", "json"]));
    let rows: Vec<Vec<String>> = out
        .lines()
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let header = &rows[0];
    let cols: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].starts_with("p="))
        .collect();
    assert_eq!(cols.len(), 4, "{header:?}");
    for r in &rows[2..] {
        let name = r[0].trim_matches('`');
        if no_probability.iter().any(|n| n == name) {
            continue;
        }
        assert_numbers_or_unreachable(name, cols.iter().map(|&c| r[c].as_str()));
    }
}

/// `compare --format json` of `files`.
fn compare_json(files: &[&str]) -> serde_json::Value {
    let mut args = vec!["compare", "--format", "json"];
    args.extend(files);
    let o = common::run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    serde_json::from_str(&common::stdout(&o)).expect("JSON")
}

/// The gradients of one file's sweep (`None` where unreachable), and its reach.
fn sweep(v: &serde_json::Value, name: &str) -> (Vec<Option<f64>>, Vec<bool>) {
    let file = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["loss"] == name)
        .expect("the file");
    let points = file["true_class"].as_array().expect("points");
    (
        points.iter().map(|p| p["gradient"].as_f64()).collect(),
        points
            .iter()
            .map(|p| p["unreachable"].as_bool().expect("a flag"))
            .collect(),
    )
}

#[test]
fn unseen_builtin_and_relu_files_match_their_oracle() {
    // tests/fixtures/sweep/: a built-in sigmoid + BCE with other letters (log and softplus
    // spellings), a ReLU layer below the logits differentiated by its input, and a ReLU on the
    // logits (the probability cannot fall below 1/C), a class-weighted softplus loss with a bias. The numbers were first computed by
    // tests/oracles/sweep_oracle.py (mpmath central differences of the loss at the README's
    // instance), which prints them.
    let dir = "tests/fixtures/sweep";
    let names = [
        "bce_letters",
        "bce_softplus",
        "relu_input",
        "relu_logits",
        "weighted_logistic",
    ];
    let files: Vec<String> = names.iter().map(|n| format!("{dir}/{n}.deriv")).collect();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let v = compare_json(&refs);
    let oracle: [(&str, [Option<f64>; 4]); 5] = [
        (
            "bce_letters",
            [Some(-0.5), Some(-0.9), Some(-0.99), Some(-0.999)],
        ),
        (
            "bce_softplus",
            [Some(-0.5), Some(-0.9), Some(-0.99), Some(-0.999)],
        ),
        (
            "relu_input",
            [Some(-0.5), Some(-0.9), Some(-0.99), Some(-0.999)],
        ),
        ("relu_logits", [Some(-0.5), Some(-0.9), None, None]),
        // A class-weighted logistic loss in softplus spelling with a plain bias: both coupling
        // signs reach every target, and the numbers keep the sign of the logit's own row.
        (
            "weighted_logistic",
            [Some(-1.0), Some(-1.8), Some(-1.98), Some(-1.998)],
        ),
    ];
    for (name, want) in oracle {
        let (got, unreachable) = sweep(&v, name);
        for ((g, w), u) in got.iter().zip(want).zip(&unreachable) {
            match (g, w) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-6, "{name}: {g} vs {w}"),
                (None, None) => assert!(u, "{name}: marked unreachable"),
                _ => panic!("{name}: {got:?} vs the oracle's {want:?}"),
            }
        }
    }
    // The ReLU on the logits: the trend says how low the probability can go (1/C).
    let file = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["loss"] == "relu_logits")
        .expect("the file")
        .clone();
    let floor = file["report"]["true_class"]["trend"]["towards"]
        .as_f64()
        .expect("a floor");
    assert!((floor - 0.1).abs() < 1e-9, "{floor}");
}

#[test]
fn the_numbers_check_fails_on_rows_without_numbers() {
    // The row checks above, fed rows that must fail: an n/a, a row with no number at all, an
    // n/a among unreachable marks.
    for bad in [
        ["n/a", "-0.9", "-0.99", "-0.999"],
        ["—", "—", "—", "—"],
        ["-0.5", "n/a", "—", "—"],
    ] {
        let r = std::panic::catch_unwind(|| assert_numbers_or_unreachable("bad", bad.into_iter()));
        assert!(r.is_err(), "{bad:?} passed");
    }
    assert_numbers_or_unreachable("good", ["-0.5", "-0.9", "—", "—"].into_iter());
}

#[test]
fn json_and_markdown_parse() {
    let o = compare("100", &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&common::stdout(&o)).expect("JSON");
    assert!(v["files"].as_array().expect("files").len() > 5);
    let o = compare("100", &["--format", "markdown"]);
    let out = common::stdout(&o);
    let bars = |l: &str| l.replace("\\|", "").matches('|').count();
    let first = out.lines().next().expect("a header");
    for l in out.lines() {
        assert!(l.starts_with('|'), "{l}");
        assert_eq!(bars(l), bars(first), "{l}");
    }
}

/// The plain variables of the instance, per file, from the JSON form.
fn values(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    let o = compare("100", &args);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    serde_json::from_str(&common::stdout(&o)).expect("JSON")
}

#[test]
fn set_changes_the_instance_and_the_numbers() {
    let before = values(&[]);
    let after = values(&["--set", "gamma=1,eps=0.2"]);
    let file = |v: &serde_json::Value, name: &str| {
        v["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| f["loss"] == name)
            .expect("the file")
            .clone()
    };
    for (loss, var) in [("focal", "gamma"), ("label_smoothing", "eps")] {
        let (b, a) = (file(&before, loss), file(&after, loss));
        assert_ne!(b["values"][var], a["values"][var]);
        assert_ne!(
            b["true_class"], a["true_class"],
            "{loss}: the numbers moved"
        );
    }
    // The table shows the values it used.
    let table = common::stdout(&compare("100", &["--set", "gamma=1"]));
    assert!(table.contains("focal: gamma = 1"), "{table}");
}

#[test]
fn set_rejects_unknown_names_and_values_outside_the_kind() {
    let o = compare("100", &["--set", "gama=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("did you mean `gamma`?"),
        "{}",
        common::stderr(&o)
    );
    let o = compare("100", &["--set", "gamma=-1"]);
    assert_eq!(o.status.code(), Some(2), "gamma is positive");
    let o = compare("100", &["--set", "gamma"]);
    assert_eq!(o.status.code(), Some(2));
    // A `unit` value may be set on the closure [0, 1], as the instance's own target 1 is, and
    // gives the default's numbers there; outside it, exit 2.
    let file = "derivations/sigmoid_bce_builtin.deriv";
    let row = |set: &[&str]| {
        let mut args = vec!["compare", "--format", "csv", file];
        args.extend(set);
        let o = common::run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        parse_csv(&common::stdout(&o))[1][2..7].to_vec()
    };
    assert_eq!(row(&["--set", "y=1"]), row(&[]));
    for bad in ["y=1.5", "y=-0.1"] {
        let o = common::run(&["compare", file, "--set", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(common::stderr(&o).contains("which excludes"), "{bad}");
    }
}

#[test]
fn variables_below_the_logits_get_numbers_and_no_probability_gets_not_applicable() {
    // Weights and an embedding (tests/fixtures/below_logits; values checked by the oracle
    // tests/oracles/below_logits.py), and a file with no probability at all.
    let dir = "tests/fixtures/below_logits";
    let o = common::run(&[
        "compare",
        "--format",
        "csv",
        &format!("{dir}/context_weights.deriv"),
        &format!("{dir}/embedding.deriv"),
        &format!("{dir}/layer_norm_free.deriv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let records = parse_csv(&common::stdout(&o));
    let cols: Vec<usize> = (0..records[0].len())
        .filter(|&i| records[0][i].starts_with("p="))
        .collect();
    for r in &records[1..] {
        let numbers = cols.iter().all(|&c| r[c].parse::<f64>().is_ok());
        match r[0].as_str() {
            "layer_norm_free" => {
                assert!(!numbers && r.iter().any(|f| f == "not applicable"), "{r:?}")
            }
            _ => assert!(numbers, "{r:?}"),
        }
    }
}
