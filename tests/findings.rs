//! The differential test's findings (`tests/findings/*.deriv`) as regression tests.
//!
//! Each file is a minimised case that the random differential test (`tests/differential`) found
//! on the way to issue #12: a false claim that passed, or a correct derivation that was failed.
//! Its comment says what went wrong and ends with a line `# Expected: exit N ...`: the exit code
//! `gradproof check` must give now. This test reads that line and runs the binary, so a finding
//! added to the folder is a test without any code.

mod common;

use std::path::PathBuf;

/// The exit code a finding's `# Expected: exit N` line asks for.
fn expected_exit(text: &str) -> Option<i32> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# Expected: exit "))
        .find_map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
}

fn findings() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/findings");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/findings exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "deriv"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_finding_gets_the_exit_code_its_comment_asks_for() {
    let files = findings();
    assert!(
        files.len() >= 9,
        "the findings folder lost files: {files:?}"
    );
    let mut wrong = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let want = expected_exit(&text)
            .unwrap_or_else(|| panic!("{}: no `# Expected: exit N` line", path.display()));
        let o = common::run(&["check", &path.to_string_lossy()]);
        if o.status.code() != Some(want) {
            wrong.push(format!(
                "{}: exit {:?}, expected {want}\n{}{}",
                path.display(),
                o.status.code(),
                common::stdout(&o),
                common::stderr(&o)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_expected_exit_line_is_read_as_written() {
    assert_eq!(
        expected_exit("# a\n# Expected: exit 1, the line false\n"),
        Some(1)
    );
    assert_eq!(expected_exit("# Expected: exit 0.\n"), Some(0));
    assert_eq!(expected_exit("# Expected: something else\n"), None);
}

/// The normal-form finding is about the symbolic verdict on its own: the numeric check would
/// catch the sign flip, so the exit code alone does not prove the normal form is right.
#[test]
fn the_normal_form_finding_is_decided_symbolically() {
    use gradproof::{analysis::normal, engine, parse};
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/findings/normal_form_overflow.deriv");
    let text = std::fs::read_to_string(path).expect("readable");
    let problem = parse::parse_problem(&text).expect("parses");
    let d = engine::derive(&problem, engine::Limits::default()).expect("derives");
    let (expect, _) = problem.expect.as_ref().expect("an expect line");
    assert!(
        !normal::equivalent(d.result(), expect, &problem),
        "{}",
        d.result()
    );
    // Without the sign flip the same expect holds: the test can tell the two apart.
    assert!(normal::equivalent(
        d.result(),
        &gradproof::syntax::expr::neg(expect.clone()),
        &problem
    ));
}
