//! SVG drawings of the figure data of [`crate::figures`], with plotters' SVG backend.
//!
//! Each SVG is 720 px wide (blog width), uses the Okabe–Ito colour-blind-safe palette (and a
//! purple–orange diverging scale for the heatmap), labels every quantity with its formula in the
//! text notation, and carries the numbers it draws in a `<metadata id="gradproof-figure">`
//! element (JSON, with the plot area's pixel mapping), so that tools and tests can read what was
//! drawn.

use crate::expr::Expr;
use crate::figures::{Curve, Curves, Heatmap, Signal};
use crate::render::{to_text, PrintOptions};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

/// The width of every figure, in pixels.
pub const WIDTH: u32 = 720;

const FONT: &str = "sans-serif";
/// Okabe–Ito blue: the link piece; the probabilities after the steps.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito vermillion: the loss piece; a push down.
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe–Ito orange: the result.
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe–Ito sky blue: the probabilities before the steps.
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe–Ito bluish green: a push up.
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// The further colours of the compare overlay.
const MORE: [RGBColor; 4] = [
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x99, 0x99, 0x99),
];
/// The ends of the diverging scale (PuOr): negative purple, positive orange.
const NEGATIVE: RGBColor = RGBColor(0x54, 0x27, 0x88);
const POSITIVE: RGBColor = RGBColor(0xB3, 0x58, 0x06);
const GREY: RGBColor = RGBColor(0x60, 0x60, 0x60);

/// Drawing a figure failed (the SVG backend writes to a string, so this is not expected).
#[derive(Debug, thiserror::Error)]
#[error("drawing the figure failed: {0}")]
pub struct DrawError(String);

fn fail<E: std::fmt::Debug>(e: E) -> DrawError {
    DrawError(format!("{e:?}"))
}

/// A text style of `size` SVG pixels (plotters divides the size it is given by 1.24).
fn font(size: f64) -> TextStyle<'static> {
    (FONT, size * 1.24).into_font().into()
}

/// The colour as `#rrggbb`.
fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// How data coordinates map to pixels in a plot area.
#[derive(Clone, Debug, Serialize)]
pub struct PlotArea {
    /// The pixel columns of the left and right edges.
    pub x_px: [i32; 2],
    /// The pixel rows of the top and bottom edges.
    pub y_px: [i32; 2],
    /// The data range along x (left to right).
    pub x_range: [f64; 2],
    /// The data range along y (bottom to top).
    pub y_range: [f64; 2],
}

fn plot_area<DB: DrawingBackend>(
    chart: &ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x: [f64; 2],
    y: [f64; 2],
) -> PlotArea {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    PlotArea {
        x_px: [xs.start, xs.end],
        y_px: [ys.start, ys.end],
        x_range: x,
        y_range: y,
    }
}

/// The most characters of a legend label (a longer formula is cut with `…`; the metadata keeps
/// it whole).
const LEGEND_CHARS: usize = 72;

/// `label`, cut to `max` characters with `…`.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// A tick label: two decimals at most, and never `-0`.
fn tick(v: &f64) -> String {
    let v = if v.abs() < 1e-9 { 0.0 } else { *v };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('-', "−")
}

/// Puts `meta` (as JSON) into `svg` as its first child.
fn with_metadata<T: Serialize>(svg: String, meta: &T) -> String {
    let json = serde_json::to_string(meta).unwrap_or_default();
    let escaped = json
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let at = svg
        .find("<svg")
        .and_then(|s| svg[s..].find('>').map(|e| s + e + 1));
    match at {
        Some(at) => format!(
            "{}\n<metadata id=\"gradproof-figure\">{escaped}</metadata>{}",
            &svg[..at],
            &svg[at..]
        ),
        None => svg,
    }
}

/// `goal = formula` in the text notation.
fn equation(goal: &Expr, formula: &Expr, opts: &PrintOptions) -> String {
    format!("{} = {}", to_text(goal, opts), to_text(formula, opts))
}

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
        crate::cancellation::FIXED_RANGE_SIZE
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
/// legend label (`(label, curves)`).
pub fn compare_svg(all: &[(String, Curves)]) -> Result<String, DrawError> {
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
            (label.clone(), colour, width, &c.result)
        })
        .collect();
    let bounded: Vec<f64> = all.iter().flat_map(|(_, c)| finite(&c.result)).collect();
    draw_curves(
        "The gradient on the true class, loss by loss",
        &instance_note(),
        "the probability of the true class",
        curves,
        &bounded,
        "compare",
    )
}

/// A class label: the symbol's name with the class as a subscript (`s₃`).
fn subscripted(name: &str, class: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    let sub: String = class
        .to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect();
    format!("{name}{sub}")
}

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

/// What the signal figure draws.
#[derive(Clone, Debug, Serialize)]
pub struct SignalMeta {
    /// `"signal"`.
    pub figure: &'static str,
    /// The true class (1-based).
    pub true_class: usize,
    /// The learning rate.
    pub lr: f64,
    /// The probabilities before the steps (light bars).
    pub before: Vec<f64>,
    /// The probabilities after the steps (dark bars).
    pub after: Vec<f64>,
    /// The learning signal before the steps (the horizontal bars).
    pub gradient: Vec<f64>,
    /// The loss after each number of steps, where it could be evaluated.
    pub losses: Vec<Option<f64>>,
    /// The bar panel's plot area.
    pub signal_area: PlotArea,
}

/// The signal figure: the probabilities before and after the steps (left) and the learning
/// signal per class before them (right: a bar left of 0 pushes the score up, right of 0 down).
pub fn signal_svg(s: &Signal, title: &str, opts: &PrintOptions) -> Result<String, DrawError> {
    let first = &s.states[0];
    let last = &s.states[s.states.len() - 1];
    let n = first.gradient.len();
    let steps = s.states.len() - 1;
    let reach = first.gradient.iter().fold(0.0f64, |m, g| m.max(g.abs())) * 1.15;
    let reach = if reach > 0.0 { reach } else { 1.0 };
    let height = 480;
    let mut svg = String::new();
    let area;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let root = root.titled(title, font(18.0)).map_err(fail)?;
        let loss = |st: &crate::figures::State| match st.loss {
            Some(l) => format!("{l:.3}"),
            None => "—".to_string(),
        };
        let var = match &s.goal {
            Expr::Deriv(_, x) => to_text(&Expr::Sym(x.clone()), opts),
            _ => s.variable.clone(),
        };
        let sub = format!(
            "{var} ← {var} − η·({}), η = {}, {} step{}; loss {} → {}",
            to_text(&s.formula, opts),
            s.lr,
            steps,
            if steps == 1 { "" } else { "s" },
            loss(first),
            loss(last)
        );
        root.draw(&Text::new(
            sub,
            (WIDTH as i32 / 2, 4),
            font(13.0)
                .color(&GREY)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(fail)?;
        let body = root.margin(26, 0, 0, 0);
        let (left, right) = body.split_horizontally(330);
        let class_name = |c: usize| {
            let name = subscripted(&s.variable, c);
            if c == s.true_class {
                format!("{name} (true)")
            } else {
                name
            }
        };
        let n_f = n as f64;
        let mut probs = ChartBuilder::on(&left)
            .caption(
                format!("{}: light before, dark after", s.probability),
                font(14.0),
            )
            .margin(8)
            .x_label_area_size(34)
            .y_label_area_size(44)
            .build_cartesian_2d(0.5..n_f + 0.5, 0.0..1.0)
            .map_err(fail)?;
        let fmt = |x: &f64| {
            let c = x.round();
            if (x - c).abs() < 1e-9 && c >= 1.0 && c <= n_f {
                subscripted(&s.probability, c as usize)
            } else {
                String::new()
            }
        };
        probs
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
            .x_labels(n)
            .x_label_formatter(&fmt)
            .y_label_formatter(&tick)
            .label_style(font(13.0))
            .draw()
            .map_err(fail)?;
        for (i, (b, a)) in first
            .probabilities
            .iter()
            .zip(&last.probabilities)
            .enumerate()
        {
            let c = (i + 1) as f64;
            probs
                .draw_series([
                    Rectangle::new([(c - 0.38, 0.0), (c, *b)], SKY.filled()),
                    Rectangle::new([(c, 0.0), (c + 0.38, *a)], BLUE.filled()),
                ])
                .map_err(fail)?;
        }
        let mut bars = ChartBuilder::on(&right)
            .caption(
                format!(
                    "{}: left pushes up, right pushes down",
                    to_text(&s.goal, opts)
                ),
                font(14.0),
            )
            .margin(8)
            .margin_right(20)
            .x_label_area_size(34)
            .y_label_area_size(80)
            .build_cartesian_2d(-reach..reach, n_f + 0.5..0.5)
            .map_err(fail)?;
        let fmt_y = |y: &f64| {
            let c = y.round();
            if (y - c).abs() < 1e-9 && c >= 1.0 && c <= n_f {
                class_name(c as usize)
            } else {
                String::new()
            }
        };
        bars.configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xE4, 0xE4, 0xE4))
            .y_labels(n)
            .y_label_formatter(&fmt_y)
            .x_labels(7)
            .x_label_formatter(&tick)
            .label_style(font(13.0))
            .draw()
            .map_err(fail)?;
        for (i, g) in first.gradient.iter().enumerate() {
            let c = (i + 1) as f64;
            let colour = if *g < 0.0 { GREEN } else { VERMILLION };
            bars.draw_series([Rectangle::new(
                [(0.0, c - 0.35), (*g, c + 0.35)],
                colour.filled(),
            )])
            .map_err(fail)?;
        }
        bars.draw_series(LineSeries::new(
            [(0.0, 0.5), (0.0, n_f + 0.5)],
            BLACK.stroke_width(1),
        ))
        .map_err(fail)?;
        area = plot_area(&bars, [-reach, reach], [n_f + 0.5, 0.5]);
        root.present().map_err(fail)?;
    }
    let meta = SignalMeta {
        figure: "signal",
        true_class: s.true_class,
        lr: s.lr,
        before: first.probabilities.clone(),
        after: last.probabilities.clone(),
        gradient: first.gradient.clone(),
        losses: s.states.iter().map(|st| st.loss).collect(),
        signal_area: area,
    };
    Ok(with_metadata(svg, &meta))
}
