//! Times a search on an existing index: `cargo run --release -p store --example
//! search_timing -- DIR WORD`.
#![expect(clippy::unwrap_used, reason = "a measurement fails loudly")]

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap();
    let word = args.next().unwrap();
    let index = store::search::SearchIndex::open(std::path::Path::new(&dir)).unwrap();
    for limit in [2000, 100] {
        let start = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..5 {
            n = index.search(&word, limit).unwrap().len();
        }
        println!(
            "limit {limit}: {n} ids, {:?} per search",
            start.elapsed() / 5
        );
    }
}
