//! The documents that name tests name tests that exist: every `path::function` cited in
//! docs/THREAT-MODEL.md (a threat's evidence) is a file of this repository holding
//! `fn function`, so that a renamed or deleted test cannot leave a threat claiming a proof it
//! no longer has.
#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly where its setup does"
)]

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

/// The schema as migrated: each table with its columns.
async fn schema() -> Vec<(String, Vec<String>)> {
    use store::sea_orm::{ConnectionTrait, Statement};
    let test_db = store::testing::TestDb::new(store::testing::Backend::Sqlite).await;
    let db = store::connect(&test_db.url).await.unwrap();
    store::migrations::migrate(db.writer()).await.unwrap();
    let conn = db.writer();
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        ))
        .await
        .unwrap();
    let mut tables = Vec::new();
    for row in rows {
        let table: String = row.try_get("", "name").unwrap();
        let columns = conn
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT name FROM pragma_table_info('{table}')"),
            ))
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.try_get::<String>("", "name").unwrap())
            .collect();
        tables.push((table, columns));
    }
    tables
}

/// Whether a column names or points at a person, or holds what a person typed about one:
/// the columns docs/PRIVACY.md must account for.
fn personal(table: &str, column: &str) -> bool {
    let by_name = column.contains("phone")
        || column.ends_with("_by")
        || column.ends_with("_ip")
        || column.ends_with("_user_id")
        || matches!(
            column,
            "user_id" | "actor_id" | "owner_id" | "author_id" | "ip" | "user_agent" | "subject"
        );
    let by_table = matches!(
        (table, column),
        ("users", "name")
            | ("activities", "data")
            | ("activity_transitions", "snapshot")
            | ("contest_entries", "form")
    );
    by_name || by_table
}

/// docs/PRIVACY.md lists every personal column of the schema, in the row of its table
/// (`table.column`, or the column's name in a row that names `table`), and names no
/// `table.column` that the schema does not have.
#[tokio::test]
async fn the_privacy_list_matches_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/PRIVACY.md")).unwrap();
    let tables = schema().await;
    assert!(tables.len() > 25, "the schema was read: {}", tables.len());
    let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with('|')).collect();
    let mut missing = Vec::new();
    for (table, columns) in &tables {
        for column in columns.iter().filter(|c| personal(table, c)) {
            let listed = doc.contains(&format!("`{table}.{column}`"))
                || rows.iter().any(|row| {
                    row.contains(&format!("`{table}`")) && row.contains(column.as_str())
                });
            if !listed {
                missing.push(format!("{table}.{column}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "personal columns that docs/PRIVACY.md does not list in their table's row: {missing:?}"
    );
    // Every backquoted `table.column` of a table the schema has names one of its columns.
    let mut stale = Vec::new();
    for quoted in doc.split('`').skip(1).step_by(2) {
        let Some((t, c)) = quoted.split_once('.') else {
            continue;
        };
        let word =
            |w: &str| !w.is_empty() && w.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_');
        if !word(t) || !word(c) || c == "rs" {
            continue;
        }
        if let Some((_, columns)) = tables.iter().find(|(table, _)| table == t)
            && !columns.iter().any(|col| col == c)
        {
            stale.push(quoted.to_owned());
        }
    }
    assert!(
        stale.is_empty(),
        "docs/PRIVACY.md names tables or columns the schema does not have: {stale:?}"
    );
}
