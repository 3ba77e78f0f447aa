//! The harness of `tests/soundness.rs`: the declarations every case is parsed in, the random
//! generator of expression text, and the checks that a rule's rewrites keep values (and keep
//! undefined values undefined). The tests themselves, one per rule family, are in that file.

use super::{extremize, with_undefined};
use gradproof::check::eval::{eval, eval_lognum, Assignment};
use gradproof::check::sample::{instances, Instance, SampleOptions, SplitMix64};
use gradproof::engine::replace_at;
use gradproof::parse::parse_problem;
use gradproof::rules::{rule, Ctx, Rule};
use gradproof::syntax::expr::Expr;
use gradproof::syntax::index::free_indices;
use gradproof::syntax::problem::Problem;

/// The declarations: every kind, two ranges, a softmax and a logistic definition.
pub const DECLS: &str = "index j, k, m, n in 1..K
index d, e in 1..D
var s_j real
var r_j real
var q_j distribution
var t_j onehot
var w_j positive
var u_j unit
var c_{j,d} real
var x real
var a real
var y positive
var b positive
var z unit
let p_j = exp(s_j) / sum_m exp(s_m)
let v = 1 / (1 + exp(-x))
let L = -sum_j q_j * log(p_j)
let h_j = sum_d c_{j,d}
let o_j = 1 / (1 + exp(-s_j))
derive d(L)/d(s_k) via p_j
";

/// The declarations with `text` as the `expect` line: the parsed expression and the problem.
pub fn parse_in_context(text: &str) -> (Expr, Problem) {
    let file = format!("{DECLS}expect {text}\n");
    let problem = parse_problem(&file).unwrap_or_else(|e| panic!("{text}: {e:#}"));
    let (e, _) = problem.expect.clone().expect("an expect line");
    (e, problem)
}

/// A random generator of expression text.
pub struct Gen(pub SplitMix64);

impl Gen {
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.0.below(xs.len())]
    }

    pub fn coin(&mut self) -> bool {
        self.0.below(2) == 0
    }

    /// A leaf; `i` is an index in scope besides the free `k` and `n`.
    pub fn leaf(&mut self, i: &str) -> String {
        let fam = self.pick(&["s", "r", "q", "w", "u", "p"]);
        let idx = self.pick(&[i, "k", "n"]);
        match self.0.below(4) {
            0 => format!("{fam}_{idx}"),
            1 => self.pick(&["x", "a", "y", "b", "z", "v"]).to_string(),
            2 => self.pick(&["2", "3", "1/3", "-2", "K"]).to_string(),
            _ => format!("{fam}_{idx}"),
        }
    }

    /// A strictly positive expression.
    pub fn positive(&mut self, i: &str) -> String {
        let idx = self.pick(&[i, "k", "n"]);
        match self.0.below(6) {
            0 => format!("w_{idx}"),
            1 => format!("q_{idx}"),
            2 => format!("p_{idx}"),
            3 => format!("exp({})", self.expr(i, 1)),
            4 => self.pick(&["y", "b", "z", "v", "K", "3"]).to_string(),
            _ => format!("(1 + u_{idx})"),
        }
    }

    /// A random expression of at most `depth` levels of operators.
    pub fn expr(&mut self, i: &str, depth: usize) -> String {
        if depth == 0 {
            return self.leaf(i);
        }
        let d = depth - 1;
        match self.0.below(9) {
            0 | 1 => self.leaf(i),
            2 => format!("({} + {})", self.expr(i, d), self.expr(i, d)),
            3 => format!("({} - {})", self.expr(i, d), self.expr(i, d)),
            4 => format!("{} * {}", self.expr(i, d), self.expr(i, d)),
            5 => format!("{} / {}", self.expr(i, d), self.positive(i)),
            6 => format!("exp({})", self.expr(i, d)),
            7 => format!("log({})", self.positive(i)),
            _ => format!("({})^2", self.expr(i, d)),
        }
    }

    /// A symbol (never a number, so nothing folds away).
    pub fn sym(&mut self, i: &str) -> String {
        let fam = self.pick(&["s", "r", "q", "w", "u", "p"]);
        match self.coin() {
            true => format!("{fam}_{}", self.pick(&[i, "k", "n"])),
            false => self.pick(&["x", "a", "y", "b", "z", "v"]).to_string(),
        }
    }

    /// A provably non-zero expression that is not a number.
    pub fn nonzero(&mut self, i: &str) -> String {
        let idx = self.pick(&[i, "k", "n"]);
        match self.0.below(5) {
            0 => format!("{}_{idx}", self.pick(&["w", "q", "p", "u"])),
            1 => format!("exp({})", self.expr(i, 1)),
            2 => format!("sqrt({})", self.positive(i)),
            _ => self.pick(&["y", "b", "z", "v", "K"]).to_string(),
        }
    }

    /// A positive expression that depends on `w`.
    pub fn dep_positive(&mut self, w: &str) -> String {
        match self.0.below(3) {
            0 => format!("exp({w} * {})", self.sym("k")),
            1 => format!("(1 + ({w})^2)"),
            _ => format!("({} + exp({w}))", self.positive("k")),
        }
    }

    /// An expression that depends on `w`, without a denominator.
    pub fn dep(&mut self, w: &str) -> String {
        match self.0.below(4) {
            0 => w.to_string(),
            1 => format!("({w} + {})", self.sym("k")),
            2 => format!("({w})^2"),
            _ => self.dep_positive(w),
        }
    }

    /// A variable to differentiate by.
    pub fn wrt(&mut self) -> &'static str {
        self.pick(&["s_k", "s_n", "x", "w_k", "y", "r_n"])
    }
}

/// One rewrite: the expression before and after.
pub struct Rewrite {
    pub before: Expr,
    pub after: Expr,
}

/// Every place in `e` where `r` fires, as whole expressions before and after.
pub fn rewrites(e: &Expr, r: &Rule, problem: &Problem) -> Vec<Rewrite> {
    pub fn walk(
        e: &Expr,
        r: &Rule,
        ctx: &Ctx,
        path: &mut Vec<usize>,
        out: &mut Vec<(Vec<usize>, Expr)>,
    ) {
        if let Some(new) = (r.apply)(e, ctx) {
            if new != *e {
                out.push((path.clone(), new));
            }
        }
        let inner = ctx.enter(e);
        for (i, c) in e.children().into_iter().enumerate() {
            path.push(i);
            walk(c, r, &inner, path, out);
            path.pop();
        }
    }
    let mut found = Vec::new();
    walk(e, r, &Ctx::new(problem), &mut Vec::new(), &mut found);
    found
        .into_iter()
        .map(|(path, new)| Rewrite {
            before: e.clone(),
            after: replace_at(e, &path, new),
        })
        .collect()
}

/// Every assignment of `names` to values in `1..=n`.
pub fn assignments(names: &[String], n: usize) -> Vec<Assignment> {
    let mut out = vec![Assignment::new()];
    for name in names {
        out = out
            .into_iter()
            .flat_map(|a| {
                (1..=n).map(move |v| {
                    let mut a = a.clone();
                    a.insert(name.clone(), v);
                    a
                })
            })
            .collect();
    }
    out
}

/// The logarithm of the largest magnitude of any subterm of `e` that has a value on its own
/// (in the evaluator's logarithmic representation, so `exp(1886)` counts too).
pub fn ln_largest_subterm(e: &Expr, problem: &Problem, inst: &Instance, free: &Assignment) -> f64 {
    let own = eval_lognum(e, problem, inst, free).map_or(f64::NEG_INFINITY, |v| v.ln_abs());
    e.children()
        .into_iter()
        .map(|c| ln_largest_subterm(c, problem, inst, free))
        .fold(own, f64::max)
}

/// What checking one rule found.
#[derive(Debug, Default)]
pub struct Tally {
    pub cases: usize,
    pub fired: usize,
    pub compared: usize,
    /// Rewrites checked on the extreme-number and undefined-subterm variants.
    pub extreme: usize,
    pub undefined: usize,
}

/// Checks `rewrite` at random instances; the first disagreement as an error.
pub fn check_rewrite(
    rw: &Rewrite,
    problem: &Problem,
    insts: &[Instance],
    t: &mut Tally,
) -> Result<(), String> {
    let mut names: Vec<String> = free_indices(&rw.before).into_iter().collect();
    for f in free_indices(&rw.after) {
        if !names.contains(&f) {
            names.push(f);
        }
    }
    for inst in insts {
        let n = inst.sizes.values().copied().min().unwrap_or(2);
        for free in assignments(&names, n) {
            let (Ok(x), Ok(y)) = (
                eval(&rw.before, problem, inst, &free),
                eval(&rw.after, problem, inst, &free),
            ) else {
                continue;
            };
            t.compared += 1;
            let close = (x - y).abs() <= 1e-10 + 1e-8 * x.abs().max(y.abs());
            // Rounding in a sum can lose up to about 1e-16 of its largest term; allow for that
            // (and no more), measured on the largest subterm of either side.
            let close = close || {
                let ln_scale = ln_largest_subterm(&rw.before, problem, inst, &free)
                    .max(ln_largest_subterm(&rw.after, problem, inst, &free));
                (x - y).abs() <= (ln_scale + 1e-12f64.ln()).exp()
            };
            if !close {
                return Err(format!(
                    "{} ≠ {}: {x} vs {y} at {free:?}, sizes {:?}, seed {}",
                    rw.before, rw.after, inst.sizes, inst.seed
                ));
            }
        }
    }
    Ok(())
}

/// Runs `r` on `cases` expressions from `generate`; fails on a disagreement.
pub fn check_rule(
    r: &Rule,
    cases: usize,
    generate: impl Fn(&mut Gen) -> String,
) -> Result<Tally, String> {
    let mut g = Gen(SplitMix64::new(r.name.len() as u64 * 7919 + 1));
    let mut t = Tally::default();
    for case in 0..cases {
        let text = generate(&mut g);
        let (e, problem) = parse_in_context(&text);
        let opts = SampleOptions {
            sizes: vec![2, 3],
            per_size: 3,
            // Extremes of ±3: `exp(x*y)` at ±50 would be e^2500, where `2*E + 2 - 2*E` cancels
            // to 0 in any floating point. Extreme magnitudes are the checker's business.
            extreme: 3.0,
            random_sizes: 0,
            max_size: 0,
        };
        let insts = instances(&problem, case as u64, &opts).map_err(|e| e.to_string())?;
        let found = rewrites(&e, r, &problem);
        t.cases += 1;
        if !found.is_empty() {
            t.fired += 1;
        }
        for rw in &found {
            check_rewrite(rw, &problem, &insts, &mut t).map_err(|m| format!("{}: {m}", r.name))?;
        }
        // The same shape with extreme numbers: huge, tiny, at and beyond the old i128 limits,
        // and zero coefficients. Exact arithmetic must keep every rewrite sound there too.
        let mut h = SplitMix64::new(case as u64 * 31 + 7);
        let extreme = extremize(&text, &mut |n| h.below(n));
        if let Some((e, problem)) = try_parse_in_context(&extreme) {
            let insts = instances(&problem, case as u64, &opts).map_err(|e| e.to_string())?;
            for rw in &rewrites(&e, r, &problem) {
                t.extreme += 1;
                check_rewrite(rw, &problem, &insts, &mut t)
                    .map_err(|m| format!("{} (extreme numbers): {m}", r.name))?;
            }
        }
        // The same shape with an undefined subterm in place of a number: no rewrite may turn
        // it into something that has a value.
        if let Some((e, problem)) =
            try_parse_in_context(&with_undefined(&text, &mut |n| h.below(n)))
        {
            for rw in &rewrites(&e, r, &problem) {
                t.undefined += 1;
                check_stays_undefined(rw, &problem, &insts)
                    .map_err(|m| format!("{} (undefined subterm): {m}", r.name))?;
            }
        }
    }
    Ok(t)
}

/// Like [`parse_in_context`], `None` when the text does not parse (an extreme number can make a
/// literal undefined, such as a division by zero, which is a parse error).
pub fn try_parse_in_context(text: &str) -> Option<(Expr, Problem)> {
    let problem = parse_problem(&format!("{DECLS}expect {text}\n")).ok()?;
    let (e, _) = problem.expect.clone()?;
    Some((e, problem))
}

/// A rewrite of an expression that has no value anywhere must have none either.
pub fn check_stays_undefined(
    rw: &Rewrite,
    problem: &Problem,
    insts: &[Instance],
) -> Result<(), String> {
    let mut names: Vec<String> = free_indices(&rw.before).into_iter().collect();
    names.extend(free_indices(&rw.after));
    names.sort();
    names.dedup();
    for inst in insts {
        let n = inst.sizes.values().copied().min().unwrap_or(2);
        for free in assignments(&names, n) {
            if eval(&rw.before, problem, inst, &free).is_ok() {
                continue;
            }
            if let Ok(y) = eval(&rw.after, problem, inst, &free) {
                return Err(format!(
                    "{} has no value but {} = {y} at {free:?}, seed {}",
                    rw.before, rw.after, inst.seed
                ));
            }
        }
    }
    Ok(())
}

/// Checks the rule named `name` and asserts it fired on at least `min_rate` of the cases.
pub fn sound(name: &str, min_rate: f64, generate: impl Fn(&mut Gen) -> String) {
    let r = rule(name).unwrap_or_else(|| panic!("no rule {name}"));
    let t = check_rule(r, 60, generate).unwrap_or_else(|m| panic!("{m}"));
    let rate = t.fired as f64 / t.cases as f64;
    assert!(
        (t.extreme + t.undefined) * 5 >= t.cases,
        "{name}: too few extreme or undefined variants checked: {t:?}"
    );
    assert!(
        rate >= min_rate,
        "{name} fired on {rate:.2} of the cases: {t:?}"
    );
    assert!(t.compared >= t.fired, "{name}: too few comparisons: {t:?}");
}

/// Asserts that the rule named `name` does not fire anywhere in `text`.
pub fn blocked(name: &str, text: &str) {
    let (e, problem) = parse_in_context(text);
    let r = rule(name).expect("a rule");
    let found = rewrites(&e, r, &problem);
    assert!(
        found.is_empty(),
        "{name} fired on {text}: {}",
        found[0].after
    );
}
