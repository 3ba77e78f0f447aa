//! Independent pieces of work spread over threads, with the results in a fixed order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The number of threads [`map_ordered`] uses for `threads` (0: one per core).
pub fn thread_count(threads: usize) -> usize {
    // Asking the system reads the cgroup files under `/proc` and `/sys` each time (a few
    // percent of a whole `gradproof check`): ask once per process.
    static CORES: OnceLock<usize> = OnceLock::new();
    match threads {
        0 => *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        n => n,
    }
}

/// `f` applied to every item on up to `threads` threads (0: one per core), the results in the
/// order of `items` whatever the order the work finished in.
///
/// Items are started costliest first (by `cost`) and handed to whichever thread is free, so that
/// one large item does not start last and run alone. With one thread, or one item, everything
/// runs on the calling thread.
pub fn map_ordered<T, R>(
    items: &[T],
    threads: usize,
    cost: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = thread_count(threads).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((i, f(&items[i])));
        }
        done
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others (at worst, to this one).
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(more) => done.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_on_any_number_of_threads() {
        let items: Vec<usize> = (0..50).collect();
        let expected: Vec<usize> = items.iter().map(|i| i * i).collect();
        for threads in [0, 1, 2, 3, 8, 100] {
            // Cost ascending with the item, so the work starts in the reverse order.
            let got = map_ordered(&items, threads, |&i| i, |&i| i * i);
            assert_eq!(got, expected, "threads = {threads}");
        }
    }

    #[test]
    fn every_item_is_done_exactly_once() {
        let calls = AtomicUsize::new(0);
        let items = vec![(); 37];
        let got = map_ordered(&items, 4, |_| 1, |_| calls.fetch_add(1, Ordering::Relaxed));
        assert_eq!(calls.load(Ordering::Relaxed), 37);
        let mut seen = got.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..37).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_give_no_results() {
        let items: [u8; 0] = [];
        assert!(map_ordered(&items, 0, |_| 0, |&x| x).is_empty());
    }
}
