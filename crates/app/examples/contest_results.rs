//! Benchmark: how long the video contest's results take for 5,000 accepted entries, each
//! scored by 3 judges, with a public vote.
//!
//! `cargo run --release -p app --example contest_results`: makes a SQLite database in a
//! temporary folder, a contest of 三门峡 (z-score normalisation, trimmed mean, a 20 % vote),
//! 5,000 accepted entries, 3 judges, 15,000 submitted score sheets and 20,000 votes
//! (written through `store` in one transaction, for speed), then computes the results as an
//! administrator asks for them (`App::results`) ten times and prints the times.
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::sync::Arc;
use std::time::Instant;

use app::config::Config;
use store::sea_orm::{Condition, TransactionTrait};

const ENTRIES: i64 = 5_000;
const JUDGES: i64 = 3;

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("kepu-results-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config {
        data_dir: dir.clone(),
        ..Config::default()
    };
    let app = app::App::start(
        config,
        Arc::new(app::clock::SystemClock),
        Arc::new(app::sms::OutboxSender::new(&dir)),
    )
    .await
    .unwrap();
    let admin = app
        .add_user(
            "13900139001",
            "三门峡市科协",
            Some(domain::role::Role::CityAdmin),
            Some("411200"),
            None,
        )
        .await
        .unwrap();
    let actor = app.actor(admin).await.unwrap().unwrap();
    let today = domain::campaign::beijing_date(chrono::Utc::now());
    let input: domain::contest::ContestInput = serde_json::from_value(serde_json::json!({
        "name": "结果计算测试", "region_code": "411200",
        "submit_from": today.to_string(), "submit_to": (today + chrono::Duration::days(10)).to_string(),
        "aggregation": "trimmed_mean", "normalise": "zscore", "normalise_min_scores": 3,
        "public_vote": {"weight": 20, "from": today.to_string(), "to": (today + chrono::Duration::days(10)).to_string()},
    }))
    .unwrap();
    let contest = app.create_contest(&actor, input).await.unwrap();
    let cid = contest.id;
    for status in ["open", "judging"] {
        app.move_contest(
            &actor,
            cid,
            serde_json::from_value(serde_json::json!({"status": status})).unwrap(),
        )
        .await
        .unwrap();
    }
    let now = chrono::Utc::now();
    let started = Instant::now();
    let txn = app.db.begin().await.unwrap();
    let mut judges = Vec::new();
    for j in 0..JUDGES {
        let user = store::users::add(&txn, &format!("1370013{j:04}"), now)
            .await
            .unwrap();
        judges.push(
            store::judging::add_judge(&txn, cid, user.id, 1, "410102".to_owned(), admin, now)
                .await
                .unwrap()
                .id,
        );
    }
    for e in 0..ENTRIES {
        let form = serde_json::json!({"title": format!("作品{e}"), "person_name": "刘莎", "region_code": "411202"});
        let row = store::entries::insert(&txn, cid, admin, form.to_string(), now)
            .await
            .unwrap();
        store::entries::move_status(&txn, row.id, Condition::all(), &["draft"], "accepted", now)
            .await
            .unwrap();
        for (k, judge) in judges.iter().enumerate() {
            let a = store::judging::assign(&txn, cid, *judge, row.id, false, Condition::all(), now)
                .await
                .unwrap()
                .unwrap();
            // Each judge has their own severity; scores spread over the entries.
            let base = 50.0 + ((e * 37 + k as i64 * 11) % 45) as f64 - 5.0 * k as f64;
            let scores = serde_json::json!({"scientific": base, "creative": base, "production": base, "reach": base});
            let saved = store::judging::save_sheet(
                &txn,
                a.id,
                store::judging::Sheet {
                    scores: scores.to_string(),
                    total: Some(base),
                    comment: None,
                    submitted: true,
                    at: now,
                },
            )
            .await
            .unwrap();
            assert!(saved);
        }
        for v in 0..(e % 8) {
            store::votes::add(
                &txn,
                cid,
                row.id,
                admin,
                today.to_string(),
                format!("10.0.{}.{v}", e % 250),
                now,
            )
            .await
            .unwrap();
        }
    }
    txn.commit().await.unwrap();
    println!(
        "seeded {ENTRIES} entries, {} sheets in {:.1} s",
        ENTRIES * JUDGES,
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let r = app.results(Some(&actor), cid).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.ranking.len() + r.unranked.len(), ENTRIES as usize);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "results of {ENTRIES} entries × {JUDGES} judges: min {:.0} ms, median {:.0} ms, max {:.0} ms (limit 1000 ms)",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
    std::fs::remove_dir_all(&dir).ok();
    assert!(times[times.len() / 2] < 1000.0);
}
