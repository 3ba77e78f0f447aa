//! `gradproof plot` and `compare --plot`: every SVG is parsed as XML and checked for what it
//! draws (the numbers in its metadata, and the drawn geometry read back through the plot
//! area's pixel mapping), rendered to PNG by a real SVG renderer (resvg), and bad options exit 2.

use gradproof::analysis::figures::{self, Preset};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use gradproof::render::figures as draw;
use gradproof::render::proof::options_for;
use serde_json::Value;
use std::process::Command;

fn file(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/derivations/{name}.deriv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("derivation file")
}

/// The SVG of `figure` for the derivation text `text`, through the library.
fn svg(text: &str, figure: &str, scores: &[f64]) -> String {
    let problem = parse_problem(text).expect("parses");
    let d = derive(&problem, Limits::default()).expect("derives");
    let opts = options_for(&problem);
    match figure {
        "curves" => draw::curves_svg(&figures::curves(&problem, &d).unwrap(), "t", &opts),
        "jacobian" => draw::jacobian_svg(
            &figures::jacobian(&problem, &d, scores, 1).unwrap(),
            "t",
            &opts,
        ),
        "signal" => draw::signal_svg(
            &figures::signal(&problem, &d, scores, 1, 3, 1.0).unwrap(),
            "t",
            &opts,
        ),
        other => panic!("no figure {other}"),
    }
    .expect("draws")
}

/// The SVG's figure metadata, after checking that the SVG is well-formed XML.
fn metadata(svg: &str) -> Value {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let meta = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("gradproof-figure"))
        .expect("the figure metadata");
    serde_json::from_str(meta.text().expect("metadata text")).expect("metadata JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// The points of every polyline stroked with `colour`, in pixels.
fn polylines(svg: &str, colour: &str) -> Vec<(f64, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(colour))
        .flat_map(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .map(|pt| {
                    let (x, y) = pt.split_once(',').expect("x,y");
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect::<Vec<(f64, f64)>>()
        })
        .collect()
}

/// Data y of pixel row `py` in `area` (the metadata's plot area), and the size of one pixel.
fn data_y(area: &Value, py: f64) -> (f64, f64) {
    let px = floats(&area["y_px"]);
    let range = floats(&area["y_range"]);
    let per_px = (range[1] - range[0]) / (px[1] - px[0]);
    (range[1] - (py - px[0]) * per_px, per_px)
}

/// The curve drawn with the result's colour: its sampled values, and its drawn points read back.
/// `(probability, value)` samples of a curve.
type Samples = Vec<(f64, Option<f64>)>;

fn result_curve(svg: &str) -> (Samples, Vec<f64>, f64) {
    let meta = metadata(svg);
    let curves = meta["curves"].as_array().unwrap();
    let result = curves.last().expect("the result is drawn last");
    let points: Vec<(f64, Option<f64>)> = serde_json::from_value(result["points"].clone()).unwrap();
    let colour = result["colour"].as_str().unwrap();
    let drawn = polylines(svg, colour);
    assert!(drawn.len() >= points.len() / 2, "the curve is drawn");
    let mut pixel = 0.0;
    let ys = drawn
        .iter()
        .map(|&(_, py)| {
            let (y, per_px) = data_y(&meta["plot_area"], py);
            pixel = per_px;
            y
        })
        .collect();
    (points, ys, pixel)
}

#[test]
fn softmax_cross_entropy_product_curve_stays_within_minus_one_and_zero() {
    let svg = svg(&file("softmax_cross_entropy"), "curves", &[]);
    let (points, drawn, pixel) = result_curve(&svg);
    assert_eq!(points.len(), figures::CURVE_SAMPLES);
    for (p, g) in &points {
        let g = g.expect("defined everywhere on (0, 1)");
        assert!((-1.0..=0.0).contains(&g), "∂L/∂s at p = {p} is {g}");
    }
    // It runs from about −1 at the left edge to about 0 at the right.
    assert!(points[0].1.unwrap() < -0.99 && points.last().unwrap().1.unwrap() > -0.01);
    for y in drawn {
        assert!((-1.0 - pixel..=pixel).contains(&y), "drawn at {y}");
    }
    // The loss piece and the link piece are drawn too, with their formulas in the legend.
    let meta = metadata(&svg);
    let labels: Vec<&str> = meta["curves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    for l in &labels {
        assert!(svg.contains(l), "the legend shows {l}");
    }
}

#[test]
fn squared_error_product_vanishes_as_the_probability_goes_to_zero() {
    let (points, _, _) = result_curve(&svg(&file("squared_error"), "curves", &[]));
    let (p0, g0) = points[0];
    let g0 = g0.unwrap();
    let peak = points
        .iter()
        .filter_map(|(_, g)| *g)
        .fold(0.0f64, |m, g| m.max(g.abs()));
    assert!(g0.abs() < 2.0 * p0, "at p = {p0} the gradient is {g0}");
    assert!(peak > 20.0 * g0.abs(), "it is not already small everywhere");
}

/// The heatmap's cells, checked against the rectangles drawn at their places.
fn heatmap_cells(svg: &str) -> Vec<Vec<f64>> {
    let meta = metadata(svg);
    let cells: Vec<Vec<f64>> = serde_json::from_value(meta["cells"].clone()).unwrap();
    let (ox, oy) = (
        meta["origin"][0].as_i64().unwrap(),
        meta["origin"][1].as_i64().unwrap(),
    );
    let cell = meta["cell_px"].as_i64().unwrap();
    let doc = roxmltree::Document::parse(svg).unwrap();
    let rects: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .collect();
    for (r, row) in cells.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let x = (ox + c as i64 * cell).to_string();
            // The figure's title shifts the drawing down by 30 pixels.
            let y = (oy + r as i64 * cell).to_string();
            let rect = rects
                .iter()
                .find(|n| {
                    n.attribute("x") == Some(x.as_str())
                        && n.attribute("y") == Some(y.as_str())
                        && n.attribute("fill").is_some_and(|f| f != "none")
                })
                .unwrap_or_else(|| panic!("no cell drawn at row {r}, column {c}"));
            let fill = rect.attribute("fill").unwrap();
            let red = u8::from_str_radix(&fill[1..3], 16).unwrap();
            let blue = u8::from_str_radix(&fill[5..7], 16).unwrap();
            assert_eq!(
                *v > 0.0,
                red > blue,
                "cell ({r}, {c}) = {v} is drawn {fill}"
            );
        }
    }
    cells
}

fn check_jacobian(scores: &[f64]) {
    let svg = svg(&file("softmax_cross_entropy"), "jacobian", scores);
    let cells = heatmap_cells(&svg);
    assert_eq!(cells.len(), scores.len());
    for (r, row) in cells.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if r == c {
                assert!(*v > 0.0, "diagonal ({r}, {c}) = {v}");
            } else {
                assert!(*v < 0.0, "off-diagonal ({r}, {c}) = {v}");
            }
        }
        let sum: f64 = row.iter().sum();
        assert!(sum.abs() <= 1e-12, "row {r} sums to {sum}");
    }
    let printed = floats(&metadata(&svg)["row_sums"]);
    for (r, row) in cells.iter().enumerate() {
        // JSON keeps a number to within an ulp or so.
        assert!((printed[r] - row.iter().sum::<f64>()).abs() <= 1e-15);
        assert!(
            svg.contains(&format!("{:.1e}", printed[r])),
            "row sum printed"
        );
    }
}

#[test]
fn jacobian_diagonal_positive_off_diagonal_negative_rows_sum_to_zero() {
    check_jacobian(&Preset::Balanced.scores());
    check_jacobian(&Preset::Sharp.scores());
    check_jacobian(&[3.0, -2.0, 0.25]);
}

#[test]
fn sharp_preset_saturates() {
    let max = |scores: &[f64]| {
        let svg = svg(&file("softmax_cross_entropy"), "jacobian", scores);
        heatmap_cells(&svg)
            .iter()
            .flatten()
            .fold(0.0f64, |m, v| m.max(v.abs()))
    };
    // Little mass is left to redistribute when one class dominates.
    assert!(max(&Preset::Sharp.scores()) < max(&Preset::Balanced.scores()) / 2.0);
}

#[test]
fn signal_bars_pull_the_true_class_up_and_push_the_others_down() {
    let svg = svg(
        &file("softmax_cross_entropy"),
        "signal",
        &Preset::Balanced.scores(),
    );
    let meta = metadata(&svg);
    let g = floats(&meta["gradient"]);
    let (before, after) = (floats(&meta["before"]), floats(&meta["after"]));
    let class = meta["true_class"].as_u64().unwrap() as usize - 1;
    for (k, gk) in g.iter().enumerate() {
        // The learning signal is the gap p_k − q_k, read off the probabilities drawn.
        let q = if k == class { 1.0 } else { 0.0 };
        assert!((gk - (before[k] - q)).abs() < 1e-12, "class {k}: {gk}");
    }
    assert!(
        g.iter().sum::<f64>().abs() < 1e-12,
        "the signal moves no mass"
    );
    assert!(after[class] > before[class]);
    let losses: Vec<f64> = meta["losses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_f64().expect("the loss is defined"))
        .collect();
    assert_eq!(losses.len(), 4, "three steps");
    assert!(losses.windows(2).all(|w| w[1] < w[0]), "{losses:?}");
    // One bar per class, left of zero for the true class only.
    let area = &meta["signal_area"];
    let px = floats(&area["x_px"]);
    let range = floats(&area["x_range"]);
    let zero = px[0] + (0.0 - range[0]) / (range[1] - range[0]) * (px[1] - px[0]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| matches!(n.attribute("fill"), Some("#009E73" | "#D55E00")))
        .map(|n| {
            let x: f64 = n.attribute("x").unwrap().parse().unwrap();
            let w: f64 = n.attribute("width").unwrap().parse().unwrap();
            x + w / 2.0 - zero
        })
        .collect();
    assert_eq!(bars.len(), g.len());
    assert_eq!(bars.iter().filter(|&&b| b < 0.0).count(), 1);
}

/// Renaming every symbol and index gives the same figures' numbers.
#[test]
fn figures_do_not_depend_on_names() {
    let original = file("softmax_cross_entropy");
    let renamed = "index a, b, c in 1..N\nvar z_a real\nvar t_a distribution\n\
                   let r_a = exp(z_a) / sum_c exp(z_c)\nlet E = -sum_a t_a * log(r_a)\n\
                   derive d(E)/d(z_b) via r_a\n";
    let scores = Preset::Balanced.scores();
    for figure in ["curves", "jacobian", "signal"] {
        let numbers = |text: &str| {
            let mut m = metadata(&svg(text, figure, &scores));
            if let Some(curves) = m.get_mut("curves").and_then(Value::as_array_mut) {
                for c in curves {
                    c["label"] = Value::Null;
                }
            }
            m
        };
        assert_eq!(numbers(&original), numbers(renamed), "{figure}");
    }
}

/// Renders `svg` with resvg and returns the PNG's bytes, checking that something was drawn.
fn png(svg: &str) -> Vec<u8> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .expect("resvg parses the SVG");
    let size = tree.size().to_int_size();
    assert_eq!(size.width(), draw::WIDTH);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    let coloured = pixmap
        .pixels()
        .iter()
        .filter(|p| !(p.red() == 255 && p.green() == 255 && p.blue() == 255))
        .count();
    assert!(coloured > 1000, "only {coloured} pixels drawn");
    pixmap.encode_png().expect("PNG")
}

#[test]
fn every_figure_renders_to_png() {
    let scores = Preset::Balanced.scores();
    for name in ["softmax_cross_entropy", "squared_error", "focal"] {
        for figure in ["curves", "jacobian", "signal"] {
            let bytes = png(&svg(&file(name), figure, &scores));
            assert_eq!(&bytes[1..4], b"PNG", "{name} {figure}");
        }
    }
    let sigmoid = svg(&file("sigmoid_bce"), "curves", &scores);
    png(&sigmoid);
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn plot_writes_svg_and_compare_plot_overlays_the_losses() {
    let o = run(&[
        "plot",
        "derivations/softmax_cross_entropy.deriv",
        "--figure",
        "jacobian",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(metadata(&out)["figure"], "jacobian");
    let o = run(&[
        "compare",
        "--plot",
        "derivations/softmax_cross_entropy.deriv",
        "derivations/squared_error.deriv",
        "derivations/focal.deriv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let meta = metadata(&out);
    let curves = meta["curves"].as_array().unwrap();
    assert_eq!(curves.len(), 3);
    png(&out);
}

#[test]
fn bad_plot_options_exit_2_with_a_message() {
    let dir = std::env::temp_dir().join(format!("gradproof-figures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let no_prob = dir.join("no_probability.deriv");
    std::fs::write(&no_prob, "var x real\nlet L = x^2\nderive d(L)/d(x)\n").unwrap();
    let no_prob = no_prob.to_str().unwrap();
    let ce = "derivations/softmax_cross_entropy.deriv";
    let cases: [(&[&str], &str); 8] = [
        (&["plot", ce, "--figure", "pie"], "invalid value 'pie'"),
        (
            &["plot", no_prob, "--figure", "curves"],
            "no probability to sweep",
        ),
        (
            &["plot", ce, "--figure", "jacobian", "--scores", "1,,2"],
            "is not a number",
        ),
        (
            &["plot", ce, "--figure", "signal", "--scores", "1,nan"],
            "is not a number",
        ),
        (
            &["plot", ce, "--figure", "signal", "--true-class", "6"],
            "not a class of 1..5",
        ),
        (
            &["plot", ce, "--figure", "curves", "--steps", "2"],
            "--steps does not apply",
        ),
        (
            &["plot", ce, "--figure", "signal", "--lr", "-1"],
            "not a learning rate",
        ),
        (
            &[
                "plot",
                "derivations/sigmoid_bce.deriv",
                "--figure",
                "jacobian",
            ],
            "class index",
        ),
    ];
    for (args, message) in cases {
        let o = run(args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

/// The figures under docs/figures/ are what docs/figures/regenerate.sh writes today: every
/// `$gradproof` line of the script is run (its `name=value` variables substituted, the output
/// sent to a temporary folder) and its SVG compared with the committed one.
#[test]
fn committed_figures_are_current() {
    let root = env!("CARGO_MANIFEST_DIR");
    let script = std::fs::read_to_string(format!("{root}/docs/figures/regenerate.sh")).unwrap();
    let script = script.replace("\\\n", " ");
    let tmp = std::env::temp_dir().join(format!("gradproof-docs-figures-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut vars = std::collections::BTreeMap::new();
    let mut checked = 0;
    for line in script.lines().map(str::trim) {
        if let Some((name, value)) = line.split_once('=') {
            if !name.contains(' ') && !value.contains(' ') && !line.starts_with('$') {
                vars.insert(format!("${name}"), value.to_string());
                continue;
            }
        }
        let Some(rest) = line.strip_prefix("$gradproof ") else {
            continue;
        };
        let mut committed = None;
        let args: Vec<String> = rest
            .split_whitespace()
            .map(|word| match word.strip_prefix("$out/") {
                Some(file) => {
                    committed = Some(format!("{root}/docs/figures/{file}"));
                    tmp.join(file).to_str().unwrap().to_string()
                }
                None => vars.get(word).cloned().unwrap_or_else(|| word.to_string()),
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let committed = committed.expect("the line writes to $out");
        let fresh = std::fs::read_to_string(args.last().unwrap()).unwrap();
        let old = std::fs::read_to_string(&committed).unwrap();
        assert!(
            fresh == old,
            "{committed} is out of date: run sh docs/figures/regenerate.sh"
        );
        metadata(&old);
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} figures in the script");
}

/// `derive --format markdown --figures DIR` writes the figures and links each after what it
/// illustrates: the Jacobian after its chain-rule piece, the curves after the step that cancels
/// the loss piece's 1/p, the signal after the boxed result.
#[test]
fn markdown_links_the_figures_after_the_steps_they_illustrate() {
    let dir = std::env::temp_dir().join(format!("gradproof-md-figures-{}", std::process::id()));
    let figures = dir.join("figs");
    std::fs::create_dir_all(&dir).unwrap();
    let deriv = format!(
        "{}/derivations/softmax_cross_entropy.deriv",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = Command::new(env!("CARGO_BIN_EXE_gradproof"))
        .current_dir(&dir)
        .args([
            "derive",
            &deriv,
            "--format",
            "markdown",
            "--figures",
            "figs",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let md = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = md.lines().collect();
    let link = |name: &str| {
        let target = format!("(figs/{name}.svg)");
        let at = lines
            .iter()
            .position(|l| l.starts_with("![") && l.ends_with(&target))
            .unwrap_or_else(|| panic!("no link to {name}:\n{md}"));
        let svg = std::fs::read_to_string(figures.join(format!("{name}.svg"))).unwrap();
        assert_eq!(metadata(&svg)["figure"], name);
        at
    };
    let (jacobian, curves, signal) = (link("jacobian"), link("curves"), link("signal"));
    let heading = |prefix: &str| lines.iter().rposition(|l| l.starts_with(prefix)).unwrap();
    // The Jacobian closes the second piece, just before the main derivation resumes.
    assert!(
        jacobian > heading("## The second piece")
            && jacobian < heading("## Putting the pieces together")
    );
    // The curves follow the display of the main derivation's cancel step.
    let cancel = lines
        .iter()
        .rposition(|l| l.contains(": the rule `cancel`"))
        .unwrap();
    assert!(cancel > heading("## Putting the pieces together") && curves > cancel);
    assert_eq!(lines[curves - 2], "$$", "right after its display");
    // The signal follows the boxed result, last.
    let boxed = lines.iter().rposition(|l| l.contains("\\boxed")).unwrap();
    assert!(signal > boxed && signal > curves);
}

/// `derive --format html` embeds each figure inline as SVG; a figure the derivation cannot give
/// is left out; `--figures` is for Markdown only.
#[test]
fn html_embeds_the_figures_inline() {
    let page = |file: &str| {
        let o = run(&["derive", file, "--format", "html"]);
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8(o.stdout).unwrap()
    };
    let svgs = |page: &str| -> Vec<String> {
        page.split("<figure>")
            .skip(1)
            .map(|f| {
                let start = f.find("<svg").expect("an inline SVG");
                let end = f.find("</svg>").expect("closed") + "</svg>".len();
                let svg = f[start..end].to_string();
                roxmltree::Document::parse(&svg).expect("the inline SVG is XML");
                svg
            })
            .collect()
    };
    let ce = page("derivations/softmax_cross_entropy.deriv");
    let ce_svgs = svgs(&ce);
    assert_eq!(ce_svgs.len(), 3);
    for svg in &ce_svgs {
        png(svg);
    }
    // One logit and no classes: only the curves.
    assert_eq!(svgs(&page("derivations/sigmoid_bce.deriv")).len(), 1);
    let o = run(&[
        "derive",
        "derivations/focal.deriv",
        "--format",
        "html",
        "--figures",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--figures only applies"));
}

/// A curve leaving the plot area is cut at its edge, never drawn past it or clamped flat.
#[test]
fn curves_are_cut_where_they_leave_the_plot_area() {
    let points: Vec<(f64, Option<f64>)> = (1..100)
        .map(|i| {
            let p = i as f64 / 100.0;
            (p, Some(-1.0 / p))
        })
        .chain([(1.0, None)])
        .collect();
    let runs = draw::clip_runs(&points, -4.0, 0.0);
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert!(run.iter().all(|(_, y)| (-4.0..=0.0).contains(y)));
    // It starts on the lower edge where −1/p crosses −4, at p = 1/4.
    assert_eq!(run[0].1, -4.0);
    assert!((run[0].0 - 0.25).abs() < 0.01, "{:?}", run[0]);
    // Every defined point inside, plus the crossing.
    let inside = points
        .iter()
        .filter(|(_, y)| y.is_some_and(|y| (-4.0..=0.0).contains(&y)))
        .count();
    assert_eq!(run.len(), inside + 1);
}

/// Issue #21: the compare figure shows the hinge loss switching off: its true-class gradient is
/// minus the 9 violated margins at low probability and exactly 0 once the true score beats the
/// others by the margin (from p = e/(e + 9) ≈ 0.232 on, at the fixed instance).
#[test]
fn compare_plot_shows_the_hinge_switching_off() {
    let o = run(&["compare", "--plot", "derivations/multiclass_hinge.deriv"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    let meta = metadata(&out);
    let points = meta["curves"][0]["points"].as_array().unwrap().clone();
    let switch = std::f64::consts::E / (std::f64::consts::E + 9.0);
    let mut below = 0;
    let mut above = 0;
    for pt in &points {
        let (p, g) = (pt[0].as_f64().unwrap(), pt[1].as_f64().unwrap());
        if p < switch - 0.01 {
            assert!((g + 9.0).abs() < 1e-9, "{g} at {p}");
            below += 1;
        } else if p > switch + 0.01 {
            assert_eq!(g, 0.0, "at {p}");
            above += 1;
        }
    }
    assert!(below > 10 && above > 10, "{below} {above}");
    png(&out);
}

/// The compare overlay draws every file the table has numbers for — a built-in probability, a
/// variable below the logits, a sweep with unreachable targets — by the report's own sweep, and
/// leaves out a file with no probability (the table's "not applicable"); where both have a
/// value, the curve equals the table's number.
#[test]
fn compare_plot_draws_every_row_the_table_has_numbers_for() {
    let files = [
        "derivations/sigmoid_bce_builtin.deriv",
        "derivations/relu_layer.deriv",
        "derivations/tanh_softplus.deriv",
        "derivations/huber.deriv",
    ];
    let mut args = vec!["compare", "--plot"];
    args.extend(files);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        err.contains("huber.deriv left out of the plot: not applicable"),
        "{err}"
    );
    let meta = metadata(&String::from_utf8(o.stdout).unwrap());
    let curves = meta["curves"].as_array().unwrap().clone();
    let labels: Vec<&str> = curves
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    let mut table_args = vec!["compare", "--format", "json"];
    table_args.extend(files);
    let table: serde_json::Value = serde_json::from_slice(&run(&table_args).stdout).expect("JSON");
    for (file, curve) in table["files"].as_array().unwrap().iter().zip(&curves) {
        let name = file["loss"].as_str().unwrap();
        assert!(curve["label"].as_str().unwrap().starts_with(name), "{name}");
        let mut compared = 0;
        for point in file["true_class"].as_array().unwrap() {
            let (p, g) = (point["probability"].as_f64().unwrap(), &point["gradient"]);
            let at = curve["points"]
                .as_array()
                .unwrap()
                .iter()
                .find(|q| (q[0].as_f64().unwrap() - p).abs() < 1e-12);
            if let (Some(g), Some(at)) = (g.as_f64(), at.and_then(|q| q[1].as_f64())) {
                assert!((g - at).abs() < 1e-9, "{name} at p = {p}: {g} vs {at}");
                compared += 1;
            }
        }
        assert!(compared >= 1, "{name}: no point in common");
    }
}
