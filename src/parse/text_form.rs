//! Reading the text form back: the Unicode notation of [`crate::render::to_text`] rewritten into
//! the input syntax, so that a result copied from the terminal can be typed back (as `expect`,
//! say) and parsed by the ordinary grammar.
//!
//! | text form | input syntax |
//! |---|---|
//! | `−`, `·` | `-`, `*` |
//! | `q_j δ_jk`, `c(1 + x)`, `2 x` (juxtaposition) | `q_j*delta(j,k)`, `c*(1 + x)`, `2*x` |
//! | `c_kd`, `c_{k,d1}` (one-letter indices run together, else braces) | `c_{k,d}`, `c_{k,d1}` |
//! | `δ_jk`, `δ_{j1,k}` | `delta(j,k)`, `delta(j1,k)` |
//! | `Σ_j body`, `Σ_{j1} body` | `sum_j body`, `sum_j1 body` |
//! | `log p_j` (an open `log` of one symbol or number) | `log(p_j)` |
//! | `√p`, `√(x)` | `sqrt(p)`, `sqrt(x)` |
//! | `∂L/∂s_k`, `∂(F)/∂s_k` | `d(L)/d(s_k)`, `d(F)/d(s_k)` |
//!
//! The rewriting is textual and total: what it does not recognise is copied as it is, and the
//! grammar then reports it. The meaning is the text printer's, so for every expression `e`,
//! `parse_expr(&text_to_input(&to_text(e)))` is `e` up to the normal form (a tested law).

/// The functions of the input syntax: a name followed by `(` is a call, not a product.
const FUNCTIONS: [&str; 6] = ["exp", "log", "sqrt", "sigmoid", "tanh", "softplus"];

/// What the previous token was, to decide where juxtaposition means a product.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Nothing, an operator or an opening parenthesis: an operand may follow directly.
    Operator,
    /// The end of an operand (a symbol, a number, `)`): an operand after it is a factor.
    Operand,
    /// A function name: its `(` is the call's.
    Function,
}

/// Rewrites `text`, in the notation of the text printer, into the input syntax.
///
/// ```
/// use gradproof::parse::{parse_expr, text_to_input};
/// assert_eq!(text_to_input("exp(x)/(c(1 + exp(x)))"), "exp(x)/(c*(1 + exp(x)))");
/// assert_eq!(text_to_input("−Σ_j q_j log p_j"), "-sum_j q_j*log(p_j)");
/// assert_eq!(text_to_input("p_j(δ_jk − p_k)"), "p_j*(delta(j,k) - p_k)");
/// parse_expr(&text_to_input("∂L/∂s_k · c_kd")).unwrap();
/// ```
pub fn text_to_input(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut prev = Prev::Operator;
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        // An operand starting here after the end of another is a factor of the same product.
        if starts_operand(c) && prev == Prev::Operand {
            out.push('*');
        }
        match c {
            _ if c.is_whitespace() => {
                // One space, or none where the next operand is a factor (`*` goes there).
                at = (at..chars.len())
                    .find(|&k| !chars[k].is_whitespace())
                    .unwrap_or(chars.len());
                let factor_next = chars.get(at).is_some_and(|&n| starts_operand(n));
                let star_goes_here = prev == Prev::Operand && factor_next;
                if !(star_goes_here || out.is_empty() || out.ends_with(' ')) {
                    out.push(' ');
                }
                continue;
            }
            '−' => out.push('-'),
            '·' => out.push('*'),
            '(' if prev == Prev::Function => out.push('('),
            'Σ' => {
                let (names, next) = subscript(&chars, at + 1);
                // `Σ_{m=1..D}`: the range the text printer names when two ranges differ.
                let names: Vec<&str> = names
                    .iter()
                    .map(|n| {
                        n.split_once('=')
                            .map_or(n.as_str(), |(name, _)| name)
                            .trim()
                    })
                    .collect();
                out.push_str(&format!("sum_{} ", names.join(",")));
                at = next;
                prev = Prev::Operator;
                continue;
            }
            'δ' => {
                let (names, next) = subscript(&chars, at + 1);
                out.push_str(&format!("delta({})", names.join(",")));
                at = next;
                prev = Prev::Operand;
                continue;
            }
            '∂' => {
                out.push_str("d(");
                at = operand(&chars, at + 1, &mut out);
                out.push(')');
                prev = Prev::Operand;
                continue;
            }
            '√' => {
                out.push_str("sqrt");
                if chars.get(at + 1) != Some(&'(') {
                    out.push('(');
                    at = operand(&chars, at + 1, &mut out);
                    out.push(')');
                    prev = Prev::Operand;
                    continue;
                }
                prev = Prev::Function;
                at += 1;
                continue;
            }
            _ if c.is_ascii_alphanumeric() => {
                let (word, next) = word(&chars, at);
                if word == "log" && chars.get(next) == Some(&' ') {
                    // `log p_j`: an open log of the one operand that follows.
                    out.push_str("log(");
                    at = operand(&chars, next + 1, &mut out);
                    out.push(')');
                    prev = Prev::Operand;
                    continue;
                }
                if FUNCTIONS.contains(&word.as_str()) {
                    out.push_str(&word);
                    at = next;
                    prev = Prev::Function;
                    continue;
                }
                at = symbol_rest(&chars, at, &mut out);
                prev = Prev::Operand;
                continue;
            }
            ')' => {
                out.push(')');
                at += 1;
                prev = Prev::Operand;
                continue;
            }
            // An Iverson bracket `[u ≥ 0]` closes like a parenthesis.
            ']' => {
                out.push(']');
                at += 1;
                prev = Prev::Operand;
                continue;
            }
            '≥' => out.push_str(">="),
            '≤' => out.push_str("<="),
            other => out.push(other),
        }
        at += 1;
        prev = Prev::Operator;
    }
    out
}

/// Does an operand start with `c`?
fn starts_operand(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '(' | 'Σ' | 'δ' | '∂' | '√' | '[')
}

/// The run of ASCII letters, digits and `.` starting at `at`, and where it ends.
fn word(chars: &[char], at: usize) -> (String, usize) {
    let end = (at..chars.len())
        .find(|&k| !(chars[k].is_ascii_alphanumeric() || chars[k] == '.'))
        .unwrap_or(chars.len());
    (chars[at..end].iter().collect(), end)
}

/// The index names of a subscript starting at `at` (at its `_`): `_jk` (one letter each),
/// `_{j1,k}` (comma-separated); returns the names and where the subscript ends.
fn subscript(chars: &[char], at: usize) -> (Vec<String>, usize) {
    if chars.get(at) != Some(&'_') {
        return (Vec::new(), at);
    }
    if chars.get(at + 1) == Some(&'{') {
        let end = (at + 2..chars.len())
            .find(|&k| chars[k] == '}')
            .unwrap_or(chars.len());
        let inner: String = chars[at + 2..end].iter().collect();
        let names = inner.split(',').map(|n| n.trim().to_string()).collect();
        return (names, (end + 1).min(chars.len()));
    }
    let end = (at + 1..chars.len())
        .find(|&k| !chars[k].is_ascii_alphanumeric())
        .unwrap_or(chars.len());
    let names = chars[at + 1..end].iter().map(char::to_string).collect();
    (names, end)
}

/// Copies the symbol or number starting at `at` (its name, then any subscript, in the input
/// syntax) and returns where it ends.
fn symbol_rest(chars: &[char], at: usize, out: &mut String) -> usize {
    let (name, next) = word(chars, at);
    out.push_str(&name);
    let (names, end) = subscript(chars, next);
    match names.as_slice() {
        [] => {}
        [one] => out.push_str(&format!("_{one}")),
        many => out.push_str(&format!("_{{{}}}", many.join(","))),
    }
    end
}

/// Copies one operand starting at `at`: a parenthesised group (rewritten) or a symbol or
/// number, skipping spaces before it; for `∂X/∂Y` also the `/∂Y`. Returns where it ends.
fn operand(chars: &[char], mut at: usize, out: &mut String) -> usize {
    while chars.get(at).is_some_and(|c| *c == ' ') {
        at += 1;
    }
    let end = if chars.get(at) == Some(&'(') {
        let close = matching_close(chars, at);
        let inner: String = chars[at + 1..close].iter().collect();
        out.push_str(&text_to_input(&inner));
        (close + 1).min(chars.len())
    } else {
        symbol_rest(chars, at, out)
    };
    // The variable of a derivative: `∂F/∂x` continues with `/∂x`.
    if chars.get(end) == Some(&'/') && chars.get(end + 1) == Some(&'∂') {
        out.push_str(")/d(");
        let after = symbol_rest(chars, end + 2, out);
        return after;
    }
    end
}

/// The position of the `)` matching the `(` at `open`, or the end of the text.
fn matching_close(chars: &[char], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, c) in chars.iter().enumerate().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    chars.len()
}
