//! The scanner's debug-build comparison with a full rescan can fail: a scan whose knowledge is
//! corrupted (a hint that skips a subterm where a rule fires, or a phase marked inert where one
//! fires) must be reported as a mismatch, and an honest scan must not.

use super::*;
use crate::parse::parse_problem;

/// A problem declaring two plain variables, and the index of the "differentiate" phase.
fn problem() -> (Problem, usize) {
    let problem = parse_problem("var x real\nvar w real\nlet F = x*w\nderive d(F)/d(x)\n")
        .expect("the test problem parses");
    let phase = PHASES
        .iter()
        .position(|p| p.rules.iter().any(|r| r.name == diff::D_VARIABLE.name))
        .expect("a phase differentiates");
    (problem, phase)
}

/// `d(x)/d(x) + d(w)/d(x)`: a rule fires at each term, the first one at path `[0]`.
fn two_derivatives() -> Expr {
    let x = Symbol::plain("x");
    let d = |f: &str| Expr::Deriv(crate::syntax::expr::Node::new(Expr::plain(f)), x.clone());
    add(vec![d("x"), d("w")])
}

/// Runs the differentiate phase on [`two_derivatives`] with an honest scan.
fn saturate() -> Expr {
    let (problem, phase) = problem();
    let mut run = Run::new(&problem, Limits::default());
    let mut expr = two_derivatives();
    assert!(
        rescan_checked(&expr),
        "the comparison runs in test builds at this size"
    );
    let mut scan = Scan::new(&expr);
    run.saturate(&mut expr, &PHASES[phase], phase, &mut scan);
    expr
}

#[test]
fn an_honest_scan_agrees_with_the_rescan() {
    let expr = saturate();
    // Both derivatives were taken: what is left is a number.
    assert!(
        expr.num().is_some(),
        "the derivatives were left in {expr:?}"
    );
}

/// The scan's answer on [`two_derivatives`] after `corrupt` edits the scan, compared with a
/// full rescan exactly as `Run::saturate` compares it before every firing.
fn check_with(corrupt: impl FnOnce(&mut Scan, usize)) -> Result<(), ScanMismatch> {
    let (problem, phase) = problem();
    let mut run = Run::new(&problem, Limits::default());
    let expr = two_derivatives();
    let mut scan = Scan::new(&expr);
    corrupt(&mut scan, phase);
    let found = run.scanned(&expr, PHASES[phase].rules, &scan, phase);
    run.against_rescan(&expr, PHASES[phase].rules, found.as_ref())
}

#[test]
fn a_hint_that_skips_a_firing_trips_the_rescan_check() {
    let last = two_derivatives().iter_children().count() - 1;
    // The hint claims every term before the last is inert, which the first one is not.
    let err = check_with(|scan, phase| scan.set_hint(phase, vec![last]))
        .expect_err("the skipped firing is caught");
    assert_eq!(err.scanned, Some(vec![last]));
    assert_eq!(err.rescanned, Some(vec![0]));
    assert!(
        err.to_string().contains("differs from a full rescan's"),
        "{err}"
    );
}

#[test]
fn a_phase_wrongly_marked_inert_trips_the_rescan_check() {
    let err = check_with(|scan, phase| scan.set_inert(phase)).expect_err("caught");
    assert_eq!(err.scanned, None);
    assert_eq!(err.rescanned, Some(vec![0]));
    assert!(
        err.to_string().contains("where a full rescan fires"),
        "{err}"
    );
}

#[test]
fn an_honest_scan_passes_the_rescan_check() {
    assert_eq!(check_with(|_, _| {}), Ok(()));
}

#[test]
fn fingerprints_follow_the_content_not_the_address() {
    let e = two_derivatives();
    let copy = e.clone();
    let moved = Box::new(e.clone());
    assert_eq!(fingerprint(&e), fingerprint(&copy));
    assert_eq!(fingerprint(&e), fingerprint(&moved));
    // Different content: another symbol, another order, another number.
    let x = Expr::plain("x");
    let w = Expr::plain("w");
    assert_ne!(fingerprint(&x), fingerprint(&w));
    assert_ne!(
        fingerprint(&Expr::Add(vec![x.clone(), w.clone()].into())),
        fingerprint(&Expr::Add(vec![w.clone(), x.clone()].into()))
    );
    assert_ne!(fingerprint(&Expr::int(2)), fingerprint(&Expr::int(3)));
    assert_ne!(
        fingerprint(&Expr::Mul(vec![x.clone(), w.clone()].into())),
        fingerprint(&Expr::Add(vec![x, w].into()))
    );
}
