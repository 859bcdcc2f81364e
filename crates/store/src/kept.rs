//! Answers kept while what they were computed from is unchanged: each answer is stored
//! under a stamp (an index generation, a change-log position) and all are dropped when the
//! stamp moves, so a kept answer is never older than the data it stands for. Bounded: when
//! full, everything is dropped and filled again.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Answers by key, for one stamp.
#[derive(Debug)]
pub struct Kept<K, V> {
    most: usize,
    answers: Mutex<(i64, HashMap<K, Arc<V>>)>,
}

impl<K: Eq + Hash, V> Kept<K, V> {
    /// Keeps at most `most` answers.
    pub fn new(most: usize) -> Kept<K, V> {
        Kept {
            most,
            answers: Mutex::new((i64::MIN, HashMap::new())),
        }
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

    #[test]
    fn an_answer_is_kept_for_its_stamp_only_and_the_store_stays_bounded() {
        let kept: Kept<&str, i32> = Kept::new(2);
        kept.put(1, "a", Arc::new(10));
        assert_eq!(kept.get(1, &"a").as_deref(), Some(&10));
        assert_eq!(kept.get(2, &"a"), None, "another stamp");
        kept.put(1, "b", Arc::new(20));
        kept.put(1, "c", Arc::new(30));
        assert_eq!(kept.get(1, &"a"), None, "dropped when full");
        assert_eq!(kept.get(1, &"c").as_deref(), Some(&30));
        kept.put(2, "d", Arc::new(40));
        assert_eq!(kept.get(1, &"c"), None, "dropped when the stamp moved");
        let none: Kept<&str, i32> = Kept::new(0);
        none.put(1, "a", Arc::new(1));
        assert_eq!(none.get(1, &"a"), None, "a store of size 0 keeps nothing");
    }
}
