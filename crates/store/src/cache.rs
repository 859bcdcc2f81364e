//! Answers kept while what they were computed from is unchanged: each answer is kept under
//! a stamp (an index generation, a change-log position) with its key, so an answer is never
//! served for a stamp other than its own, and every answer of older stamps is dropped once
//! a newer stamp is seen. Bounded, and requests missing the same key at once wait for one
//! computation: both are moka's (measured against kepu's own map in
//! `store/examples/cache_bench.rs`, docs/PERFORMANCE.md).

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The newest stamp seen, and the answers (none kept when the bound is 0).
struct Kept<C> {
    newest: AtomicI64,
    answers: Option<C>,
}

impl<C> Kept<C> {
    fn new(most: usize, make: impl FnOnce(u64) -> C) -> Kept<C> {
        Kept {
            newest: AtomicI64::new(i64::MIN),
            answers: (most > 0).then(|| make(u64::try_from(most).unwrap_or(u64::MAX))),
        }
    }

    /// The answers, having dropped every older stamp's if `stamp` is newer than any seen.
    fn at(&self, stamp: i64, drop_all: impl FnOnce(&C)) -> Option<&C> {
        let answers = self.answers.as_ref()?;
        if self.newest.fetch_max(stamp, Ordering::AcqRel) < stamp {
            drop_all(answers);
        }
        Some(answers)
    }
}

/// Answers by key and stamp, computed by async work (a database query).
pub struct Cache<K, V>(Kept<moka::future::Cache<(i64, K), Arc<V>>>);

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    /// Keeps at most `most` answers (none at 0).
    pub fn new(most: usize) -> Cache<K, V> {
        Cache(Kept::new(most, moka::future::Cache::new))
    }

    /// Keeps answers up to `bytes` in all, each weighing `size(answer)` bytes (none at 0):
    /// for answers whose size the asker decides (a page of up to a hundred activities).
    pub fn weighed(bytes: usize, size: fn(&V) -> usize) -> Cache<K, V> {
        Cache(Kept::new(bytes, |most| {
            moka::future::Cache::builder()
                .max_capacity(most)
                .weigher(move |_key, answer: &Arc<V>| {
                    u32::try_from(size(answer)).unwrap_or(u32::MAX)
                })
                .build()
        }))
    }

    /// The answer for `key` at `stamp`: the kept one, or `compute`'s, then kept. Callers
    /// missing the same key at once wait for the first one's computation (and share its
    /// refusal, which is not kept).
    pub async fn get_or_compute<E, F>(&self, stamp: i64, key: K, compute: F) -> Result<Arc<V>, E>
    where
        E: Clone + Send + Sync + 'static,
        F: Future<Output = Result<V, E>>,
    {
        match self.0.at(stamp, moka::future::Cache::invalidate_all) {
            None => compute.await.map(Arc::new),
            Some(answers) => answers
                .try_get_with((stamp, key), async { compute.await.map(Arc::new) })
                .await
                .map_err(|e| E::clone(&e)),
        }
    }
}

/// Answers by key and stamp, computed by blocking work (ranking in the search index).
pub struct SyncCache<K, V>(Kept<moka::sync::Cache<(i64, K), Arc<V>>>);

impl<K, V> SyncCache<K, V>
where
    K: Eq + Hash + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    /// Keeps at most `most` answers (none at 0).
    pub fn new(most: usize) -> SyncCache<K, V> {
        SyncCache(Kept::new(most, moka::sync::Cache::new))
    }

    /// The answer for `key` at `stamp`: the kept one, or `compute`'s, then kept; callers
    /// missing the same key at once wait for one computation.
    pub fn get_or_compute<E>(
        &self,
        stamp: i64,
        key: K,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E>
    where
        E: Clone + Send + Sync + 'static,
    {
        match self.0.at(stamp, moka::sync::Cache::invalidate_all) {
            None => compute().map(Arc::new),
            Some(answers) => answers
                .try_get_with((stamp, key), || compute().map(Arc::new))
                .map_err(|e| E::clone(&e)),
        }
    }
}

impl<K, V> std::fmt::Debug for Cache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

impl<K, V> std::fmt::Debug for SyncCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncCache")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn requests_missing_the_same_key_at_once_compute_it_once() {
        let kept: Arc<Cache<&str, i32>> = Arc::new(Cache::new(8));
        let runs = Arc::new(AtomicUsize::new(0));
        let mut waiting = Vec::new();
        for _ in 0..8 {
            let (kept, runs) = (kept.clone(), runs.clone());
            waiting.push(tokio::spawn(async move {
                kept.get_or_compute(1, "科普", async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok::<_, ()>(7)
                })
                .await
            }));
        }
        for w in waiting {
            assert_eq!(w.await.unwrap().unwrap().as_ref(), &7);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn weighed_answers_are_kept_up_to_their_bytes() {
        let kept: Cache<u32, Vec<u8>> = Cache::weighed(10_000, Vec::len);
        for key in 0..100 {
            kept.get_or_compute(1, key, async { Ok::<_, ()>(vec![0; 1_000]) })
                .await
                .unwrap();
        }
        let answers = kept.0.answers.as_ref().unwrap();
        answers.run_pending_tasks().await;
        assert!(
            answers.weighted_size() <= 10_000,
            "{} bytes kept",
            answers.weighted_size()
        );
        assert!(answers.entry_count() <= 10);
    }

    #[test]
    fn an_answer_is_kept_for_its_stamp_only() {
        let kept: SyncCache<&str, i32> = SyncCache::new(16);
        let runs = AtomicUsize::new(0);
        let ask = |stamp: i64, key: &'static str, value: i32| {
            kept.get_or_compute(stamp, key, || {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok::<_, ()>(value)
            })
            .unwrap()
        };
        assert_eq!(*ask(1, "a", 10), 10);
        assert_eq!(*ask(1, "a", 11), 10, "kept");
        assert_eq!(*ask(2, "a", 20), 20, "another stamp is another answer");
        assert_eq!(
            *ask(1, "a", 12),
            12,
            "an older stamp's answers were dropped"
        );
        assert_eq!(*ask(2, "a", 21), 20, "the newest stamp's answer stays");
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        let none: SyncCache<&str, i32> = SyncCache::new(0);
        assert_eq!(*none.get_or_compute(1, "a", || Ok::<_, ()>(1)).unwrap(), 1);
        assert_eq!(
            *none.get_or_compute(1, "a", || Ok::<_, ()>(2)).unwrap(),
            2,
            "0 keeps nothing"
        );
    }

    #[test]
    fn a_refusal_is_not_kept() {
        let kept: SyncCache<&str, i32> = SyncCache::new(4);
        assert_eq!(
            kept.get_or_compute(1, "a", || Err::<i32, _>("busy")),
            Err("busy")
        );
        assert_eq!(
            *kept.get_or_compute(1, "a", || Ok::<_, &str>(3)).unwrap(),
            3
        );
    }
}
