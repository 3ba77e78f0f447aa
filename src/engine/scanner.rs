//! The incremental scanner: where the next rule of a phase fires, without scanning the whole
//! tree again after every firing, and rewrites in place that keep the scanner's knowledge valid.
//! Its result must equal a full rescan from the root: in debug builds `Run::saturate` compares
//! every scan with one (for expressions up to `RESCAN_CHECK_MAX_SIZE` nodes), so every test that
//! derives anything checks it.

use super::*;
use crate::syntax::edit::{add_keeps, mul_keeps};

/// What the scans of one derivation know about its current expression, so that a scan after a
/// firing does not start again from nothing.
///
/// For each phase, a *hint*: a path such that, at every node along it, the children before the
/// one the path goes through (and everything under them) are known inert for that phase. A
/// scan re-checks the nodes along the hint (a firing below may have changed what fires there)
/// and skips the children before it. Rules are pure functions of the subterm and of the context
/// (the enclosing sums and derivatives), so a subterm that did not change stays inert. A firing
/// at path `P` changes only the subterm at `P` and the nodes above it; the smart constructors
/// that rebuild those may also reshape a node (flatten, fold numbers), and [`replace_in_place`]
/// reports how many levels kept their children in place, which bounds what each hint keeps.
///
/// It also keeps an upper bound of the expression's size, so the size limit costs a full count
/// only when the bound passes it.
pub(super) struct Scan {
    pub(super) hints: Vec<Option<Path>>,
    /// Phases for which the whole expression is inert.
    pub(super) inert: Vec<bool>,
    pub(super) size_bound: usize,
}

impl Scan {
    pub(super) fn new(e: &Expr) -> Scan {
        let phases = PHASES.len() + 2;
        Scan {
            hints: vec![None; phases],
            inert: vec![false; phases],
            size_bound: e.size(),
        }
    }

    pub(super) fn hint(&self, phase: usize) -> Path {
        self.hints[phase].clone().unwrap_or_default()
    }

    pub(super) fn set_hint(&mut self, phase: usize, path: Path) {
        self.hints[phase] = Some(path);
        self.inert[phase] = false;
    }

    pub(super) fn set_inert(&mut self, phase: usize) {
        self.hints[phase] = None;
        self.inert[phase] = true;
    }

    /// Updates every phase's knowledge after a firing at `path` (see [`replace_in_place`] for
    /// `stable`).
    pub(super) fn changed(&mut self, path: &[usize], stable: Stable) {
        let Stable { levels, left } = stable;
        // Where the tree may have changed: at level `levels`, the children from `path[levels]`
        // on (when `left`), or the whole node there.
        let reshaped_at = levels.min(path.len());
        for (hint, inert) in self.hints.iter_mut().zip(self.inert.iter_mut()) {
            if *inert {
                // The whole tree was inert: everything left of the unchanged part of `path` still
                // is.
                let mut h = path[..reshaped_at].to_vec();
                if left {
                    h.push(path[reshaped_at]);
                }
                *hint = Some(h);
                *inert = false;
                continue;
            }
            let Some(h) = hint.as_mut() else { continue };
            let common = h.iter().zip(path).take_while(|(a, b)| a == b).count();
            if common < reshaped_at {
                // The hint leaves the path at a level whose children kept their places: if it
                // goes left of the path it holds; if right, it keeps only what is left of it.
                if common < h.len() && h[common] > path[common] {
                    h.truncate(common);
                    h.push(path[common]);
                }
            } else if left && h.len() > reshaped_at {
                // At the reshaped level the children left of the path kept their places.
                if h[reshaped_at] >= path[reshaped_at] {
                    h.truncate(reshaped_at);
                    h.push(path[reshaped_at]);
                }
            } else {
                h.truncate(reshaped_at);
            }
        }
    }
}

/// How much of the tree along a rewritten path kept its shape (see [`replace_in_place`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Stable {
    /// The number of levels from the root whose node kept its kind and whose children up to and
    /// including the one on the path are the same nodes at the same places.
    pub(super) levels: usize,
    /// At the next level, the node kept its kind and the children left of the path.
    pub(super) left: bool,
}

/// A structural fingerprint of a subtree: a 64-bit hash of its content (bound-index hints
/// aside, as for `==`), the same for equal subtrees wherever they live in memory. It reads no
/// addresses, so an allocation freed and reused while a node is rebuilt cannot make two
/// different subtrees look the same; two different subtrees share a fingerprint only by a
/// 64-bit hash collision, which would at worst let a hint skip a subterm that changed (debug
/// builds compare every scan with a full rescan, see `Run::saturate`). It costs the node's own
/// children: each child's hash is stored in it (see [`crate::syntax::shared`]).
pub(super) type Fingerprint = u64;

pub(super) fn fingerprint(e: &Expr) -> Fingerprint {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    e.hash(&mut h);
    h.finish()
}

/// Where the scanner's answer for a phase differs from a full rescan's from the root: the path
/// each found a firing at (`None`: nothing fires, or the phase was taken for inert).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ScanMismatch {
    pub(super) scanned: Option<Path>,
    pub(super) rescanned: Option<Path>,
}

impl std::fmt::Display for ScanMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match &self.scanned {
            None => write!(
                f,
                "the scanner found nothing to fire (or took the phase for inert) where a full \
                 rescan fires at {:?}",
                self.rescanned
            ),
            Some(at) => write!(
                f,
                "the scanner's firing at {at:?} differs from a full rescan's at {:?}",
                self.rescanned
            ),
        }
    }
}

/// A firing found by a scan: where, which rule, and the replacement.
pub(super) type Found = (Path, &'static str, Expr);

impl Run<'_> {
    /// The scan's answer for the phase `phase_at` of `rules`: nothing where `scan` holds the
    /// phase inert, else the first firing after the scan's hint.
    pub(super) fn scanned(
        &mut self,
        expr: &Expr,
        rules: &[&Rule],
        scan: &Scan,
        phase_at: usize,
    ) -> Option<Found> {
        if scan.inert[phase_at] {
            return None;
        }
        first_firing(
            expr,
            rules,
            &mut self.ctx,
            &scan.hint(phase_at),
            &mut Vec::new(),
        )
    }

    /// `found` (a scan's answer) compared with a full rescan from the root, on expressions up to
    /// `RESCAN_CHECK_MAX_SIZE` nodes in debug builds (elsewhere it is not compared: `Ok`).
    pub(super) fn against_rescan(
        &mut self,
        expr: &Expr,
        rules: &[&Rule],
        found: Option<&Found>,
    ) -> Result<(), ScanMismatch> {
        if !rescan_checked(expr) {
            return Ok(());
        }
        let full = self.rescan(expr, rules);
        if full.as_ref() == found {
            return Ok(());
        }
        Err(ScanMismatch {
            scanned: found.map(|f| f.0.clone()),
            rescanned: full.map(|f| f.0),
        })
    }
}

/// Replaces the subterm at `path` in place and rebuilds every ancestor through the smart
/// constructors, exactly as [`replace_at`] does, without copying the rest of the tree; reports
/// how much of the tree kept its shape.
pub(super) fn replace_in_place(e: &mut Expr, path: &[usize], new: Expr) -> Stable {
    let Some((&i, rest)) = path.split_first() else {
        *e = new;
        return Stable {
            levels: 0,
            left: false,
        };
    };
    if e.iter_children().nth(i).is_none() {
        // Not a valid path: fall back to the copying version.
        *e = replace_at(e, path, new);
        return Stable {
            levels: 0,
            left: false,
        };
    }
    let Some(below) = e.update_child(i, |child| replace_in_place(child, rest, new)) else {
        unreachable!("child {i} exists: it was just looked up");
    };
    let kept = match e {
        Expr::Add(xs) => add_keeps(xs.iter()),
        Expr::Mul(xs) => mul_keeps(xs.iter()),
        _ => false,
    };
    if kept {
        // The smart constructor would return the node as it is: nothing moves.
        return Stable {
            levels: 1 + below.levels,
            left: below.left,
        };
    }
    if splice_flattened(e, i) {
        // The smart constructor would only have put the new child's terms (factors) in its
        // place: the children left of it did not move.
        return Stable {
            levels: 0,
            left: true,
        };
    }
    let before: Vec<Fingerprint> = e.iter_children().take(i + 1).map(fingerprint).collect();
    let kind = std::mem::discriminant(e);
    let old = std::mem::replace(e, Expr::zero());
    *e = rebuild_owned(old);
    let same_kind = std::mem::discriminant(e) == kind;
    let after: Vec<Fingerprint> = e.iter_children().take(i + 1).map(fingerprint).collect();
    if same_kind && after == before {
        Stable {
            levels: 1 + below.levels,
            left: below.left,
        }
    } else {
        Stable {
            levels: 0,
            left: same_kind && after.len() >= i && after[..i] == before[..i],
        }
    }
}

/// [`rebuild`] of a node with its own children, consuming it.
pub(super) fn rebuild_owned(e: Expr) -> Expr {
    match e {
        Expr::Num(_) | Expr::Sym(_) | Expr::Delta(..) => e,
        Expr::Add(xs) => add(xs.into_vec()),
        Expr::Mul(xs) => mul(xs.into_vec()),
        Expr::Pow(b, x) => pow(b.into_expr(), x.into_expr()),
        Expr::Func(f, a) => func(f, a.into_expr()),
        Expr::Sum(b, body) => {
            if body.is_zero() {
                Expr::zero()
            } else {
                Expr::Sum(b, body)
            }
        }
        Expr::Deriv(f, x) => Expr::Deriv(f, x),
    }
}

/// When child `i` of a sum is a sum (of a product, a product) and [`add`] ([`mul`]) would do
/// nothing but put its terms (factors) in its place, does that in place and returns true.
pub(super) fn splice_flattened(e: &mut Expr, i: usize) -> bool {
    match e {
        Expr::Add(xs) => {
            let Some(Expr::Add(inner)) = xs.get(i) else {
                return false;
            };
            let seq = xs[..i].iter().chain(inner).chain(&xs[i + 1..]);
            if !add_keeps(seq) {
                return false;
            }
            xs.update(|xs| splice_at(xs, i))
        }
        Expr::Mul(xs) => {
            let Some(Expr::Mul(inner)) = xs.get(i) else {
                return false;
            };
            let seq = xs[..i].iter().chain(inner).chain(&xs[i + 1..]);
            if !mul_keeps(seq) {
                return false;
            }
            xs.update(|xs| splice_at(xs, i))
        }
        _ => false,
    }
}

/// Replaces `xs[i]`, a sum or product, by its children.
pub(super) fn splice_at(xs: &mut Vec<Expr>, i: usize) -> bool {
    let inner = match std::mem::replace(&mut xs[i], Expr::zero()) {
        Expr::Add(inner) | Expr::Mul(inner) => inner.into_vec(),
        _ => return false,
    };
    xs.splice(i..=i, inner);
    true
}

/// The first subterm (outermost, leftmost) where one of `rules` fires. At each node along
/// `hint` the children before the hinted one are skipped (see [`Scan`]); `ctx` is the context
/// of `e` and is restored before returning.
pub(super) fn first_firing(
    e: &Expr,
    rules: &[&Rule],
    ctx: &mut Ctx,
    hint: &[usize],
    path: &mut Path,
) -> Option<(Path, &'static str, Expr)> {
    for r in rules {
        if let Some(out) = (r.apply)(e, ctx) {
            if out != *e {
                return Some((path.clone(), r.name, out));
            }
        }
    }
    let (start, rest) = match hint.split_first() {
        Some((&i, rest)) => (i, rest),
        None => (0, hint),
    };
    let binder = matches!(e, Expr::Sum(..));
    if let Expr::Sum(b, _) = e {
        ctx.binders.push(b.clone());
    }
    let in_deriv = ctx.in_deriv;
    ctx.in_deriv = in_deriv || matches!(e, Expr::Deriv(..));
    let mut found = None;
    for (i, c) in e.iter_children().enumerate().skip(start) {
        path.push(i);
        let sub_hint = if i == start { rest } else { &[] };
        found = first_firing(c, rules, ctx, sub_hint, path);
        path.pop();
        if found.is_some() {
            break;
        }
    }
    ctx.in_deriv = in_deriv;
    if binder {
        ctx.binders.pop();
    }
    found
}
