//! Replays the committed corpus of every fuzz target (`fuzz/corpus/<target>/`) through the
//! target's body, on stable: what libFuzzer once found stays a failing test until fixed.

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, bytes)
        })
        .collect();
    inputs.sort();
    inputs
}

#[test]
fn every_target_has_a_committed_corpus_and_a_binary() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    for (target, _) in fuzzing::TARGETS {
        assert!(
            corpus(target).len() >= 2,
            "fuzz/corpus/{target} holds fewer than two inputs"
        );
        let binary = root.join("fuzz_targets").join(format!("{target}.rs"));
        assert!(binary.exists(), "{} is missing", binary.display());
    }
}

#[test]
fn every_corpus_replays_without_a_crash() {
    let mut replayed = 0;
    for (target, run) in fuzzing::TARGETS {
        for (path, bytes) in corpus(target) {
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target}: {} crashes", path.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0);
}
