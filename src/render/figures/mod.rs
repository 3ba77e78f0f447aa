//! SVG drawings of the figure data of [`crate::analysis::figures`], with plotters' SVG backend.
//!
//! Each SVG is 720 px wide (blog width), uses the Okabe–Ito colour-blind-safe palette (and a
//! purple–orange diverging scale for the heatmap), labels every quantity with its formula in the
//! text notation, and carries the numbers it draws in a `<metadata id="gradproof-figure">`
//! element (JSON, with the plot area's pixel mapping), so that tools and tests can read what was
//! drawn.

use crate::render::{to_text, PrintOptions};
use crate::syntax::expr::Expr;
use plotters::prelude::*;
use serde::Serialize;

mod curves;
mod heatmap;
mod signal;

pub use curves::{clip_runs, compare_svg, curves_svg, CurvesMeta, DrawnCurve};
pub use heatmap::{diverging, jacobian_svg, HeatmapMeta};
pub use signal::{signal_svg, SignalMeta};

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
    let json = serde_json::to_string(meta).expect(
        "figure metadata holds only strings, numbers and sequences: serialising cannot fail",
    );
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

/// A class label: the symbol's name with the class as a subscript (`s₃`).
fn subscripted(name: &str, class: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    let sub: String = class
        .to_string()
        .chars()
        .map(|c| {
            DIGITS[c
                .to_digit(10)
                .expect("a printed usize has only decimal digits") as usize]
        })
        .collect();
    format!("{name}{sub}")
}
