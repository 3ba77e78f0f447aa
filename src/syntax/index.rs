//! Bound and free indices: the only code that touches binders.
//!
//! gradproof is *locally nameless*: a free index is a name (`Index::Free("k")`), a bound one is
//! the de Bruijn index of the `Sum` that binds it (`Index::Bound(0)` is the innermost enclosing
//! sum). The user's letter is kept as a [`Hint`](crate::syntax::expr::Hint) that compares equal to every
//! other, so derived equality is equality up to renaming and substitution cannot capture.
//!
//! The operations, with their laws (tested below):
//! - [`open`]`(body, i)`: the body of a sum with its bound index replaced by `i` (an index as seen
//!   from outside the sum). `close(open(b, Free(x)), x) == b` when `x` is not free in `b`.
//! - [`close`]`(e, x)`: the body of a sum binding the free index `x` of `e`.
//! - [`shift`]`(e, d)`: adjust the outer bound indices of `e` when it moves across `d` binders.
//! - [`mentions_bound`]`(e, n)`: does `e` refer to the `n`-th enclosing binder?
//! - [`rename_free`]`(e, x, i)`: every free `x` becomes the index `i`.

use crate::syntax::expr::{Expr, Index, Node, Symbol};
use std::collections::BTreeSet;

/// Applies `f(index, depth)` to every index in `e`, where `depth` counts the binders passed.
fn map_indices(e: &Expr, depth: u32, f: &dyn Fn(&Index, u32) -> Index) -> Expr {
    let sym = |s: &Symbol| Symbol {
        name: s.name,
        indices: s.indices.iter().map(|i| f(i, depth)).collect(),
    };
    match e {
        Expr::Num(_) => e.clone(),
        Expr::Sym(s) => Expr::Sym(sym(s)),
        Expr::Delta(a, b) => Expr::Delta(f(a, depth), f(b, depth)),
        Expr::Add(xs) => Expr::Add(xs.iter().map(|x| map_indices(x, depth, f)).collect()),
        Expr::Mul(xs) => Expr::Mul(xs.iter().map(|x| map_indices(x, depth, f)).collect()),
        Expr::Pow(b, x) => Expr::Pow(
            Node::new(map_indices(b, depth, f)),
            Node::new(map_indices(x, depth, f)),
        ),
        Expr::Func(g, a) => Expr::Func(*g, Node::new(map_indices(a, depth, f))),
        Expr::Sum(binder, body) => {
            Expr::Sum(binder.clone(), Node::new(map_indices(body, depth + 1, f)))
        }
        Expr::Deriv(g, x) => Expr::Deriv(Node::new(map_indices(g, depth, f)), sym(x)),
    }
}

/// Moves `e` under (`d > 0`) or out of (`d < 0`) `|d|` binders: every bound index that points
/// outside `e` is adjusted by `d`. Moving out requires that `e` does not refer to the binders it
/// leaves (check with [`mentions_bound`]).
pub fn shift(e: &Expr, d: i64) -> Expr {
    map_indices(e, 0, &|i, depth| match i {
        Index::Bound(n) if *n >= depth => {
            let moved = i64::from(*n) + d;
            Index::Bound(
                u32::try_from(moved.max(i64::from(depth)))
                    .expect("a binder depth fits in u32: the parser limits nesting"),
            )
        }
        other => other.clone(),
    })
}

/// Shifts a single index seen at some place by `d` binders (free indices are unchanged).
pub fn shift_index(i: &Index, d: i64) -> Index {
    match i {
        Index::Bound(n) => Index::Bound(
            u32::try_from(i64::from(*n) + d)
                .expect("an index is shifted out only past binders it does not refer to"),
        ),
        free => free.clone(),
    }
}

/// The body of a sum with its bound index replaced by `with`, given as seen from outside the sum.
pub fn open(body: &Expr, with: &Index) -> Expr {
    map_indices(body, 0, &|i, depth| match i {
        Index::Bound(n) if *n == depth => shift_index(with, i64::from(depth)),
        Index::Bound(n) if *n > depth => Index::Bound(n - 1),
        other => other.clone(),
    })
}

/// Turns the free index `name` of `e` into the bound index of a new enclosing sum; the result is
/// that sum's body.
pub fn close(e: &Expr, name: &str) -> Expr {
    map_indices(e, 0, &|i, depth| match i {
        Index::Free(x) if x == name => Index::Bound(depth),
        Index::Bound(n) if *n >= depth => Index::Bound(n + 1),
        other => other.clone(),
    })
}

/// Replaces every free index `name` by `with` (given as seen at the root of `e`).
pub fn rename_free(e: &Expr, name: &str, with: &Index) -> Expr {
    map_indices(e, 0, &|i, depth| match i {
        Index::Free(x) if x == name => shift_index(with, i64::from(depth)),
        other => other.clone(),
    })
}

/// Applies [`rename_free`] to the indices of a symbol seen at the root.
pub fn rename_free_in_symbol(s: &Symbol, name: &str, with: &Index) -> Symbol {
    Symbol {
        name: s.name,
        indices: s
            .indices
            .iter()
            .map(|i| match i {
                Index::Free(x) if x == name => with.clone(),
                other => other.clone(),
            })
            .collect(),
    }
}

/// Calls `visit` on every index occurrence in `e` (subscripts, delta arguments, a derivative's
/// variable's subscripts) with the number of sums of `e` around it, in tree order. Stops at the
/// first `false`, and returns whether every call returned `true`.
pub fn all_indices<'e, F>(e: &'e Expr, visit: &mut F) -> bool
where
    F: FnMut(&'e Index, u32) -> bool,
{
    fn go<'e, F>(e: &'e Expr, depth: u32, visit: &mut F) -> bool
    where
        F: FnMut(&'e Index, u32) -> bool,
    {
        match e {
            Expr::Num(_) => true,
            Expr::Sym(s) => s.indices.iter().all(|i| visit(i, depth)),
            Expr::Delta(a, b) => visit(a, depth) && visit(b, depth),
            Expr::Sum(_, body) => go(body, depth + 1, visit),
            Expr::Deriv(f, x) => x.indices.iter().all(|i| visit(i, depth)) && go(f, depth, visit),
            other => other.iter_children().all(|c| go(c, depth, visit)),
        }
    }
    go(e, 0, visit)
}

/// Does `e` refer to the binder `n` levels out from its root (`0`: the innermost enclosing sum)?
pub fn mentions_bound(e: &Expr, n: u32) -> bool {
    !all_indices(
        e,
        &mut |i, depth| !matches!(i, Index::Bound(m) if *m == n + depth),
    )
}

/// Does `e` refer to any binder outside itself?
pub fn has_loose_bound(e: &Expr) -> bool {
    !all_indices(
        e,
        &mut |i, depth| !matches!(i, Index::Bound(m) if *m >= depth),
    )
}

/// The names of the free indices of `e`, sorted.
pub fn free_indices(e: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    all_indices(e, &mut |i, _| {
        if let Index::Free(x) = i {
            out.insert(x.to_string());
        }
        true
    });
    out
}

/// Index letters with the upper ends of their ranges (`[("j", "K"), ("d", "D")]`), in
/// declaration order.
pub type Letters = [(String, String)];

/// The upper end of the range the index `name` runs over, given the declared `letters`: a
/// declared letter's own range, or, for an undeclared *numbered copy* of a declared letter
/// (`j1`, `j2` for `j`), that letter's range. Fresh names are numbered copies when every letter
/// of a range is taken, so a name always says which range it belongs to.
pub fn range_of_name<'l>(name: &str, letters: &'l Letters) -> Option<&'l str> {
    let declared = |n: &str| {
        letters
            .iter()
            .find(|(l, _)| l == n)
            .map(|(_, u)| u.as_str())
    };
    // A numbered copy of the longest declared prefix: `k11` runs over `k1`'s range when `k1` is
    // declared (the numbered copies of a letter that itself ends in a digit), else over `k`'s.
    declared(name).or_else(|| {
        let base = numbered_copy_of(name)?;
        (base.len()..name.len())
            .rev()
            .find_map(|end| declared(&name[..end]))
    })
}

/// For a name made of a letter name and a number (`j1`, `d12`), the letter name (`j`, `d`):
/// the letter whose range a numbered copy runs over when it is not declared itself.
pub fn numbered_copy_of(name: &str) -> Option<&str> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
    (base.len() < name.len() && !base.is_empty()).then_some(base)
}

/// A name not in `taken` for an index over the range with upper end `range`.
///
/// When `letters` declares letters over that range, the name runs over it: `preferred` if it
/// does, else the first free letter declared over the range, else a numbered copy of that
/// range's first letter (`j1`, `j2`, ..., see [`range_of_name`]). Otherwise (the range is
/// unknown, or no letter is declared over it) the name is `preferred`, else the first free one of
/// `candidates`, else `preferred` followed by the smallest free number.
pub fn fresh_index_name(
    preferred: &str,
    range: Option<&str>,
    letters: &Letters,
    candidates: &[String],
    taken: &BTreeSet<String>,
) -> String {
    let over: Vec<&str> = match range {
        Some(r) => letters
            .iter()
            .filter(|(_, u)| u == r)
            .map(|(l, _)| l.as_str())
            .collect(),
        None => Vec::new(),
    };
    let (Some(range), Some(first)) = (range, over.first()) else {
        return fresh_name(preferred, candidates, taken);
    };
    let fits = |n: &str| !taken.contains(n) && range_of_name(n, letters) == Some(range);
    if fits(preferred) {
        return preferred.to_string();
    }
    if let Some(l) = over.iter().find(|l| fits(l)) {
        return (*l).to_string();
    }
    (1..)
        .map(|n| format!("{first}{n}"))
        .find(|c| fits(c))
        .expect("finitely many names are taken: some numbered name is free")
}

/// A name not in `taken`: `preferred` itself, else the first of `candidates`, else `preferred`
/// followed by the smallest number that is free. Knows nothing of ranges: use
/// [`fresh_index_name`] for an index whose range is known.
pub fn fresh_name(preferred: &str, candidates: &[String], taken: &BTreeSet<String>) -> String {
    if !taken.contains(preferred) {
        return preferred.to_string();
    }
    if let Some(c) = candidates.iter().find(|c| !taken.contains(*c)) {
        return c.clone();
    }
    (1..)
        .map(|n| format!("{preferred}{n}"))
        .find(|c| !taken.contains(c))
        .expect("finitely many names are taken: some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::expr::{mul, sum, Binder};

    fn q(i: Index) -> Expr {
        Expr::Sym(Symbol {
            name: "q".into(),
            indices: vec![i],
        })
    }

    #[test]
    fn open_then_close_is_identity() {
        let body = mul(vec![q(Index::Bound(0)), q(Index::Bound(1))]);
        let opened = open(&body, &Index::free("x"));
        assert_eq!(opened, mul(vec![q(Index::free("x")), q(Index::Bound(0))]));
        assert_eq!(close(&opened, "x"), body);
    }

    #[test]
    fn open_with_an_outer_bound_index_does_not_capture() {
        // sum_a sum_b q_a*q_b, instantiating the inner binder with the outer index a.
        let inner = mul(vec![q(Index::Bound(1)), q(Index::Bound(0))]);
        let nested = sum(Binder::new("b", None), inner.clone());
        // Opening the *outer* sum's body (which is `nested`) with free k.
        let opened = open(&nested, &Index::free("k"));
        assert_eq!(
            opened,
            sum(
                Binder::new("b", None),
                mul(vec![q(Index::free("k")), q(Index::Bound(0))])
            )
        );
        // Instantiating the inner binder with the outer bound index (seen from outside: Bound(0)).
        assert_eq!(
            open(&inner, &Index::Bound(0)),
            mul(vec![q(Index::Bound(0)), q(Index::Bound(0))])
        );
    }

    #[test]
    fn rename_free_under_a_binder_shifts_bound_targets() {
        let e = sum(
            Binder::new("j", None),
            mul(vec![q(Index::Bound(0)), q(Index::free("k"))]),
        );
        let renamed = rename_free(&e, "k", &Index::Bound(0));
        assert_eq!(
            renamed,
            sum(
                Binder::new("j", None),
                mul(vec![q(Index::Bound(0)), q(Index::Bound(1))])
            )
        );
    }

    #[test]
    fn mentions_and_shift() {
        let e = mul(vec![q(Index::Bound(1)), q(Index::free("k"))]);
        assert!(mentions_bound(&e, 1));
        assert!(!mentions_bound(&e, 0));
        assert_eq!(
            shift(&e, -1),
            mul(vec![q(Index::Bound(0)), q(Index::free("k"))])
        );
        assert!(has_loose_bound(&e));
        assert_eq!(
            free_indices(&e).into_iter().collect::<Vec<_>>(),
            vec!["k".to_string()]
        );
    }

    #[test]
    fn all_indices_sees_each_occurrence_with_its_depth_and_stops_early() {
        // q_k * sum_j (q_j * delta(j,k) * d(q_k)/d(q_j)), depths counted from the root.
        let body = mul(vec![
            q(Index::Bound(0)),
            Expr::Delta(Index::Bound(0), Index::free("k")),
            Expr::Deriv(
                Node::new(q(Index::free("k"))),
                Symbol {
                    name: "q".into(),
                    indices: vec![Index::Bound(0)],
                },
            ),
        ]);
        let e = mul(vec![q(Index::free("k")), sum(Binder::new("j", None), body)]);
        let mut seen = Vec::new();
        assert!(all_indices(&e, &mut |i, depth| {
            seen.push((i.clone(), depth));
            true
        }));
        let (j, k) = (Index::Bound(0), Index::free("k"));
        let expected = [(&k, 0), (&j, 1), (&j, 1), (&k, 1), (&j, 1), (&k, 1)];
        let mut got: Vec<_> = seen.iter().map(|(i, d)| (i, *d)).collect();
        let mut want: Vec<_> = expected.to_vec();
        got.sort();
        want.sort();
        assert_eq!(got, want);
        let mut calls = 0;
        assert!(!all_indices(&e, &mut |_, _| {
            calls += 1;
            false
        }));
        assert_eq!(calls, 1);
    }

    #[test]
    fn fresh_names_avoid_taken_ones() {
        let taken: BTreeSet<String> = ["j".to_string(), "k".to_string()].into();
        assert_eq!(fresh_name("i", &[], &taken), "i");
        assert_eq!(fresh_name("j", &["k".into(), "m".into()], &taken), "m");
        assert_eq!(fresh_name("j", &[], &taken), "j1");
    }

    #[test]
    fn fresh_index_names_stay_in_their_range() {
        let letters: Vec<(String, String)> = [("j", "K"), ("k", "K"), ("d", "D"), ("e", "D")]
            .iter()
            .map(|(l, u)| (l.to_string(), u.to_string()))
            .collect();
        let taken =
            |names: &[&str]| -> BTreeSet<String> { names.iter().map(|n| n.to_string()).collect() };
        let fresh =
            |p: &str, r: &str, t: &[&str]| fresh_index_name(p, Some(r), &letters, &[], &taken(t));
        assert_eq!(fresh("j", "K", &[]), "j");
        // The preferred letter of another range is not used, nor a free letter of another range.
        assert_eq!(fresh("d", "K", &[]), "j");
        assert_eq!(fresh("j", "K", &["j"]), "k");
        assert_eq!(fresh("j", "D", &[]), "d");
        // Every letter of the range taken: a numbered copy of the range's first letter.
        assert_eq!(fresh("j", "K", &["j", "k"]), "j1");
        assert_eq!(fresh("e", "D", &["d", "e", "d1"]), "d2");
        assert_eq!(range_of_name("d2", &letters), Some("D"));
        // A declared letter that ends in a digit: its numbered copies run over its range (a
        // search that read `k11` as a copy of the undeclared `k` never ended).
        let digit: Vec<(String, String)> = vec![("k1".to_string(), "K".to_string())];
        assert_eq!(range_of_name("k11", &digit), Some("K"));
        assert_eq!(
            fresh_index_name("k1", Some("K"), &digit, &[], &taken(&["k1"])),
            "k11"
        );
        assert_eq!(range_of_name("j12", &letters), Some("K"));
        assert_eq!(range_of_name("x1", &letters), None);
        // A numbered name declared over another range is its own letter.
        let mut more = letters.clone();
        more.push(("j1".into(), "D".into()));
        let t = taken(&["j", "k"]);
        assert_eq!(fresh_index_name("j", Some("K"), &more, &[], &t), "j2");
        // An unknown range: the old order.
        assert_eq!(
            fresh_index_name("j", None, &letters, &["m".into()], &taken(&["j"])),
            "m"
        );
    }
}
