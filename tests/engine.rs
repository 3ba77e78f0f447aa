//! The strategy on whole problems: the reference derivation reads like the post, renaming every
//! name gives the same proof, side conditions change where it stops, and limits end a run with a
//! typed reason.

mod common;

use common::{rename, RENAMING};
use gradproof::check::{check_derivation, CheckOptions};
use gradproof::documents::proof_text;
use gradproof::engine::trace::{Derivation, Stop};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::proof::options_for;
use gradproof::render::report::report_text;
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;

const REFERENCE: &str = include_str!("../derivations/softmax_cross_entropy.deriv");

fn problem(text: &str) -> Problem {
    parse_problem(text).unwrap_or_else(|e| panic!("{e:#}"))
}

fn derived(text: &str) -> (Problem, Derivation) {
    let p = problem(text);
    let d = derive(&p, Limits::default()).expect("a derive line");
    (p, d)
}

/// `e` read in the context of `p`'s declarations (sums get their ranges).
fn read_in(p: &str, e: &str) -> Expr {
    problem(&format!("{p}\nexpect {e}\n"))
        .expect
        .expect("expect")
        .0
}

fn titles(d: &Derivation) -> Vec<&str> {
    d.steps.iter().map(|s| s.title.as_str()).collect()
}

fn fired(d: &Derivation) -> Vec<&'static str> {
    d.steps
        .iter()
        .flat_map(|s| {
            s.firings
                .iter()
                .map(|f| f.rule)
                .chain(s.lemmas.iter().flat_map(fired))
        })
        .collect()
}

#[test]
fn the_reference_derivation_follows_the_post() {
    let (_, d) = derived(REFERENCE);
    assert_eq!(
        titles(&d),
        [
            "chain rule",
            "substitute the pieces",
            "cancel",
            "split the sum",
            "the delta selects one term",
            "a distribution sums to one",
        ]
    );
    let decls = REFERENCE.replace("expect p_k - q_k", "");
    assert_eq!(d.result(), &read_in(&decls, "p_k - q_k"));
    assert_eq!(
        d.steps[0].expr,
        read_in(&decls, "sum_j d(L)/d(p_j) * d(p_j)/d(s_k)")
    );
    let lemmas = &d.steps[1].lemmas;
    assert_eq!(lemmas.len(), 2, "the loss piece and the softmax piece");
    assert_eq!(lemmas[0].result(), &read_in(&decls, "-q_j/p_j"));
    assert_eq!(
        lemmas[1].result(),
        &read_in(&decls, "p_j*(delta(j,k) - p_k)")
    );
    assert_eq!(
        d.steps[2].expr,
        read_in(&decls, "sum_j -q_j*(delta(j,k) - p_k)")
    );
    assert_eq!(
        d.steps[3].expr,
        read_in(&decls, "-sum_j q_j*delta(j,k) + p_k*sum_j q_j")
    );
    assert_eq!(d.stop, Stop::Saturated);
}

#[test]
fn renaming_every_name_gives_the_same_proof() {
    let table = RENAMING;
    let renamed_file = rename(REFERENCE, &table);
    assert!(renamed_file.contains("let r_u = exp(z_u) / sum_w exp(z_w)"));
    let (p1, d1) = derived(REFERENCE);
    let (p2, d2) = derived(&renamed_file);
    assert_eq!(proof_text(&p2, &d2), rename(&proof_text(&p1, &d1), &table));
    assert_eq!(titles(&d1), titles(&d2));
    // The numeric check report names nothing either, and samples the same instances.
    let report = |p: &Problem, d: &Derivation| {
        let r = check_derivation(p, d, &CheckOptions::default());
        report_text(&r, &options_for(p))
    };
    assert_eq!(report(&p2, &d2), rename(&report(&p1, &d1), &table));
}

#[test]
fn the_rename_check_can_fail() {
    // A renaming that is not applied to one name must make the proofs differ.
    let (p1, d1) = derived(REFERENCE);
    let (p2, d2) = derived(&rename(REFERENCE, &[("q", "t")]));
    assert_ne!(
        proof_text(&p2, &d2),
        rename(&proof_text(&p1, &d1), &[("s", "z")])
    );
}

#[test]
fn a_real_target_does_not_sum_to_one() {
    let text = REFERENCE.replace("var q_j distribution", "var q_j real");
    let (_, d) = derived(&text);
    let decls = text.replace("expect p_k - q_k", "");
    assert_eq!(d.result(), &read_in(&decls, "p_k*sum_j q_j - q_k"));
    assert!(!fired(&d).contains(&"sum-to-one"));
    assert!(fired(&derived(REFERENCE).1).contains(&"sum-to-one"));
}

#[test]
fn without_via_the_definitions_are_substituted_and_folded_back() {
    let text = REFERENCE.replace(" via p_j", "");
    let (_, d) = derived(&text);
    let decls = text.replace("expect p_k - q_k", "");
    assert_eq!(titles(&d)[0], "substitute the definitions");
    assert!(titles(&d).contains(&"fold definitions back"));
    assert_eq!(d.result(), &read_in(&decls, "p_k - q_k"));
}

#[test]
fn limits_end_a_run_with_a_typed_reason() {
    let p = problem(REFERENCE);
    let d = derive(
        &p,
        Limits {
            max_firings: 4,
            ..Limits::default()
        },
    )
    .expect("a derive line");
    assert_eq!(d.stop, Stop::StepLimit(4));
    let d = derive(
        &p,
        Limits {
            max_size: 10,
            ..Limits::default()
        },
    )
    .expect("a derive line");
    assert_eq!(d.stop, Stop::SizeLimit(10));
}

#[test]
fn no_rule_strategy_or_printer_names_a_symbol_of_the_reference_case() {
    // The reference case's names. (Greek letter names such as `gamma` may appear in the LaTeX
    // printer's table of Greek letters: that is typography, not knowledge of a derivation.)
    let names = ["s", "p", "q", "j", "k", "m", "y", "L", "K"];
    let mut files = vec![];
    // Every file under these folders, subfolders included.
    let mut dirs = vec![
        std::path::PathBuf::from("src/rules"),
        std::path::PathBuf::from("src/render"),
        std::path::PathBuf::from("src/engine"),
        std::path::PathBuf::from("src/analysis"),
        std::path::PathBuf::from("src/check"),
    ];
    let mut owned = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                owned.push(path.display().to_string());
            }
        }
    }
    files.extend(owned.iter().map(String::as_str));
    for file in files {
        let text = std::fs::read_to_string(file).expect("source file");
        // Only the code: stop at the unit tests, skip comments and doc comments.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for name in names {
                assert!(
                    !line.contains(&format!("\"{name}\"")),
                    "{file}:{}: mentions the name {name:?}: {line}",
                    n + 1
                );
            }
        }
    }
}

#[test]
fn every_phase_names_registered_rules_and_every_rule_has_a_phase() {
    use gradproof::engine::{FACTOR_PHASE, ORDER_PHASE, PHASES};
    let phases: Vec<&gradproof::engine::Phase> =
        PHASES.iter().chain([&FACTOR_PHASE, &ORDER_PHASE]).collect();
    let named: Vec<&str> = phases
        .iter()
        .flat_map(|p| p.rules.iter().map(|r| r.name))
        .collect();
    for name in &named {
        assert!(
            gradproof::rules::rule(name).is_some(),
            "phase names unknown rule {name}"
        );
    }
    for r in gradproof::rules::registry() {
        // The chain rule is applied by the strategy at the root, not by a phase.
        if r.name != "chain-rule" {
            assert!(named.contains(&r.name), "rule {} is in no phase", r.name);
        }
    }
}

#[test]
fn the_chain_rule_takes_via_as_a_parameter() {
    // The same file with and without `via`: given the via symbol as a parameter, the chain
    // rule gives, in a problem whose goal names no via, the engine's first step with one.
    let with_via = "index j, k, m in 1..K\nvar s_j real\nvar q_j distribution\n\
                    let p_j = exp(s_j) / sum_m exp(s_m)\nlet L = -sum_j q_j * log(p_j)\n\
                    derive d(L)/d(s_k) via p_j\n";
    let problem = gradproof::parse::parse_problem(with_via).unwrap();
    let engine_step = gradproof::engine::derive(&problem, gradproof::engine::Limits::default())
        .unwrap()
        .steps[0]
        .expr
        .clone();
    let without = gradproof::parse::parse_problem(&with_via.replace(" via p_j", "")).unwrap();
    let goal = without.goal.as_ref().unwrap();
    let start = gradproof::syntax::expr::deriv(goal.of.clone(), goal.wrt.clone());
    let via = problem.goal.as_ref().unwrap().via.clone().unwrap();
    let ctx = gradproof::rules::Ctx::new(&without);
    assert_eq!(
        gradproof::rules::definitions::chain_rule(&start, &via, &ctx),
        Some(engine_step)
    );
    // Through the registry the rule reads `via` from its context: none here.
    assert_eq!(
        (gradproof::rules::definitions::CHAIN_RULE.apply)(&start, &ctx),
        None
    );
}

#[test]
fn phases_hold_rule_values() {
    use gradproof::engine::PHASES;
    let cancel: &gradproof::rules::Rule = PHASES
        .iter()
        .flat_map(|p| p.rules.iter().copied())
        .find(|r| r.name == gradproof::rules::algebra::CANCEL.name)
        .unwrap();
    assert_eq!(
        cancel.description,
        gradproof::rules::algebra::CANCEL.description
    );
}

#[test]
fn no_rule_name_is_written_as_a_string_outside_the_rules() {
    // Phases, the engine, the checker, the analyses and the printers refer to rules by value
    // (or through the registry), never by a name typed as a string: a typo there would compile.
    let mut names: Vec<&str> = gradproof::rules::registry()
        .iter()
        .map(|r| r.name)
        .collect();
    names.push(gradproof::rules::SUBSTITUTE);
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                if !path.ends_with("rules") {
                    dirs.push(path);
                }
            } else if !path.ends_with("diff.rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 10, "only {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source file");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            // Comments, and step titles (a phase may be titled like its rule: "cancel").
            if line.starts_with("//") || line.starts_with("title:") {
                continue;
            }
            for name in &names {
                assert!(
                    !line.contains(&format!("\"{name}\"")),
                    "{}:{}: the rule name {name:?} as a string: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}
