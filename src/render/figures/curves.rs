//! The curves figure and the compare overlay: expressions along the true-class probability.

use super::*;
use crate::analysis::figures::{Curve, Curves};
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One curve as drawn.
#[derive(Clone, Debug, Serialize)]
pub struct DrawnCurve {
    /// Its legend label.
    pub label: String,
    /// Its stroke colour, `#rrggbb`.
    pub colour: String,
    /// `(probability, value)`, as sampled; `null` where undefined.
    pub points: Vec<(f64, Option<f64>)>,
}

/// What the curves figure (and the compare overlay) draws.
#[derive(Clone, Debug, Serialize)]
pub struct CurvesMeta {
    /// `"curves"` or `"compare"`.
    pub figure: &'static str,
    /// Where the plot area is.
    pub plot_area: PlotArea,
    /// The curves, in drawing order.
    pub curves: Vec<DrawnCurve>,
}

/// The y range shown: every finite value, clipped to four times the largest magnitude of the
/// bounded curves (`bounded`) so an exploding piece does not flatten the others, padded by 8%.
fn y_range(bounded: &[f64], all: &[f64]) -> [f64; 2] {
    let fin = |v: &[f64]| {
        v.iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect::<Vec<_>>()
    };
    let (bounded, all) = (fin(bounded), fin(all));
    let scale = bounded.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    let lo = all.iter().fold(0.0f64, |m, &x| m.min(x)).max(-4.0 * scale);
    let hi = all.iter().fold(0.0f64, |m, &x| m.max(x)).min(4.0 * scale);
    let pad = 0.08 * (hi - lo).max(1e-9);
    [lo - pad, hi + pad]
}

/// The runs of consecutive defined points, each cut where it leaves `[lo, hi]` (at the crossing,
/// found by linear interpolation), so nothing is drawn outside the plot area.
pub fn clip_runs(points: &[(f64, Option<f64>)], lo: f64, hi: f64) -> Vec<Vec<(f64, f64)>> {
    let inside = |y: f64| (lo..=hi).contains(&y);
    let mut runs = vec![];
    let mut run: Vec<(f64, f64)> = vec![];
    let mut prev: Option<(f64, f64)> = None;
    for &(x, y) in points {
        let Some(y) = y.filter(|y| y.is_finite()) else {
            runs.push(std::mem::take(&mut run));
            prev = None;
            continue;
        };
        if let Some((px, py)) = prev {
            if inside(py) != inside(y) {
                let edge = if (py > hi) || (y > hi) { hi } else { lo };
                let t = (edge - py) / (y - py);
                let cross = (px + t * (x - px), edge);
                run.push(cross);
                if !inside(y) {
                    runs.push(std::mem::take(&mut run));
                }
            }
        }
        if inside(y) {
            run.push((x, y));
        }
        prev = Some((x, y));
    }
    runs.push(run);
    runs.retain(|r| r.len() >= 2);
    runs
}

/// Draws curves along a probability into an SVG of `height` pixels.
fn draw_curves(
    title: &str,
    subtitle: &str,
    x_desc: &str,
    curves: Vec<(String, RGBColor, u32, &Curve)>,
    bounded: &[f64],
    figure: &'static str,
) -> Result<String, DrawError> {
    let all: Vec<f64> = curves
        .iter()
        .flat_map(|(_, _, _, c)| c.points.iter().filter_map(|p| p.1))
        .collect();
    let [lo, hi] = y_range(bounded, &all);
    let legend_h = 24 * curves.len() as i32 + 8;
    let height = 430 + legend_h as u32;
    let mut svg = String::new();
    let area;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let root = root.titled(title, font(18.0)).map_err(fail)?;
        root.draw(&Text::new(
            subtitle.to_string(),
            (WIDTH as i32 / 2, 0),
            font(13.0)
                .color(&GREY)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(fail)?;
        let (plot, legend) = root.split_vertically(height as i32 - 30 - legend_h);
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(24)
            .margin_left(10)
            .margin_right(20)
            .margin_bottom(4)
            .x_label_area_size(46)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..1.0, lo..hi)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
            .x_desc(x_desc)
            .label_style(font(13.0))
            .axis_desc_style(font(14.0))
            .x_labels(11)
            .y_labels(9)
            .y_label_formatter(&tick)
            .x_label_formatter(&tick)
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 0.0)],
                GREY.stroke_width(1),
            ))
            .map_err(fail)?;
        for (_, colour, width, curve) in &curves {
            for run in clip_runs(&curve.points, lo, hi) {
                chart
                    .draw_series(LineSeries::new(run, colour.stroke_width(*width)))
                    .map_err(fail)?;
            }
        }
        for (i, (label, colour, _, _)) in curves.iter().enumerate() {
            let y = 8 + 24 * i as i32;
            legend
                .draw(&Rectangle::new(
                    [(70, y + 5), (92, y + 11)],
                    colour.filled(),
                ))
                .map_err(fail)?;
            legend
                .draw(&Text::new(
                    shorten(label, LEGEND_CHARS),
                    (100, y + 8),
                    font(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(fail)?;
        }
        area = plot_area(&chart, [0.0, 1.0], [lo, hi]);
        root.present().map_err(fail)?;
    }
    let meta = CurvesMeta {
        figure,
        plot_area: area,
        curves: curves
            .iter()
            .map(|(label, colour, _, c)| DrawnCurve {
                label: label.clone(),
                colour: hex(*colour),
                points: c.points.clone(),
            })
            .collect(),
    };
    Ok(with_metadata(svg, &meta))
}

/// Where the curves are evaluated (the cancellation report's fixed instance).
fn instance_note() -> String {
    format!(
        "true class 1 of {}, every free index at it, one-hot targets, other scores 0",
        crate::analysis::cancellation::FIXED_RANGE_SIZE
    )
}

fn finite(c: &Curve) -> Vec<f64> {
    c.points.iter().filter_map(|p| p.1).collect()
}

/// The curves figure: the link piece (blue), the loss piece (vermillion) and the result
/// (orange) along the true-class probability; `title` heads it.
pub fn curves_svg(c: &Curves, title: &str, opts: &PrintOptions) -> Result<String, DrawError> {
    let mut curves = vec![];
    let mut bounded = finite(&c.result);
    if let Some(link) = &c.link_piece {
        curves.push((equation(&link.goal, &link.formula, opts), BLUE, 3, link));
        bounded.extend(finite(link));
    }
    if let Some(loss) = &c.loss_piece {
        curves.push((
            equation(&loss.goal, &loss.formula, opts),
            VERMILLION,
            3,
            loss,
        ));
    }
    let result = equation(&c.result.goal, &c.result.formula, opts);
    curves.push((result, ORANGE, 4, &c.result));
    let p = to_text(&Expr::Sym(c.probability.clone()), opts);
    draw_curves(
        title,
        &instance_note(),
        &format!("{p}: the probability of the true class"),
        curves,
        &bounded,
        "curves",
    )
}

/// The compare overlay: the result of each derivation along the true-class probability, with its
/// legend label (`(label, curve)`).
pub fn compare_svg(all: &[(String, Curve)]) -> Result<String, DrawError> {
    let palette = [ORANGE, BLUE, VERMILLION, GREEN, SKY]
        .into_iter()
        .chain(MORE)
        .cycle();
    let curves: Vec<(String, RGBColor, u32, &Curve)> = all
        .iter()
        .zip(palette)
        .enumerate()
        .map(|(i, ((label, c), colour))| {
            // Wider lines first, so that coinciding curves stay visible as borders.
            let width = 6u32.saturating_sub(i as u32).max(2);
            (label.clone(), colour, width, c)
        })
        .collect();
    let bounded: Vec<f64> = all.iter().flat_map(|(_, c)| finite(c)).collect();
    draw_curves(
        "The gradient on the true class, loss by loss",
        &instance_note(),
        "the probability of the true class",
        curves,
        &bounded,
        "compare",
    )
}
