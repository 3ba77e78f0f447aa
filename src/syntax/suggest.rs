//! "Did you mean …?": the closest known name to a misspelt one.
//!
//! The known names always come from the table that defines them (the parser's function table
//! [`crate::syntax::expr::Func::from_name`], [`crate::syntax::problem::Kind::from_keyword`], the directives, the
//! subcommands), never from a copied list: [`closest_by`] asks a predicate about every name
//! within two edits of the misspelt one, so a function added to the parser is suggested without
//! touching this module.

/// The largest edit distance at which a name is suggested: none for a single character (every
/// letter is one edit from every other), 1 for names of up to 4 characters, 2 for longer ones
/// (so `lg` suggests `log` and `distrbution` suggests `distribution`, while a short name is not
/// "corrected" into an unrelated one).
pub fn max_distance(name: &str) -> usize {
    match name.chars().count() {
        0 | 1 => 0,
        2..=4 => 1,
        _ => 2,
    }
}

/// The Damerau–Levenshtein distance (optimal string alignment: insertions, deletions,
/// substitutions and transpositions of adjacent characters each cost 1).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate in `known` closest to `name` within [`max_distance`] (the first of equals);
/// `None` when none is close or `name` is itself known.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = max_distance(name);
    known
        .into_iter()
        .filter(|k| *k != name)
        .map(|k| (distance(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The closest name to `name` that `is_known` accepts, searching every string within
/// [`max_distance`] edits of `name` over lower-case ASCII letters (the names of functions and
/// kinds): one edit first, then two. Deterministic: among equals, the lexicographically first.
pub fn closest_by(name: &str, is_known: impl Fn(&str) -> bool) -> Option<String> {
    if name.is_empty() || name.len() > 24 || is_known(name) {
        return None;
    }
    let mut frontier = vec![name.to_string()];
    for _ in 0..max_distance(name) {
        let next: Vec<String> = frontier.iter().flat_map(|w| edits(w)).collect();
        let mut hits: Vec<&String> = next.iter().filter(|w| is_known(w)).collect();
        hits.sort();
        if let Some(hit) = hits.first() {
            return Some((*hit).clone());
        }
        frontier = next;
    }
    None
}

/// Every string one edit away from `w` over `a..=z`.
fn edits(w: &str) -> Vec<String> {
    let chars: Vec<char> = w.chars().collect();
    let mut out = Vec::new();
    for i in 0..=chars.len() {
        for c in 'a'..='z' {
            let mut v = chars.clone();
            v.insert(i, c);
            out.push(v.into_iter().collect());
        }
        if i < chars.len() {
            let mut v = chars.clone();
            v.remove(i);
            out.push(v.into_iter().collect());
            for c in 'a'..='z' {
                let mut v = chars.clone();
                v[i] = c;
                out.push(v.into_iter().collect());
            }
        }
        if i + 1 < chars.len() {
            let mut v = chars.clone();
            v.swap(i, i + 1);
            out.push(v.into_iter().collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("chek", "check"), 1);
        assert_eq!(distance("dervie", "derive"), 1);
        assert_eq!(distance("abc", "xyz"), 3);
    }

    #[test]
    fn closest_respects_the_limit() {
        assert_eq!(closest("chek", ["check", "derive"]), Some("check"));
        assert_eq!(closest("zzz", ["check", "derive"]), None);
        assert_eq!(closest("check", ["check"]), None);
    }

    #[test]
    fn closest_by_asks_the_table() {
        let known = |w: &str| crate::syntax::expr::Func::from_name(w).is_some();
        assert_eq!(closest_by("epx", known).as_deref(), Some("exp"));
        assert_eq!(closest_by("sqrtt", known).as_deref(), Some("sqrt"));
        assert_eq!(closest_by("softmax", known), None);
        let kinds = |w: &str| crate::syntax::problem::Kind::from_keyword(w).is_some();
        assert_eq!(
            closest_by("distrbution", kinds).as_deref(),
            Some("distribution")
        );
    }
}
