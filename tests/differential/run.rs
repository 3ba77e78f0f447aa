//! One differential case end to end: parse → derive → check with gradproof's defaults (as
//! `gradproof check` runs it), then the oracle at its own points; and false claims made from the
//! true result (sign flipped, factor of 2, an index swapped), which gradproof must reject.

use super::gen::{avoided, generate_named, oracle_sizes, Case, Construct};
use super::oracle::{
    at_precision, big, close, derivative, free_letters, magnitude, Big, Derivative, Evaluator,
    Point, PRECISIONS,
};
use super::rng::Rng;
use gradproof::analysis::normal;
use gradproof::check::{check_derivation, check_expect, check_show, CheckOptions};
use gradproof::engine::{derive, Limits};
use gradproof::parse::{parse_expr, parse_problem};
use gradproof::render::proof::options_for;
use gradproof::syntax::expr::{mul, neg};
use gradproof::syntax::print::input::{to_input, to_input_with};
use gradproof::syntax::problem::{Pos, Show, ShowLine};
use gradproof::{Derivation, Expr, Index, Kind, Problem};
use std::collections::HashMap;

/// Oracle points per case.
const POINTS: usize = 3;

/// What happened to one case.
#[derive(Debug)]
pub enum Outcome {
    /// gradproof rejected the file (a generator gap or a parse-time check).
    Invalid(String),
    /// No derivation.
    NoDerivation,
    /// gradproof's check said a step is false or undefined: nothing claimed.
    Rejected {
        /// The oracle agrees with the rejected result at every point it could evaluate (at
        /// least one): a false alarm (issue #12, items 10 to 13), counted, not failed.
        false_alarm: bool,
    },
    /// gradproof accepted, but the oracle could evaluate neither side at any of its points.
    Unverifiable,
    /// gradproof accepted and the oracle agrees at every point it could evaluate.
    Agreed {
        /// Points where both sides had a value.
        points: usize,
        /// False claims made from the result and rejected by gradproof.
        false_claims_rejected: usize,
    },
    /// A bug: described for the report.
    Bug(String),
}

/// Options of the check gradproof runs: the CLI's defaults on one thread (the test harness
/// runs several tests at once).
pub fn check_options() -> CheckOptions {
    CheckOptions {
        threads: 1,
        ..CheckOptions::default()
    }
}

/// One point where the oracle has settled the goal's derivative.
pub struct Settled {
    point: Point,
    truth: Derivative,
    /// The working precision that settled it.
    bits: usize,
}

/// The oracle at its own points: the claimed result against central differences of the goal,
/// in 192 bits, and in more where that does not settle it (the derivative does not converge, or
/// it disagrees with the result). `Err` with the outcome when the result is false at every
/// precision.
fn compare_with_oracle(
    case: &Case,
    problem: &Problem,
    result: &Expr,
) -> Result<Vec<Settled>, Outcome> {
    let goal = problem.goal.as_ref().expect("a goal");
    let mut rng = Rng::new(case.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xD1FF);
    let mut settled = Vec::new();
    for i in 0..POINTS {
        let point = at_precision(*PRECISIONS.last().expect("a precision"), || {
            draw_point(problem, &mut rng, i)
        });
        let Some(at) = goal
            .wrt
            .indices
            .iter()
            .map(|ix| match ix {
                Index::Free(n) => point.free.get(n.as_str()).copied(),
                Index::Bound(_) => None,
            })
            .collect::<Option<Vec<usize>>>()
        else {
            return Err(Outcome::Bug(format!(
                "the goal's variable {:?} has no value",
                goal.wrt
            )));
        };
        let mut disagreement = None;
        for bits in PRECISIONS {
            let attempt = at_precision(bits, || {
                // Undefined here, or not settled: perhaps only for want of precision.
                let Ok(truth) = derivative(problem, &point, &goal.of, &goal.wrt.name, &at) else {
                    return Err(None);
                };
                let Some(claimed) = Evaluator::new(problem, &point).eval(result) else {
                    return Err(None);
                };
                let floor = truth.noise.clone() + claimed.error() * big(4.0);
                if close(&claimed.v, &truth.value, 1e-12, &floor) {
                    Ok(truth)
                } else {
                    Err(Some((claimed.v, truth.value)))
                }
            });
            match attempt {
                Ok(truth) => {
                    disagreement = None;
                    settled.push(Settled {
                        point: point.clone(),
                        truth,
                        bits,
                    });
                    break;
                }
                Err(why) => disagreement = why,
            }
        }
        if let Some((claimed, truth)) = disagreement {
            return Err(Outcome::Bug(format!(
                "gradproof accepts the result {} but it is false:\n  at {}\n  result {:e}, \
                 oracle {:e} (in {} bits)",
                to_input(result),
                describe(&point),
                claimed.to_f64().value(),
                truth.to_f64().value(),
                PRECISIONS.last().expect("a precision"),
            )));
        }
    }
    Ok(settled)
}

/// Runs `case`.
pub fn run(case: &Case) -> Outcome {
    let problem = match parse_problem(&case.text) {
        Ok(p) => p,
        Err(e) => return Outcome::Invalid(format!("{e:#}")),
    };
    let Some(goal) = problem.goal.clone() else {
        return Outcome::Invalid("no goal".into());
    };
    let Some(d) = derive(&problem, Limits::default()) else {
        return Outcome::NoDerivation;
    };
    if let Some(why) = renaming_law(case, &d) {
        return Outcome::Bug(why);
    }
    let opts = check_options();
    let report = check_derivation(&problem, &d, &opts);
    let result = d.result().clone();
    let evaluated = match compare_with_oracle(case, &problem, &result) {
        Ok(evaluated) => evaluated,
        Err(_) if !report.ok() => return Outcome::Rejected { false_alarm: false },
        Err(why) => return why,
    };
    if !report.ok() {
        return Outcome::Rejected {
            false_alarm: !evaluated.is_empty(),
        };
    }
    if evaluated.is_empty() {
        return Outcome::Unverifiable;
    }

    // False claims: each must differ from the truth at one of the oracle's points, and then the
    // normal form must not equate it with the result, and the numeric check must reject it as
    // `expect` and as a `show` line.
    let mut rejected = 0;
    for (what, claim) in perturbations(&problem, &result) {
        // Within the numeric tolerance only the normal form can tell a relative 2e-9 apart.
        let near = what == NEAR_ONE;
        let differs = evaluated.iter().any(|s| {
            at_precision(s.bits, || {
                Evaluator::new(&problem, &s.point)
                    .eval(&claim)
                    .is_some_and(|v| {
                        let floor = (s.truth.noise.clone() + v.error()) * big(1e6);
                        !close(
                            &v.v,
                            &s.truth.value,
                            if near { 1e-11 } else { 1e-3 },
                            &floor,
                        )
                    })
            })
        });
        if !differs {
            continue;
        }
        if normal::equivalent(&result, &claim, &problem) {
            return Outcome::Bug(format!(
                "the normal form equates the result with a false claim ({what}):\n\
                 result {}\nexpect {}",
                to_input(&result),
                to_input(&claim)
            ));
        }
        if near {
            rejected += 1;
            continue;
        }
        let as_expect = check_expect(&problem, &result, &claim, &opts);
        let show = Show {
            start: gradproof::syntax::expr::deriv(goal.of.clone(), goal.wrt.clone()),
            pos: Pos::default(),
            lines: vec![ShowLine {
                expr: claim.clone(),
                pos: Pos::default(),
            }],
        };
        let as_show = check_show(&problem, &show, &opts);
        if as_expect.ok() || as_show.ok() {
            let which = match (as_expect.ok(), as_show.ok()) {
                (true, true) => "as `expect` and as a `show` line",
                (true, false) => "as `expect`",
                _ => "as a `show` line",
            };
            return Outcome::Bug(format!(
                "gradproof's check accepts a false claim ({what}) {which}:\nexpect {}",
                to_input(&claim)
            ));
        }
        rejected += 1;
    }
    // A claim with an undefined term is rejected at parse time or never holds.
    if !avoided(Construct::UndefinedTerm) {
        if let Ok(claim) = parse_expr(&format!("{} + 0/0", to_input(&result))) {
            let symbolic = normal::equivalent(&result, &claim, &problem);
            let numeric = check_expect(&problem, &result, &claim, &opts).ok();
            if symbolic || numeric {
                return Outcome::Bug(format!(
                    "a claim with an undefined term holds (normal form: {symbolic}, numeric \
                     check: {numeric}):\nexpect {} + 0/0",
                    to_input(&result)
                ));
            }
            rejected += 1;
        }
    }
    Outcome::Agreed {
        points: evaluated.len(),
        false_claims_rejected: rejected,
    }
}

/// The name of the perturbation that multiplies by 1.000000002: checked against the normal form
/// only (the numeric check's relative tolerance is wider than 2e-9).
const NEAR_ONE: &str = "factor of 1.000000002";

/// The same case under other names must give the same derivation under those names: the same
/// steps with the same titles and rules, every line the renamed line. `Some` with what differs.
fn renaming_law(case: &Case, d: &Derivation) -> Option<String> {
    let other = generate_named(case.seed, Some(case.seed ^ 0x05EE_D0F0_A3E5));
    let map: HashMap<&str, &str> = case
        .names
        .iter()
        .copied()
        .zip(other.names.iter().copied())
        .collect();
    let differs = |what: String| {
        Some(format!(
            "renaming every name changes the derivation: {what}\n--- the same case under other \
             names ---\n{}",
            other.text
        ))
    };
    let Ok(problem) = parse_problem(&other.text) else {
        return differs("the renamed file does not parse".into());
    };
    let Some(renamed) = derive(&problem, Limits::default()) else {
        return differs("the renamed file has no derivation".into());
    };
    if d.steps.len() != renamed.steps.len() {
        return differs(format!(
            "{} steps against {}",
            d.steps.len(),
            renamed.steps.len()
        ));
    }
    // The printer as the CLI sets it up for each file (fresh letters from the declared ones).
    let print_a = options_for(&parse_problem(&case.text).ok()?);
    let print_b = options_for(&problem);
    for (n, (a, b)) in d.steps.iter().zip(&renamed.steps).enumerate() {
        let (line_a, line_b) = (
            rename(&to_input_with(&a.expr, &print_a), &map),
            to_input_with(&b.expr, &print_b),
        );
        // The trees up to renaming (bound letters are printing hints, not part of equality),
        // and the printed lines.
        let same_tree = rename_expr(&a.expr, &map) == b.expr;
        let same_print = line_a == line_b;
        if a.title != b.title || a.rules != b.rules || !same_tree || !same_print {
            return differs(format!(
                "step {}: `{}` {:?} {line_a}\n  renamed: `{}` {:?} {line_b}",
                n + 1,
                a.title,
                a.rules,
                b.title,
                b.rules
            ));
        }
    }
    None
}

/// `e` with every symbol name, free index and range end found in `map` replaced.
fn rename_expr(e: &Expr, map: &HashMap<&str, &str>) -> Expr {
    let name = |n: &mut String| {
        if let Some(new) = map.get(n.as_str()) {
            *n = new.to_string();
        }
    };
    let index = |i: &mut Index| {
        if let Index::Free(n) = i {
            let mut text = n.to_string();
            name(&mut text);
            *n = text.into();
        }
    };
    let mut e = e.clone();
    fn walk(e: &mut Expr, name: &dyn Fn(&mut String), index: &dyn Fn(&mut Index)) {
        match e {
            Expr::Sym(s) => {
                let mut text = s.name.to_string();
                name(&mut text);
                s.name = text.into();
                s.indices.iter_mut().for_each(index);
            }
            Expr::Delta(a, b) => {
                index(a);
                index(b);
            }
            Expr::Sum(binder, body) => {
                if let Some(u) = &mut binder.upper {
                    let mut text = u.to_string();
                    name(&mut text);
                    *u = text.into();
                }
                body.update(|body| walk(body, name, index));
            }
            Expr::Deriv(f, x) => {
                let mut text = x.name.to_string();
                name(&mut text);
                x.name = text.into();
                x.indices.iter_mut().for_each(index);
                f.update(|f| walk(f, name, index));
            }
            _ => e.update_children(|c| walk(c, name, index)),
        }
    }
    walk(&mut e, &name, &index);
    e
}

/// `text` with every identifier found in `map` replaced, all at once; a name with a numeric
/// suffix (`j1`, a printer's fresh letter) keeps its suffix.
fn rename(text: &str, map: &HashMap<&str, &str>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let stem = word.trim_end_matches(|c: char| c.is_ascii_digit());
        match map.get(stem) {
            Some(new) => {
                out.push_str(new);
                out.push_str(&word[stem.len()..]);
            }
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() && (!word.is_empty() || c.is_ascii_alphabetic()) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The true result made false: a sign flipped, a factor of 2, a factor of 1.000000002, and a free
/// index swapped for another free letter of the same range.
fn perturbations(problem: &Problem, result: &Expr) -> Vec<(String, Expr)> {
    let near_one = parse_expr("1.000000002").expect("a number");
    let mut out = vec![
        ("sign flipped".to_string(), neg(result.clone())),
        (
            "factor of 2".to_string(),
            mul(vec![Expr::int(2), result.clone()]),
        ),
        (NEAR_ONE.to_string(), mul(vec![near_one, result.clone()])),
    ];
    let mut free = Vec::new();
    free_letters(result, &mut free);
    for from in &free {
        let Some(range) = problem.upper_of(from) else {
            continue;
        };
        // Another letter of the same range that the result does not use as a free index
        // would have no value; a letter it does use (a fixed class) swaps two real indices.
        for to in &free {
            if to != from && problem.upper_of(to) == Some(range) {
                let mut swapped = result.clone();
                swap_first(&mut swapped, from, to);
                out.push((format!("index {from} swapped for {to} once"), swapped));
            }
        }
    }
    out
}

/// Renames the first free occurrence of `from` to `to`; true when it did.
fn swap_first(e: &mut Expr, from: &str, to: &str) -> bool {
    let hit = |i: &mut Index| {
        if *i == Index::free(from) {
            *i = Index::free(to);
            true
        } else {
            false
        }
    };
    match e {
        Expr::Sym(s) => s.indices.iter_mut().any(hit),
        Expr::Delta(a, b) => hit(a) || hit(b),
        _ => {
            let mut done = false;
            e.update_children(|c| done = done || swap_first(c, from, to));
            done
        }
    }
}

/// One oracle point: every range a size from [`oracle_sizes`], every index letter a value, every
/// variable entry a value of its kind. Point `i` cycles through ordinary, wide and peaked values.
fn draw_point(problem: &Problem, rng: &mut Rng, i: usize) -> Point {
    let sizes_allowed = oracle_sizes();
    let mut sizes = HashMap::new();
    for decl in &problem.indices {
        if !sizes.contains_key(&decl.upper) {
            sizes.insert(decl.upper.clone(), *rng.pick(&sizes_allowed));
        }
    }
    let mut free = HashMap::new();
    for decl in &problem.indices {
        free.insert(decl.name.clone(), 1 + rng.below(sizes[&decl.upper]));
    }
    let spread = [3.0, 12.0, 3.0][i % 3];
    let peaked = i % 3 == 2;
    let mut vars = HashMap::new();
    for v in &problem.vars {
        let dims: Vec<usize> = v
            .symbol
            .indices
            .iter()
            .map(|ix| match ix {
                Index::Free(n) => problem.upper_of(n).and_then(|u| sizes.get(u)).copied(),
                Index::Bound(_) => None,
            })
            .collect::<Option<Vec<usize>>>()
            .unwrap_or_default();
        let tuples = tuples(&dims);
        let mut values: HashMap<Vec<usize>, Big> = HashMap::new();
        match v.kind {
            Kind::Distribution | Kind::Onehot => {
                let weights: Vec<Big> = tuples
                    .iter()
                    .map(|_| big(rng.range(-3.0, 3.0).exp()))
                    .collect();
                let hot = rng.below(tuples.len().max(1));
                let total = weights.iter().fold(big(0.0), |a, b| a + b.clone());
                for (n, t) in tuples.iter().enumerate() {
                    let value = if v.kind == Kind::Onehot {
                        big(if n == hot { 1.0 } else { 0.0 })
                    } else {
                        weights[n].clone() / total.clone()
                    };
                    values.insert(t.clone(), value);
                }
            }
            kind => {
                let hot = rng.below(tuples.len().max(1));
                for (n, t) in tuples.iter().enumerate() {
                    let x = match kind {
                        Kind::Real if peaked && n == hot => rng.range(8.0, 15.0),
                        Kind::Real => rng.range(-spread, spread),
                        Kind::Positive => rng.range(-spread / 2.0, spread / 2.0).exp(),
                        _ => rng.range(0.01, 0.99),
                    };
                    values.insert(t.clone(), big(x));
                }
            }
        }
        vars.insert(v.symbol.name.to_string(), values);
    }
    Point { sizes, free, vars }
}

/// Every 1-based tuple below `dims`.
fn tuples(dims: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for &n in dims {
        out = out
            .into_iter()
            .flat_map(|t| {
                (1..=n).map(move |v| {
                    let mut t = t.clone();
                    t.push(v);
                    t
                })
            })
            .collect();
    }
    out
}

/// The point in words, for a failure message.
fn describe(p: &Point) -> String {
    let mut sizes: Vec<_> = p.sizes.iter().collect();
    sizes.sort();
    let mut free: Vec<_> = p.free.iter().collect();
    free.sort();
    let mut vars: Vec<String> = p
        .vars
        .iter()
        .map(|(name, values)| {
            let mut entries: Vec<_> = values.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let shown: Vec<String> = entries
                .iter()
                .map(|(at, v)| format!("{at:?}={:.6e}", magnitude_signed(v)))
                .collect();
            format!("{name}: {}", shown.join(" "))
        })
        .collect();
    vars.sort();
    format!("sizes {sizes:?}, indices {free:?}, {}", vars.join("; "))
}

fn magnitude_signed(v: &Big) -> f64 {
    let m = magnitude(v);
    if *v < big(0.0) {
        -m
    } else {
        m
    }
}
