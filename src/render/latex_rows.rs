//! Laying out a long right side over `align*` rows: the printer's own breaks, then breaks
//! before the `+`/`-` of a sum (with fixed-size delimiters where the sum sits inside
//! `\left( .. \right)`), then a too-wide fraction opened into `\frac{1}{DEN}` times its numerator.

/// The most visible characters (see [`visible_len`]) of a row before it is split further
/// (about 400pt of the page's 500pt, leaving room for the left side).
pub(super) const ROW_WIDTH: usize = 100;

/// The characters of `latex` a reader sees, roughly: commands and braces do not count.
pub(super) fn visible_len(latex: &str) -> usize {
    let mut n = 0;
    let mut chars = latex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut word = false;
                while chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    chars.next();
                    word = true;
                }
                if !word {
                    chars.next();
                    n += 1;
                }
            }
            '{' | '}' => {}
            _ => n += 1,
        }
    }
    n
}

/// A right side the printer broke over several source lines (before top-level `+`/`-`), as
/// `align*` continuation rows; pieces whose braces or `\left`/`\right` do not balance are joined
/// back, so that no group is split across rows.
pub(super) fn break_rows(latex: &str) -> String {
    join_rows(&row_pieces(latex))
}

/// The rows of a right side the printer broke over several source lines, each balanced; a row
/// still too long is split further by [`split_long`].
pub(super) fn row_pieces(latex: &str) -> Vec<String> {
    printer_rows(latex)
        .into_iter()
        .flat_map(|row| split_long(&row))
        .collect()
}

/// The rows of a right side as the printer broke it, pieces joined back until balanced.
pub(super) fn printer_rows(latex: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    for part in latex.lines().map(str::trim).filter(|p| !p.is_empty()) {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(part);
        if balanced(&current) {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// A row too long for the page ([`ROW_WIDTH`] visible characters) split before the `+`/`-` of
/// its shallowest sum. A break inside `\left( .. \right)` is illegal, so the groups open at the
/// breaks get fixed-size delimiters instead (`\bigl(` .. `\bigr)`, larger for taller content and
/// for an outer group), which may sit on different rows. Rows still too long are split again; a
/// row without such a sum stays as it is.
pub(super) fn split_long(row: &str) -> Vec<String> {
    if visible_len(row) <= ROW_WIDTH {
        return vec![row.to_string()];
    }
    let scan = scan_row(row);
    let Some(depth) = scan.breaks.iter().map(|(_, open)| open.len()).min() else {
        return split_fraction(row);
    };
    // The breaks in one group: the first at the shallowest depth and those sharing its groups.
    let Some(chain) = scan
        .breaks
        .iter()
        .find(|(_, open)| open.len() == depth)
        .map(|(_, open)| open.clone())
    else {
        return vec![row.to_string()];
    };
    let at: Vec<usize> = scan
        .breaks
        .iter()
        .filter(|(_, open)| *open == chain)
        .map(|(i, _)| *i)
        .collect();
    // Each group on the chain gets a size: its content's, and above the group inside it.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut inner = 0;
    for &g in chain.iter().rev() {
        let (open, close) = scan.groups[g];
        let content = &row[open..close];
        let own = if content.contains("\\sum") {
            3
        } else if content.contains("\\dfrac") {
            2
        } else {
            1
        };
        let level = own.max(inner + 1).min(4);
        inner = level;
        let size = ["big", "Big", "bigg", "Bigg"][level - 1];
        edits.push((open, "\\left".len(), format!("\\{size}l")));
        edits.push((close, "\\right".len(), format!("\\{size}r")));
    }
    edits.extend(at.iter().map(|&i| (i, 1, String::from("\n"))));
    edits.sort_by_key(|(i, _, _)| *i);
    let mut out = String::with_capacity(row.len() + 16);
    let mut from = 0;
    for (i, len, text) in edits {
        out.push_str(&row[from..i]);
        out.push_str(&text);
        from = i + len;
    }
    out.push_str(&row[from..]);
    out.lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .flat_map(split_long)
        .collect()
}

/// A row with no `+`/`-` to break at that is still too wide, its fractions as wide as their
/// wider part: its widest fraction (outside braces) whose numerator is a sum is written as
/// `\frac{1}{DEN}\left(NUM\right)` (without the parentheses when the numerator's sums all sit in
/// groups of their own), so that [`split_long`] can break the numerator over rows; the row stays
/// as it is when no fraction can be opened so.
pub(super) fn split_fraction(row: &str) -> Vec<String> {
    if display_len(row) <= ROW_WIDTH {
        return vec![row.to_string()];
    }
    match open_fraction(row) {
        Some(opened) => split_long(&opened),
        None => vec![row.to_string()],
    }
}

/// `row` with its widest fraction outside braces whose numerator is a sum written as a product
/// `\frac{1}{DEN}` times the numerator; `None` when it has no such fraction.
pub(super) fn open_fraction(row: &str) -> Option<String> {
    let bytes = row.as_bytes();
    // The widest fraction: its start, its end, its numerator and denominator, its width.
    let mut best: Option<(usize, usize, &str, &str, usize)> = None;
    let mut braces: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let name = &row[start + 1..i];
                if name.is_empty() {
                    i += 1;
                    continue;
                }
                if braces != 0 || !matches!(name, "dfrac" | "frac") {
                    continue;
                }
                let Some(num_end) = group_end(row, i) else {
                    continue;
                };
                let Some(den_end) = group_end(row, num_end) else {
                    continue;
                };
                let num = &row[i + 1..num_end - 1];
                let den = &row[num_end + 1..den_end - 1];
                if scan_row(num).breaks.is_empty() {
                    continue;
                }
                let width = display_len(num).max(display_len(den));
                if best.is_none_or(|b| width > b.4) {
                    best = Some((start, den_end, num, den, width));
                }
                continue;
            }
            b'{' => braces += 1,
            b'}' => braces -= 1,
            _ => {}
        }
        i += 1;
    }
    let (start, end, num, den, _) = best?;
    let outside = scan_row(num).breaks.iter().any(|(_, open)| open.is_empty());
    let product = if outside {
        format!("\\frac{{1}}{{{den}}}\\left({num}\\right)")
    } else {
        format!("\\frac{{1}}{{{den}}} {num}")
    };
    Some(format!("{}{product}{}", &row[..start], &row[end..]))
}

/// The byte offset just after the `}` closing the brace group that opens at `open`, if a group
/// opens there and closes.
pub(super) fn group_end(latex: &str, open: usize) -> Option<usize> {
    let bytes = latex.as_bytes();
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let mut depth = 0;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Like [`visible_len`], but a fraction counts as wide as the wider of its numerator and
/// denominator, as it is set.
pub(super) fn display_len(latex: &str) -> usize {
    let bytes = latex.as_bytes();
    let mut n = 0;
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        if !matches!(&latex[start + 1..i], "dfrac" | "frac") {
            if i == start + 1 {
                i += 1;
            }
            continue;
        }
        let Some(num_end) = group_end(latex, i) else {
            continue;
        };
        let Some(den_end) = group_end(latex, num_end) else {
            continue;
        };
        n += visible_len(&latex[from..start]);
        n += display_len(&latex[i + 1..num_end - 1])
            .max(display_len(&latex[num_end + 1..den_end - 1]));
        from = den_end;
        i = den_end;
    }
    n + visible_len(&latex[from..])
}

/// What [`split_long`] needs to know of a row.
pub(super) struct RowScan {
    /// The `\left`..`\right` groups: the byte offsets of their `\left` and their `\right`.
    groups: Vec<(usize, usize)>,
    /// The spaces before a binary `+`/`-` outside braces, each with the groups open there
    /// (outermost first).
    breaks: Vec<(usize, Vec<usize>)>,
}

/// Scans a row for its `\left`/`\right` groups and the places it may break.
pub(super) fn scan_row(row: &str) -> RowScan {
    let bytes = row.as_bytes();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut breaks = Vec::new();
    let mut braces: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                match &row[start + 1..i] {
                    // An escaped character (`\{`) is no brace.
                    "" => i += 1,
                    "left" => {
                        open.push(groups.len());
                        groups.push((start, start));
                    }
                    "right" => {
                        if let Some(g) = open.pop() {
                            groups[g].1 = start;
                        }
                    }
                    _ => {}
                }
                continue;
            }
            b'{' => braces += 1,
            b'}' => braces -= 1,
            b' ' if braces == 0
                && matches!(bytes.get(i + 1), Some(b'+' | b'-'))
                && bytes.get(i + 2) == Some(&b' ') =>
            {
                breaks.push((i, open.clone()));
            }
            _ => {}
        }
        i += 1;
    }
    // A group never closed (not balanced LaTeX) is never made fixed-size.
    breaks.retain(|(_, at)| at.iter().all(|&g| groups[g].1 > groups[g].0));
    RowScan { groups, breaks }
}

/// Rows as `align*` continuation rows.
pub(super) fn join_rows(pieces: &[String]) -> String {
    let mut out = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        if i == 0 {
            out.push_str(piece);
        } else {
            out.push_str(&format!(" \\\\\n&\\quad {{}}{piece}"));
        }
    }
    out
}

/// True when `latex` has as many `{` as `}` and as many `\left` as `\right`, never closing more
/// than it opened.
pub(super) fn balanced(latex: &str) -> bool {
    let mut depth: i64 = 0;
    for c in latex.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0 && latex.matches("\\left").count() == latex.matches("\\right").count()
}
