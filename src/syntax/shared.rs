//! Shared subexpressions: the children of an [`Expr`] node.
//!
//! A child is a [`Node`] (one subexpression) or a [`List`] (the terms of a sum, the factors of a
//! product). Both are reference-counted handles to an immutable value, with its size in nodes
//! and its structural hash kept beside it:
//!
//! - cloning a tree copies one node and bumps the counts of its children, whatever its size;
//! - hashing a node reads its children's kept hashes, so a hash table keyed by expressions (the
//!   search's `seen` set, the scanner's fingerprints) hashes in time proportional to the node's
//!   own children, not to the tree. A hash is computed when first asked for and then kept, so an
//!   edit that nobody hashes (most of the engine's in-place rewrites) costs none;
//! - equality is identity first (two handles to the same value are equal at once), then the kept
//!   hashes where both are known (different hashes are different trees, at once), and only then
//!   a structural comparison, in which every shared child is equal at once;
//! - the size of a tree is the sum of its children's kept sizes.
//!
//! The hash is structural and ignores bound-index hints, exactly as `==` does (see
//! [`crate::syntax::expr::Hint`]), so equal trees have equal hashes wherever they were built.
//! It reads no addresses. Order ([`Ord`]) stays structural: it is what canonical order and
//! every printed proof follow.
//!
//! A handle's value is never changed behind its kept size and hash: [`Node::update`],
//! [`List::update_item`], [`List::update_items`] and [`List::update`] copy the value if it is
//! shared, let the caller edit it, and then correct the size and forget the hash.

use crate::syntax::expr::{Expr, Index};
use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// The structural hash of `value` (hints aside, as for `==`).
fn structural_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// A structural hash computed when first asked for. `0` stands for "not yet": a hash that
/// comes out as 0 is kept as 1, which changes no equality (equal values still hash equally).
/// Atomic so that expressions stay `Sync` (the checker shares them between threads); two threads
/// that compute it at once store the same value.
struct LazyHash(AtomicU64);

impl LazyHash {
    fn unknown() -> LazyHash {
        LazyHash(AtomicU64::new(0))
    }

    fn known(&self) -> Option<u64> {
        match self.0.load(Relaxed) {
            0 => None,
            h => Some(h),
        }
    }

    fn get_or(&self, compute: impl FnOnce() -> u64) -> u64 {
        if let Some(h) = self.known() {
            return h;
        }
        let h = compute().max(1);
        self.0.store(h, Relaxed);
        h
    }

    fn forget(&mut self) {
        *self.0.get_mut() = 0;
    }
}

impl Clone for LazyHash {
    fn clone(&self) -> LazyHash {
        LazyHash(AtomicU64::new(self.0.load(Relaxed)))
    }
}

/// False only when both hashes are known and differ (the values then differ).
fn may_be_equal(a: &LazyHash, b: &LazyHash) -> bool {
    match (a.known(), b.known()) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// A subexpression with its size and its hash.
#[derive(Clone)]
struct Kept {
    hash: LazyHash,
    size: usize,
    value: Expr,
}

/// Equality, hashing, order, `Debug` and `Serialize` of a handle type with `same`,
/// `structural_hash` and `parts` (kept hash, kept size, value): equal at once when the value is
/// shared, different at once when the sizes or the known hashes differ, else as the values are;
/// hashed by the kept hash; ordered, shown and serialised as the value.
macro_rules! handle_traits {
    ($handle:ty) => {
        impl PartialEq for $handle {
            fn eq(&self, other: &$handle) -> bool {
                let ((ha, sa, va), (hb, sb, vb)) = (self.parts(), other.parts());
                self.same(other) || (sa == sb && may_be_equal(ha, hb) && va == vb)
            }
        }
        impl Eq for $handle {}

        impl Hash for $handle {
            fn hash<H: Hasher>(&self, state: &mut H) {
                state.write_u64(self.structural_hash());
            }
        }

        impl PartialOrd for $handle {
            fn partial_cmp(&self, other: &$handle) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $handle {
            fn cmp(&self, other: &$handle) -> Ordering {
                if self.same(other) {
                    return Ordering::Equal;
                }
                self.parts().2.cmp(other.parts().2)
            }
        }

        impl fmt::Debug for $handle {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.parts().2.fmt(f)
            }
        }

        impl Serialize for $handle {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.parts().2.serialize(s)
            }
        }
    };
}

/// One shared subexpression (the base and exponent of a power, the argument of a function, the
/// body of a sum, the function of a derivative).
#[derive(Clone)]
pub struct Node(Arc<Kept>);

impl Node {
    /// A handle to `e`, with its size.
    pub fn new(e: Expr) -> Node {
        Node(Arc::new(Kept {
            hash: LazyHash::unknown(),
            size: e.size(),
            value: e,
        }))
    }

    /// The subexpression, moved out when this is its only handle and copied (one node)
    /// otherwise.
    pub fn into_expr(self) -> Expr {
        match Arc::try_unwrap(self.0) {
            Ok(kept) => kept.value,
            Err(shared) => shared.value.clone(),
        }
    }

    /// The number of nodes of the subexpression.
    pub fn size(&self) -> usize {
        self.0.size
    }

    /// The structural hash (computed on the first call, then kept).
    pub fn structural_hash(&self) -> u64 {
        self.0.hash.get_or(|| structural_hash(&self.0.value))
    }

    /// The kept hash, the kept size and the value, for [`handle_traits`].
    fn parts(&self) -> (&LazyHash, usize, &Expr) {
        (&self.0.hash, self.0.size, &self.0.value)
    }

    /// True when both handles share one value.
    pub fn same(&self, other: &Node) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Edits the subexpression with `f` (copying it first if it is shared); its size is
    /// counted again and its hash forgotten.
    pub fn update<R>(&mut self, f: impl FnOnce(&mut Expr) -> R) -> R {
        let kept = Arc::make_mut(&mut self.0);
        let out = f(&mut kept.value);
        kept.size = kept.value.size();
        kept.hash.forget();
        out
    }
}

impl Deref for Node {
    type Target = Expr;
    fn deref(&self) -> &Expr {
        &self.0.value
    }
}

impl AsRef<Expr> for Node {
    fn as_ref(&self) -> &Expr {
        &self.0.value
    }
}

impl From<Expr> for Node {
    fn from(e: Expr) -> Node {
        Node::new(e)
    }
}

handle_traits!(Node);

/// The shared terms of a sum or factors of a product. The items sit right behind one pointer
/// (an `Arc<[Expr]>`); the total size and the hash are kept in the handle itself.
#[derive(Clone)]
pub struct List {
    items: Arc<[Expr]>,
    size: usize,
    hash: LazyHash,
}

impl List {
    /// A handle to `items`, with their total size.
    pub fn new(items: Vec<Expr>) -> List {
        List {
            size: items.iter().map(Expr::size).sum(),
            items: items.into(),
            hash: LazyHash::unknown(),
        }
    }

    /// The items as a slice.
    pub fn as_slice(&self) -> &[Expr] {
        &self.items
    }

    /// The items, moved out when this is the list's only handle and copied (one node each:
    /// their children stay shared) otherwise.
    pub fn into_vec(mut self) -> Vec<Expr> {
        match Arc::get_mut(&mut self.items) {
            // A delta of two bound indices allocates nothing: a cheap stand-in for what moved.
            Some(only) => only
                .iter_mut()
                .map(|x| std::mem::replace(x, Expr::Delta(Index::Bound(0), Index::Bound(0))))
                .collect(),
            None => self.items.to_vec(),
        }
    }

    /// The number of nodes of all the items together.
    pub fn total_size(&self) -> usize {
        self.size
    }

    /// The structural hash (computed on the first call, then kept).
    pub fn structural_hash(&self) -> u64 {
        self.hash.get_or(|| structural_hash(&self.items[..]))
    }

    /// The kept hash, the kept size and the value, for [`handle_traits`].
    fn parts(&self) -> (&LazyHash, usize, &[Expr]) {
        (&self.hash, self.size, &self.items)
    }

    /// True when both handles share one list.
    pub fn same(&self, other: &List) -> bool {
        Arc::ptr_eq(&self.items, &other.items)
    }

    /// Edits item `i` with `f` (copying the list first if it is shared; `None` when there is
    /// no such item); the total size is corrected by the item's change and the hash forgotten.
    pub fn update_item<R>(&mut self, i: usize, f: impl FnOnce(&mut Expr) -> R) -> Option<R> {
        if i >= self.items.len() {
            return None;
        }
        let item = Arc::make_mut(&mut self.items).get_mut(i)?;
        let before = item.size();
        let out = f(item);
        let after = item.size();
        self.size = self.size + after - before;
        self.hash.forget();
        Some(out)
    }

    /// Edits every item with `f`, in order (as [`List::update_item`] does one).
    pub fn update_items(&mut self, mut f: impl FnMut(&mut Expr)) {
        let items = Arc::make_mut(&mut self.items);
        items.iter_mut().for_each(&mut f);
        self.size = items.iter().map(Expr::size).sum();
        self.hash.forget();
    }

    /// Edits the list as a vector with `f` (it may add and remove items): the items are copied
    /// out and the result kept with its new size.
    pub fn update<R>(&mut self, f: impl FnOnce(&mut Vec<Expr>) -> R) -> R {
        let mut items = std::mem::take(self).into_vec();
        let out = f(&mut items);
        *self = List::new(items);
        out
    }
}

impl Default for List {
    /// The empty list (a stand-in: no sum or product has fewer than two items).
    fn default() -> List {
        List::new(Vec::new())
    }
}

impl Deref for List {
    type Target = [Expr];
    fn deref(&self) -> &[Expr] {
        &self.items
    }
}

impl From<Vec<Expr>> for List {
    fn from(items: Vec<Expr>) -> List {
        List::new(items)
    }
}

impl FromIterator<Expr> for List {
    fn from_iter<I: IntoIterator<Item = Expr>>(items: I) -> List {
        List::new(items.into_iter().collect())
    }
}

impl IntoIterator for List {
    type Item = Expr;
    type IntoIter = std::vec::IntoIter<Expr>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a List {
    type Item = &'a Expr;
    type IntoIter = std::slice::Iter<'a, Expr>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

handle_traits!(List);

/// Where the sizes and hashes kept in `e`'s handles differ from the ones counted and computed
/// again from their values: the first such handle's place (child positions from the root) and
/// what differs, or `Ok` when every kept size holds and every known hash does. Tests run it on
/// every step of every derivation: an edit that forgot to correct what it changed shows here.
pub fn check_kept(e: &Expr) -> Result<(), String> {
    check_kept_at(e, &mut Vec::new())
}

fn check_kept_at(e: &Expr, path: &mut Vec<usize>) -> Result<(), String> {
    let fault = |what: &str, path: &[usize], kept: u64, fresh: u64| {
        Err(format!(
            "at {path:?}: the kept {what} is {kept}, the value's is {fresh}"
        ))
    };
    match e {
        Expr::Add(xs) | Expr::Mul(xs) => {
            let size: usize = xs.items.iter().map(Expr::size).sum();
            if xs.size != size {
                return fault("size", path, xs.size as u64, size as u64);
            }
            if let Some(h) = xs.hash.known() {
                let fresh = structural_hash(&xs.items[..]).max(1);
                if h != fresh {
                    return fault("hash", path, h, fresh);
                }
            }
        }
        Expr::Pow(..) | Expr::Func(..) | Expr::Sum(..) | Expr::Deriv(..) => {
            let nodes: Vec<&Node> = match e {
                Expr::Pow(b, x) => vec![b, x],
                Expr::Func(_, a) | Expr::Sum(_, a) | Expr::Deriv(a, _) => vec![a],
                _ => Vec::new(),
            };
            for n in nodes {
                let size = n.0.value.size();
                if n.0.size != size {
                    return fault("size", path, n.0.size as u64, size as u64);
                }
                if let Some(h) = n.0.hash.known() {
                    let fresh = structural_hash(&n.0.value).max(1);
                    if h != fresh {
                        return fault("hash", path, h, fresh);
                    }
                }
            }
        }
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => {}
    }
    for (i, c) in e.iter_children().enumerate() {
        path.push(i);
        check_kept_at(c, path)?;
        path.pop();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::expr::{add, func, mul, sum, Binder, Func, Index};

    fn x() -> Expr {
        Expr::plain("x")
    }

    /// `sum_{letter} exp(q_letter) * x`, built from nothing each time.
    fn tree(letter: &str) -> Expr {
        let q = Expr::Sym(crate::syntax::expr::Symbol {
            name: crate::syntax::expr::Name::new("q"),
            indices: vec![Index::Bound(0)],
        });
        sum(
            Binder::new(letter, Some("K")),
            mul(vec![func(Func::Exp, q), x()]),
        )
    }

    /// The size by walking the tree, without the stored sizes.
    fn walked_size(e: &Expr) -> usize {
        1 + e.iter_children().map(walked_size).sum::<usize>()
    }

    #[test]
    fn trees_built_apart_are_equal_with_equal_hashes_hints_aside() {
        let (a, b, c) = (
            Node::new(tree("j")),
            Node::new(tree("j")),
            Node::new(tree("i")),
        );
        assert!(!a.same(&b));
        assert_eq!(a, b);
        assert_eq!(a.structural_hash(), b.structural_hash());
        // Another bound-index letter is another hint only.
        assert_eq!(a, c);
        assert_eq!(a.structural_hash(), c.structural_hash());
        let other = Node::new(add(vec![tree("j"), x()]));
        assert_ne!(a, other);
        assert_ne!(a.structural_hash(), other.structural_hash());
    }

    #[test]
    fn stored_sizes_match_a_walk() {
        let e = add(vec![tree("j"), mul(vec![x(), tree("m")]), Expr::int(2)]);
        assert_eq!(e.size(), walked_size(&e));
        assert_eq!(Node::new(e.clone()).size(), walked_size(&e));
    }

    /// An edit through a shared handle copies the value and stores the new hash and size:
    /// the other handle keeps the old tree, and the edited one equals the same tree built
    /// from nothing.
    #[test]
    fn update_copies_a_shared_value_and_stores_the_new_hash() {
        let original = Node::new(tree("j"));
        let mut edited = original.clone();
        assert!(edited.same(&original));
        edited.update(|e| {
            e.update_child(0, |body| *body = add(vec![body.clone(), Expr::int(1)]));
        });
        assert!(!edited.same(&original));
        assert_eq!(original, Node::new(tree("j")));
        let expected = Node::new(sum(
            Binder::new("j", Some("K")),
            add(vec![
                mul(vec![
                    func(
                        Func::Exp,
                        Expr::Sym(crate::syntax::expr::Symbol {
                            name: crate::syntax::expr::Name::new("q"),
                            indices: vec![Index::Bound(0)],
                        }),
                    ),
                    x(),
                ]),
                Expr::int(1),
            ]),
        ));
        assert_eq!(edited, expected);
        assert_eq!(edited.structural_hash(), expected.structural_hash());
        assert_eq!(edited.size(), walked_size(&expected));
        assert_ne!(edited.structural_hash(), original.structural_hash());
    }

    #[test]
    fn list_edits_store_the_new_hash_and_size() {
        let mut list = List::new(vec![x(), Expr::int(2)]);
        let before = list.clone();
        list.update(|xs| xs.push(tree("j")));
        let fresh = List::new(vec![x(), Expr::int(2), tree("j")]);
        assert_eq!(list, fresh);
        assert_ne!(list, before);
        assert_eq!(list.total_size(), fresh.total_size());
        assert_eq!(before.len(), 2);
    }

    /// The check finds a kept size or hash that an edit forgot to correct.
    #[test]
    fn check_kept_finds_a_stale_size_or_hash() {
        let e = add(vec![tree("j"), mul(vec![x(), tree("m")])]);
        assert_eq!(check_kept(&e), Ok(()));
        let Expr::Add(xs) = &e else { panic!("a sum") };
        let mut wrong_size = xs.clone();
        wrong_size.size += 1;
        let err = check_kept(&Expr::Add(wrong_size)).unwrap_err();
        assert!(err.contains("kept size"), "{err}");

        let mut stale = xs.clone();
        stale.structural_hash();
        // An edit behind the handle's back: the items change, the kept hash does not.
        Arc::make_mut(&mut stale.items)[0] = x();
        stale.size = stale.items.iter().map(Expr::size).sum();
        let err = check_kept(&Expr::Add(stale)).unwrap_err();
        assert!(err.contains("kept hash"), "{err}");

        let mut edited = xs.clone();
        edited.structural_hash();
        edited.update_item(0, |t| *t = x());
        assert_eq!(check_kept(&Expr::Add(edited)), Ok(()));
    }
}
