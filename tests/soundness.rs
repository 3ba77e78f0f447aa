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

use gradproof::check::sample::SplitMix64;
use gradproof::rules::{registry, rule, Rule};
use gradproof::syntax::expr::Expr;
use soundness_support::harness::*;
use soundness_support::BIG_EXPONENTS;

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
