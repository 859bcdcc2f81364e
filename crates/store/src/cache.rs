//! Answers kept while what they were computed from is unchanged: each answer is stored
//! under a stamp (an index generation, a change-log position) and all are dropped when the
//! stamp moves, so a kept answer is never older than the data it stands for. Bounded: when
//! full, everything is dropped and filled again. Requests that miss the same key at once
//! wait for one computation instead of each making their own.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Arc, Mutex};

/// Answers by key, for one stamp.
#[derive(Debug)]
pub struct Cache<K, V> {
    most: usize,
    answers: Mutex<(i64, HashMap<K, Arc<V>>)>,
    /// One computation at a time per stripe of keys.
    turns: Vec<tokio::sync::Mutex<()>>,
    hasher: RandomState,
}

/// Stripes of keys computed one at a time (different keys rarely share one).
const TURNS: usize = 32;

impl<K: Eq + Hash, V> Cache<K, V> {
    /// Keeps at most `most` answers.
    pub fn new(most: usize) -> Cache<K, V> {
        Cache {
            most,
            answers: Mutex::new((i64::MIN, HashMap::new())),
            turns: (0..TURNS).map(|_| tokio::sync::Mutex::new(())).collect(),
            hasher: RandomState::new(),
        }
    }

    /// The answer for `key` at `stamp`: the kept one, or `compute`'s, then kept. Callers
    /// missing the same key at once wait for the first one's computation.
    pub async fn get_or_compute<E, F>(&self, stamp: i64, key: K, compute: F) -> Result<Arc<V>, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if self.most == 0 {
            return Ok(Arc::new(compute.await?));
        }
        if let Some(kept) = self.get(stamp, &key) {
            return Ok(kept);
        }
        let stripe = usize::try_from(self.hasher.hash_one(&key)).unwrap_or(0) % TURNS;
        let _turn = match self.turns.get(stripe) {
            Some(turn) => Some(turn.lock().await),
            None => None,
        };
        if let Some(kept) = self.get(stamp, &key) {
            return Ok(kept);
        }
        let value = Arc::new(compute.await?);
        self.put(stamp, key, value.clone());
        Ok(value)
    }

    /// The answer kept for `key` at `stamp`.
    pub fn get(&self, stamp: i64, key: &K) -> Option<Arc<V>> {
        let kept = self.answers.lock().ok()?;
        (kept.0 == stamp).then(|| kept.1.get(key).cloned())?
    }

    /// Keeps `value` for `key` at `stamp` (dropping answers of any other stamp).
    pub fn put(&self, stamp: i64, key: K, value: Arc<V>) {
        if self.most == 0 {
            return;
        }
        if let Ok(mut kept) = self.answers.lock() {
            if kept.0 != stamp || kept.1.len() >= self.most {
                *kept = (stamp, HashMap::new());
            }
            kept.1.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_missing_the_same_key_at_once_compute_it_once() {
        let kept: Arc<Cache<&str, i32>> = Arc::new(Cache::new(8));
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut waiting = Vec::new();
        for _ in 0..8 {
            let (kept, runs) = (kept.clone(), runs.clone());
            waiting.push(tokio::spawn(async move {
                kept.get_or_compute(1, "科普", async {
                    runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok::<_, ()>(7)
                })
                .await
            }));
        }
        for w in waiting {
            assert_eq!(w.await.unwrap().unwrap().as_ref(), &7);
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn an_answer_is_kept_for_its_stamp_only_and_the_store_stays_bounded() {
        let kept: Cache<&str, i32> = Cache::new(2);
        kept.put(1, "a", Arc::new(10));
        assert_eq!(kept.get(1, &"a").as_deref(), Some(&10));
        assert_eq!(kept.get(2, &"a"), None, "another stamp");
        kept.put(1, "b", Arc::new(20));
        kept.put(1, "c", Arc::new(30));
        assert_eq!(kept.get(1, &"a"), None, "dropped when full");
        assert_eq!(kept.get(1, &"c").as_deref(), Some(&30));
        kept.put(2, "d", Arc::new(40));
        assert_eq!(kept.get(1, &"c"), None, "dropped when the stamp moved");
        let none: Cache<&str, i32> = Cache::new(0);
        none.put(1, "a", Arc::new(1));
        assert_eq!(none.get(1, &"a"), None, "a store of size 0 keeps nothing");
    }
}
