//! The sizes and hashes kept in shared expression handles (`src/syntax/shared.rs`) stay true
//! through whole derivations: every line, every lemma and every firing's replacement of every
//! file in `derivations/`, after the proof's expressions have been hashed (the search's `seen`
//! set and the scanner have filled many kept hashes by then); and the canonical order that
//! shares subtrees already in order is the one rebuilding every node gives.

mod common;

use gradproof::engine::trace::Derivation;
use gradproof::engine::{canonical_order, rebuild};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::syntax::expr::Expr;
use gradproof::syntax::shared::check_kept;

fn check_derivation(d: &Derivation, file: &str, checked: &mut usize) {
    for line in d.lines() {
        check_kept(line).unwrap_or_else(|e| panic!("{file}: line {line}: {e}"));
        *checked += 1;
    }
    for step in &d.steps {
        for f in &step.firings {
            check_kept(&f.replacement)
                .unwrap_or_else(|e| panic!("{file}: firing of {}: {e}", f.rule));
            *checked += 1;
        }
        for lemma in &step.lemmas {
            check_derivation(lemma, file, checked);
        }
    }
}

/// Every file of `derivations/` that derives something, by name, with its derivation.
fn derivations() -> Vec<(String, Derivation)> {
    let mut out = Vec::new();
    for (path, text) in common::derivation_files() {
        let file = path.display().to_string();
        let problem = parse_problem(&text).unwrap_or_else(|e| panic!("{file}:{e:#}"));
        if let Some(d) = derive(&problem, Limits::default()) {
            out.push((file, d));
        }
    }
    out
}

#[test]
fn kept_sizes_and_hashes_hold_on_every_derivation() {
    let mut checked = 0;
    for (file, d) in derivations() {
        check_derivation(&d, &file, &mut checked);
    }
    assert!(checked > 1000, "only {checked} expressions checked");
}

/// The canonical order by rebuilding every node (what `canonical_order` did before it shared
/// subtrees that are already in order).
fn canonical_by_rebuilding(e: &Expr) -> Expr {
    let mut children: Vec<Expr> = e.iter_children().map(canonical_by_rebuilding).collect();
    if matches!(e, Expr::Add(_) | Expr::Mul(_)) {
        children.sort();
    }
    rebuild(e, children)
}

/// The same tree, letters of bound indices included (`==` ignores them; the printed form
/// does not).
fn same_tree(a: &Expr, b: &Expr) -> bool {
    a == b && a.to_string() == b.to_string()
}

#[test]
fn sharing_canonical_order_is_the_rebuilt_one_on_every_line_and_firing() {
    let mut compared = 0;
    for (file, d) in derivations() {
        let firings = d
            .steps
            .iter()
            .flat_map(|s| s.firings.iter().map(|f| &f.replacement));
        for e in d.lines().chain(firings) {
            let (shared, rebuilt) = (canonical_order(e), canonical_by_rebuilding(e));
            assert!(
                same_tree(&shared, &rebuilt),
                "{file}: {e}: {shared} vs {rebuilt}"
            );
            compared += 1;
        }
    }
    assert!(compared > 500, "only {compared} compared");
}

/// The comparison above sees a change of order and a change of a bound-index letter.
#[test]
fn the_canonical_comparison_sees_order_and_letters() {
    let parse = |s: &str| {
        let p = parse_problem(&format!(
            "index j, i in 1..K\nvar x real\nvar q_j real\nexpect {s}\n"
        ))
        .expect("parses");
        p.expect.expect("an expect").0
    };
    let unsorted = parse("x + sum_j q_j");
    let sorted = canonical_by_rebuilding(&unsorted);
    assert!(same_tree(&canonical_order(&unsorted), &sorted));
    if unsorted.to_string() != sorted.to_string() {
        assert!(!same_tree(&unsorted, &sorted));
    }
    assert!(!same_tree(&parse("sum_j q_j"), &parse("sum_i q_i")));
    assert!(parse("sum_j q_j") == parse("sum_i q_i"));
}
