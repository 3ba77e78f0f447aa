//! Hostile and huge inputs: each must end in a result or an error, without panicking or
//! overflowing the stack, and in linear time (no timing asserts; a quadratic parser would make
//! these tests take minutes).

use gradproof::parse::{parse_expr, parse_problem, ErrorKind, MAX_INPUT_BYTES, MAX_NESTING};
use gradproof::Expr;
use proptest::prelude::*;

fn too_deep(input: &str) -> bool {
    match parse_expr(input) {
        Err(err) => err.kind() == &ErrorKind::TooDeep { limit: MAX_NESTING },
        Ok(_) => false,
    }
}

#[test]
fn a_hundred_thousand_nested_parentheses() {
    let n = 100_000;
    let balanced = format!("{}x{}", "(".repeat(n), ")".repeat(n));
    let err = parse_expr(&balanced).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TooDeep { limit: MAX_NESTING });
    assert_eq!((err.pos().line, err.pos().column), (1, MAX_NESTING + 1));
    assert!(too_deep(&"(".repeat(n)));
    assert!(too_deep(&"exp(".repeat(n)));
    assert!(too_deep(&"d(".repeat(n)));
    assert!(too_deep(&"sum_j ".repeat(n)));
    assert!(too_deep(&format!("x{}", "^x".repeat(n))));
    assert!(too_deep(&format!("x{}", "^(x".repeat(n))));
}

#[test]
fn a_hundred_thousand_closing_parentheses() {
    let err = parse_expr(&format!("x{}", ")".repeat(100_000))).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::UnmatchedClose);
}

#[test]
fn nesting_up_to_the_limit_parses_in_a_test_thread() {
    let n = MAX_NESTING;
    let close = ")".repeat(n);
    assert_eq!(
        parse_expr(&format!("{}x{close}", "(".repeat(n))).unwrap(),
        Expr::plain("x")
    );
    for open in ["exp(", "log(", "sqrt(", "-(", "d("] {
        let input = match open {
            "d(" => format!("{}x{}", "d(".repeat(n), ")/d(y)".repeat(n)),
            _ => format!("{}x{close}", open.repeat(n)),
        };
        let e = parse_expr(&input).unwrap_or_else(|err| panic!("{open}: {err}"));
        // Negations fold (`-(-x)` is `x`); the other constructs each add a level.
        assert!(open == "-(" || e.depth() > n, "{open}");
        assert!(too_deep(&format!("({input})")), "{open}");
    }
    let sums = format!("{}x_j", "sum_j ".repeat(n));
    assert_eq!(parse_expr(&sums).unwrap().depth(), n + 1);
    let powers = format!("x{}", "^x".repeat(n));
    assert_eq!(parse_expr(&powers).unwrap().depth(), n + 1);
}

#[test]
fn a_hundred_thousand_unary_minuses_are_not_nesting() {
    let e = parse_expr(&format!("{}x", "-".repeat(100_000))).unwrap();
    assert_eq!(e, Expr::plain("x"));
    let e = parse_expr(&format!("{}x", "- ".repeat(100_001))).unwrap();
    assert_eq!(e, gradproof::syntax::expr::neg(Expr::plain("x")));
}

#[test]
fn a_one_megabyte_expression() {
    let terms = 1 << 18;
    let sum = vec!["x_k"; terms].join(" + ");
    assert!(sum.len() > 1_000_000);
    let Expr::Add(parsed) = parse_expr(&sum).unwrap() else {
        panic!("a sum")
    };
    assert_eq!(parsed.len(), terms);

    let product = vec!["y"; terms].join("*");
    let Expr::Mul(parsed) = parse_expr(&product).unwrap() else {
        panic!("a product")
    };
    assert_eq!(parsed.len(), terms);

    // The error is found at the very end and shown as a window of the line.
    let err = parse_expr(&format!("{sum} +")).unwrap_err();
    assert_eq!(err.pos().column, sum.chars().count() + 3);
    assert!(format!("{err:#}").lines().all(|l| l.len() < 200));
}

#[test]
fn a_one_megabyte_number_or_name() {
    let digits = "9".repeat(1 << 20);
    let err = parse_expr(&digits).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NumberTooLarge { .. }));
    assert!(err.to_string().len() < 200);
    let name = "a".repeat(1 << 20);
    assert_eq!(parse_expr(&name).unwrap(), Expr::plain(&name));
    let err = parse_expr(&format!("{name}(x)")).unwrap_err();
    assert!(err.to_string().len() < 200, "{err}");
}

#[test]
fn a_one_megabyte_file() {
    let mut text = String::from("index k in 1..K\nvar x_k real\n");
    text.push_str("let L = ");
    text.push_str(&vec!["x_k"; 1 << 18].join(" + "));
    text.push('\n');
    text.push_str("derive d(L)/d(x_k)\n");
    assert!(text.len() > 1_000_000);
    // It parses (in linear time), then is refused as larger than the engine may work on.
    let err = parse_problem(&text).unwrap_err();
    let ErrorKind::UnfoldedTooLarge { found, .. } = err.kind() else {
        panic!("{err}")
    };
    assert_eq!(*found, (1 << 18) + 1);
    assert_eq!(err.pos().line, 3);

    let many_lines: String = (0..40_000)
        .map(|i| format!("var v{i} real  # variable number {i}\n"))
        .collect();
    assert!(many_lines.len() > 1_000_000);
    assert_eq!(parse_problem(&many_lines).unwrap().vars.len(), 40_000);
}

#[test]
fn ten_thousand_definitions_in_a_chain() {
    let n = 10_000;
    let mut text = String::from("var x real\nlet a0 = x\n");
    for i in 1..n {
        text.push_str(&format!("let a{i} = a{} * x + {i}\n", i - 1));
    }
    // Every line parses; the chain is then refused at the definition that is too deep.
    let err = parse_problem(&text).unwrap_err();
    let ErrorKind::UnfoldedTooDeep { limit, .. } = err.kind() else {
        panic!("{err}")
    };
    assert_eq!(err.pos().line, limit / 2 + 2, "{err}");

    // Closing the chain into a cycle is found without deep recursion.
    let cyclic = text.replace("let a0 = x\n", &format!("let a0 = a{}\n", n - 1));
    let err = parse_problem(&cyclic).unwrap_err();
    let ErrorKind::Cycle { name, path } = err.kind() else {
        panic!("{err}")
    };
    assert_eq!(name, "a0");
    assert_eq!(path.matches("->").count(), n);

    // Defined in reverse order (every reference is forward): the same definition is refused.
    let reversed: String = text.lines().rev().map(|l| format!("{l}\n")).collect();
    let err = parse_problem(&reversed).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UnfoldedTooDeep { .. }),
        "{err}"
    );
    assert_eq!(err.source_line(), "let a50 = a49 * x + 50");
}

#[test]
fn over_the_size_limit() {
    let text = "#".repeat(MAX_INPUT_BYTES + 1);
    let err = parse_problem(&text).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InputTooLarge { .. }));
    assert!(parse_problem(&"#".repeat(MAX_INPUT_BYTES)).is_ok());
}

#[test]
fn non_ascii_input_is_an_error_not_a_panic() {
    for input in [
        "é",
        "λ_k",
        "s_é",
        "s_{k,é}",
        "x + 😀",
        "exp(ü)",
        "delta(j, ж)",
        "d(L)/d(β)",
        "1.é",
        "\u{0}",
        "\u{feff}x",
        "x\u{200b}",
        "sum_é x",
        "x^ñ",
        "(\u{301}",
    ] {
        let err = parse_expr(input).unwrap_err();
        assert!(err.pos().column <= input.chars().count() + 1, "{input:?}");
        let _ = format!("{err:#}");
    }
    for text in [
        "title \"café ☕\"\n",
        "índex j in 1..K\n",
        "index j in 1..Κ\n",
        "var s_j réal\n",
        "let p = \"x\"\n",
        "let p = 1 # é\n=é\n",
    ] {
        let _ = parse_problem(text)
            .map(|_| ())
            .map_err(|e| format!("{e:#}"));
    }
    assert_eq!(
        parse_problem("title \"café ☕\"\n")
            .unwrap()
            .title
            .as_deref(),
        Some("café ☕")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text over the grammar's characters (and a few others) parses or fails cleanly, and
    /// an error's position is inside the input.
    #[test]
    fn arbitrary_expressions_never_panic(input in "[-+*/^(){}_,. 0-9a-z\\n\"#=é]{0,40}") {
        if let Err(err) = parse_expr(&input) {
            let lines = input.split('\n').count();
            prop_assert!(err.pos().line >= 1 && err.pos().line <= lines);
            let _ = format!("{err:#}");
        }
    }

    /// The same for files, built from directive-like lines.
    #[test]
    fn arbitrary_files_never_panic(
        lines in prop::collection::vec(
            "(index|var|let|derive|expect|show|=|title)? [-+*/^(){}_,.= 0-9a-z\"#]{0,24}",
            0..8,
        )
    ) {
        let text = lines.join("\n");
        if let Err(err) = parse_problem(&text) {
            prop_assert!(err.pos().line >= 1 && err.pos().line <= lines.len().max(1));
        }
    }
}

#[test]
fn a_one_megabyte_index_line() {
    let letters: Vec<String> = (0..100_000).map(|i| format!("i{i}")).collect();
    let text = format!("index {} in 1..K # é\n", letters.join(", "));
    assert!(text.len() > 700_000);
    let p = parse_problem(&text).unwrap();
    assert_eq!(p.indices.len(), 100_000);
    assert_eq!(p.indices[1].pos.column, 11);
    let last = &p.indices[99_999];
    assert_eq!(last.pos.column, text.find("i99999").unwrap() + 1);
    let err = parse_problem(&format!("{text}index i99999 in 1..K\n")).unwrap_err();
    assert_eq!((err.pos().line, err.pos().column), (2, 7));
}
