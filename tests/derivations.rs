//! Every file in `derivations/`: a reviewed snapshot of its proof in every text format (text,
//! LaTeX, Markdown, JSON), and the law that the derived result equals the file's `expect`.

mod common;

use gradproof::analysis::normal::equivalent;
use gradproof::documents::proof_json;
use gradproof::documents::proof_latex;
use gradproof::documents::proof_markdown;
use gradproof::documents::proof_text;
use gradproof::engine::trace::Stop;
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::latex_proof::LatexOptions;

#[test]
fn every_derivation_reaches_its_expect() {
    let mut seen = 0;
    for (path, text) in common::derivation_files() {
        let problem = parse_problem(&text).unwrap_or_else(|e| panic!("{}:{e:#}", path.display()));
        let Some(d) = derive(&problem, Limits::default()) else {
            continue;
        };
        assert_eq!(d.stop, Stop::Saturated, "{}", path.display());
        let (expect, _) = problem
            .expect
            .as_ref()
            .expect("every derivation has an expect");
        assert!(
            equivalent(d.result(), expect, &problem),
            "{}: derived {}, expected {}",
            path.display(),
            d.result(),
            expect
        );
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} derivations found");
}

#[test]
fn snapshots() {
    insta::glob!("../derivations", "*.deriv", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let problem = parse_problem(&text).expect("parses");
        let Some(d) = derive(&problem, Limits::default()) else {
            return;
        };
        let sections = [
            ("Text", proof_text(&problem, &d)),
            ("LaTeX", proof_latex(&problem, &d, LatexOptions::default())),
            ("Markdown", proof_markdown(&problem, &d)),
            ("JSON", proof_json(&problem, &d)),
        ];
        let snapshot: Vec<String> = sections
            .iter()
            .map(|(name, body)| format!("## {name}\n\n{body}"))
            .collect();
        insta::assert_snapshot!(snapshot.join("\n"));
    });
}
