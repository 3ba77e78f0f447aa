//! Error messages, as users see them (`{:#}`: message, source line, caret). Each snapshot was
//! read before it was accepted: the caret must sit on the offending token and the message must
//! say what was expected.

use gradproof::parse::{parse_expr, parse_problem, ErrorKind, ParseError};

/// The alternate error text for an expression that must not parse.
fn expr_err(input: &str) -> String {
    match parse_expr(input) {
        Ok(e) => panic!("{input:?} parsed as {e:?}"),
        Err(err) => format!("{err:#}"),
    }
}

/// The error for a file that must not parse.
fn file_error(text: &str) -> ParseError {
    match parse_problem(text) {
        Ok(p) => panic!("parsed:\n{text}\nas {p:?}"),
        Err(err) => err,
    }
}

/// The alternate error text for a file that must not parse.
fn file_err(text: &str) -> String {
    format!("{:#}", file_error(text))
}

/// The reference declarations, to which each file test adds lines.
const HEAD: &str = "index j, k, m in 1..K
var s_j real
var q_j distribution
let p_j = exp(s_j) / sum_m exp(s_m)
";

fn with_head(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

// ---- Expressions -------------------------------------------------------------------------

#[test]
fn unclosed_parenthesis() {
    insta::assert_snapshot!(
        "unclosed_parenthesis",
        expr_err("exp(s_j) / (1 + sum_m exp(s_m)")
    );
}

#[test]
fn unclosed_function_argument() {
    insta::assert_snapshot!("unclosed_function_argument", expr_err("log(exp(s_k)"));
}

#[test]
fn unmatched_closing_parenthesis() {
    insta::assert_snapshot!("unmatched_closing_parenthesis", expr_err("(a + b)) * c"));
}

#[test]
fn unknown_function() {
    insta::assert_snapshot!("unknown_function", expr_err("1 + softmax(s_k)"));
}

#[test]
fn trailing_operator() {
    insta::assert_snapshot!("trailing_operator", expr_err("p_k - q_k +"));
    insta::assert_snapshot!("trailing_operator_in_parentheses", expr_err("(a * ) + b"));
    insta::assert_snapshot!("trailing_caret", expr_err("x^"));
}

#[test]
fn empty_input() {
    insta::assert_snapshot!("empty_input", expr_err(""));
    assert_eq!(
        parse_expr("  \n ").unwrap_err().to_string(),
        "2:2: expected an expression, found end of input"
    );
}

#[test]
fn stray_character() {
    insta::assert_snapshot!("stray_character", expr_err("a $ b"));
    insta::assert_snapshot!("stray_unicode_minus", expr_err("p_k − q_k"));
    insta::assert_snapshot!("implicit_multiplication", expr_err("2 x"));
}

#[test]
fn other_expression_mistakes() {
    insta::assert_snapshot!("sum_in_exponent", expr_err("x^sum_j q_j"));
    insta::assert_snapshot!("sum_without_index", expr_err("sum q_j"));
    insta::assert_snapshot!("function_without_parentheses", expr_err("exp s_k"));
    insta::assert_snapshot!("empty_subscript", expr_err("s_ + 1"));
    insta::assert_snapshot!("unclosed_subscript_list", expr_err("c_{k, d + 1"));
    insta::assert_snapshot!("delta_with_a_number", expr_err("delta(j, 2)"));
    insta::assert_snapshot!("derivative_by_a_number", expr_err("d(L)/d(2)"));
    insta::assert_snapshot!("derivative_without_denominator", expr_err("d(L) + 1"));
    insta::assert_snapshot!("decimal_without_digits", expr_err("1. + x"));
    insta::assert_snapshot!(
        "number_too_large",
        expr_err(&format!("x * {}", "1234567890".repeat(247)))
    );
    insta::assert_snapshot!("undefined_division_by_zero", expr_err("2*x + 0/0"));
    insta::assert_snapshot!(
        "undefined_zero_to_negative_power",
        expr_err("x * 0^(1 - 2)")
    );
}

#[test]
fn nesting_limit() {
    let deep = format!("{}x{}", "(".repeat(100), ")".repeat(100));
    let err = parse_expr(&deep).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TooDeep { limit: 64 });
    insta::assert_snapshot!("too_deep", format!("{err:#}"));
}

#[test]
fn errors_on_a_later_line_show_that_line() {
    insta::assert_snapshot!("second_line", expr_err("a +\n  b * )"));
}

// ---- Files: syntax -----------------------------------------------------------------------

#[test]
fn syntax_error_in_a_definition() {
    insta::assert_snapshot!(
        "file_unclosed_parenthesis",
        file_err(&with_head("let L = -sum_j q_j * log(p_j\n"))
    );
}

#[test]
fn unknown_directive() {
    insta::assert_snapshot!("unknown_directive", file_err(&with_head("lett L = 1\n")));
    insta::assert_snapshot!("line_without_directive", file_err("index j in 1..K\n+ x\n"));
}

#[test]
fn unknown_kind() {
    insta::assert_snapshot!(
        "unknown_kind",
        file_err("index j in 1..K\nvar s_j integer\n")
    );
    insta::assert_snapshot!(
        "missing_kind",
        file_err("index j in 1..K\nvar s_j   # real\n")
    );
}

#[test]
fn distribution_without_index() {
    insta::assert_snapshot!(
        "distribution_without_index",
        file_err("var q distribution\n")
    );
    insta::assert_snapshot!(
        "onehot_with_two_indices",
        file_err("index j, k in 1..K\nvar y_{j,k} onehot\n")
    );
}

#[test]
fn malformed_index_lines() {
    insta::assert_snapshot!("index_lower_end", file_err("index j, k in 0..K\n"));
    insta::assert_snapshot!("index_missing_in", file_err("index j k in 1..K\n"));
    insta::assert_snapshot!("index_numeric_upper", file_err("index j in 1..10\n"));
}

#[test]
fn malformed_title() {
    insta::assert_snapshot!("unterminated_title", file_err("title \"Softmax # oops\n"));
    insta::assert_snapshot!("unquoted_title", file_err("title Softmax\n"));
}

#[test]
fn malformed_derive() {
    insta::assert_snapshot!(
        "derive_without_derivative",
        file_err(&with_head("derive L\n"))
    );
    insta::assert_snapshot!(
        "derive_with_junk_after",
        file_err(&with_head("derive d(p_j)/d(s_k) through p_j\n"))
    );
}

#[test]
fn more_than_one_derive() {
    insta::assert_snapshot!(
        "second_derive",
        file_err(&with_head(
            "derive d(p_j)/d(s_k)\n\nderive d(p_j)/d(s_m) via p_j\n"
        ))
    );
}

#[test]
fn malformed_expect() {
    insta::assert_snapshot!("empty_expect", file_err(&with_head("expect   # nothing\n")));
    insta::assert_snapshot!(
        "expect_trailing_operator",
        file_err(&with_head("expect p_k -\n"))
    );
    insta::assert_snapshot!(
        "second_expect",
        file_err(&with_head("expect p_k\nexpect q_k\n"))
    );
}

#[test]
fn malformed_show() {
    insta::assert_snapshot!("orphan_show_line", file_err(&with_head("= p_k\n")));
    insta::assert_snapshot!(
        "show_line_after_another_directive",
        file_err(&with_head(
            "show d(p_j)/d(s_k)\n= p_j * (delta(j, k) - p_k)\nexpect 1\n= 0\n"
        ))
    );
    insta::assert_snapshot!(
        "show_without_lines",
        file_err(&with_head("show d(p_j)/d(s_k)\n\nexpect 1\n"))
    );
    insta::assert_snapshot!(
        "show_without_lines_at_end",
        file_err(&with_head("show d(p_j)/d(s_k)\n# nothing follows\n"))
    );
    insta::assert_snapshot!("empty_show", file_err(&with_head("show\n= 1\n")));
    insta::assert_snapshot!("empty_show_line", file_err(&with_head("show p_k\n=\n")));
}

// ---- Files: validation -------------------------------------------------------------------

#[test]
fn unknown_symbol() {
    let err = file_error(&with_head("let L = -sum_j q_j * log(r_j)\n"));
    assert_eq!(
        err.kind(),
        &ErrorKind::UnknownSymbol {
            name: "r".to_string()
        }
    );
    insta::assert_snapshot!("unknown_symbol", format!("{err:#}"));
    insta::assert_snapshot!("index_used_as_symbol", file_err(&with_head("let L = j\n")));
}

#[test]
fn undeclared_index() {
    insta::assert_snapshot!(
        "undeclared_sum_index",
        file_err(&with_head("let L = -sum_i q_i * log(p_i)\n"))
    );
    insta::assert_snapshot!(
        "undeclared_free_index",
        file_err(&with_head("expect p_n - q_n\n"))
    );
    insta::assert_snapshot!(
        "undeclared_index_in_var",
        file_err("index j in 1..K\nvar c_{j,d} real\n")
    );
    insta::assert_snapshot!(
        "undeclared_index_in_delta",
        file_err(&with_head("expect sum_j q_j * delta(j, n)\n"))
    );
}

#[test]
fn wrong_number_of_subscripts() {
    insta::assert_snapshot!(
        "missing_subscript",
        file_err(&with_head("let L = -log(q)\n"))
    );
    insta::assert_snapshot!("extra_subscripts", file_err(&with_head("expect s_{j,k}\n")));
    insta::assert_snapshot!(
        "subscripted_range_end",
        file_err(&with_head("let L = K_j\n"))
    );
    insta::assert_snapshot!(
        "wrt_with_wrong_subscripts",
        file_err(&with_head("derive d(p_j)/d(s)\n"))
    );
}

#[test]
fn via_naming_no_definition() {
    insta::assert_snapshot!(
        "via_a_variable",
        file_err(&with_head("derive d(p_j)/d(s_k) via q_j\n"))
    );
    insta::assert_snapshot!(
        "via_unknown",
        file_err(&with_head("derive d(p_j)/d(s_k) via z_j\n"))
    );
}

#[test]
fn derivative_by_an_undeclared_symbol() {
    insta::assert_snapshot!(
        "wrt_not_a_variable",
        file_err(&with_head("derive d(p_j)/d(x_k)\n"))
    );
    insta::assert_snapshot!(
        "wrt_range_end_in_expect",
        file_err(&with_head("expect d(p_j)/d(K)\n"))
    );
}

#[test]
fn cyclic_definitions() {
    insta::assert_snapshot!("self_reference", file_err(&with_head("let L = L + 1\n")));
    insta::assert_snapshot!(
        "indirect_cycle",
        file_err(&with_head("let a = 2 * b\nlet b = exp(c)\nlet c = a - 1\n"))
    );
    insta::assert_snapshot!(
        "cycle_through_indexed_definitions",
        file_err("index j, m in 1..K\nvar s_j real\nlet p_j = exp(z_j) / sum_m exp(z_m)\nlet z_j = s_j + p_j\n")
    );
}

#[test]
fn declared_twice() {
    insta::assert_snapshot!("var_twice", file_err(&with_head("var s_k positive\n")));
    insta::assert_snapshot!("let_over_var", file_err(&with_head("let q_j = 1 / K\n")));
    insta::assert_snapshot!(
        "index_twice",
        file_err("index j, k in 1..K\nindex y, k in 1..K\n")
    );
    insta::assert_snapshot!("index_twice_on_one_line", file_err("index j, j in 1..K\n"));
    insta::assert_snapshot!(
        "repeated_subscript",
        file_err("index j in 1..K\nvar w_{j,j} real\n")
    );
    insta::assert_snapshot!("second_title", file_err("title \"a\"\ntitle \"b\"\n"));
}

#[test]
fn reserved_words_are_not_names() {
    insta::assert_snapshot!("var_named_exp", file_err("var exp real\n"));
    insta::assert_snapshot!("let_named_sum", file_err("let sum = 1\n"));
}

#[test]
fn input_too_large() {
    let big = "x".repeat(gradproof::parse::MAX_INPUT_BYTES + 1);
    let err = parse_expr(&big).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InputTooLarge { .. }));
    insta::assert_snapshot!("input_too_large", format!("{err:#}"));
    let err = parse_problem(&big).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InputTooLarge { .. }));
}

// ---- Limits on what definitions add up to --------------------------------------------------

/// `let a1 = a0 OP ...` lines, `n` of them after `a0 = x`.
fn chain(n: usize, body: impl Fn(usize) -> String) -> String {
    let mut text = String::from("var x real\nlet a0 = x\n");
    for i in 1..=n {
        text.push_str(&format!("let a{i} = {}\n", body(i - 1)));
    }
    text
}

#[test]
fn definition_limits() {
    use gradproof::parse::{
        MAX_SUBSCRIPTS, MAX_SUM_NESTING, MAX_UNFOLDED_DEPTH, MAX_UNFOLDED_SIZE,
    };
    let deep = chain(MAX_UNFOLDED_DEPTH + 5, |p| format!("exp(a{p})"));
    insta::assert_snapshot!("unfolded_too_deep", file_err(&deep));
    let large = chain(20, |p| format!("a{p} * a{p}"));
    insta::assert_snapshot!("unfolded_too_large", file_err(&large));
    let sums = "index a, b, c, d, e, k in 1..K\nvar x_a real\nlet y_a = sum_b x_b * x_a\n\
                let z_a = sum_c sum_d y_c * y_d * y_a\nexpect sum_a sum_e z_a * z_e\n";
    insta::assert_snapshot!("sums_too_deep", file_err(sums));
    insta::assert_snapshot!(
        "too_many_subscripts",
        file_err("index a, b, c, d, e in 1..K\nvar x_{a,b,c,d,e} real\n")
    );
    // Exactly at each limit is fine.
    assert!(parse_problem(&chain(MAX_UNFOLDED_DEPTH - 1, |p| format!("exp(a{p})"))).is_ok());
    let at_size = chain(13, |p| format!("a{p} * a{p}"));
    assert_eq!(MAX_UNFOLDED_SIZE, 20_000, "a13 has 2^14 - 1 nodes");
    assert!(parse_problem(&at_size).is_ok());
    let four = "index a, b, c, d in 1..K\nvar x_{a,b,c,d} real\n\
                expect sum_a sum_b sum_c sum_d x_{a,b,c,d}\n";
    assert_eq!((MAX_SUBSCRIPTS, MAX_SUM_NESTING), (4, 4));
    assert!(parse_problem(four).is_ok());
}
