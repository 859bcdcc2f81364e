//! The typed contract (issue 13): a public use case takes a typed command and returns a
//! typed view, never `serde_json::Value`; and no page template reads JSON by key, so that a
//! renamed field is a compile error rather than a silent blank.
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::path::{Path, PathBuf};

/// Every file under `dir` whose name ends with `ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The public functions of app whose signature names `Value`, as `file:function`.
fn untyped() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for path in files(&src, "rs") {
        let source = std::fs::read_to_string(&path).unwrap();
        let file = path.strip_prefix(&src).unwrap().display().to_string();
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
                .any(|word| word == "Value" || word == "serde_json");
            if names_value {
                found.push(format!("{file}:{name}"));
            }
        }
    }
    found
}

#[test]
fn no_use_case_speaks_untyped_json() {
    let found = untyped();
    assert!(
        found.is_empty(),
        "these public functions of app take or return serde_json::Value; give them a typed \
         command or view instead: {found:?}"
    );
}

#[test]
fn the_scan_sees_an_untyped_signature() {
    // The scan itself must notice what it forbids (a scan that finds nothing proves nothing).
    let probe = "pub async fn probe(&self, body: Value) -> Result<(), AppError> {";
    let signature = &probe[..probe.find('{').unwrap()];
    assert!(
        signature
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == "Value")
    );
    assert!(
        files(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path(),
            "rs"
        )
        .len()
            > 20
    );
}

#[test]
fn no_template_reads_json_by_key() {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/templates");
    let mut found = Vec::new();
    for path in files(&templates, "html") {
        let source = std::fs::read_to_string(&path).unwrap();
        for (n, line) in source.lines().enumerate() {
            // `x["key"]` inside a template expression: a JSON lookup the compiler cannot check.
            let in_expression = line.contains("{{") || line.contains("{%");
            if in_expression && (line.contains("[\"") || line.contains("|items")) {
                found.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(
        templates.is_dir() && found.is_empty(),
        "templates that index JSON by key (bind them to a view's fields): {found:?}"
    );
}

/// What building a query looks like.
const QUERY_BUILDERS: &[&str] = &[
    "Entity::find",
    "::find_by_id(",
    "update_many()",
    "delete_many()",
    "insert_many(",
    "Entity::insert(",
    "Entity::delete",
    ".insert(&self.db)",
    ".insert(db)",
    ".insert(txn)",
    ".insert(&txn)",
    "Query::select()",
    "Query::update()",
    "Query::insert()",
    "Query::delete()",
    ".query_all(",
    ".query_one(",
    "execute_unprepared(",
    "ActiveModel {",
    "Statement::from",
];

#[test]
fn queries_live_in_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut querying = Vec::new();
    for path in files(&src, "rs") {
        let source = std::fs::read_to_string(&path).unwrap();
        if QUERY_BUILDERS.iter().any(|q| source.contains(q)) {
            querying.push(path.strip_prefix(&src).unwrap().display().to_string());
        }
    }
    assert!(
        querying.is_empty(),
        "these files of app build SeaORM queries: move them into a store repository \
         (one module per aggregate, `store::activities`, …), so that app reads as use cases \
         and authorisation: {querying:?}"
    );
}
