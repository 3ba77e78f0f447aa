//! Seeded random instances that respect the declared kinds.
//!
//! The checker evaluates every line of a derivation at concrete [`Instance`]s: a size for every
//! range upper end (`K`) and a value for every entry of every declared variable. Instances are
//! drawn from a `u64` seed with a small built-in generator ([`SplitMix64`]), so a counterexample
//! is reproduced exactly by [`draw`] from the sizes, seed and [`Regime`] it reports.
//!
//! How each [`Kind`] is sampled, per regime:
//!
//! | kind           | `Ordinary`                | `Extreme`                               | `Peaked`                              |
//! |----------------|---------------------------|-----------------------------------------|---------------------------------------|
//! | `real`         | N(0, σ = 2)               | ±E or uniform in (−E, E)                | N(0, 2), one random entry ±E          |
//! | `positive`     | exp(N(0, 1))              | exp(uniform(−8, 8))                     | exp(N(0, 1))                          |
//! | `unit`         | uniform (0, 1)            | within 1e-3..1e-8 of 0 or of 1          | uniform (0, 1)                        |
//! | `distribution` | Dirichlet(1)              | near one-hot: others ≈ 1e-8 · Exp(1)    | 0.9 on one class + 0.1 · Dirichlet(1) |
//! | `onehot`       | exact one-hot, random class, in every regime                                                        |
//!
//! `E` is [`SampleOptions::extreme`] (50 by default). A `distribution` entry is never exactly
//! zero: the kind promises positive entries, and the rules may cancel `q_j / q_j` because of it,
//! so an exact zero would turn a correct step into a division by zero. Exact one-hot targets are
//! the `onehot` kind's job. A variable with several indices is a distribution over its *last*
//! index, for every value of the others. A plain (unindexed) `distribution` or `onehot` is `1`.

use crate::syntax::problem::{Kind, Problem};
use serde::Serialize;
use std::collections::BTreeMap;

/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// Statistically adequate for drawing test instances, and its whole state is one `u64`, so a
/// seed reproduces a draw on every platform.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform draw from the open interval (0, 1): never exactly 0 or 1.
    pub fn open01(&mut self) -> f64 {
        // 53 random bits, shifted by half a unit so that neither end is reachable.
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A uniform draw from the open interval (`lo`, `hi`).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.open01()
    }

    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.open01(), self.open01());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// A draw from the exponential distribution with rate 1.
    pub fn exponential(&mut self) -> f64 {
        -self.open01().ln()
    }

    /// A uniform integer in `0..n` (`0` when `n` is `0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }
}

/// Which part of the input space an instance explores (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Regime {
    /// Typical values: moderate logits, soft targets.
    Ordinary,
    /// Large magnitudes: logits up to ±E, near-one-hot targets, unit values near 0 and 1.
    Extreme,
    /// A confident model: one logit at ±E among ordinary ones, a peaked soft target.
    Peaked,
}

impl Regime {
    /// The regimes in the order [`instances`] cycles through them.
    pub const ALL: [Regime; 3] = [Regime::Ordinary, Regime::Extreme, Regime::Peaked];
}

/// The values of one variable at every index tuple.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VarValues {
    /// The range size of each index position (empty for a plain variable).
    pub shape: Vec<usize>,
    /// The entries in row-major order (the last index varies fastest).
    pub data: Vec<f64>,
}

impl VarValues {
    /// The position in `data` of the 1-based index tuple `idx`, if it is in range.
    fn offset(&self, idx: &[usize]) -> Option<usize> {
        if idx.len() != self.shape.len() {
            return None;
        }
        idx.iter()
            .zip(&self.shape)
            .try_fold(0usize, |acc, (&i, &n)| {
                (1..=n).contains(&i).then(|| acc * n + (i - 1))
            })
    }

    /// The entry at the 1-based index tuple `idx`, if it is in range.
    pub fn get(&self, idx: &[usize]) -> Option<f64> {
        self.offset(idx).and_then(|o| self.data.get(o).copied())
    }

    /// Sets the entry at the 1-based index tuple `idx`; false when it is out of range.
    pub fn set(&mut self, idx: &[usize], value: f64) -> bool {
        match self.offset(idx).and_then(|o| self.data.get_mut(o)) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }
}

/// One concrete instance of a problem: sizes and the value of every variable entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instance {
    /// The size of each range upper end (`K` → 12).
    pub sizes: BTreeMap<String, usize>,
    /// The seed this instance was drawn from.
    pub seed: u64,
    /// The regime it was drawn in.
    pub regime: Regime,
    /// The magnitude used for extreme values.
    pub extreme: f64,
    /// Every declared variable's values, by name.
    pub values: BTreeMap<String, VarValues>,
}

impl Instance {
    /// The size of the range with upper end `upper`.
    pub fn size(&self, upper: &str) -> Option<usize> {
        self.sizes.get(upper).copied()
    }

    /// The value of variable `name` at the 1-based index tuple `idx`.
    pub fn value(&self, name: &str, idx: &[usize]) -> Option<f64> {
        self.values.get(name).and_then(|v| v.get(idx))
    }
}

/// Why no instance could be drawn.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum SampleError {
    /// A variable is indexed by a letter with no `index` declaration.
    #[error("variable `{var}` is indexed by `{index}`, which has no `index` declaration")]
    UndeclaredIndex {
        /// The variable.
        var: String,
        /// The undeclared index letter.
        index: String,
    },
    /// A range upper end has no size in the requested sizes.
    #[error("no size given for the range upper end `{0}`")]
    NoSize(String),
    /// No sizes were requested.
    #[error("no range sizes to sample")]
    NoSizes,
}

/// How many instances [`instances`] draws and how.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SampleOptions {
    /// Fixed range sizes; every upper end is given each of them in turn (with several upper
    /// ends, in different orders).
    pub sizes: Vec<usize>,
    /// How many more instances get seeded random sizes: each upper end its own size, drawn
    /// independently and uniformly from `2..=max_size`; they cycle through the regimes.
    pub random_sizes: usize,
    /// The largest random size.
    pub max_size: usize,
    /// Instances per size; they cycle through [`Regime::ALL`].
    pub per_size: usize,
    /// The magnitude of extreme values (`E` in the module table).
    pub extreme: f64,
}

impl Default for SampleOptions {
    /// Sizes 1, 2, 3 and 5 with three instances each (one per regime), then three instances of
    /// seeded random sizes in `2..=40`, each range its own, one per regime; extremes of ±50.
    fn default() -> Self {
        SampleOptions {
            sizes: vec![1, 2, 3, 5],
            random_sizes: 3,
            max_size: 40,
            per_size: 3,
            extreme: 50.0,
        }
    }
}

/// The distinct range upper ends of `problem`, in declaration order.
pub fn uppers(problem: &Problem) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for decl in &problem.indices {
        if !out.contains(&decl.upper) {
            out.push(decl.upper.clone());
        }
    }
    out
}

/// Draws instances reproducibly from `seed`: `opts.per_size` for each fixed size in
/// `opts.sizes`, then `opts.random_sizes` with random sizes.
///
/// With several range upper ends (`K`, `D`) the first gets the fixed size in turn and the others
/// the following sizes of the list, so that different ranges get different sizes; in a random
/// group each upper end draws its own size, independently of the others. The sizes come from
/// their own generator, so the instances' seeds do not depend on how many groups there are.
pub fn instances(
    problem: &Problem,
    seed: u64,
    opts: &SampleOptions,
) -> Result<Vec<Instance>, SampleError> {
    if opts.sizes.is_empty() && opts.random_sizes == 0 {
        return Err(SampleError::NoSizes);
    }
    let ups = uppers(problem);
    let mut master = SplitMix64::new(seed);
    let mut size_rng = SplitMix64::new(seed ^ 0x05EE_D0F5_12E5);
    let groups = opts.sizes.len() + opts.random_sizes;
    let mut out = Vec::with_capacity(groups * opts.per_size);
    for s in 0..groups {
        let sizes: BTreeMap<String, usize> = ups
            .iter()
            .enumerate()
            .map(|(u, name)| {
                let size = if s < opts.sizes.len() {
                    opts.sizes[(s + u) % opts.sizes.len()]
                } else {
                    2 + size_rng.below(opts.max_size.saturating_sub(1).max(1))
                };
                (name.clone(), size)
            })
            .collect();
        // A fixed size gets `per_size` instances; a random group one, the groups cycling through
        // the regimes (large sizes are the costly ones, and each group has sizes of its own).
        let (first, count) = if s < opts.sizes.len() {
            (0, opts.per_size)
        } else {
            (s - opts.sizes.len(), 1)
        };
        for i in first..first + count {
            let regime = Regime::ALL[i % Regime::ALL.len()];
            out.push(draw(
                problem,
                &sizes,
                master.next_u64(),
                regime,
                opts.extreme,
            )?);
        }
    }
    Ok(out)
}

/// Draws one instance: the values of every declared variable for the given range `sizes`.
pub fn draw(
    problem: &Problem,
    sizes: &BTreeMap<String, usize>,
    seed: u64,
    regime: Regime,
    extreme: f64,
) -> Result<Instance, SampleError> {
    let mut rng = SplitMix64::new(seed);
    let mut values = BTreeMap::new();
    for var in &problem.vars {
        let shape = var_shape(problem, &var.symbol.name, &var.symbol.indices, sizes)?;
        let data = draw_values(&mut rng, var.kind, &shape, regime, extreme);
        values.insert(var.symbol.name.to_string(), VarValues { shape, data });
    }
    Ok(Instance {
        sizes: sizes.clone(),
        seed,
        regime,
        extreme,
        values,
    })
}

/// The range size of each index position of a declared variable.
fn var_shape(
    problem: &Problem,
    var: &str,
    indices: &[crate::syntax::expr::Index],
    sizes: &BTreeMap<String, usize>,
) -> Result<Vec<usize>, SampleError> {
    indices
        .iter()
        .map(|i| {
            let letter = match i {
                crate::syntax::expr::Index::Free(name) => name.to_string(),
                crate::syntax::expr::Index::Bound(n) => format!("#{n}"),
            };
            let upper = problem
                .upper_of(&letter)
                .ok_or_else(|| SampleError::UndeclaredIndex {
                    var: var.to_string(),
                    index: letter.clone(),
                })?;
            sizes
                .get(upper)
                .copied()
                .ok_or_else(|| SampleError::NoSize(upper.to_string()))
        })
        .collect()
}

/// The entries of one variable, row-major; families are normalised over the last index.
fn draw_values(
    rng: &mut SplitMix64,
    kind: Kind,
    shape: &[usize],
    regime: Regime,
    extreme: f64,
) -> Vec<f64> {
    let row = shape.last().copied().unwrap_or(1);
    let rows: usize = shape[..shape.len().saturating_sub(1)].iter().product();
    (0..rows)
        .flat_map(|_| draw_row(rng, kind, row, regime, extreme))
        .collect()
}

/// One row (one value of the leading indices) of a variable.
fn draw_row(rng: &mut SplitMix64, kind: Kind, n: usize, regime: Regime, e: f64) -> Vec<f64> {
    match kind {
        Kind::Real => real_row(rng, n, regime, e),
        Kind::Positive => (0..n).map(|_| positive(rng, regime)).collect(),
        Kind::Unit => (0..n).map(|_| unit(rng, regime)).collect(),
        Kind::Distribution => distribution_row(rng, n, regime),
        Kind::Onehot => {
            let hot = rng.below(n);
            (0..n).map(|i| if i == hot { 1.0 } else { 0.0 }).collect()
        }
    }
}

/// Real values: ordinary normals, extremes up to `±e`, or ordinary with one entry at `±e`.
fn real_row(rng: &mut SplitMix64, n: usize, regime: Regime, e: f64) -> Vec<f64> {
    let sign = |rng: &mut SplitMix64| if rng.below(2) == 0 { 1.0 } else { -1.0 };
    match regime {
        Regime::Ordinary => (0..n).map(|_| 2.0 * rng.normal()).collect(),
        Regime::Extreme => (0..n)
            .map(|_| match rng.below(3) {
                0 => e,
                1 => -e,
                _ => rng.uniform(-e, e),
            })
            .collect(),
        Regime::Peaked => {
            let mut row: Vec<f64> = (0..n).map(|_| 2.0 * rng.normal()).collect();
            let at = rng.below(n);
            let s = sign(rng);
            if let Some(x) = row.get_mut(at) {
                *x = s * e;
            }
            row
        }
    }
}

/// A strictly positive value.
fn positive(rng: &mut SplitMix64, regime: Regime) -> f64 {
    match regime {
        Regime::Extreme => rng.uniform(-8.0, 8.0).exp(),
        _ => rng.normal().exp(),
    }
}

/// A value in the open interval (0, 1).
fn unit(rng: &mut SplitMix64, regime: Regime) -> f64 {
    match regime {
        Regime::Extreme => {
            let tiny = 10f64.powf(-rng.uniform(3.0, 8.0));
            if rng.below(2) == 0 {
                tiny
            } else {
                1.0 - tiny
            }
        }
        _ => rng.open01(),
    }
}

/// A point of the open simplex with `n` entries.
fn distribution_row(rng: &mut SplitMix64, n: usize, regime: Regime) -> Vec<f64> {
    let mut w: Vec<f64> = (0..n).map(|_| rng.exponential()).collect();
    let hot = rng.below(n);
    match regime {
        Regime::Ordinary => {}
        Regime::Extreme => {
            for (i, x) in w.iter_mut().enumerate() {
                *x = if i == hot { 1.0 } else { 1e-8 * *x };
            }
        }
        Regime::Peaked => {
            let total: f64 = w.iter().sum();
            for (i, x) in w.iter_mut().enumerate() {
                *x = 0.1 * *x / total + if i == hot { 0.9 } else { 0.0 };
            }
        }
    }
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}
