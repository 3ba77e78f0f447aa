//! The generator of random derivation files: a score layer (the variable itself, a temperature,
//! an affine map, a dot product over a second range, a log or a square), an activation
//! (softmax, sigmoid, a normalisation of positive entries, or none), a loss (cross-entropy,
//! negative log-likelihood, squared error, KL, binary cross-entropy, focal, log-sum-exp, a
//! random expression tree, or a weighted sum of two), a random `via` and a random goal.
//!
//! Every symbol name, index letter and range end is drawn from a pool, so the cases also test
//! that nothing depends on particular names. Constructs that trigger a known, reported bug are
//! avoided only through [`KNOWN_BUGS`].

use super::rng::Rng;

/// A construct the generator can be told to avoid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Construct {
    /// A range of size 1 drawn by the oracle.
    SizeOne,
    /// Tiny scales and constants (`exp(-30)*(..)`, `1/1000000007`, `(99999999977/3)^(-1)`): a
    /// result whose values are below 1e-10 passes the checker's absolute tolerance even with
    /// its sign flipped (item 1; repro `tests/findings/absolute_tolerance_sign.deriv`).
    TinyValues,
    /// Constants with long expansions (`1.000000002`, `123456789/1000000007`, `99999999977/3`),
    /// whose powers overflow i128 in exact work: the normal form equates `c^3` with `-c^3`
    /// (item 4; repro `tests/findings/normal_form_overflow.deriv`).
    HugeRationals,
    /// A claim with an undefined term: the true result plus `0/0` (checked in `run.rs`). Today
    /// `mul` folds `0·0^(-1)` to 0 and the claim "holds" (item 3; repro
    /// `tests/findings/undefined_term_accepted.deriv`).
    UndefinedTerm,
}

/// Constructs that trigger a known bug reported against issue #12, with the item number. The
/// generator avoids exactly these; empty this list once the fixes are merged.
pub const KNOWN_BUGS: &[(Construct, u32)] = &[];

/// True when the generator (or the runner) must avoid `c`.
pub fn avoided(c: Construct) -> bool {
    KNOWN_BUGS.iter().any(|(k, _)| *k == c)
}

/// One generated case: the `.deriv` text and the oracle's range sizes to use.
#[derive(Clone, Debug)]
pub struct Case {
    /// The derivation file.
    pub text: String,
    /// The seed the case was generated from.
    pub seed: u64,
    /// The names the case uses (symbols, index letters, range ends), in the order they were
    /// drawn: the same case with other names draws the same number, in the same roles.
    pub names: Vec<&'static str>,
}

/// Sizes the oracle may give a range (per range, independently).
pub fn oracle_sizes() -> Vec<usize> {
    let mut sizes = vec![2, 3, 4, 5, 7];
    if !avoided(Construct::SizeOne) {
        sizes.push(1);
    }
    sizes
}

const SYMBOLS: &[&str] = &[
    "s", "q", "w", "x", "u", "v", "z", "t", "g", "h", "r", "f", "o", "p", "beta", "lam", "mu",
];
const LETTERS: &[&str] = &["i", "j", "k", "l", "m", "n", "a", "b", "c", "y"];
const UPPERS: &[&str] = &["K", "N", "C", "M", "D", "H"];

/// Names for one case, all distinct.
struct Names {
    symbols: Vec<&'static str>,
    letters: Vec<&'static str>,
    uppers: Vec<&'static str>,
    /// Every name handed out, in order.
    drawn: Vec<&'static str>,
}

impl Names {
    fn draw(rng: &mut Rng) -> Names {
        let mut symbols = SYMBOLS.to_vec();
        let mut letters = LETTERS.to_vec();
        let mut uppers = UPPERS.to_vec();
        rng.shuffle(&mut symbols);
        rng.shuffle(&mut letters);
        rng.shuffle(&mut uppers);
        Names {
            symbols,
            letters,
            uppers,
            drawn: Vec::new(),
        }
    }
    fn symbol(&mut self) -> &'static str {
        let name = self.symbols.pop().expect("enough symbol names");
        self.drawn.push(name);
        name
    }
    fn letter(&mut self) -> &'static str {
        let name = self.letters.pop().expect("enough index letters");
        self.drawn.push(name);
        name
    }
    fn upper(&mut self) -> &'static str {
        let name = self.uppers.pop().expect("enough range names");
        self.drawn.push(name);
        name
    }
}

/// An indexed quantity the loss may use: its name and what is known about its sign.
#[derive(Clone, Debug)]
struct Atom {
    name: String,
    /// Strictly positive on the declared domain.
    positive: bool,
    /// In the open interval (0, 1).
    unit: bool,
}

impl Atom {
    fn at(&self, letter: &str) -> String {
        format!("{}_{}", self.name, letter)
    }
}

/// A generated expression and whether it is strictly positive on the domain.
struct Term {
    text: String,
    positive: bool,
}

/// A positive constant: a small rational, one with a long expansion, or the size of the main
/// range (`K`, `1/K`).
fn constant(rng: &mut Rng, upper: &str) -> Term {
    let text = match rng.below(10) {
        0 => upper.to_string(),
        1 => format!("1/{upper}"),
        // Long expansions: their powers overflow i128; the last one is huge (tiny inverted).
        2 if avoided(Construct::HugeRationals) => "5/4".to_string(),
        2 if avoided(Construct::TinyValues) => rng
            .pick(&["1.000000002", "123456789/1000000007"])
            .to_string(),
        2 => rng
            .pick(&["1.000000002", "123456789/1000000007", "99999999977/3"])
            .to_string(),
        _ => rng
            .pick(&["2", "3", "1/2", "3/2", "1/3", "5/4", "0.25"])
            .to_string(),
    };
    Term {
        text,
        positive: true,
    }
}

/// A scale for the whole loss: tiny or huge values are where an absolute tolerance or an f64
/// evaluation breaks. The first ones are tiny.
const SCALES: &[&str] = &[
    "exp(-30)",
    "0.000000000001",
    "1/1000000007",
    "exp(40)",
    "1000000000000",
    "1.000000002",
];

fn scale(rng: &mut Rng) -> &'static str {
    let scales: &[&'static str] = if avoided(Construct::TinyValues) {
        &SCALES[3..]
    } else {
        SCALES
    };
    scales[rng.below(scales.len())]
}

/// The context of a random expression: the atoms over the main range, the scalar atoms, the
/// fixed class (if any) and the letter a sum binds.
struct Ctx<'a> {
    atoms: &'a [Atom],
    scalars: &'a [Atom],
    class: Option<&'a str>,
    bound: &'a str,
    upper: &'a str,
}

fn leaf(rng: &mut Rng, ctx: &Ctx, letter: Option<&str>) -> Term {
    match rng.below(4) {
        0 => constant(rng, ctx.upper),
        1 if !ctx.scalars.is_empty() => {
            let a = rng.pick(ctx.scalars);
            Term {
                text: a.name.clone(),
                positive: a.positive,
            }
        }
        2 if letter.is_some() || ctx.class.is_some() => {
            let a = rng.pick(ctx.atoms);
            let l = letter.or(ctx.class).expect("a letter");
            Term {
                text: a.at(l),
                positive: a.positive,
            }
        }
        _ => {
            let a = rng.pick(ctx.atoms);
            match letter.or(ctx.class) {
                Some(l) => Term {
                    text: a.at(l),
                    positive: a.positive,
                },
                None => Term {
                    text: format!("(sum_{b} {})", a.at(ctx.bound), b = ctx.bound),
                    positive: a.positive,
                },
            }
        }
    }
}

/// A random expression of depth at most `depth`; `letter` is the bound letter in scope, if any.
fn tree(rng: &mut Rng, ctx: &Ctx, depth: usize, letter: Option<&str>) -> Term {
    if depth == 0 {
        return leaf(rng, ctx, letter);
    }
    match rng.below(9) {
        0 if letter.is_none() => {
            let body = tree(rng, ctx, depth - 1, Some(ctx.bound));
            Term {
                text: format!("(sum_{b} ({}))", body.text, b = ctx.bound),
                positive: body.positive,
            }
        }
        1 => {
            let a = tree(rng, ctx, depth - 1, letter);
            if a.positive {
                Term {
                    text: format!("log({})", a.text),
                    positive: false,
                }
            } else {
                Term {
                    text: format!("exp({})", a.text),
                    positive: true,
                }
            }
        }
        2 => {
            let a = tree(rng, ctx, depth - 1, letter);
            let n = *rng.pick(&["2", "3", "-1", "1/2", "-2"]);
            let integer = !n.contains('/');
            if integer && !n.starts_with('-') {
                Term {
                    text: format!("({})^{n}", a.text),
                    positive: a.positive,
                }
            } else if a.positive {
                Term {
                    text: format!("({})^({n})", a.text),
                    positive: true,
                }
            } else {
                Term {
                    text: format!("({})^2", a.text),
                    positive: false,
                }
            }
        }
        3 => {
            let a = tree(rng, ctx, depth - 1, letter);
            let b = tree(rng, ctx, depth - 1, letter);
            if b.positive {
                Term {
                    text: format!("({}) / ({})", a.text, b.text),
                    positive: a.positive,
                }
            } else {
                Term {
                    text: format!("({}) * ({})", a.text, b.text),
                    positive: a.positive && b.positive,
                }
            }
        }
        4 => {
            let a = tree(rng, ctx, depth - 1, letter);
            let b = tree(rng, ctx, depth - 1, letter);
            Term {
                text: format!("{} - ({})", a.text, b.text),
                positive: false,
            }
        }
        5 => {
            let a = tree(rng, ctx, depth - 1, letter);
            if a.positive {
                Term {
                    text: format!("sqrt({})", a.text),
                    positive: true,
                }
            } else {
                Term {
                    text: format!("1/(1 + exp(-({})))", a.text),
                    positive: true,
                }
            }
        }
        8 => piecewise(rng, ctx, depth, letter),
        _ => {
            let a = tree(rng, ctx, depth - 1, letter);
            let b = tree(rng, ctx, depth - 1, letter);
            Term {
                text: format!("{} + {}", a.text, b.text),
                positive: a.positive && b.positive,
            }
        }
    }
}

/// A piecewise function of random subtrees (issue #21): `relu`, `abs`, `max`, `min`,
/// `clamp` or `if`, or an Iverson bracket times a subtree. The oracle evaluates them away from
/// their kinks and declines on one.
fn piecewise(rng: &mut Rng, ctx: &Ctx, depth: usize, letter: Option<&str>) -> Term {
    let a = tree(rng, ctx, depth - 1, letter);
    let b = tree(rng, ctx, depth - 1, letter);
    let (text, positive) = match rng.below(7) {
        0 => (format!("relu({})", a.text), false),
        1 => (format!("abs({})", a.text), false),
        2 => (
            format!("max({}, {})", a.text, b.text),
            a.positive && b.positive,
        ),
        3 => (
            format!("min({}, {})", a.text, b.text),
            a.positive && b.positive,
        ),
        4 => (format!("clamp({}, -1, 2)", a.text), false),
        5 => (
            format!("if({} > {}, {}, {})", a.text, b.text, b.text, a.text),
            a.positive && b.positive,
        ),
        _ => (format!("[{} <= 1/2]*({})", a.text, b.text), false),
    };
    Term { text, positive }
}

/// One random derivation file from `seed`.
pub fn generate(seed: u64) -> Case {
    generate_named(seed, None)
}

/// The case of `seed` with its names drawn from `names_seed` instead (the same derivation under
/// other names), or its own names for `None`.
pub fn generate_named(seed: u64, names_seed: Option<u64>) -> Case {
    let mut rng = Rng::new(seed);
    let mut n = Names::draw(&mut rng);
    if let Some(other) = names_seed {
        n = Names::draw(&mut Rng::new(other));
    }
    let mut lines: Vec<String> = vec![format!("title \"differential case {seed}\"")];
    let mut vars: Vec<String> = Vec::new();
    let mut defs: Vec<String> = Vec::new();

    // Ranges: the main one with a bound letter, the goal's letter and the softmax letter; a
    // fixed class; maybe a second range.
    let upper = n.upper();
    let (j, k, m) = (n.letter(), n.letter(), n.letter());
    lines.push(format!("index {j}, {k}, {m} in 1..{upper}"));
    let class = rng.chance(0.6).then(|| n.letter());
    if let Some(y) = class {
        lines.push(format!("index {y} in 1..{upper}"));
    }
    let second = rng.chance(0.3).then(|| (n.upper(), n.letter(), n.letter()));
    if let Some((u2, a, e)) = second {
        lines.push(format!("index {a}, {e} in 1..{u2}"));
    }

    // The score variable and the goal's variable.
    let s = n.symbol();
    let s_kind = *rng.pick(&["real", "real", "real", "positive", "unit"]);
    let mut scalars: Vec<Atom> = Vec::new();
    let mut wrt = format!("{s}_{k}");
    let score: Atom; // the score layer, indexed over the main range
    let mut score_let: Option<String> = None;
    match rng.below(6) {
        0 | 1 => {
            vars.push(format!("var {s}_{j} {s_kind}"));
            score = Atom {
                name: s.to_string(),
                positive: s_kind != "real",
                unit: s_kind == "unit",
            };
        }
        2 => {
            let t = n.symbol();
            vars.push(format!("var {s}_{j} {s_kind}"));
            vars.push(format!("var {t} positive"));
            let z = n.symbol();
            defs.push(format!("let {z}_{j} = {s}_{j} / {t}"));
            if rng.chance(0.3) {
                wrt = t.to_string();
            }
            scalars.push(Atom {
                name: t.to_string(),
                positive: true,
                unit: false,
            });
            score = Atom {
                name: z.to_string(),
                positive: s_kind != "real",
                unit: false,
            };
            score_let = Some(z.to_string());
        }
        3 => {
            vars.push(format!("var {s}_{j} {s_kind}"));
            let z = n.symbol();
            let a = *rng.pick(&["2", "-1", "1/2", "3/2", "-3"]);
            let b = *rng.pick(&["1", "-2", "1/3"]);
            defs.push(format!("let {z}_{j} = {a}*{s}_{j} + {b}"));
            score = Atom {
                name: z.to_string(),
                positive: false,
                unit: false,
            };
            score_let = Some(z.to_string());
        }
        4 if second.is_some() => {
            let (_, a, e) = second.expect("a second range");
            let x = n.symbol();
            vars.push(format!("var {s}_{{{j},{a}}} real"));
            vars.push(format!("var {x}_{a} {s_kind}"));
            let z = n.symbol();
            defs.push(format!("let {z}_{j} = sum_{a} {s}_{{{j},{a}}} * {x}_{a}"));
            wrt = if rng.chance(0.5) {
                format!("{s}_{{{k},{e}}}")
            } else {
                format!("{x}_{e}")
            };
            score = Atom {
                name: z.to_string(),
                positive: false,
                unit: false,
            };
            score_let = Some(z.to_string());
        }
        _ => {
            vars.push(format!("var {s}_{j} positive"));
            let z = n.symbol();
            if rng.chance(0.5) {
                defs.push(format!("let {z}_{j} = log({s}_{j})"));
            } else {
                defs.push(format!("let {z}_{j} = {s}_{j}^2"));
            }
            score = Atom {
                name: z.to_string(),
                positive: false,
                unit: false,
            };
            score_let = Some(z.to_string());
        }
    }

    // The activation.
    let p = n.symbol();
    let activation: Option<Atom> = match rng.below(5) {
        0 | 1 => {
            defs.push(format!(
                "let {p}_{j} = exp({z}_{j}) / sum_{m} exp({z}_{m})",
                z = score.name
            ));
            Some(Atom {
                name: p.to_string(),
                positive: true,
                unit: true,
            })
        }
        2 => {
            defs.push(format!(
                "let {p}_{j} = 1 / (1 + exp(-{z}_{j}))",
                z = score.name
            ));
            Some(Atom {
                name: p.to_string(),
                positive: true,
                unit: true,
            })
        }
        3 if score.positive => {
            defs.push(format!(
                "let {p}_{j} = {z}_{j} / sum_{m} {z}_{m}",
                z = score.name
            ));
            Some(Atom {
                name: p.to_string(),
                positive: true,
                unit: true,
            })
        }
        _ => None,
    };

    // The target.
    let t = n.symbol();
    let t_kind = *rng.pick(&["distribution", "onehot", "unit", "positive", "real"]);
    let target = Atom {
        name: t.to_string(),
        positive: matches!(t_kind, "distribution" | "unit" | "positive"),
        unit: t_kind == "unit",
    };
    let mut uses_target = false;

    // The loss.
    let l = n.symbol();
    let loss = |rng: &mut Rng, uses_target: &mut bool| -> String {
        let pa = activation.as_ref();
        let options: Vec<&str> = {
            let mut o = vec!["tree", "tree"];
            if pa.is_some() {
                o.extend(["ce", "se"]);
                if class.is_some() {
                    o.extend(["nll", "focal"]);
                }
                if target.positive {
                    o.push("kl");
                }
                if target.unit && pa.is_some_and(|a| a.unit) {
                    o.push("bce");
                }
            } else if class.is_some() {
                o.push("lse");
            }
            o
        };
        match *rng.pick(&options) {
            "ce" if t_kind != "real" => {
                *uses_target = true;
                let p = pa.expect("an activation");
                format!("-sum_{j} {} * log({})", target.at(j), p.at(j))
            }
            "se" => {
                *uses_target = true;
                let p = pa.expect("an activation");
                format!("1/2 * sum_{j} ({} - {})^2", p.at(j), target.at(j))
            }
            "nll" => format!(
                "-log({})",
                pa.expect("an activation").at(class.expect("a class"))
            ),
            "focal" => {
                let p = pa.expect("an activation").at(class.expect("a class"));
                format!("-(1 - {p})^2 * log({p})")
            }
            "kl" => {
                *uses_target = true;
                let p = pa.expect("an activation");
                format!("sum_{j} {t} * log({t} / {})", p.at(j), t = target.at(j))
            }
            "bce" => {
                *uses_target = true;
                let p = pa.expect("an activation");
                format!(
                    "-sum_{j} ({t}*log({p}) + (1 - {t})*log(1 - {p}))",
                    t = target.at(j),
                    p = p.at(j)
                )
            }
            "lse" => format!(
                "log(sum_{m} exp({})) - {}",
                score.at(m),
                score.at(class.expect("a class"))
            ),
            _ => {
                let mut atoms = vec![score.clone()];
                atoms.extend(pa.cloned());
                if rng.chance(0.5) {
                    atoms.push(target.clone());
                    *uses_target = true;
                }
                let ctx = Ctx {
                    atoms: &atoms,
                    scalars: &scalars,
                    class,
                    bound: j,
                    upper,
                };
                let depth = 1 + rng.below(3);
                let mut text = tree(rng, &ctx, depth, None).text;
                // The loss must see the main range: wrap a bare class expression in a sum.
                if !text.contains("sum_") && class.is_none() {
                    text = format!("sum_{j} ({})", score.at(j)) + " * (" + &text + ")";
                }
                text
            }
        }
    };
    let mut body = loss(&mut rng, &mut uses_target);
    if rng.chance(0.2) {
        let w = constant(&mut rng, upper).text;
        body = format!("{body} + {w}*({})", loss(&mut rng, &mut uses_target));
    }
    if rng.chance(0.25) {
        body = format!("{} * ({body})", scale(&mut rng));
    }
    if uses_target {
        vars.push(format!("var {t}_{j} {t_kind}"));
    }
    defs.push(format!("let {l} = {body}"));

    // The goal, with a random `via`.
    let mut via: Vec<String> = Vec::new();
    if let Some(a) = &activation {
        via.push(a.at(j));
    }
    if let Some(z) = &score_let {
        via.push(format!("{z}_{j}"));
    }
    let via = if !via.is_empty() && rng.chance(0.6) {
        format!(" via {}", rng.pick(&via))
    } else {
        String::new()
    };
    lines.extend(vars);
    lines.extend(defs);
    lines.push(format!("derive d({l})/d({wrt}){via}"));
    let mut text = lines.join("\n");
    text.push('\n');
    Case {
        text,
        seed,
        names: n.drawn,
    }
}
