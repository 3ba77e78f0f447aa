//! The LaTeX reader (#19): a corpus of snippets as bloggers write them, each read into the same
//! tree as an expression in the input syntax, and snapshots of the errors for what it rejects.

use gradproof::parse::{parse_expr, parse_latex, parse_statements, LatexError};
use gradproof::syntax::expr::Expr;

/// `latex => input`: every construct the LaTeX reader knows, against the expression parser.
const CORPUS: &[(&str, &str)] = &[
    // fractions
    (r"\frac{a}{b}", "a / b"),
    (r"\dfrac{1}{p_y}", "1 / p_y"),
    (r"\tfrac{q_j}{p_j}", "q_j / p_j"),
    (r"-\dfrac{1}{p_y}", "-(1 / p_y)"),
    // sums with and without limits, with \displaystyle and \limits
    (r"\sum_j q_j", "sum_j q_j"),
    (r"\sum_{j} q_j", "sum_j q_j"),
    (r"\sum_{j=1}^{K} q_j \delta_{jk}", "sum_j q_j * delta(j,k)"),
    (r"\displaystyle\sum_{j=1}^{K} q_j", "sum_j q_j"),
    (r"\sum\limits_{j=1}^K q_j", "sum_j q_j"),
    (r"\sum_m e^{s_m}", "sum_m exp(s_m)"),
    (
        r"-\displaystyle\sum_{j=1}^{K} q_j \delta_{jk} + p_k \sum_{j=1}^{K} q_j",
        "-sum_j q_j * delta(j,k) + p_k * sum_j q_j",
    ),
    // derivatives written as fractions and with a slash
    (r"\dfrac{\partial L}{\partial s_k}", "d(L)/d(s_k)"),
    (r"\frac{\partial p_j}{\partial s_k}", "d(p_j)/d(s_k)"),
    (r"\partial L / \partial p_j", "d(L)/d(p_j)"),
    (r"\partial p_k / \partial s_k", "d(p_k)/d(s_k)"),
    (
        r"\dfrac{\partial L}{\partial p_j} \cdot \dfrac{\partial p_j}{\partial s_k}",
        "d(L)/d(p_j) * d(p_j)/d(s_k)",
    ),
    // log, exp, e^{..}, sqrt
    (r"\log p_y", "log(p_y)"),
    (r"-\log p_y", "-log(p_y)"),
    (r"\ln(1 + x)", "log(1 + x)"),
    (r"\log\left(\sum_m e^{s_m}\right)", "log(sum_m exp(s_m))"),
    (r"\exp(s_j)", "exp(s_j)"),
    (r"\exp s_j", "exp(s_j)"),
    (r"e^{s_j}", "exp(s_j)"),
    (r"e^x", "exp(x)"),
    (r"\sqrt{x}", "sqrt(x)"),
    (r"\log \sum_m e^{s_m}", "log(sum_m exp(s_m))"),
    (r"\log \sum_m e^{s_m} - s_y", "log(sum_m exp(s_m)) - s_y"),
    (r"\frac12 x", "1/2 * x"),
    (
        r"\tfrac{1}{2} \sum_j (p_j - q_j)^2",
        "1/2 * sum_j (p_j - q_j)^2",
    ),
    // subscripts with and without braces; the Kronecker delta
    (r"p_j", "p_j"),
    (r"p_{j}", "p_j"),
    (r"c_{k,d}", "c_{k,d}"),
    (r"W_{jk}", "W_{j,k}"),
    (r"\delta_{jk}", "delta(j,k)"),
    (r"\delta_{j,k}", "delta(j,k)"),
    // \left/\right, \cdot, \times, implicit multiplication, powers
    (
        r"p_j \left(\delta_{jk} - p_k\right)",
        "p_j * (delta(j,k) - p_k)",
    ),
    (r"p_k(1 - p_k)", "p_k * (1 - p_k)"),
    (r"-p_j p_k", "-(p_j * p_k)"),
    (
        r"\left(-q_j\right)(\delta_{jk} - p_k)",
        "(-q_j) * (delta(j,k) - p_k)",
    ),
    (
        r"\left(-\dfrac{1}{p_y}\right) \cdot p_y(1 - p_y)",
        "(-1/p_y) * p_y * (1 - p_y)",
    ),
    (r"a \times b", "a * b"),
    (r"2x", "2 * x"),
    (r"x^2", "x^2"),
    (r"x^{-1}", "x^(-1)"),
    (r"0.001", "0.001"),
    // \boxed, spacing commands, Greek letters
    (r"\boxed{p_k - q_k}", "p_k - q_k"),
    (r"p_k \, - \; q_k \quad", "p_k - q_k"),
    (r"\gamma \cdot \epsilon", "gamma * epsilon"),
    (
        r"\sum_k \left(p_k - \delta_{ky}\right)",
        "sum_k (p_k - delta(k,y))",
    ),
    (r"\begin{aligned} a \end{aligned}", "a"),
    (
        r"\sum_{j=1}^{K} \left(-\dfrac{q_j}{p_j}\right) \cdot p_j (\delta_{jk} - p_k)",
        "sum_j (-q_j/p_j) * p_j * (delta(j,k) - p_k)",
    ),
];

#[test]
fn every_construct_reads_as_the_same_tree_as_the_input_syntax() {
    let mut wrong = Vec::new();
    for (latex, input) in CORPUS {
        let want = parse_expr(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        match parse_latex(latex) {
            Ok(got) if strip_uppers(&got) == want => {}
            Ok(got) => wrong.push(format!("{latex} => {got:?}, want {input}")),
            Err(e) => wrong.push(format!("{latex} => error {e}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The written upper ends of sums (`^{K}`), which `parse_expr` does not know.
fn strip_uppers(e: &Expr) -> Expr {
    match e {
        Expr::Sum(b, body) => {
            let mut b = b.clone();
            b.upper = None;
            Expr::Sum(b, strip_uppers(body).into())
        }
        other => {
            let children: Vec<Expr> = other.iter_children().map(strip_uppers).collect();
            gradproof::engine::rebuild(other, children)
        }
    }
}

#[test]
fn a_sum_keeps_its_written_upper_end() {
    let e = parse_latex(r"\sum_{j=1}^{K} q_j").unwrap();
    let Expr::Sum(b, _) = e else { panic!("{e:?}") };
    assert_eq!(b.upper.as_deref(), Some("K"));
}

/// The statements of a formula, as `side REL side ... [conditions]` in the input syntax.
fn statements(latex: &str) -> Vec<String> {
    let parsed = parse_statements(latex).unwrap_or_else(|e| panic!("{latex}: {e}"));
    parsed
        .iter()
        .map(|s| {
            let mut out = gradproof::render::to_input(&s.sides[0]);
            for (rel, side) in s.relations.iter().zip(&s.sides[1..]) {
                out.push_str(&format!(" {rel:?} {}", gradproof::render::to_input(side)));
            }
            for c in &s.conditions {
                let rel = if c.equal { "=" } else { "!=" };
                out.push_str(&format!(" [{} {rel} {}]", c.left, c.right));
            }
            out
        })
        .collect()
}

#[test]
fn formulas_read_into_statements_with_chains_conditions_and_rows() {
    let cases: &[(&str, &[&str])] = &[
        (r"L = -\log p_y", &["L Equal -log(p_y)"]),
        // The smart constructors fold numbers, as the expression parser does: `1 - 1` is 0.
        (
            r"\sum_k (p_k - q_k) = 1 - 1 = 0",
            &["sum_k (p_k - q_k) Equal 0 Equal 0"],
        ),
        (
            r"\dfrac{\partial L}{\partial p_y} = -\dfrac{1}{p_y}, \qquad \dfrac{\partial L}{\partial p_j} = 0 \ \text{ for all } j \ne y",
            &["d(L)/d(p_y) Equal -1/p_y", "d(L)/d(p_j) Equal 0 [j != y]"],
        ),
        (
            r"\boxed{\dfrac{\partial L}{\partial s_k} = p_k - q_k}",
            &["d(L)/d(s_k) Equal p_k - q_k"],
        ),
        (
            r"a &= b \\ &= c \\ x &= y",
            &["a Equal b Equal c", "x Equal y"],
        ),
        (
            r"\begin{aligned} a &= b \\ &= c \end{aligned}",
            &["a Equal b Equal c"],
        ),
        (r"p_y \le 1", &[r#"p_y Other("\\le") 1"#]),
        (r"j \ne k", &["j NotEqual k"]),
        (r"p_j,", &["p_j"]),
        // \textstyle is a spacing command, not a \text side condition.
        (r"a = \textstyle b", &["a Equal b"]),
    ];
    for (latex, want) in cases {
        assert_eq!(statements(latex), *want, "{latex}");
    }
}

/// What the reader rejects, with the offset where it stopped.
fn error(latex: &str) -> String {
    let e: LatexError = match parse_statements(latex) {
        Ok(s) => panic!("{latex} was read: {s:?}"),
        Err(e) => e,
    };
    format!("{latex}\n{}^ {}", " ".repeat(e.offset), e.message)
}

#[test]
fn what_it_rejects_is_an_error_at_the_right_place() {
    let rejected = [
        r"\int_0^1 f",
        r"\frac{a}",
        r"\frac{\partial^2 L}{\partial s_k^2}",
        r"\sum_{j=0}^{K} q_j",
        r"\sum q_j",
        r"\delta_{j}",
        r"p_1",
        r"(a + b",
        r"\dfrac{1}{0}",
        r"a = b \text{ and so on }",
        r"a = b \text{ for all } p_j \ne 1",
        r"x = ",
        r"\partial L",
        r"a = b }",
        r"a = b & c",
        r"\boxed{a = b",
        r"\boxed{",
    ];
    let all: Vec<String> = rejected.iter().map(|l| error(l)).collect();
    insta::assert_snapshot!(all.join("\n\n"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}x{}", "(".repeat(5000), ")".repeat(5000));
    let e = parse_latex(&deep).unwrap_err();
    assert!(e.message.contains("nested"), "{e}");
    let braces = format!("{}x{}", "{".repeat(5000), "}".repeat(5000));
    assert!(parse_latex(&braces).is_err());
}

/// Pieces of LaTeX, glued at random: reading never panics and an error's offset is in range.
const PIECES: &[&str] = &[
    r"\frac",
    r"\dfrac",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    r"\left(",
    r"\right)",
    r"\sum_",
    "_",
    "^",
    "{j=1}",
    "^{K}",
    r"\partial",
    "/",
    r"\log",
    r"\exp",
    "e^",
    r"\delta_{jk}",
    r"\cdot",
    "p_j",
    "q",
    "1",
    "0.5",
    "-",
    "+",
    "=",
    r"\ne",
    r"\le",
    ",",
    r"\qquad",
    r"\text{ for all }",
    "j",
    r"\\",
    "&",
    r"\boxed{",
    r"\sqrt",
    r"\,",
    " ",
    "é",
    "−",
    r"\",
    "$",
    "%",
    r"\begin{aligned}",
    r"\end{aligned}",
    r"\displaystyle",
    "x^2",
    r"\gamma",
];

proptest::proptest! {
    #[test]
    fn random_latex_never_panics(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let text: String = picks.iter().map(|&n| PIECES[n]).collect();
        if let Err(e) = parse_statements(&text) {
            proptest::prop_assert!(e.offset <= text.len(), "{text}: {e}");
        }
        if let Err(e) = parse_latex(&text) {
            proptest::prop_assert!(e.offset <= text.len(), "{text}: {e}");
        }
    }
}
