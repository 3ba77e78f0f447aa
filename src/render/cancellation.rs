//! The cancellation report as text, and the `compare` table.

use super::{to_text, PrintOptions};

use crate::analysis::cancellation::{Cancellation, Shape, FIXED_RANGE_SIZE};
use crate::syntax::expr::Expr;

/// `e` as text on one line.
pub fn line(e: &crate::syntax::expr::Expr, opts: &PrintOptions) -> String {
    let wide = PrintOptions {
        width: usize::MAX / 4,
        ..opts.clone()
    };
    to_text(e, &wide)
}

/// `e` as text, in parentheses when it is a sum of terms.
fn grouped(e: &crate::syntax::expr::Expr, opts: &PrintOptions) -> String {
    match e {
        crate::syntax::expr::Expr::Add(_) => format!("({})", line(e, opts)),
        _ => line(e, opts),
    }
}

/// A piece of a sentence of the report: words, or one formula.
#[derive(Clone, Debug)]
pub(crate) enum Part {
    /// Plain words.
    Words(String),
    /// One formula: expressions, numbers and signs set together.
    Math(Vec<MathPart>),
}

/// A piece of a formula.
#[derive(Clone, Debug)]
pub(crate) enum MathPart {
    /// An expression.
    Expr(Expr),
    /// An expression, in parentheses when it is a sum of terms.
    Grouped(Expr),
    /// A sign or number: as text, as LaTeX.
    Sign(String, String),
}

fn words(s: impl Into<String>) -> Part {
    Part::Words(s.into())
}

fn sign(text: &str, latex: &str) -> MathPart {
    MathPart::Sign(text.to_string(), latex.to_string())
}

/// The report as sentences, the first being its heading: the one source of its wording, printed
/// as text by [`cancellation_text`] and with its formulas as math by the documents.
pub(crate) fn sentences(c: &Cancellation) -> Vec<Vec<Part>> {
    let mut out = vec![vec![words("Cancellation report")]];
    let Some(p) = &c.probability else {
        out.push(vec![words("not applicable: no probability (no definition is a normalised positive vector or lies in (0, 1), and no term is a built-in log sigmoid), or no logits between it and the variable")]);
        return out;
    };
    let math = |e: &Expr| Part::Math(vec![MathPart::Expr(e.clone())]);
    match (&c.loss_piece, c.cancelled) {
        (Some(piece), Some(true)) => out.push(vec![
            words("The loss piece "),
            math(piece),
            words(format!(
                " divides by the probability; that factor cancels{}.",
                c.cancelled_at_step
                    .map(|n| format!(" in step {n}"))
                    .unwrap_or_default()
            )),
        ]),
        (Some(piece), Some(false)) => out.push(vec![
            words("The loss piece "),
            math(piece),
            words(" divides by the probability, and the reciprocal survives in the result."),
        ]),
        (Some(piece), None) => out.push(vec![
            words("The loss piece "),
            math(piece),
            words(" does not divide by the probability: there is nothing to cancel."),
        ]),
        (None, Some(cancelled)) => out.push(vec![words(format!(
            "No chain rule, so no loss piece; differentiating the log of the probability divides by it, {}.",
            match (cancelled, c.cancelled_at_step) {
                (true, Some(n)) => format!("and that factor cancels in step {n}"),
                (true, None) => "and that factor cancels".to_string(),
                (false, _) => "and the reciprocal survives in the result".to_string(),
            }
        ))]),
        (None, None) => out.push(vec![words(
            "No chain rule, so no loss piece: the gradient was differentiated directly.",
        )]),
    }
    let gap = |target: &Expr| {
        Part::Math(vec![
            MathPart::Expr(p.clone()),
            sign(" − ", " - "),
            MathPart::Grouped(target.clone()),
        ])
    };
    match &c.shape {
        Shape::Gap { scale, target } if scale.is_one() => {
            out.push(vec![words("Shape: the gap "), gap(target), words(".")])
        }
        Shape::Gap { scale, target } => out.push(vec![
            words("Shape: a scaled gap "),
            Part::Math(vec![
                MathPart::Grouped(scale.clone()),
                sign(" · (", " \\cdot \\left("),
                MathPart::Expr(p.clone()),
                sign(" − ", " - "),
                MathPart::Grouped(target.clone()),
                sign(")", "\\right)"),
            ]),
            words("."),
        ]),
        Shape::Beyond { target, residual } => out.push(vec![
            words("Shape: not a gap. Beyond "),
            gap(target),
            words(" remains "),
            math(residual),
            words("."),
        ]),
        Shape::NotApplicable => out.push(vec![words(
            "Shape: the result does not involve the probability.",
        )]),
    }
    if let Some(b) = &c.below {
        out.push(super::cancellation_below::below_sentence(b));
    }
    if let Some(tc) = &c.true_class {
        let mut sentence = vec![words(format!(
            "Gradient on the true class as its probability falls (fixed instance: ranges of size {FIXED_RANGE_SIZE}, targets at class 1): "
        ))];
        for (i, (p, g)) in tc.points.iter().enumerate() {
            if i > 0 {
                sentence.push(words(", "));
            }
            let value = match g {
                Some(g) => Some(format!("{g:.4}")),
                None if tc.unreachable(*p) => None,
                None => Some("n/a".to_string()),
            };
            match value {
                Some(v) if v != "n/a" => sentence.push(Part::Math(vec![
                    sign(&p.to_string(), &p.to_string()),
                    sign(" → ", " \\to "),
                    sign(&v, &v),
                ])),
                Some(v) => sentence.push(words(format!("{p} → {v}"))),
                None => sentence.push(words(format!("{p} → unreachable"))),
            }
        }
        sentence.push(words(format!("; {}.", tc.trend)));
        out.push(sentence);
    }
    out
}

/// The report's section of a text proof.
pub fn cancellation_text(c: &Cancellation, opts: &PrintOptions) -> String {
    let mut out = String::new();
    for (i, sentence) in sentences(c).iter().enumerate() {
        if i > 0 {
            out.push_str("  ");
        }
        for part in sentence {
            match part {
                Part::Words(w) => out.push_str(w),
                Part::Math(parts) => {
                    for m in parts {
                        match m {
                            MathPart::Expr(e) => out.push_str(&line(e, opts)),
                            MathPart::Grouped(e) => out.push_str(&grouped(e, opts)),
                            MathPart::Sign(t, _) => out.push_str(t),
                        }
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}
