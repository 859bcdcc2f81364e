//! The audit trail: append-only in the database itself, hash-chained so that one changed
//! byte is found, purged only past its retention, read within the reader's area, exported
//! as CSV that spreadsheets open, and written for logins, refusals and exports.

use app::Clock;
use axum::http::StatusCode;
use chrono::Duration;
use domain::role::Role;
use serde_json::{Value, json};
use store::sea_orm::{Condition, ConnectionTrait, DbBackend, Statement};
use store::testing::Backend;

use crate::support::TestApp;
use store::on_both_backends;

on_both_backends!(
    the_database_refuses_to_change_or_remove_an_entry,
    verify_names_the_row_with_one_flipped_byte,
    verify_names_the_row_after_one_removed,
    a_purge_keeps_everything_younger_than_the_retention,
    the_log_is_read_within_the_area_with_its_filters,
    the_csv_export_is_what_a_spreadsheet_reads,
    logins_failed_logins_and_refusals_are_recorded,
);

/// An app with a province administrator of 河南 and a few entries in the trail.
async fn with_entries(backend: Backend) -> (TestApp, String, String) {
    let t = TestApp::new(backend).await;
    let henan = t
        .user(
            "13900000001",
            "河南管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let national = t
        .user("13900000009", "全国管理员", Role::NationalAdmin, None)
        .await;
    for target in [3, 4, 5] {
        let r = t
            .call(
                axum::http::Method::PUT,
                "/api/v1/quotas",
                Some(&henan),
                Some(json!({"target_kind": "region", "target_ref": "411200", "target": target})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    (t, henan, national)
}

async fn exec(t: &TestApp, sql: &str) -> Result<(), String> {
    let db = t.app.db.writer();
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn lets_anything(t: &TestApp) {
    let sql = match t.app.db.writer().get_database_backend() {
        DbBackend::Postgres => {
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only".to_owned()
        }
        _ => "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete".to_owned(),
    };
    for part in sql.split("; ") {
        exec(t, part).await.unwrap();
    }
}

async fn the_database_refuses_to_change_or_remove_an_entry(backend: Backend) {
    let (t, _, _) = with_entries(backend).await;
    let before = store::audit::head(&t.app.db).await.unwrap().unwrap();
    for sql in [
        format!(
            "UPDATE audit_events SET outcome = 'denied' WHERE id = {}",
            before.id
        ),
        "UPDATE audit_events SET detail = '{}'".to_owned(),
        format!("DELETE FROM audit_events WHERE id = {}", before.id),
        "DELETE FROM audit_events".to_owned(),
    ] {
        let refused = exec(&t, &sql).await.expect_err(&sql);
        assert!(refused.contains("append-only"), "{sql}: {refused}");
    }
    if backend == Backend::Postgres {
        let refused = exec(&t, "TRUNCATE audit_events").await.unwrap_err();
        assert!(refused.contains("append-only"), "{refused}");
    }
    let after = store::audit::head(&t.app.db).await.unwrap().unwrap();
    assert_eq!(before, after);
    let verified = t.app.verify_audit().await.unwrap();
    assert_eq!(verified.broken, None);
    assert!(verified.rows >= 3, "{verified:?}");
}

async fn verify_names_the_row_with_one_flipped_byte(backend: Backend) {
    let (t, _, _) = with_entries(backend).await;
    let verified = t.app.verify_audit().await.unwrap();
    assert_eq!(verified.broken, None, "an untouched trail verifies");
    // Someone with the database's password turns the triggers off and changes one byte of
    // a middle entry: 4 becomes 5.
    let rows = store::audit::batch_after(&t.app.db, Condition::all(), 0, 100)
        .await
        .unwrap();
    let victim = rows
        .iter()
        .find(|r| r.action == "quota.set" && r.detail.contains("\"target\":4"))
        .unwrap();
    lets_anything(&t).await;
    exec(
        &t,
        &format!(
            "UPDATE audit_events SET detail = REPLACE(detail, '\"target\":4', '\"target\":5') WHERE id = {}",
            victim.id
        ),
    )
    .await
    .unwrap();
    let verified = t.app.verify_audit().await.unwrap();
    let broken = verified.broken.expect("the change is found");
    assert_eq!(broken.id, victim.id);
    assert!(
        broken.why.contains("记录内容与其哈希不符"),
        "{}",
        broken.why
    );
}

async fn verify_names_the_row_after_one_removed(backend: Backend) {
    let (t, _, _) = with_entries(backend).await;
    let rows = store::audit::batch_after(&t.app.db, Condition::all(), 0, 100)
        .await
        .unwrap();
    let (removed, next) = (&rows[rows.len() - 2], &rows[rows.len() - 1]);
    lets_anything(&t).await;
    exec(
        &t,
        &format!("DELETE FROM audit_events WHERE id = {}", removed.id),
    )
    .await
    .unwrap();
    let broken = t.app.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(broken.id, next.id);
    assert!(broken.why.contains("链接断开"), "{}", broken.why);
}

async fn a_purge_keeps_everything_younger_than_the_retention(backend: Backend) {
    let (t, _, _) = with_entries(backend).await;
    let old = store::audit::batch_after(&t.app.db, Condition::all(), 0, 100)
        .await
        .unwrap()
        .len();
    // 200 days on, more is recorded.
    t.clock.advance(Duration::days(200));
    let henan = t.log_in("13900000001").await;
    let r = t
        .call(
            axum::http::Method::PUT,
            "/api/v1/quotas",
            Some(&henan),
            Some(json!({"target_kind": "region", "target_ref": "411200", "target": 9})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let young = store::audit::batch_after(&t.app.db, Condition::all(), 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.at > t.clock.now() - Duration::days(1))
        .unwrap();

    // Nothing younger than 180 days goes, whatever is asked.
    let today = (t.clock.now() + Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string();
    let refused = t.app.purge_audit(&today).await.unwrap_err();
    assert!(
        refused.to_string().contains("操作记录至少保留180天")
            || format!("{refused:?}").contains("操作记录至少保留180天"),
        "{refused:?}"
    );
    let too_young = (t.clock.now() - Duration::days(179))
        .format("%Y-%m-%d")
        .to_string();
    assert!(t.app.purge_audit(&too_young).await.is_err());
    // A longer retention is honoured.
    let strict = t.restart_with(|c| c.audit_retention_days = 365).await;
    let before = (t.clock.now() - Duration::days(190))
        .format("%Y-%m-%d")
        .to_string();
    assert!(strict.app.purge_audit(&before).await.is_err());
    // A value below 180 counts as 180.
    let lax = t.restart_with(|c| c.audit_retention_days = 30).await;
    let ninety = (t.clock.now() - Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    assert!(lax.app.purge_audit(&ninety).await.is_err());

    let purged = t.app.purge_audit(&before).await.unwrap();
    assert_eq!(purged.removed as usize, old);
    let left = store::audit::batch_after(&t.app.db, Condition::all(), 0, 100)
        .await
        .unwrap();
    assert_eq!(
        left[0].id, young.id,
        "the young entry is the chain's first now"
    );
    let purge = left.last().unwrap();
    assert_eq!(purge.action, "audit.purge");
    let detail: Value = serde_json::from_str(&purge.detail).unwrap();
    assert_eq!(detail["removed"], old);
    assert_eq!(detail["retention_days"], 180);
    // The shortened chain still verifies: its first row follows the purge's anchor.
    assert_eq!(t.app.verify_audit().await.unwrap().broken, None);
}

async fn the_log_is_read_within_the_area_with_its_filters(backend: Backend) {
    let (t, henan, national) = with_entries(backend).await;
    let shaanxi = t
        .user(
            "13900000002",
            "陕西管理员",
            Role::ProvinceAdmin,
            Some("610000"),
        )
        .await;
    let page = t.get_as(&henan, "/api/v1/audit-log?action=quota.set").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let page = page.json();
    assert_eq!(page["total"], 3, "{page}");
    let first = &page["items"][0];
    assert_eq!(first["action"], "quota.set");
    assert_eq!(first["outcome"], "ok");
    assert_eq!(first["actor_role"], "province_admin");
    assert_eq!(first["actor_region"], "410000");
    assert_eq!(first["region_code"], "411200");
    assert_eq!(first["route"], "PUT /api/v1/quotas");
    assert_eq!(first["ip"], "127.0.0.1");
    assert_eq!(first["detail"]["target"], 5, "newest first");
    assert_eq!(first["hash"].as_str().unwrap().len(), 64);
    // 陕西 sees none of 河南's entries; the nation sees them all.
    let other = t
        .get_as(&shaanxi, "/api/v1/audit-log?action=quota.")
        .await
        .json();
    assert_eq!(other["total"], 0, "{other}");
    let all = t
        .get_as(&national, "/api/v1/audit-log?action=quota.")
        .await
        .json();
    assert_eq!(all["total"], 3, "{all}");
    // Filters: by actor, by target, by outcome, by time, paged.
    let me = t.get_as(&henan, "/api/v1/me").await.json();
    let by_actor = t
        .get_as(
            &national,
            &format!("/api/v1/audit-log?actor={}&action=quota.set", me["id"]),
        )
        .await
        .json();
    assert_eq!(by_actor["total"], 3);
    let quota_id = first["target_id"].as_str().unwrap();
    let by_target = t
        .get_as(
            &national,
            &format!("/api/v1/audit-log?target=quota:{quota_id}"),
        )
        .await
        .json();
    assert_eq!(
        by_target["total"], 3,
        "one quota set three times: {by_target}"
    );
    let later = t
        .get_as(&national, "/api/v1/audit-log?from=2026-07-02&action=quota.")
        .await
        .json();
    assert_eq!(later["total"], 0);
    let that_day = t
        .get_as(
            &national,
            "/api/v1/audit-log?from=2026-07-01&to=2026-07-01&action=quota.",
        )
        .await
        .json();
    assert_eq!(that_day["total"], 3);
    let paged = t
        .get_as(
            &national,
            "/api/v1/audit-log?action=quota.set&per_page=2&page=2",
        )
        .await
        .json();
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    // Unhappy paths, each with its reason.
    let r = t.get_as(&henan, "/api/v1/audit-log?outcome=maybe").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.message(), "outcome 须为 ok、denied 或 invalid");
    let r = t.get_as(&henan, "/api/v1/audit-log?from=2026-02-30").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("2026-02-30"), "{}", r.text);
    let host = t.log_in("13800000003").await;
    let r = t.get_as(&host, "/api/v1/audit-log").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.message(), "只有管理员可以查看操作记录");
    // … and the host's refused read is itself in the log, as `denied`, for the nation.
    let denied = t
        .get_as(&national, "/api/v1/audit-log?outcome=denied")
        .await
        .json();
    assert_eq!(denied["items"][0]["action"], "GET /api/v1/audit-log");
    assert_eq!(
        denied["items"][0]["detail"]["message"],
        "只有管理员可以查看操作记录"
    );
}

async fn the_csv_export_is_what_a_spreadsheet_reads(backend: Backend) {
    let (t, henan, national) = with_entries(backend).await;
    let r = t.get_as(&henan, "/api/v1/exports/audit-log.csv").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    assert!(r.header("content-disposition").contains("attachment"));
    assert!(
        r.text.starts_with('\u{feff}'),
        "a byte-order mark for Excel"
    );
    let mut reader = csv::Reader::from_reader(r.text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, app::audit::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let quota_rows: Vec<&csv::StringRecord> =
        rows.iter().filter(|r| &r[5] == "quota.set").collect();
    assert_eq!(quota_rows.len(), 3);
    assert_eq!(&quota_rows[0][8], "411200");
    assert!(quota_rows[0][13].contains("\"target\":3"), "oldest first");
    // The export is itself recorded (it holds addresses and ids of people).
    let exports = t
        .get_as(&national, "/api/v1/audit-log?action=audit.export")
        .await
        .json();
    assert_eq!(exports["total"], 1, "{exports}");
    // A cell that a spreadsheet would run as a formula is defused.
    assert_eq!(
        app::audit::defuse_formula("=HYPERLINK(\"x\")".into()),
        "'=HYPERLINK(\"x\")"
    );
    let r = t
        .get_as(&henan, "/api/v1/exports/audit-log.csv?outcome=x")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.message(), "outcome 须为 ok、denied 或 invalid");
}

async fn logins_failed_logins_and_refusals_are_recorded(backend: Backend) {
    let (t, _, national) = with_entries(backend).await;
    let phone = "13700001234";
    let sent = t
        .post("/api/v1/auth/sms-codes", None, json!({"phone": phone}))
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED);
    let wrong = t
        .post(
            "/api/v1/auth/sessions",
            None,
            json!({"phone": phone, "code": "000000"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    t.clock.advance(Duration::seconds(61));
    let host = t.log_in(phone).await;
    let log = t
        .get_as(&national, "/api/v1/audit-log?action=auth.login")
        .await
        .json();
    let items = log["items"].as_array().unwrap();
    let failed = items
        .iter()
        .find(|e| e["outcome"] == "denied")
        .expect("failed login");
    assert_eq!(failed["target_id"], "137****1234", "the phone is masked");
    assert_eq!(failed["detail"]["reason"], "wrong_code");
    assert!(!failed.to_string().contains(phone), "{failed}");
    let ok = items.iter().find(|e| e["outcome"] == "ok").expect("login");
    assert_eq!(ok["route"], "POST /api/v1/auth/sessions");
    // A refused write of a signed-in person: recorded as denied, with the message.
    let r = t
        .call(
            axum::http::Method::PUT,
            "/api/v1/quotas",
            Some(&host),
            Some(json!({"target_kind": "region", "target_ref": "411200", "target": 3})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let denied = t
        .get_as(
            &national,
            "/api/v1/audit-log?outcome=denied&action=PUT%20/api/v1/quotas",
        )
        .await
        .json();
    assert_eq!(denied["total"], 1, "{denied}");
    assert_eq!(denied["items"][0]["detail"]["message"], r.message());
    assert_eq!(denied["items"][0]["detail"]["status"], 403);
    assert_eq!(denied["items"][0]["actor_role"], "user");
    // A refused write with bad input: recorded as invalid.
    let henan = t.log_in("13900000001").await;
    let r = t
        .call(
            axum::http::Method::PUT,
            "/api/v1/quotas",
            Some(&henan),
            Some(json!({"target_kind": "region", "target_ref": "411200", "target": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let invalid = t
        .get_as(&national, "/api/v1/audit-log?outcome=invalid")
        .await
        .json();
    assert_eq!(invalid["items"][0]["action"], "PUT /api/v1/quotas");
    assert_eq!(invalid["items"][0]["detail"]["status"], 422);
}
