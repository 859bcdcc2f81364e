//! `cargo run --release -p store --example cache_bench`: the kept-answers cache kepu had
//! written itself (`OwnMap` below, as it was in `store::cache` until 2026-12-02: one map for
//! one stamp, dropped whole when the stamp moves or it is full, one computation per stripe
//! of keys) against the same contract on moka (`store::cache::Cache` since then:
//! `try_get_with` coalescing, the stamp in the key, `invalidate_all` on a newer stamp), under the public list's access pattern: 32
//! tasks on a two-thread runtime asking for 1,000 paths whose answers are 8 KB, with the
//! stamp moving every `STAMP_EVERY` requests (the search log advancing under writes).
//!
//! Prints requests per second, the p99 of one request and how many answers were computed.

#![expect(clippy::unwrap_used, reason = "a benchmark stops at its first fault")]

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const TASKS: usize = 32;
const PER_TASK: usize = 100_000;
const PATHS: usize = 1_000;
const ANSWER_BYTES: usize = 8 * 1024;
/// The most answers kept (`kept_public_answers`' default).
const MOST: usize = 4_096;

/// What is measured: one contract, two implementations.
trait Kept: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    fn get_or_compute(
        &self,
        stamp: i64,
        key: String,
        compute: impl Future<Output = Result<Vec<u8>, ()>> + Send,
    ) -> impl Future<Output = Result<Arc<Vec<u8>>, ()>> + Send;
}

struct Ours(OwnMap<String, Vec<u8>>);

impl Kept for Ours {
    fn name(&self) -> &'static str {
        "own map (before)"
    }
    async fn get_or_compute(
        &self,
        stamp: i64,
        key: String,
        compute: impl Future<Output = Result<Vec<u8>, ()>> + Send,
    ) -> Result<Arc<Vec<u8>>, ()> {
        self.0.get_or_compute(stamp, key, compute).await
    }
}

/// The same contract on moka: an answer is kept under its stamp with its key (so a request
/// that read an older stamp never serves or stores an answer for a newer one), and every
/// answer of older stamps is dropped once a newer stamp is seen.
struct Moka(store::cache::Cache<String, Vec<u8>>);

impl Kept for Moka {
    fn name(&self) -> &'static str {
        "store::cache (moka)"
    }
    async fn get_or_compute(
        &self,
        stamp: i64,
        key: String,
        compute: impl Future<Output = Result<Vec<u8>, ()>> + Send,
    ) -> Result<Arc<Vec<u8>>, ()> {
        self.0.get_or_compute(stamp, key, compute).await
    }
}

async fn run<C: Kept>(cache: Arc<C>, stamp_every: u64) -> (f64, Duration, u64) {
    let computed = Arc::new(AtomicU64::new(0));
    let asked = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let (cache, computed, asked) = (cache.clone(), computed.clone(), asked.clone());
        tasks.push(tokio::spawn(async move {
            let mut seed = 0x9e37_79b9_7f4a_7c15_u64 ^ (t as u64);
            let mut took = Vec::with_capacity(PER_TASK);
            for _ in 0..PER_TASK {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let path = format!("/activities?page={}", seed % PATHS as u64);
                let n = asked.fetch_add(1, Ordering::Relaxed);
                let stamp = i64::try_from(n / stamp_every).unwrap_or(0);
                let one = Instant::now();
                let computed = computed.clone();
                let answer = cache
                    .get_or_compute(stamp, path, async move {
                        computed.fetch_add(1, Ordering::Relaxed);
                        // A computed answer costs about what the list's query does (1 ms).
                        tokio::time::sleep(Duration::from_millis(1)).await;
                        Ok(vec![7u8; ANSWER_BYTES])
                    })
                    .await
                    .unwrap();
                assert_eq!(answer.len(), ANSWER_BYTES);
                took.push(one.elapsed());
            }
            took
        }));
    }
    let mut all = Vec::with_capacity(TASKS * PER_TASK);
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let p99 = all[all.len() * 99 / 100];
    (
        all.len() as f64 / elapsed,
        p99,
        computed.load(Ordering::Relaxed),
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for stamp_every in [u64::MAX, 100_000, 10_000] {
            let label = if stamp_every == u64::MAX {
                "stamp never moves".to_owned()
            } else {
                format!("stamp moves every {stamp_every} requests")
            };
            println!("{label}:");
            for round in 0..2 {
                let ours = Arc::new(Ours(OwnMap::new(MOST)));
                let (rps, p99, computed) = run(ours.clone(), stamp_every).await;
                println!(
                    "  round {round} {:<22} {rps:>12.0} req/s  p99 {p99:>10.1?}  computed {computed}",
                    ours.name()
                );
                let moka = Arc::new(Moka(store::cache::Cache::new(MOST)));
                let (rps, p99, computed) = run(moka.clone(), stamp_every).await;
                println!(
                    "  round {round} {:<22} {rps:>12.0} req/s  p99 {p99:>10.1?}  computed {computed}",
                    moka.name()
                );
            }
        }
    });
}

// The cache as kepu had written it.

/// Answers by key, for one stamp.
#[derive(Debug)]
struct OwnMap<K, V> {
    most: usize,
    answers: Mutex<(i64, HashMap<K, Arc<V>>)>,
    /// One computation at a time per stripe of keys.
    turns: Vec<tokio::sync::Mutex<()>>,
    hasher: RandomState,
}

/// Stripes of keys computed one at a time (different keys rarely share one).
const TURNS: usize = 32;

impl<K: Eq + Hash, V> OwnMap<K, V> {
    /// Keeps at most `most` answers.
    fn new(most: usize) -> OwnMap<K, V> {
        OwnMap {
            most,
            answers: Mutex::new((i64::MIN, HashMap::new())),
            turns: (0..TURNS).map(|_| tokio::sync::Mutex::new(())).collect(),
            hasher: RandomState::new(),
        }
    }

    /// The answer for `key` at `stamp`: the kept one, or `compute`'s, then kept. Callers
    /// missing the same key at once wait for the first one's computation.
    async fn get_or_compute<E, F>(&self, stamp: i64, key: K, compute: F) -> Result<Arc<V>, E>
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
    fn get(&self, stamp: i64, key: &K) -> Option<Arc<V>> {
        let kept = self.answers.lock().ok()?;
        (kept.0 == stamp).then(|| kept.1.get(key).cloned())?
    }

    /// Keeps `value` for `key` at `stamp` (dropping answers of any other stamp).
    fn put(&self, stamp: i64, key: K, value: Arc<V>) {
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
