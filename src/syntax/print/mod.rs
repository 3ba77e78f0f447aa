//! Printing in the input syntax (it parses back to the same tree), and the reading of the
//! semi-canonical tree that every printer shares (`layout`): `a + (-1)*b` prints as `a - b`, a
//! product's negative coefficient as a leading minus, factors `b^(-n)` as a denominator, and each
//! bound index gets its user's letter unless that letter would capture or confuse.

pub mod input;
pub(crate) mod layout;

pub use input::{to_input, to_input_with};

/// How LaTeX fractions are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FracStyle {
    /// `\dfrac{a}{b}`: display-size fractions, as in the blog post.
    #[default]
    Dfrac,
    /// `\frac{a}{b}`.
    Frac,
}

/// Options shared by the printers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintOptions {
    /// Candidate names, in preference order, for a bound index whose own letter is taken (by a free
    /// index of the expression, an enclosing bound index or [`PrintOptions::reserved_indices`]).
    pub index_names: Vec<String>,
    /// Index letters with the upper ends of their ranges. A bound index over a range some letter
    /// here runs over is only ever named with a letter of that range (or a numbered copy of one,
    /// `j1`), never with the letter of another range.
    pub index_ranges: Vec<(String, String)>,
    /// Extra names a bound index must not take, such as the free indices of the other side of an
    /// equation that is printed piecewise.
    pub reserved_indices: Vec<String>,
    /// How LaTeX fractions are written (exponents always use `\frac`).
    pub frac: FracStyle,
    /// The line width the text and LaTeX layouts try to stay within, breaking long sums at `+`/`-`.
    pub width: usize,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            index_names: Vec::new(),
            index_ranges: Vec::new(),
            reserved_indices: Vec::new(),
            frac: FracStyle::Dfrac,
            width: 80,
        }
    }
}
