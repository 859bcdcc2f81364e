//! Writes the seed inputs of every fuzz target into `fuzz/corpus/<target>/` (the folder
//! given, or `fuzz/corpus` under the current one): one valid input per variant, from which
//! libFuzzer grows the rest. Seeds are named by content, so writing twice changes nothing.
#![expect(clippy::expect_used, reason = "a tool's set-up fails loudly")]

use std::path::PathBuf;

use fuzzing::seeds;
use sha2::Digest;

fn main() {
    let root = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("fuzz/corpus"), PathBuf::from);
    let mut written = 0;
    for (target, inputs) in seeds() {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).expect("the corpus folder");
        for input in inputs {
            let name = format!("seed-{}", &hex::encode(sha2::Sha256::digest(&input))[..16]);
            std::fs::write(dir.join(name), input).expect("a seed");
            written += 1;
        }
    }
    println!("{written} seeds in {}", root.display());
}
