//! The typed contract's ratchet (issue 13): a public use case takes a typed command and
//! returns a typed view, never `serde_json::Value`. The functions that still do are listed
//! here; a new one fails this test, and a converted one must leave the list, so the list
//! only shrinks until it is empty.
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::collections::BTreeSet;

/// `file:function` of each public function of app that still takes or returns `Value`.
const NOT_YET_TYPED: &[&str] = &[
    "activities.rs:activity",
    "activities.rs:activity_page",
    "activities.rs:confirm_host",
    "activities.rs:copy_activity",
    "activities.rs:create_activity",
    "activities.rs:my_activities",
    "activities.rs:submit_activity",
    "activities.rs:typed_text_problems",
    "activities.rs:update_activity",
    "activities.rs:withdraw_activity",
    "audit.rs:record",
    "exports.rs:import_activities",
    "ical.rs:calendar",
    "nominations.rs:activity_nomination",
    "nominations.rs:nominate",
    "nominations.rs:nomination_candidates",
    "nominations.rs:nomination_for",
    "nominations.rs:nomination_view",
    "nominations.rs:nominations",
    "nominations.rs:set_excellence_intent",
    "public.rs:public_activities",
    "review.rs:changes_since_last_decision",
    "review.rs:decide_activity",
    "review.rs:review_queue",
    "stats.rs:stats",
    "summaries.rs:finish_summary_upload",
    "summaries.rs:put_summary",
    "summaries.rs:summary",
    "supplements.rs:add_supplement_media",
    "supplements.rs:put_supplement",
    "supplements.rs:supplement",
    "supplements.rs:supplement_to_fill",
];

/// The public functions whose signature names `Value`, by `file:function`.
fn untyped() -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for (at, _) in source.match_indices("pub ") {
            let rest = &source[at..];
            let Some(after_fn) = rest
                .strip_prefix("pub async fn ")
                .or_else(|| rest.strip_prefix("pub fn "))
            else {
                continue;
            };
            let name: String = after_fn
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let signature = &after_fn[..after_fn.find('{').unwrap_or(after_fn.len())];
            let names_value = signature
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word == "Value");
            if names_value {
                found.insert(format!("{file}:{name}"));
            }
        }
    }
    found
}

#[test]
fn no_new_use_case_speaks_untyped_json() {
    let found = untyped();
    let allowed: BTreeSet<String> = NOT_YET_TYPED.iter().map(|s| (*s).to_owned()).collect();
    let new: Vec<&String> = found.difference(&allowed).collect();
    assert!(
        new.is_empty(),
        "these public functions of app take or return serde_json::Value; give them a typed \
         command or view instead: {new:?}"
    );
    let converted: Vec<&String> = allowed.difference(&found).collect();
    assert!(
        converted.is_empty(),
        "these are typed now: take them off NOT_YET_TYPED so the list only shrinks: {converted:?}"
    );
    println!("{} public functions of app still untyped", found.len());
}
