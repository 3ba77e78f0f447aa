//! `gradproof verify`: a saved JSON proof reads back, replays firing by firing with the
//! registry's rules, and re-checks; hand-edited proofs fail naming the step and firing.

mod common;

use common::{derivation_files, run, stderr, stdout};
use gradproof::check::{check_derivation, CheckOptions};
use gradproof::documents::proof_json_checked;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::deriv_file::problem_text;
use gradproof::render::json::ProofView;
use gradproof::rules::registry;
use gradproof::verify::{verify_json, VerifyError};
use serde_json::Value;

/// The checked JSON proof of every derivation file that has a `derive` line.
fn proofs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, text) in derivation_files() {
        let problem = parse_problem(&text).expect("parses");
        let Some(d) = derive(&problem, Limits::default()) else {
            continue;
        };
        let report = check_derivation(&problem, &d, &CheckOptions::default());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push((name, proof_json_checked(&problem, &d, Some(&report))));
    }
    assert!(out.len() >= 8, "only {} proofs", out.len());
    out
}

fn reference() -> Value {
    let text = include_str!("../derivations/softmax_cross_entropy.deriv");
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    serde_json::from_str(&gradproof::documents::proof_json(&problem, &d)).expect("JSON")
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gradproof-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// Runs `gradproof verify` on `proof` and returns the exit code and everything printed.
fn verify_cli(name: &str, proof: &Value) -> (Option<i32>, String) {
    let path = temp_file(name, &serde_json::to_string_pretty(proof).unwrap());
    let o = run(&["verify", path.to_str().expect("utf-8 path")]);
    (o.status.code(), format!("{}{}", stdout(&o), stderr(&o)))
}

/// The first step (1-based) with at least `n` firings, and the step as JSON.
fn step_with_firings(proof: &Value, n: usize) -> usize {
    let steps = proof["steps"].as_array().unwrap();
    1 + steps
        .iter()
        .position(|s| s["firings"].as_array().unwrap().len() >= n)
        .expect("a step with enough firings")
}

/// `step S, firing F (RULE at PATH)` as the messages name a firing.
fn firing_name(proof: &Value, step: usize, firing: usize) -> String {
    let f = &proof["steps"][step - 1]["firings"][firing - 1];
    let path: Vec<u64> = f["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect();
    format!(
        "step {step}, firing {firing} ({} at {path:?})",
        f["rule"].as_str().unwrap()
    )
}

#[test]
fn every_proof_of_derivations_verifies_and_replays_to_the_engines_derivation() {
    for (path, text) in derivation_files() {
        let problem = parse_problem(&text).expect("parses");
        let Some(d) = derive(&problem, Limits::default()) else {
            continue;
        };
        let json = gradproof::documents::proof_json(&problem, &d);
        let verified = verify_json(&json, &CheckOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(verified.derivation, d, "{}", path.display());
        assert!(verified.report.ok(), "{}", path.display());
    }
}

#[test]
fn the_cli_accepts_the_proof_of_every_derivation() {
    for (name, json) in proofs() {
        let path = temp_file(&format!("{name}.json"), &json);
        let o = run(&["verify", path.to_str().expect("utf-8 path")]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stdout(&o).contains("every firing replays"),
            "{}",
            stdout(&o)
        );
    }
}

#[test]
fn json_proofs_round_trip() {
    for (name, json) in proofs() {
        let view: ProofView = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = serde_json::to_string_pretty(&view).unwrap() + "\n";
        assert_eq!(again, json, "{name}");
    }
}

#[test]
fn the_problem_text_reparses_to_the_same_problem_and_derivation() {
    for (path, text) in derivation_files() {
        let problem = parse_problem(&text).expect("parses");
        let printed = problem_text(&problem);
        let again = parse_problem(&printed)
            .unwrap_or_else(|e| panic!("{}: {e:#}\n{printed}", path.display()));
        assert_eq!(problem_text(&again), printed, "{}", path.display());
        assert_eq!(again.defs.len(), problem.defs.len());
        for (a, b) in again.defs.iter().zip(&problem.defs) {
            assert_eq!((&a.symbol, &a.body), (&b.symbol, &b.body));
        }
        assert_eq!(
            derive(&again, Limits::default()),
            derive(&problem, Limits::default()),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_changed_step_fails_naming_the_step() {
    let mut proof = reference();
    let n = proof["steps"].as_array().unwrap().len();
    // The last step claims the line before it.
    let previous = proof["steps"][n - 2]["expr"].clone();
    proof["steps"][n - 1]["expr"] = previous;
    let (code, out) = verify_cli("changed_step.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(&format!("step {n}: ")), "{out}");
    assert!(out.contains("is not what its firings give"), "{out}");
}

#[test]
fn a_firing_attributed_to_the_wrong_rule_fails_naming_it() {
    let mut proof = reference();
    let step = step_with_firings(&proof, 2);
    let rule = proof["steps"][step - 1]["firings"][1]["rule"]
        .as_str()
        .unwrap()
        .to_string();
    // Another rule of the registry: the next one.
    let names: Vec<&str> = registry().iter().map(|r| r.name).collect();
    let at = names
        .iter()
        .position(|n| *n == rule)
        .expect("a registry rule");
    let other = names[(at + 1) % names.len()];
    proof["steps"][step - 1]["firings"][1]["rule"] = Value::from(other);
    let (code, out) = verify_cli("wrong_rule.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(&firing_name(&proof, step, 2)), "{out}");
}

#[test]
fn a_changed_firing_output_fails_naming_the_firing() {
    let mut proof = reference();
    let step = step_with_firings(&proof, 1);
    let claimed = proof["steps"][step - 1]["firings"][0]["expr"]["input"]
        .as_str()
        .unwrap()
        .to_string();
    proof["steps"][step - 1]["firings"][0]["expr"]["input"] = Value::from(format!("-({claimed})"));
    let (code, out) = verify_cli("changed_firing.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(&firing_name(&proof, step, 1)), "{out}");
    assert!(out.contains("is not the rule's output"), "{out}");
}

#[test]
fn a_deleted_firing_fails_naming_the_step() {
    let mut proof = reference();
    let step = step_with_firings(&proof, 2);
    proof["steps"][step - 1]["firings"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let (code, out) = verify_cli("deleted_firing.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(&format!("step {step}")), "{out}");
}

#[test]
fn a_changed_lemma_fails_naming_the_lemma() {
    let mut proof = reference();
    let steps = proof["steps"].as_array().unwrap();
    let step = 1 + steps
        .iter()
        .position(|s| !s["lemmas"].as_array().unwrap().is_empty())
        .expect("a step with lemmas");
    let lemma = &mut proof["steps"][step - 1]["lemmas"][0];
    let last = lemma["steps"].as_array().unwrap().len() - 1;
    lemma["steps"][last]["firings"][0]["expr"]["input"] = Value::from("0");
    let (code, out) = verify_cli("changed_lemma.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "step {step}, lemma 1: step {}, firing 1",
            last + 1
        )),
        "{out}"
    );
}

#[test]
fn a_changed_result_fails() {
    let mut proof = reference();
    let goal = proof["goal"].clone();
    proof["result"] = goal;
    let (code, out) = verify_cli("changed_result.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("result: "), "{out}");
}

#[test]
fn malformed_proofs_exit_2_with_a_clear_message() {
    let path = temp_file("not_json.json", "this is not JSON\n");
    let o = run(&["verify", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a gradproof JSON proof"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("line 1 column"), "{}", stderr(&o));

    let mut proof = reference();
    proof.as_object_mut().unwrap().remove("problem");
    let (code, out) = verify_cli("no_problem.json", &proof);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("missing field `problem`"), "{out}");

    let mut proof = reference();
    proof["steps"][0]["firings"][0]["rule"] = Value::from("no-such-rule");
    let (code, out) = verify_cli("unknown_rule.json", &proof);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("step 1, firing 1 (no-such-rule"), "{out}");
    assert!(out.contains("no rule is named"), "{out}");

    let mut proof = reference();
    proof["steps"][0]["firings"][0]["path"] = serde_json::json!([7, 7, 7]);
    let (code, out) = verify_cli("no_path.json", &proof);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("has no subterm at [7, 7, 7]"), "{out}");

    let mut proof = reference();
    let problem = proof["problem"]
        .as_str()
        .unwrap()
        .replace("derive", "derve");
    proof["problem"] = Value::from(problem);
    let (code, out) = verify_cli("bad_problem.json", &proof);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("does not parse"), "{out}");
}

#[test]
fn the_library_tells_false_from_unreadable() {
    let mut proof = reference();
    let step = step_with_firings(&proof, 1);
    proof["steps"][step - 1]["firings"][0]["expr"]["input"] = Value::from("0");
    let text = serde_json::to_string(&proof).unwrap();
    assert!(matches!(
        verify_json(&text, &CheckOptions::default()),
        Err(VerifyError::False(_))
    ));
    assert!(matches!(
        verify_json("[]", &CheckOptions::default()),
        Err(VerifyError::Unreadable(_))
    ));
}

#[test]
fn a_proof_cut_short_by_the_step_limit_still_verifies() {
    let text = include_str!("../derivations/softmax_cross_entropy.deriv");
    let problem = parse_problem(text).expect("parses");
    let limits = Limits {
        max_firings: 12,
        ..Limits::default()
    };
    let d = derive(&problem, limits).expect("a goal");
    assert_eq!(d.stop, gradproof::Stop::StepLimit(12));
    let json = gradproof::documents::proof_json(&problem, &d);
    let verified = verify_json(&json, &CheckOptions::default()).expect("replays");
    assert_eq!(verified.derivation, d);
    assert!(verified.report.ok());
}

#[test]
fn a_proof_of_a_false_expect_replays_but_exits_1() {
    let mut proof = reference();
    let problem = proof["problem"].as_str().unwrap();
    let (_, expect) = problem.split_once("\nexpect ").expect("an expect line");
    let swapped = problem.replace(
        &format!("\nexpect {expect}"),
        &format!("\nexpect -({})\n", expect.trim()),
    );
    // The `expect` field as the engine writes it for that problem (`holds`: false).
    let problem = parse_problem(&swapped).expect("parses");
    let d = derive(&problem, Limits::default()).expect("a goal");
    let written: Value =
        serde_json::from_str(&gradproof::documents::proof_json(&problem, &d)).expect("JSON");
    assert_eq!(written["expect"]["holds"], Value::from(false));
    proof["expect"] = written["expect"].clone();
    proof["problem"] = Value::from(swapped);
    let (code, out) = verify_cli("false_expect.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("every firing replays"), "{out}");
    assert!(out.contains("Expected:") && out.contains("✗"), "{out}");
}

#[test]
fn a_changed_expect_or_stop_fails() {
    let mut proof = reference();
    let result = proof["result"].clone();
    proof["expect"]["expr"] = proof["goal"].clone();
    assert_ne!(proof["expect"]["expr"], result);
    let (code, out) = verify_cli("changed_expect.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("expect: "), "{out}");

    let mut proof = reference();
    proof["expect"]["holds"] = Value::from(!proof["expect"]["holds"].as_bool().unwrap());
    let (code, out) = verify_cli("changed_holds.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("expect: "), "{out}");

    let mut proof = reference();
    proof["stop"]["message"] = Value::from("no rule applies, trust me");
    let (code, out) = verify_cli("changed_stop.json", &proof);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("stop: "), "{out}");
}
