//! Work spread over the machine's cores: rules, files to scan, blobs to read. One helper, so each
//! caller says only what to do with an item.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads to use for `items` pieces of work (at most 8, at least 1).
pub fn workers(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(items.max(1))
}

/// Apply `f` to every item on several threads, each with its own state from `init` (a repository
/// handle, say; a thread whose `init` fails does no work). Items are taken one at a time, so uneven
/// work stays balanced. Returns the `Some` results with their item's index, in item order.
pub fn map_with<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> Option<S> + Sync,
    f: impl Fn(&mut S, &T) -> Option<R> + Sync,
) -> Vec<(usize, R)> {
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        let Some(mut state) = init() else {
            return done;
        };
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            if let Some(r) = f(&mut state, item) {
                done.push((i, r));
            }
        }
        done
    };
    let mut out: Vec<(usize, R)> = match workers(items.len()) {
        1 => run(),
        n => std::thread::scope(|s| {
            let handles: Vec<_> = (0..n).map(|_| s.spawn(run)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        }),
    };
    out.sort_by_key(|(i, _)| *i);
    out
}

/// [`map_with`] without per-thread state.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Option<R> + Sync) -> Vec<(usize, R)> {
    map_with(items, || Some(()), |_, item| f(item))
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_item_order_and_skip_nones() {
        let items: Vec<u32> = (0..1000).collect();
        let out = super::map(&items, |x| (x % 3 == 0).then_some(x * 2));
        assert_eq!(out.len(), 334);
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(out[1], (3, 6));
        // a thread whose state cannot be made does nothing, and nothing is lost twice
        let none = super::map_with(&items, || None::<()>, |_, x| Some(*x));
        assert!(none.is_empty());
    }
}
