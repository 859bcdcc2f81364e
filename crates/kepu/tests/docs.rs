//! The documents that name tests name tests that exist: every `path::function` cited in
//! docs/THREAT-MODEL.md (a threat's evidence) is a file of this repository holding
//! `fn function`, so that a renamed or deleted test cannot leave a threat claiming a proof it
//! no longer has.

use std::path::Path;

/// Every backquoted `crates/….rs::name` in `text`.
fn cited_tests(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for quoted in text.split('`').skip(1).step_by(2) {
        if let Some((path, name)) = quoted.split_once(".rs::")
            && path.starts_with("crates/")
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            found.push((format!("{path}.rs"), name.to_owned()));
        }
    }
    found
}

#[test]
fn every_test_the_threat_model_cites_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let model = std::fs::read_to_string(root.join("docs/THREAT-MODEL.md")).unwrap();
    let cited = cited_tests(&model);
    assert!(
        cited.len() > 50,
        "the threat model cites its tests: {}",
        cited.len()
    );
    let missing: Vec<String> = cited
        .iter()
        .filter(|(path, name)| {
            let source = std::fs::read_to_string(root.join(path)).unwrap_or_default();
            !source.contains(&format!("fn {name}("))
        })
        .map(|(path, name)| format!("{path}::{name}"))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/THREAT-MODEL.md cites tests that do not exist: {missing:?}"
    );
}

#[test]
fn a_citation_is_read_exactly() {
    let cited = cited_tests(
        "see `crates/web/tests/http/auth.rs::one_code_a_minute` and `path::function`, \
         not `crates/x.rs::` nor `crates/y.rs::a b`",
    );
    assert_eq!(
        cited,
        [(
            "crates/web/tests/http/auth.rs".to_owned(),
            "one_code_a_minute".to_owned()
        )]
    );
}
