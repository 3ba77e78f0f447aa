//! The Jacobian heatmap.

use super::*;
use crate::analysis::figures::Heatmap;
use plotters::coord::Shift;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The diverging colour of `v` on a scale from `-max` (purple) through white to `max` (orange).
pub fn diverging(v: f64, max: f64) -> RGBColor {
    let t = if max > 0.0 {
        (v / max).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let end = if t < 0.0 { NEGATIVE } else { POSITIVE };
    let mix = |a: u8| (255.0 + (a as f64 - 255.0) * t.abs()).round() as u8;
    RGBColor(mix(end.0), mix(end.1), mix(end.2))
}

/// A cell's value: three decimals, or two significant digits when it would print as 0.
fn cell_label(v: f64) -> String {
    let s = if v != 0.0 && v.abs() < 5e-4 {
        format!("{v:+.1e}")
    } else {
        format!("{v:+.3}")
    };
    s.replace('-', "−")
}

/// What the heatmap draws.
#[derive(Clone, Debug, Serialize)]
pub struct HeatmapMeta {
    /// `"jacobian"`.
    pub figure: &'static str,
    /// The top-left pixel of the first cell.
    pub origin: (i32, i32),
    /// The side of a cell, in pixels.
    pub cell_px: i32,
    /// The scores.
    pub scores: Vec<f64>,
    /// The probabilities at the scores.
    pub probabilities: Vec<f64>,
    /// `cells[r][c]`, as drawn: row `r + 1` is the score nudged, column `c + 1` the probability.
    pub cells: Vec<Vec<f64>>,
    /// The row sums, as printed.
    pub row_sums: Vec<f64>,
    /// The colour scale runs from `-scale` to `scale`.
    pub scale: f64,
}

/// The Jacobian heatmap: a cell per (score nudged, probability responding), coloured on a
/// diverging scale centred at 0, the diagonal outlined, the row sums printed, and a colourbar.
pub fn jacobian_svg(h: &Heatmap, title: &str, opts: &PrintOptions) -> Result<String, DrawError> {
    let n = h.cells.len() as i32;
    let cell = (420 / n.max(1)).min(76);
    let origin = (150, 130);
    let height = (origin.1 + cell * n + 70) as u32;
    let scale = h.cells.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        root.draw(&Text::new(
            title.to_string(),
            (WIDTH as i32 / 2, 8),
            font(18.0).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(fail)?;
        let top = |y: i32| y;
        let text =
            |root: &DrawingArea<SVGBackend, Shift>, s: &str, at: (i32, i32), style: TextStyle| {
                root.draw(&Text::new(s.to_string(), at, style))
                    .map_err(fail)
            };
        let centred = |size: f64| font(size).pos(Pos::new(HPos::Center, VPos::Center));
        text(
            &root,
            &equation(&h.goal, &h.formula, opts),
            (WIDTH as i32 / 2, top(origin.1 - 88)),
            centred(15.0),
        )?;
        let (p_at, s_at) = match &h.goal {
            Expr::Deriv(f, x) => (to_text(f, opts), to_text(&Expr::Sym(x.clone()), opts)),
            _ => (h.probability.clone(), h.variable.clone()),
        };
        text(
            &root,
            &format!("probability responding: {p_at} →"),
            (origin.0 + cell * n / 2, top(origin.1 - 58)),
            centred(14.0),
        )?;
        text(
            &root,
            &format!("score nudged: {s_at} ↓"),
            (8, top(origin.1 - 22)),
            font(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
        )?;
        for c in 0..n {
            let x = origin.0 + c * cell + cell / 2;
            let label = format!(
                "{} = {:.2}",
                subscripted(&h.probability, c as usize + 1),
                h.probabilities[c as usize]
            );
            text(&root, &label, (x, top(origin.1 - 14)), centred(12.0))?;
        }
        text(
            &root,
            "row sum",
            (origin.0 + cell * n + 45, top(origin.1 - 14)),
            centred(12.0),
        )?;
        for r in 0..n {
            let y = origin.1 + r * cell;
            let label = format!(
                "{} = {}",
                subscripted(&h.variable, r as usize + 1),
                h.scores[r as usize]
            );
            text(
                &root,
                &label,
                (origin.0 - 45, top(y + cell / 2)),
                centred(13.0),
            )?;
            for c in 0..n {
                let v = h.cells[r as usize][c as usize];
                let x = origin.0 + c * cell;
                let fill = diverging(v, scale);
                root.draw(&Rectangle::new(
                    [(x, top(y)), (x + cell, top(y + cell))],
                    fill.filled(),
                ))
                .map_err(fail)?;
                let dark = (v / scale.max(f64::MIN_POSITIVE)).abs() > 0.6;
                let ink = if dark { WHITE } else { BLACK };
                let label = cell_label(v);
                let style = centred(if cell < 60 { 10.0 } else { 13.0 }).color(&ink);
                text(&root, &label, (x + cell / 2, top(y + cell / 2)), style)?;
            }
            let outline = [
                (origin.0 + r * cell + 1, top(y + 1)),
                (origin.0 + (r + 1) * cell - 1, top(y + cell - 1)),
            ];
            root.draw(&Rectangle::new(outline, BLACK.stroke_width(3)))
                .map_err(fail)?;
            let sum = format!("{:.1e}", h.row_sums[r as usize]);
            text(
                &root,
                &sum,
                (origin.0 + cell * n + 45, top(y + cell / 2)),
                centred(12.0),
            )?;
        }
        // The colourbar.
        let bar_x = origin.0 + cell * n + 100;
        let steps = 40;
        let bar_h = cell * n;
        for i in 0..steps {
            let v = scale * (1.0 - 2.0 * (i as f64 + 0.5) / steps as f64);
            let y0 = origin.1 + bar_h * i / steps;
            let y1 = origin.1 + bar_h * (i + 1) / steps;
            root.draw(&Rectangle::new(
                [(bar_x, top(y0)), (bar_x + 18, top(y1))],
                diverging(v, scale).filled(),
            ))
            .map_err(fail)?;
        }
        root.draw(&Rectangle::new(
            [(bar_x, top(origin.1)), (bar_x + 18, top(origin.1 + bar_h))],
            GREY.stroke_width(1),
        ))
        .map_err(fail)?;
        for (v, y) in [
            (scale, origin.1),
            (0.0, origin.1 + bar_h / 2),
            (-scale, origin.1 + bar_h),
        ] {
            text(
                &root,
                &format!("{v:+.3}"),
                (bar_x + 50, top(y)),
                centred(12.0),
            )?;
        }
        text(
            &root,
            "diagonal outlined: a score and its own probability",
            (WIDTH as i32 / 2, top(origin.1 + bar_h + 30)),
            centred(13.0).color(&GREY),
        )?;
        root.present().map_err(fail)?;
    }
    let meta = HeatmapMeta {
        figure: "jacobian",
        origin,
        cell_px: cell,
        scores: h.scores.clone(),
        probabilities: h.probabilities.clone(),
        cells: h.cells.clone(),
        row_sums: h.row_sums.clone(),
        scale,
    };
    Ok(with_metadata(svg, &meta))
}
