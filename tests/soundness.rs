//! Soundness of every rule: each rewrite preserves the value of the expression.
//!
//! For each rule, a generator aimed at the rule's shape (products with a factor and its
//! reciprocal for `cancel`, sums with a delta for `delta-select`, ...) builds random expressions
//! in the input syntax over a fixed declaration block that has a variable of every kind, so side
//! conditions see kinds. Wherever the rule fires, the expression before and after is evaluated
//! with [`gradproof::check::eval::eval`] at random instances (ordinary, extreme and peaked regimes, two
//! range sizes, extremes kept moderate so that floating-point cancellation cannot pass for a
//! wrong rule) and every value of the free indices; the two must agree (relative 1e-8,
//! absolute 1e-10) wherever both are defined. Each rule must fire on most generated cases, and
//! where a side condition forbids it (x/x for a `real` x, the sum of a `real` family, a delta
//! across ranges) it must not fire. The last test shows that the harness catches a wrong rule.
//!
//! Every generated case is checked twice more, on the extreme paths of exact arithmetic: once
//! with each number literal (outside exponents) multiplied by an extreme number (10^40,
//! 10^-40, 2^127 - 1, -2^127, 2^128, 1/(2^127 + 1), (3/7)^60 or 0: huge and tiny rationals,
//! the old i128 limits, zero coefficients), compared as above; once with a literal replaced by
//! `(n + 0*(a - a)^(-1))`, an undefined subterm: wherever the expression before has no value, the
//! expression after must have none either. A last test runs the number-handling rules with
//! exponents at and beyond the old i128 limits and compares exactly (normal forms).
//!
//! The generators are seeded ([`SplitMix64`]): every run checks the same cases, and a failure
//! prints the expression and the instance.

mod soundness_support;

use gradproof::check::eval::{eval, eval_lognum, Assignment};
use gradproof::check::sample::{instances, Instance, SampleOptions, SplitMix64};
use gradproof::engine::replace_at;
use gradproof::parse::parse_problem;
use gradproof::rules::{registry, rule, Ctx, Rule};
use gradproof::syntax::expr::Expr;
use gradproof::syntax::index::free_indices;
use gradproof::syntax::problem::Problem;
use soundness_support::{extremize, with_undefined, BIG_EXPONENTS};

/// The declarations: every kind, two ranges, a softmax and a logistic definition.
const DECLS: &str = "index j, k, m, n in 1..K
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
fn parse_in_context(text: &str) -> (Expr, Problem) {
    let file = format!("{DECLS}expect {text}\n");
    let problem = parse_problem(&file).unwrap_or_else(|e| panic!("{text}: {e:#}"));
    let (e, _) = problem.expect.clone().expect("an expect line");
    (e, problem)
}

/// A random generator of expression text.
struct Gen(SplitMix64);

impl Gen {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.0.below(xs.len())]
    }

    fn coin(&mut self) -> bool {
        self.0.below(2) == 0
    }

    /// A leaf; `i` is an index in scope besides the free `k` and `n`.
    fn leaf(&mut self, i: &str) -> String {
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
    fn positive(&mut self, i: &str) -> String {
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
    fn expr(&mut self, i: &str, depth: usize) -> String {
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
    fn sym(&mut self, i: &str) -> String {
        let fam = self.pick(&["s", "r", "q", "w", "u", "p"]);
        match self.coin() {
            true => format!("{fam}_{}", self.pick(&[i, "k", "n"])),
            false => self.pick(&["x", "a", "y", "b", "z", "v"]).to_string(),
        }
    }

    /// A provably non-zero expression that is not a number.
    fn nonzero(&mut self, i: &str) -> String {
        let idx = self.pick(&[i, "k", "n"]);
        match self.0.below(5) {
            0 => format!("{}_{idx}", self.pick(&["w", "q", "p", "u"])),
            1 => format!("exp({})", self.expr(i, 1)),
            2 => format!("sqrt({})", self.positive(i)),
            _ => self.pick(&["y", "b", "z", "v", "K"]).to_string(),
        }
    }

    /// A positive expression that depends on `w`.
    fn dep_positive(&mut self, w: &str) -> String {
        match self.0.below(3) {
            0 => format!("exp({w} * {})", self.sym("k")),
            1 => format!("(1 + ({w})^2)"),
            _ => format!("({} + exp({w}))", self.positive("k")),
        }
    }

    /// An expression that depends on `w`, without a denominator.
    fn dep(&mut self, w: &str) -> String {
        match self.0.below(4) {
            0 => w.to_string(),
            1 => format!("({w} + {})", self.sym("k")),
            2 => format!("({w})^2"),
            _ => self.dep_positive(w),
        }
    }

    /// A variable to differentiate by.
    fn wrt(&mut self) -> &'static str {
        self.pick(&["s_k", "s_n", "x", "w_k", "y", "r_n"])
    }
}

/// One rewrite: the expression before and after.
struct Rewrite {
    before: Expr,
    after: Expr,
}

/// Every place in `e` where `r` fires, as whole expressions before and after.
fn rewrites(e: &Expr, r: &Rule, problem: &Problem) -> Vec<Rewrite> {
    fn walk(
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
fn assignments(names: &[String], n: usize) -> Vec<Assignment> {
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
fn ln_largest_subterm(e: &Expr, problem: &Problem, inst: &Instance, free: &Assignment) -> f64 {
    let own = eval_lognum(e, problem, inst, free).map_or(f64::NEG_INFINITY, |v| v.ln_abs());
    e.children()
        .into_iter()
        .map(|c| ln_largest_subterm(c, problem, inst, free))
        .fold(own, f64::max)
}

/// What checking one rule found.
#[derive(Debug, Default)]
struct Tally {
    cases: usize,
    fired: usize,
    compared: usize,
    /// Rewrites checked on the extreme-number and undefined-subterm variants.
    extreme: usize,
    undefined: usize,
}

/// Checks `rewrite` at random instances; the first disagreement as an error.
fn check_rewrite(
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
fn check_rule(
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
fn try_parse_in_context(text: &str) -> Option<(Expr, Problem)> {
    let problem = parse_problem(&format!("{DECLS}expect {text}\n")).ok()?;
    let (e, _) = problem.expect.clone()?;
    Some((e, problem))
}

/// A rewrite of an expression that has no value anywhere must have none either.
fn check_stays_undefined(
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
fn sound(name: &str, min_rate: f64, generate: impl Fn(&mut Gen) -> String) {
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
fn blocked(name: &str, text: &str) {
    let (e, problem) = parse_in_context(text);
    let r = rule(name).expect("a rule");
    let found = rewrites(&e, r, &problem);
    assert!(
        found.is_empty(),
        "{name} fired on {text}: {}",
        found[0].after
    );
}

// ---- Differentiation -------------------------------------------------------------------------

#[test]
fn d_variable() {
    sound("d-variable", 0.9, |g| {
        let (f, wrt) = match g.0.below(3) {
            0 => (g.pick(&["s_k", "s_n", "s_m"]).to_string(), "s_k"),
            1 => ("x".to_string(), "x"),
            _ => (
                g.pick(&["c_{k,d}", "c_{n,d}", "c_{k,e}"]).to_string(),
                "c_{k,d}",
            ),
        };
        format!("{} * d({f})/d({wrt})", g.expr("j", 1).replace('j', "k"))
    });
}

#[test]
fn d_constant() {
    sound("d-constant", 0.5, |g| {
        format!("d({})/d({})", g.expr("k", 2), g.wrt())
    });
}

#[test]
fn d_sum_rule() {
    sound("d-sum-rule", 0.9, |g| {
        format!("d({} + {})/d({})", g.expr("k", 2), g.expr("n", 2), g.wrt())
    });
}

#[test]
fn d_constant_factor() {
    sound("d-constant-factor", 0.9, |g| {
        let c = g.pick(&["3", "-2", "1/3", "a", "K", "q_n"]);
        let w = g.pick(&["s_k", "x", "w_k"]);
        format!("d({c} * {})/d({w})", g.dep(w))
    });
}

#[test]
fn d_quotient() {
    sound("d-quotient", 0.9, |g| {
        let w = g.wrt();
        format!("d({} / {})/d({w})", g.dep(w), g.dep_positive(w))
    });
}

#[test]
fn d_product() {
    sound("d-product", 0.9, |g| {
        let w = g.wrt();
        format!("d({} * {})/d({w})", g.dep(w), g.dep(w))
    });
}

#[test]
fn d_power() {
    sound("d-power", 0.9, |g| {
        let w = g.wrt();
        let e = match g.0.below(3) {
            0 => format!("({})^({})", g.dep(w), g.pick(&["2", "3", "-1", "-2"])),
            1 => format!(
                "({})^({})",
                g.dep_positive(w),
                g.pick(&["1/2", "-1/2", "3/2"])
            ),
            _ => format!("({})^({})", g.dep_positive(w), g.dep(w)),
        };
        format!("d({e})/d({w})")
    });
}

#[test]
fn d_exp_log_sqrt() {
    sound("d-exp", 0.9, |g| {
        format!("d(exp({}))/d({})", g.expr("k", 2), g.wrt())
    });
    sound("d-log", 0.9, |g| {
        format!("d(log({}))/d({})", g.positive("k"), g.wrt())
    });
    sound("d-sqrt", 0.9, |g| {
        format!("d(sqrt({}))/d({})", g.positive("k"), g.wrt())
    });
}

#[test]
fn d_indexed_sum() {
    sound("d-indexed-sum", 0.9, |g| {
        format!("d(sum_j {})/d({})", g.expr("j", 2), g.wrt())
    });
}

// ---- Definitions -----------------------------------------------------------------------------

#[test]
fn chain_rule() {
    sound("chain-rule", 0.9, |g| {
        let f = match g.0.below(3) {
            0 => "L".to_string(),
            1 => format!("log(p_k) * {}", g.pick(&["q_k", "3", "a"])),
            _ => format!("sum_j q_j * (p_j)^2 + {}", g.pick(&["p_n", "x"])),
        };
        format!("d({f})/d({})", g.pick(&["s_k", "s_n"]))
    });
}

#[test]
fn unfold_definition() {
    sound("unfold-definition", 0.9, |g| {
        let (f, w) = match g.0.below(3) {
            0 => (
                format!("p_{}", g.pick(&["k", "n"])),
                g.pick(&["s_k", "s_n"]),
            ),
            1 => ("v".to_string(), "x"),
            _ => ("L".to_string(), g.pick(&["s_k", "s_n"])),
        };
        format!("{} * d({f})/d({w})", g.expr("k", 1))
    });
}

#[test]
fn fold_definition_and_complement() {
    sound("fold-definition", 0.9, |g| {
        let i = g.pick(&["k", "n"]);
        format!("{} * exp(s_{i}) / sum_m exp(s_m)", g.expr("k", 1))
    });
    sound("fold-complement", 0.9, |g| {
        format!(
            "{} * exp(-x) / (1 + exp(-x))^{}",
            g.expr("k", 1),
            g.pick(&["1", "2"])
        )
    });
}

#[test]
fn fold_body_and_indexed_complement() {
    sound("fold-body", 0.9, |g| {
        let i = g.pick(&["k", "n", "j"]);
        let body = format!("sum_d c_{{{i},d}}");
        if i == "j" {
            format!("sum_j {} * {body}", g.leaf("j"))
        } else {
            format!("{} * {body}", g.expr("k", 1))
        }
    });
    sound("fold-complement", 0.9, |g| {
        format!(
            "{} * sum_j {} * exp(-s_j) / (1 + exp(-s_j))^{}",
            g.expr("k", 1),
            g.leaf("j"),
            g.pick(&["1", "2"])
        )
    });
}

#[test]
fn regrouping() {
    sound("group-terms", 0.5, |g| {
        let c = g.pick(&["x", "w_k", "exp(a)", "p_n", "1/y"]);
        format!(
            "{c} * {} + {c} * {} + {}",
            g.leaf("k"),
            g.leaf("n"),
            g.sym("k")
        )
    });
    sound("factor-into-sum", 0.5, |g| {
        format!("{} * sum_j {}", g.sym("k"), g.leaf("j"))
    });
    sound("merge-sums", 0.9, |g| {
        format!(
            "sum_j {} + sum_j {} + {}",
            g.leaf("j"),
            g.leaf("j"),
            g.leaf("k")
        )
    });
    blocked("merge-sums", "sum_j s_j + sum_d c_{k,d}");
}

#[test]
fn normalised_sums_to_one() {
    sound("normalised-sums-to-one", 0.9, |g| {
        format!("{} * sum_j p_j", g.expr("k", 1))
    });
    for text in [
        "sum_j s_j",
        "sum_j q_j",
        "sum_j p_j * q_j",
        "sum_d c_{k,d}",
        "sum_j o_j",
    ] {
        blocked("normalised-sums-to-one", text);
    }
}

// ---- Algebra ---------------------------------------------------------------------------------

/// A non-zero factor and its reciprocal, with random company.
fn cancel_case(g: &mut Gen) -> String {
    let nz = g.nonzero("k");
    let other = g.expr("k", 1);
    match g.0.below(3) {
        0 => format!("{other} * {nz} / {nz}"),
        1 => format!("({nz})^3 * {other} / ({nz})^2"),
        _ => format!("{nz} / ({nz})^2 / {}", g.nonzero("n")),
    }
}

#[test]
fn cancel() {
    sound("cancel", 0.9, cancel_case);
    for text in ["x / x", "a * s_k / s_k", "x^2 / x", "r_n * c_{k,d} / r_n"] {
        blocked("cancel", text);
    }
}

#[test]
fn merge_powers() {
    sound("merge-powers", 0.9, |g| {
        let w = g.pick(&["x", "s_k", "w_n"]);
        let b = g.dep(w);
        let (p, q) = (g.pick(&["2", "3", "1/2"]), g.pick(&["2", "5"]));
        format!("({b})^({p}) * {} * ({b})^{q}", g.leaf("k"))
    });
    blocked("merge-powers", "x^2 * x^(-1)");
}

#[test]
fn distribute() {
    sound("distribute", 0.9, |g| {
        format!(
            "{} * ({} + {})",
            g.expr("k", 1),
            g.expr("k", 1),
            g.leaf("n")
        )
    });
}

#[test]
fn collect_like_terms() {
    sound("collect-like-terms", 0.9, |g| {
        let w = g.pick(&["x", "s_k", "w_n"]);
        let t = g.dep(w);
        let (p, q) = (g.pick(&["2", "-1", "1/3"]), g.pick(&["3", "-2", "1"]));
        format!("{p} * {t} + {} + {q} * {t}", g.leaf("n"))
    });
}

#[test]
fn factor_common() {
    sound("factor-common", 0.9, |g| {
        let c = g.pick(&["x", "w_k", "exp(a)", "p_n"]);
        format!("{c} * {} + {c} * {}", g.leaf("k"), g.leaf("n"))
    });
}

#[test]
fn order_terms() {
    sound("order-terms", 0.9, |g| {
        format!("-{} + {}", g.sym("k"), g.sym("n"))
    });
}

#[test]
fn power_of_product() {
    sound("power-of-product", 0.9, |g| {
        format!(
            "({} * {})^{}",
            g.positive("k"),
            g.expr("n", 1),
            g.pick(&["2", "-1", "3"])
        )
    });
}

// ---- Sums and deltas -------------------------------------------------------------------------

#[test]
fn delta_select() {
    sound("delta-select", 0.9, |g| {
        let other = g.pick(&["k", "n"]);
        let body = g.expr("j", 2);
        match g.coin() {
            true => format!("sum_j {body} * delta(j, {other})"),
            false => format!("sum_j delta({other}, j) * {body}"),
        }
    });
    // A delta across ranges: `d` runs over 1..D, `j` over 1..K.
    blocked("delta-select", "sum_j c_{j,d} * delta(j, d)");
    blocked("delta-select", "sum_d c_{k,d} * delta(d, n)");
}

#[test]
fn delta_same() {
    sound("delta-same", 0.9, |g| {
        format!("{} * delta(k, k) + delta(n, n)", g.expr("k", 1))
    });
    blocked("delta-same", "delta(k, n)");
}

#[test]
fn sum_to_one() {
    sound("sum-to-one", 0.9, |g| {
        format!("{} * sum_j {}_j", g.expr("k", 1), g.pick(&["q", "t"]))
    });
    for text in [
        "sum_j s_j",
        "sum_j w_j",
        "sum_j u_j",
        "sum_j p_j * q_k",
        "sum_d c_{k,d}",
    ] {
        blocked("sum-to-one", text);
    }
}

#[test]
fn sum_of_constant() {
    sound("sum-of-constant", 0.9, |g| {
        format!("sum_j {}", g.expr("k", 2))
    });
    blocked("sum-of-constant", "sum_j s_j");
}

#[test]
fn distribute_in_sum() {
    sound("distribute-in-sum", 0.9, |g| {
        format!(
            "sum_j {} * ({} + {}_j)",
            g.expr("j", 1),
            g.expr("k", 1),
            g.pick(&["s", "q", "p"])
        )
    });
}

#[test]
fn split_sum() {
    sound("split-sum", 0.9, |g| {
        format!(
            "sum_j ({} + {}_j)",
            g.expr("j", 2),
            g.pick(&["s", "q", "w"])
        )
    });
}

#[test]
fn factor_out_of_sum() {
    sound("factor-out-of-sum", 0.9, |g| {
        format!(
            "sum_j {} * {}_j * {}",
            g.pick(&["x", "q_k", "3", "exp(a)"]),
            g.pick(&["s", "q", "w"]),
            g.expr("j", 1)
        )
    });
}

// ---- Iverson brackets (issue #21) -------------------------------------------------------------

#[test]
fn brackets() {
    sound("d-bracket", 0.9, |g| {
        let x = g.wrt();
        let (u, v) = (g.dep(x), g.leaf("k"));
        format!("d([{u} - {v} > 0])/d({x})")
    });
    sound("bracket-of-number", 0.9, |g| {
        let (c, rel) = (
            g.pick(&["3", "-1/2", "0", "2"]),
            g.pick(&[">", ">=", "<", "<="]),
        );
        format!("{} * [{c} {rel} 0]", g.leaf("k"))
    });
    sound("bracket-power", 0.9, |g| {
        let (u, v, n) = (g.expr("k", 1), g.leaf("k"), g.pick(&["2", "3"]));
        format!("{} * [{u} > {v}]^{n}", g.leaf("k"))
    });
    sound("bracket-exclusive", 0.5, |g| {
        let u = g.expr("k", 1);
        format!("{} * [{u} > 0] * [{u} <= 0]", g.leaf("k"))
    });
    sound("bracket-complement", 0.5, |g| {
        let (u, x) = (g.expr("k", 1), g.leaf("k"));
        format!("{x}*[{u} >= 0] + {x}*[{u} < 0] + {}", g.leaf("k"))
    });
    blocked("bracket-complement", "x*[log(x) >= 0] + x*[log(x) < 0]");
    blocked("bracket-exclusive", "log(x)*[x > 0]*[x <= 0]");
}

// ---- Coverage and the harness itself ---------------------------------------------------------

/// Every rule of the registry has a soundness test in this file.
#[test]
fn every_rule_is_covered() {
    let source = include_str!("soundness.rs");
    for r in registry() {
        assert!(
            source.contains(&format!("\"{}\"", r.name)),
            "no soundness test for {}",
            r.name
        );
    }
}

/// A deliberately wrong rule — it drops the last term of a sum — is caught by the harness.
#[test]
fn the_harness_catches_a_wrong_rule() {
    let wrong = Rule {
        name: "drop-a-term",
        description: "a + b = a (wrong)",
        apply: |e, _| match e {
            Expr::Add(xs) => Some(gradproof::syntax::expr::add(xs[..xs.len() - 1].to_vec())),
            _ => None,
        },
    };
    let outcome = check_rule(&wrong, 20, |g| {
        format!("{} + {}", g.expr("k", 1), g.leaf("n"))
    });
    let message = outcome.expect_err("the wrong rule must be caught");
    assert!(message.starts_with("drop-a-term: "), "{message}");
}

// ---- Exponents at the old i128 limits --------------------------------------------------------

/// Checks every rewrite of `r` on `cases` texts exactly: before and after must have the same
/// normal form (exact arithmetic throughout; the values themselves overflow any float).
fn exactly_sound(name: &str, cases: usize, generate: impl Fn(&mut Gen) -> String) {
    let r = rule(name).unwrap_or_else(|| panic!("no rule {name}"));
    let mut g = Gen(SplitMix64::new(name.len() as u64 * 104_729 + 3));
    let mut fired = 0;
    for _ in 0..cases {
        let text = generate(&mut g);
        let (e, problem) = parse_in_context(&text);
        for rw in rewrites(&e, r, &problem) {
            fired += 1;
            assert!(
                gradproof::analysis::normal::equivalent(&rw.before, &rw.after, &problem),
                "{name}: {} ≠ {}",
                rw.before,
                rw.after
            );
        }
    }
    assert!(
        fired * 2 >= cases,
        "{name} fired {fired} times in {cases} cases"
    );
}

#[test]
fn exponents_at_the_old_i128_limits() {
    let exponent = |g: &mut Gen| g.pick(&BIG_EXPONENTS).to_string();
    exactly_sound("merge-powers", 40, |g| {
        let (b, x, y) = (g.sym("k"), exponent(g), exponent(g));
        let sign = g.pick(&["", "-"]);
        format!("{} * {b}^({sign}{x}) * {b}^({sign}{y})", g.sym("n"))
    });
    exactly_sound("cancel", 40, |g| {
        let (b, x, y) = (g.nonzero("k"), exponent(g), exponent(g));
        format!("{} * ({b})^({x}) * ({b})^(-{y})", g.sym("n"))
    });
    exactly_sound("power-of-product", 40, |g| {
        let (x, y) = (exponent(g), exponent(g));
        let sign = g.pick(&["", "-"]);
        format!("({}^({x}) * {})^({sign}{y})", g.sym("k"), g.sym("n"))
    });
    exactly_sound("factor-common", 40, |g| {
        let (b, x, y) = (g.sym("k"), exponent(g), exponent(g));
        format!("{b}^({x}) * {} + {b}^({y}) * {}", g.sym("n"), g.sym("n"))
    });
    exactly_sound("collect-like-terms", 40, |g| {
        let s = g.sym("k");
        let (c, d) = (exponent(g), exponent(g));
        format!("{c} * {s} + {} - {d} * {s}", g.sym("n"))
    });
    exactly_sound("fold-definition", 40, |g| {
        let i = g.pick(&["k", "n"]);
        let x = exponent(g);
        format!(
            "{} * exp(s_{i})^({x}) * (sum_m exp(s_m))^(-{x})",
            g.sym("k")
        )
    });
}

#[test]
fn d_sigmoid_tanh_softplus_and_the_sigmoid_complement() {
    sound("d-sigmoid", 0.9, |g| {
        format!("d(sigmoid({}))/d({})", g.expr("k", 2), g.wrt())
    });
    sound("d-tanh", 0.9, |g| {
        format!("d(tanh({}))/d({})", g.expr("k", 2), g.wrt())
    });
    sound("d-softplus", 0.9, |g| {
        format!("d(softplus({}))/d({})", g.expr("k", 2), g.wrt())
    });
    sound("sigmoid-complement", 0.9, |g| {
        format!("1 - sigmoid({})", g.expr("k", 2))
    });
}
