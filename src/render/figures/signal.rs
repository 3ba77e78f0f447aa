//! The learning-signal figure: bars per class and gradient steps.

use super::*;
use crate::analysis::figures::Signal;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
        let loss = |st: &crate::analysis::figures::State| match st.loss {
            Some(l) => format!("{l:.3}"),
            None => "—".to_string(),
        };
        let var = match &s.goal {
            Expr::Deriv(_, x) => to_text(&Expr::Sym(x.clone()), opts),
            _ => s.variable.clone(),
        };
        let sub = format!(
            "{var} ← {var} − η·({}), η = {}, {} {}; loss {} → {}",
            to_text(&s.formula, opts),
            s.lr,
            steps,
            if steps == 1 { "step" } else { "steps" },
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
