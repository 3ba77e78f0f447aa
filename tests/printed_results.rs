//! The law (issue #12, item 15): a result printed and typed back holds. Every line of every
//! derivation and lemma, printed in the input syntax, or in the text form and read back with
//! `text_to_input`, then read as the `expect` line of its own file, is equivalent under the
//! normal form that decides `expect`; and the normal form equates a regrouped product
//! denominator with itself.

mod common;

use gradproof::analysis::normal;
use gradproof::engine::{derive, Limits};
use gradproof::parse::{parse_problem, text_to_input, ErrorKind};
use gradproof::render::proof::options_for;
use gradproof::render::{to_input_with, to_text};
use gradproof::{Derivation, Expr, Problem};

/// Files of our own beside `derivations/`: a softplus over a positive scale written with `exp`
/// (the case of the issue), a derivative by a defined symbol, and two index ranges.
const OWN: &[(&str, &str)] = &[
    (
        "softplus_scaled",
        "var x real\nvar c positive\nlet L = log(1 + exp(x))/c\nderive d(L)/d(x)\n",
    ),
    (
        "by_defined",
        "index j, k, m in 1..K\nvar s_j real\nvar q_j distribution\n\
         let p_j = exp(s_j) / sum_m exp(s_m)\nlet L = -sum_j q_j * log(p_j)\nderive d(L)/d(p_k)\n",
    ),
    (
        "two_ranges",
        "index j, k in 1..K\nindex d, e in 1..D\nvar w_d real\nvar c_{k,d} real\n\
         var q_k distribution\nlet s_k = sum_d w_d * c_{k,d}\n\
         let p_k = exp(s_k) / sum_j exp(s_j)\nlet L = -sum_k q_k * log(p_k)\n\
         derive d(L)/d(w_d) via s_k\n",
    ),
];

/// The file without its `expect` line, so that one can be appended.
fn without_expect(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("expect"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `e` printed by `print`, read back as the `expect` line of `text`. A line that nests more
/// sums than an `expect` line may once the definitions are substituted (a chain rule through
/// several layers) is read with the definitions declared as variables instead: the same
/// symbols, not substituted.
fn read_back(text: &str, printed: &str) -> Expr {
    let file = format!("{}expect {printed}\n", without_expect(text));
    let problem = match parse_problem(&file) {
        Err(e) if matches!(e.kind(), ErrorKind::SumsTooDeep { .. }) => {
            let held: String = without_expect(text)
                .lines()
                .map(
                    |l| match (l.strip_prefix("let "), l.starts_with("derive")) {
                        (Some(def), _) => {
                            format!("var {} real\n", def.split(" =").next().unwrap_or(""))
                        }
                        (None, true) => format!("{}\n", l.split(" via").next().unwrap_or(l)),
                        (None, false) => format!("{l}\n"),
                    },
                )
                .collect();
            parse_problem(&format!("{held}expect {printed}\n"))
        }
        other => other,
    };
    let problem = problem.unwrap_or_else(|e| panic!("{printed}: {e:#}"));
    problem.expect.expect("an expect line").0
}

/// Every line of `d` and of its lemmas.
fn all_lines(d: &Derivation) -> Vec<Expr> {
    let mut out: Vec<Expr> = d.lines().cloned().collect();
    for step in &d.steps {
        for lemma in &step.lemmas {
            out.extend(all_lines(lemma));
        }
    }
    out
}

/// Asserts the law for every line of the derivation of `text`.
fn law_holds(name: &str, text: &str) {
    let problem: Problem = parse_problem(text).unwrap_or_else(|e| panic!("{name}: {e:#}"));
    // A file with only a hand-written `show` has no derivation.
    let Some(d) = derive(&problem, Limits::default()) else {
        return;
    };
    let opts = options_for(&problem);
    for line in all_lines(&d) {
        let printed = to_input_with(&line, &opts);
        let back = read_back(text, &printed);
        assert!(
            normal::equivalent(&line, &back, &problem),
            "{name}: {printed} does not read back as itself"
        );
        // The text form, as a terminal shows it (line breaks included), read back.
        let shown = to_text(&line, &opts);
        let typed = text_to_input(&shown);
        let back = read_back(text, &typed);
        assert!(
            normal::equivalent(&line, &back, &problem),
            "{name}: the text {shown} (read as {typed}) does not read back as itself"
        );
    }
}

#[test]
fn every_derivation_line_printed_in_the_input_syntax_reads_back_as_itself() {
    for (path, text) in common::derivation_files() {
        law_holds(&path.display().to_string(), &text);
    }
    for (name, text) in OWN {
        law_holds(name, text);
    }
}

#[test]
fn a_regrouped_product_denominator_equals_itself() {
    let problem = parse_problem("var x real\nvar c positive\nvar y positive\n").expect("parses");
    let e = |t: &str| gradproof::parse::parse_expr(t).expect(t);
    let groupings = [
        "exp(x)/(c*(1 + exp(x)))",
        "exp(x)/((1 + exp(x))*c)",
        "1/c*exp(x)/(1 + exp(x))",
        "exp(x)/(c + c*exp(x))",
        "2*exp(x)/(2*c*(1 + exp(x)))",
        "-exp(x)/(-c - c*exp(x))",
        "exp(x)*(c*(1 + exp(x)))^(-1)",
    ];
    for a in groupings {
        for b in groupings {
            assert!(
                normal::equivalent(&e(a), &e(b), &problem),
                "{a} and {b} are not equated"
            );
        }
    }
    // A base with only negative powers is content too.
    assert!(normal::equivalent(
        &e("1/(1/c + x)"),
        &e("c/(1 + c*x)"),
        &problem
    ));
    assert!(normal::equivalent(
        &e("1/(y/c + x*y/c^2)"),
        &e("c^2/(y*(c + x))"),
        &problem
    ));
    // The content taken out keeps its power: these differ.
    let different = [
        ("exp(x)/(c*(1 + exp(x)))", "exp(x)/(c^2*(1 + exp(x)))"),
        ("exp(x)/(c*(1 + exp(x)))", "exp(x)/(2*c*(1 + exp(x)))"),
        ("1/(c*y + c*x)", "1/(c*y + x)"),
        ("(c + c*x)^(1/2)", "c^(1/2)*(1 + x)^(1/2)"),
    ];
    for (a, b) in different {
        assert!(
            !normal::equivalent(&e(a), &e(b), &problem),
            "{a} and {b} are equated"
        );
    }
}

#[test]
fn the_printed_softplus_result_typed_back_as_expect_holds() {
    let (_, text) = OWN[0];
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    let result = d.result().clone();
    // The grouping the text form shows, `c(1 + exp(x))`, with the product written out, in both
    // orders, is the result; and so is the text form itself, read back.
    let shown = to_text(&result, &options_for(&problem));
    assert_eq!(shown, "exp(x)/(c(1 + exp(x)))");
    let from_text = text_to_input(&shown);
    for typed in [
        "exp(x)/(c*(1 + exp(x)))",
        "exp(x)/((1 + exp(x))*c)",
        &from_text,
    ] {
        let back = read_back(text, typed);
        assert!(normal::equivalent(&result, &back, &problem), "{typed}");
    }
}

#[test]
fn the_softplus_expect_typed_from_the_text_form_exits_0() {
    let (_, text) = OWN[0];
    let dir = std::env::temp_dir().join(format!("gradproof-printed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (n, typed) in ["exp(x)/(c*(1 + exp(x)))", "exp(x)/((1 + exp(x))*c)"]
        .iter()
        .enumerate()
    {
        let path = dir.join(format!("softplus_{n}.deriv"));
        std::fs::write(&path, format!("{text}expect {typed}\n")).expect("write");
        let o = common::run(&["derive", path.to_str().expect("utf-8 path")]);
        assert_eq!(o.status.code(), Some(0), "{typed}: {}", common::stdout(&o));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Random trees: the text form read back is what the input syntax reads back as.
    #[test]
    fn random_trees_read_back_from_the_text_form(e in common::arb_expr()) {
        use gradproof::parse::parse_expr;
        let opts = gradproof::render::PrintOptions { width: usize::MAX, ..Default::default() };
        // A literal division by zero is another item's business (it must not simplify).
        proptest::prop_assume!(!divides_by_zero(&e));
        let by_input = parse_expr(&to_input_with(&e, &opts));
        proptest::prop_assume!(by_input.is_ok());
        let shown = to_text(&e, &opts);
        let typed = text_to_input(&shown);
        let by_text = parse_expr(&typed);
        proptest::prop_assert!(by_text.is_ok(), "{} read as {} fails: {:?}", shown, typed, by_text.err());
        let (a, b) = (by_input.unwrap_or_else(|_| unreachable!()), by_text.unwrap_or_else(|_| unreachable!()));
        // Equal under the normal form, or (where the normal form is not complete, as for
        // `1/(2 (−1 − p)^2)` against `1/2 (−1 − p)^(−2)`) printed back as the same text.
        proptest::prop_assert!(
            normal::equivalent(&a, &b, &Problem::default()) || to_text(&b, &opts) == shown,
            "{} read as {}, printed back as {}", shown, typed, to_text(&b, &opts)
        );
    }
}

/// Does `e` hold a power of the number 0, of a product whose coefficient is 0 (`0/p`, kept as
/// a product because `p` may be 0), or a negative power of a base that mentions no symbol
/// (`log(δ_kk)`, `δ_jk`: numbers that can be 0)? Such a power may divide by something that is 0
/// wherever it is defined: `(1/2)·(0/p)^(-1)` prints as `1/(2(0/p))`, which reads back as
/// `1/(0/p)`, and both are undefined everywhere; so is `1/(log(δ_kk)·2p)`.
fn divides_by_zero(e: &Expr) -> bool {
    let constant = |b: &Expr| {
        let mut names = Vec::new();
        b.symbol_names(&mut names);
        names.is_empty()
    };
    let negative = |x: &Expr| x.num().is_none_or(|n| n.is_negative());
    match e {
        Expr::Pow(b, _) if b.is_zero() || b.coefficient().is_zero() => true,
        Expr::Pow(b, x) if negative(x) && constant(b) => true,
        other => other.iter_children().any(divides_by_zero),
    }
}

/// Found by `random_trees_read_back_from_the_text_form`: a negative power of a product of sums
/// against the product of the negative powers. The normal form multiplied the base out into one
/// polynomial atom, so the two spellings of `1/((p - 1)(2(1 + p)/3))` were not equal.
#[test]
fn a_negative_power_of_a_product_of_sums_equals_the_product_of_the_powers() {
    use gradproof::parse::parse_expr;
    let read = |t: &str| parse_expr(t).unwrap_or_else(|e| panic!("{t}: {e:#}"));
    let problem = Problem::default();
    let a = read("1/((p - 1)*((2*(1 + p))/3))");
    let b = read("1/((2*(p - 1)*(1 + p))/3)");
    assert!(normal::equivalent(&a, &b, &problem));
    assert!(normal::equivalent(
        &read("1/((p - 1)*(p + 1))"),
        &read("(p - 1)^(-1)*(p + 1)^(-1)"),
        &problem
    ));
    // Still not equal to a different product.
    assert!(!normal::equivalent(
        &a,
        &read("1/((2*(p - 1)*(2 + p))/3)"),
        &problem
    ));
    assert!(!normal::equivalent(
        &a,
        &read("2/((2*(p - 1)*(1 + p))/3)"),
        &problem
    ));
}

#[test]
fn the_text_forms_notation_reads_as_the_input_syntax_says() {
    use gradproof::parse::parse_expr;
    let pairs = [
        ("p_j(δ_jk − p_k)", "p_j*(delta(j,k) - p_k)"),
        ("−Σ_j q_j log p_j", "-sum_j q_j*log(p_j)"),
        (
            "(Σ_j exp(s_j)) Σ_j (q_j δ_jk)/p_j",
            "(sum_j exp(s_j))*sum_j (q_j*delta(j,k))/p_j",
        ),
        ("c_kd + c_{k,d1} δ_{j1,k}", "c_{k,d} + c_{k,d1}*delta(j1,k)"),
        ("Σ_{j1} exp(s_{j1})", "sum_j1 exp(s_j1)"),
        ("√p + √(x + 1)", "sqrt(p) + sqrt(x + 1)"),
        (
            "∂L/∂s_k · ∂(p_j q_j)/∂s_k",
            "d(L)/d(s_k) * d(p_j*q_j)/d(s_k)",
        ),
        ("2 x + x · 2 + (1/2) y^(1/2)", "2*x + x*2 + (1/2)*y^(1/2)"),
        (
            "gamma (1 − p_y)^(gamma − 1)\n  − eps/K",
            "gamma*(1 - p_y)^(gamma - 1) - eps/K",
        ),
        ("exp(x)/(c(1 + exp(x)))", "exp(x)/(c*(1 + exp(x)))"),
    ];
    for (text, input) in pairs {
        let typed = text_to_input(text);
        let read = parse_expr(&typed).unwrap_or_else(|e| panic!("{text} read as {typed}: {e}"));
        assert_eq!(
            read,
            parse_expr(input).expect(input),
            "{text} read as {typed}"
        );
    }
}

#[test]
fn print_from_text_rewrites_the_text_form() {
    let o = common::run(&["print", "--from-text", "exp(x)/(c(1 + exp(x)))"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let printed = common::stdout(&o);
    let problem = parse_problem("var x real\nvar c positive\n").expect("parses");
    let read = gradproof::parse::parse_expr(printed.trim()).expect("input syntax");
    let direct = gradproof::parse::parse_expr(&text_to_input("exp(x)/(c(1 + exp(x)))"))
        .expect("input syntax");
    assert!(normal::equivalent(&read, &direct, &problem), "{printed}");
    // Without the flag, the text form is not the input syntax.
    let o = common::run(&["print", "exp(x)/(c(1 + exp(x)))"]);
    assert_eq!(o.status.code(), Some(2));
}
