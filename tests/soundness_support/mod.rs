//! Text transforms for the soundness harness's extreme paths: the same generated expression
//! with extreme numbers in place of its literals, or with an undefined subterm; and the harness
//! itself (`harness.rs`).

pub mod harness;

/// Numbers that exact arithmetic must survive: huge and tiny, at and beyond the limits of the
/// old i128 rationals (2^127 - 1, -2^127, 2^128), and zero.
pub const EXTREMES: [&str; 8] = [
    "10^40",
    "10^(-40)",
    "170141183460469231731687303715884105727",
    "(-170141183460469231731687303715884105727 - 1)",
    "2^128",
    "1/(2^127 + 1)",
    "0",
    "(3/7)^60",
];

/// The byte ranges of the number literals of `text` that are not exponents (an exponent scaled
/// to 10^40 only makes every value overflow) nor parts of names.
pub fn number_literals(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let before = text[..start].trim_end_matches(['(', '-', ' ']);
        if !before.ends_with('^') {
            out.push((start, i));
        }
    }
    out
}

/// `text` with each number literal (outside exponents) multiplied by an extreme number.
pub fn extremize(text: &str, below: &mut dyn FnMut(usize) -> usize) -> String {
    let mut out = text.to_string();
    for (start, end) in number_literals(text).into_iter().rev() {
        let factor = EXTREMES[below(EXTREMES.len())];
        out.replace_range(start..end, &format!("({}*{factor})", &text[start..end]));
    }
    out
}

/// `text` with one number literal (outside exponents), or else the whole text, plus the
/// undefined `0*(a - a)^(-1)` (a division by zero that is not a literal one).
pub fn with_undefined(text: &str, below: &mut dyn FnMut(usize) -> usize) -> String {
    const UNDEFINED: &str = "0*(a - a)^(-1)";
    let literals = number_literals(text);
    if literals.is_empty() {
        return format!("({text}) + {UNDEFINED}");
    }
    let (start, end) = literals[below(literals.len())];
    let mut out = text.to_string();
    out.replace_range(
        start..end,
        &format!("({} + {UNDEFINED})", &text[start..end]),
    );
    out
}

/// Exponents at and beyond the limits of the old i128 rationals (2^127 - 1, 2^127, 2^128) and
/// an ordinary one, as text.
pub const BIG_EXPONENTS: [&str; 5] = [
    "170141183460469231731687303715884105727",
    "170141183460469231731687303715884105728",
    "340282366920938463463374607431768211456",
    "(2^127 + 1)",
    "3",
];
