//! The `plot` command and `compare --plot`: options to figure data to SVG (the drawing is in
//! `gradproof::render::figures`, the data in `gradproof::analysis::figures`).

use clap::ValueEnum;
use gradproof::analysis::figures::{self, Preset};
use gradproof::engine::{self, Limits};
use gradproof::render::blog_figures::{blog_figures, BlogFigure};
use gradproof::render::{figures as draw, proof, to_text};
use gradproof::syntax::problem::Problem;

/// Which of the post's figures to draw.
#[derive(Clone, Copy, ValueEnum)]
pub enum Figure {
    /// The loss piece, the softmax (link) piece and the result along the true-class probability.
    Curves,
    /// The softmax piece `∂p_j/∂s_k` at every pair of classes, with its row sums.
    Jacobian,
    /// The learning signal per class, and what gradient steps do to the probabilities.
    Signal,
}

/// The named score vectors.
#[derive(Clone, Copy, ValueEnum)]
pub enum PresetArg {
    /// Scores 1, 0.5, 0, −0.5, −1: every class holds real mass.
    Balanced,
    /// Scores 6, 1, 0.5, 0, −1: one class dominates (saturation).
    Sharp,
}

/// The scores of `--scores`: comma-separated finite numbers.
#[derive(Clone, Debug)]
pub struct Scores(pub Vec<f64>);

/// Parses `--scores` (`2,1,0.5`).
pub fn parse_scores(text: &str) -> Result<Scores, String> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            part.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    format!(
                        "`{part}` is not a number (expected comma-separated scores, e.g. 2,1,0.5)"
                    )
                })
        })
        .collect::<Result<_, _>>()
        .map(Scores)
}

/// The options of `plot` besides the file and the figure.
pub struct PlotOptions {
    /// `--preset`.
    pub preset: Option<PresetArg>,
    /// `--scores`.
    pub scores: Option<Scores>,
    /// `--true-class`.
    pub true_class: Option<usize>,
    /// `--steps`.
    pub steps: Option<usize>,
    /// `--lr`.
    pub lr: Option<f64>,
}

/// The SVG of `figure` for the derived `problem` named `name`; an error is bad input (exit 2).
pub fn plot(
    name: &str,
    problem: &Problem,
    figure: Figure,
    o: &PlotOptions,
) -> Result<String, String> {
    let given = |flag: &str, set: bool, allowed: &[Figure]| -> Result<(), String> {
        match set
            && !allowed
                .iter()
                .any(|f| std::mem::discriminant(f) == std::mem::discriminant(&figure))
        {
            true => Err(format!("{flag} does not apply to this figure")),
            false => Ok(()),
        }
    };
    use Figure::*;
    given("--preset", o.preset.is_some(), &[Jacobian, Signal])?;
    given("--scores", o.scores.is_some(), &[Jacobian, Signal])?;
    given("--true-class", o.true_class.is_some(), &[Jacobian, Signal])?;
    given("--steps", o.steps.is_some(), &[Signal])?;
    given("--lr", o.lr.is_some(), &[Signal])?;
    if o.preset.is_some() && o.scores.is_some() {
        return Err("give --preset or --scores, not both".to_string());
    }
    let d = engine::derive(problem, Limits::default()).ok_or_else(|| {
        format!("{name}: the file has no `derive` line: there is no gradient to draw")
    })?;
    let opts = proof::options_for(problem);
    let title = problem.title.clone().unwrap_or_else(|| name.to_string());
    let scores = match (&o.scores, o.preset) {
        (Some(s), _) => s.0.clone(),
        (None, Some(PresetArg::Sharp)) => Preset::Sharp.scores(),
        (None, _) => Preset::Balanced.scores(),
    };
    let class = o.true_class.unwrap_or(1);
    let fig_err = |e: figures::FigureError| format!("{name}: {e}");
    let svg = match figure {
        Curves => draw::curves_svg(
            &figures::curves(problem, &d).map_err(fig_err)?,
            &title,
            &opts,
        ),
        Jacobian => draw::jacobian_svg(
            &figures::jacobian(problem, &d, &scores, class).map_err(fig_err)?,
            &title,
            &opts,
        ),
        Signal => draw::signal_svg(
            &figures::signal(
                problem,
                &d,
                &scores,
                class,
                o.steps.unwrap_or(1),
                o.lr.unwrap_or(1.0),
            )
            .map_err(fig_err)?,
            &title,
            &opts,
        ),
    };
    svg.map_err(|e| e.to_string())
}

/// The compare overlay of the derived problems `(name, problem)`: each file's gradient along the
/// true-class probability — the curves figure's sweep where it has one (a probability symbol at
/// the logits), else the cancellation report's own sweep (a built-in probability, a variable
/// below the logits) at the same probabilities. Files with neither are left out with a note on
/// stderr.
pub fn compare_plot(problems: &[(String, Problem)]) -> Result<String, String> {
    let mut all = vec![];
    for (name, problem) in problems {
        let Some(d) = engine::derive(problem, Limits::default()) else {
            eprintln!("note: {name} has no `derive` line; left out of the plot");
            continue;
        };
        // The report decides whether there is a true class's probability at all (the table's
        // "not applicable" rows are left out here too).
        let report = gradproof::analysis::cancellation::analyse(problem, &d);
        let Some(tc) = report.true_class.as_ref() else {
            eprintln!("note: {name} left out of the plot: not applicable (no probability)");
            continue;
        };
        let curve = match figures::curves(problem, &d) {
            Ok(c) => Ok(c.result),
            Err(e) => report_curve(problem, &d, tc).ok_or(e),
        };
        match curve {
            Ok(c) => {
                let formula = to_text(&c.formula, &proof::options_for(problem));
                let stem = std::path::Path::new(name.as_str())
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or(name);
                all.push((format!("{stem}: {formula}"), c));
            }
            Err(e) => eprintln!("note: {name} left out of the plot: {e}"),
        }
    }
    if all.is_empty() {
        return Err("none of the files has a probability to sweep, nothing to plot".to_string());
    }
    draw::compare_svg(&all).map_err(|e| e.to_string())
}

/// The result of `d` along the true-class probability by the cancellation report's sweep `tc`,
/// at the curves figure's probabilities; `None` where it reaches no point.
fn report_curve(
    problem: &Problem,
    d: &gradproof::Derivation,
    tc: &gradproof::analysis::cancellation::TrueClass,
) -> Option<figures::Curve> {
    let points = gradproof::analysis::sweep::points_along(
        problem,
        d.result(),
        tc,
        &Default::default(),
        &figures::curve_probabilities(),
    );
    points
        .iter()
        .any(|(_, g)| g.is_some())
        .then(|| figures::Curve {
            goal: d.goal.clone(),
            formula: d.result().clone(),
            points,
        })
}

/// Writes the blog figures of `d` into the folder `dir` (made if missing) as `NAME.svg`, and
/// returns them with the paths a Markdown document links to (`dir/NAME.svg`).
pub fn write_figures(
    problem: &Problem,
    d: &gradproof::Derivation,
    cancellation: &gradproof::analysis::cancellation::Cancellation,
    dir: &str,
) -> Result<Vec<(BlogFigure, String)>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
    let data = gradproof::analysis::blog_data::blog_figure_data(problem, d);
    blog_figures(problem, d, cancellation, &data)
        .into_iter()
        .map(|f| {
            let path = std::path::Path::new(dir).join(format!("{}.svg", f.name));
            std::fs::write(&path, &f.svg)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let link = path.to_string_lossy().replace('\\', "/");
            Ok((f, link))
        })
        .collect()
}
