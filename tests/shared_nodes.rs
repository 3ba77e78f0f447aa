//! The sizes and hashes kept in shared expression handles (`src/syntax/shared.rs`) stay true
//! through whole derivations: every line, every lemma and every firing's replacement of every
//! file in `derivations/`, after the proof's expressions have been hashed (the search's `seen`
//! set and the scanner have filled many kept hashes by then).

mod common;

use gradproof::engine::trace::Derivation;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
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

#[test]
fn kept_sizes_and_hashes_hold_on_every_derivation() {
    let mut checked = 0;
    for (path, text) in common::derivation_files() {
        let file = path.display().to_string();
        let problem = parse_problem(&text).unwrap_or_else(|e| panic!("{file}:{e:#}"));
        let Some(d) = derive(&problem, Limits::default()) else {
            continue;
        };
        check_derivation(&d, &file, &mut checked);
    }
    assert!(checked > 1000, "only {checked} expressions checked");
}
