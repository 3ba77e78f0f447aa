//! `parse_problem`: the reference file field by field, and the other directives.

use gradproof::parse::{parse_expr, parse_problem};
use gradproof::syntax::expr::{div, func, neg, sub, sum};
use gradproof::syntax::problem::{Pos, Problem};
use gradproof::{Binder, Expr, Func, Index, Kind, Symbol};

const REFERENCE: &str = r#"title "Softmax cross-entropy: the learning signal"
index j, k, m in 1..K
var s_j real
var q_j distribution          # q_j >= 0 and sum_j q_j = 1
let p_j = exp(s_j) / sum_m exp(s_m)
let L = -sum_j q_j * log(p_j)
derive d(L)/d(s_k) via p_j
expect p_k - q_k
"#;

fn parse(text: &str) -> Problem {
    match parse_problem(text) {
        Ok(p) => p,
        Err(err) => panic!("did not parse:\n{err:#}"),
    }
}

fn pos(line: usize, column: usize) -> Pos {
    Pos { line, column }
}

fn bound(name: &str) -> Expr {
    Expr::Sym(Symbol {
        name: name.into(),
        indices: vec![Index::Bound(0)],
    })
}

#[test]
fn the_reference_file_parses_into_the_expected_problem() {
    let p = parse(REFERENCE);
    assert_eq!(
        p.title.as_deref(),
        Some("Softmax cross-entropy: the learning signal")
    );

    let indices: Vec<(&str, &str, Pos)> = p
        .indices
        .iter()
        .map(|i| (i.name.as_str(), i.upper.as_str(), i.pos))
        .collect();
    assert_eq!(
        indices,
        vec![
            ("j", "K", pos(2, 7)),
            ("k", "K", pos(2, 10)),
            ("m", "K", pos(2, 13))
        ]
    );

    assert_eq!(p.vars.len(), 2);
    assert_eq!(p.vars[0].symbol, Symbol::indexed("s", &["j"]));
    assert_eq!(p.vars[0].kind, Kind::Real);
    assert_eq!(p.vars[0].pos, pos(3, 1));
    assert_eq!(p.vars[1].symbol, Symbol::indexed("q", &["j"]));
    assert_eq!(p.vars[1].kind, Kind::Distribution);
    assert_eq!(p.vars[1].pos, pos(4, 1));

    assert_eq!(p.defs.len(), 2);
    let softmax = div(
        func(Func::Exp, Expr::indexed("s", &["j"])),
        sum(Binder::new("m", Some("K")), func(Func::Exp, bound("s"))),
    );
    assert_eq!(p.defs[0].symbol, Symbol::indexed("p", &["j"]));
    assert_eq!(p.defs[0].body, softmax);
    assert_eq!(p.defs[0].pos, pos(5, 1));
    let loss = neg(sum(
        Binder::new("j", Some("K")),
        gradproof::syntax::expr::mul(vec![bound("q"), func(Func::Log, bound("p"))]),
    ));
    assert_eq!(p.defs[1].symbol, Symbol::plain("L"));
    assert_eq!(p.defs[1].body, loss);
    assert_eq!(p.defs[1].pos, pos(6, 1));

    let goal = p.goal.as_ref().expect("a goal");
    assert_eq!(goal.of, Expr::plain("L"));
    assert_eq!(goal.wrt, Symbol::indexed("s", &["k"]));
    assert_eq!(goal.via, Some(Symbol::indexed("p", &["j"])));
    assert_eq!(goal.pos, pos(7, 1));

    let (expect, at) = p.expect.as_ref().expect("an expect line");
    assert_eq!(
        *expect,
        sub(Expr::indexed("p", &["k"]), Expr::indexed("q", &["k"]))
    );
    assert_eq!(*at, pos(8, 1));
    assert!(p.show.is_none());
}

#[test]
fn sums_in_a_file_get_the_upper_end_of_their_index() {
    let p = parse(REFERENCE);
    let Expr::Mul(factors) = &p.defs[0].body else {
        panic!("softmax is a product")
    };
    let Expr::Pow(denominator, _) = &factors[1] else {
        panic!("softmax divides")
    };
    let Expr::Sum(binder, _) = denominator.as_ref() else {
        panic!("the denominator is a sum")
    };
    assert_eq!(binder.upper.as_deref(), Some("K"));
    assert_eq!(binder.hint.0, "m");
    // parse_expr knows no ranges.
    let Expr::Sum(binder, _) = parse_expr("sum_m exp(s_m)").unwrap() else {
        panic!("a sum")
    };
    assert_eq!(binder.upper, None);
}

#[test]
fn a_show_block_collects_its_lines_with_positions() {
    let text = "index j, k in 1..K\nvar s_j real\nlet L = sum_j s_j^2\n\nshow d(L)/d(s_k)\n  = sum_j 2 * s_j * delta(j, k)\n# a comment between lines\n  = 2 * s_k\n";
    let p = parse(text);
    let show = p.show.expect("a show block");
    assert_eq!(
        show.start,
        gradproof::syntax::expr::deriv(Expr::plain("L"), Symbol::indexed("s", &["k"]))
    );
    assert_eq!(show.pos, pos(5, 1));
    let lines: Vec<Pos> = show.lines.iter().map(|l| l.pos).collect();
    assert_eq!(lines, vec![pos(6, 3), pos(8, 3)]);
    assert_eq!(
        show.lines[1].expr,
        gradproof::syntax::expr::mul(vec![Expr::int(2), Expr::indexed("s", &["k"])])
    );
    let Expr::Sum(binder, _) = &show.lines[0].expr else {
        panic!("the first line is a sum")
    };
    assert_eq!(binder.upper.as_deref(), Some("K"));
    assert!(p.goal.is_none());
}

#[test]
fn fixed_classes_parameters_and_forward_references() {
    let text = "
        # Cross-entropy against a fixed class y.
        index y, j, m in 1..K
        index i in 1..N
        var s_j real
        var T positive
        let L = -log(p_y)            # p is defined below
        let p_j = exp(z_j) / sum_m exp(z_m)
        let z_j = s_j / T
        let w_a = a_a * K            # a parameter need not be a declared index
        let a_b = b_b + N
        let b_x = 1
        derive d(L)/d(s_j)
    ";
    let p = parse(text);
    assert_eq!(p.defs.len(), 6);
    assert_eq!(
        p.defs[0].body,
        neg(func(Func::Log, Expr::indexed("p", &["y"])))
    );
    assert_eq!(p.upper_of("i"), Some("N"));
    assert_eq!(p.var("T").map(|v| v.kind), Some(Kind::Positive));
    let goal = p.goal.expect("a goal");
    assert!(goal.via.is_none());
    assert_eq!(goal.pos, pos(13, 9));
}

#[test]
fn every_kind_and_a_title_with_a_hash() {
    let text = "title \"a \\\"quoted\\\" # title\" # comment\nindex j, c in 1..K\nvar a real\nvar b positive\nvar u unit\nvar q_j distribution\nvar y_c onehot\nvar w_{j,c} real\n";
    let p = parse(text);
    assert_eq!(p.title.as_deref(), Some("a \"quoted\" # title"));
    let kinds: Vec<Kind> = p.vars.iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        vec![
            Kind::Real,
            Kind::Positive,
            Kind::Unit,
            Kind::Distribution,
            Kind::Onehot,
            Kind::Real
        ]
    );
    assert_eq!(p.vars[5].symbol, Symbol::indexed("w", &["j", "c"]));
}

#[test]
fn empty_and_comment_only_files_give_an_empty_problem() {
    assert_eq!(parse(""), Problem::default());
    assert_eq!(
        parse("\n\n   \n# only a comment\r\n\t\n"),
        Problem::default()
    );
}

#[test]
fn windows_line_endings_are_accepted() {
    let crlf = REFERENCE.replace('\n', "\r\n");
    let p = parse(&crlf);
    assert_eq!(p, parse(REFERENCE));
}
