//! Times a search on an existing index: `cargo run --release -p store --example
//! search_timing -- DIR WORD`. For each limit: the first search (ranked and counted) and
//! the next (the kept answer).
#![expect(clippy::unwrap_used, reason = "a measurement fails loudly")]

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap();
    let word = args.next().unwrap();
    let index = store::search::SearchIndex::open(std::path::Path::new(&dir)).unwrap();
    for limit in [2000, 100, 20] {
        let start = std::time::Instant::now();
        let found = index.search(&word, limit).unwrap();
        let ranked = start.elapsed();
        let start = std::time::Instant::now();
        index.search(&word, limit).unwrap();
        println!(
            "limit {limit}: {} ids of {} matches, ranked in {ranked:?}, kept answer in {:?}",
            found.ids.len(),
            found.total,
            start.elapsed()
        );
    }
}
