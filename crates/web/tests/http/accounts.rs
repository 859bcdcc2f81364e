//! Sessions that end (idle, at their limit, at an administrator's word), disabled accounts,
//! tokens that expire, the SMS budget and pumping alarms, the client behind a trusted
//! proxy, and uploads nothing names.

use app::Clock;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use domain::role::Role;
use serde_json::json;
use store::on_both_backends;
use store::testing::Backend;

use crate::activities::{complete, world};
use crate::pages::{csrf_of, form, page, sign_in};
use crate::support::{TestApp, png};

on_both_backends!(
    a_session_ends_after_thirty_idle_minutes_and_twelve_hours_in_all,
    an_administrator_ends_a_persons_sessions_at_once,
    a_disabled_account_can_neither_act_nor_log_in,
    tokens_expire_after_ninety_days,
    the_platform_sends_no_more_codes_than_its_daily_budget,
    pumping_raises_an_alarm_once_and_the_admin_page_shows_it,
    the_client_behind_a_trusted_proxy_is_the_forwarded_address,
    uploads_nothing_names_are_deleted_after_a_day,
    a_person_closes_their_own_account,
    a_person_closes_their_account_from_their_page,
    contacts_are_removed_years_after_their_campaign,
);

/// Whether a page signed in with `cookie` is still shown (rather than sent to the login).
async fn signed_in(t: &TestApp, cookie: &str) -> bool {
    let answer = page(t, "/my/activities", cookie).await;
    match answer.status {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            assert_eq!(answer.header("location"), "/login");
            false
        }
        other => panic!("/my/activities answered {other}: {}", answer.text),
    }
}

async fn a_session_ends_after_thirty_idle_minutes_and_twelve_hours_in_all(backend: Backend) {
    let t = TestApp::new(backend).await;
    let cookie = sign_in(&t, "13800138000").await;
    let login = t.get("/login").await;
    assert!(
        login.header("set-cookie").contains("Max-Age=43200"),
        "the cookie lasts no longer than the session: {}",
        login.header("set-cookie")
    );
    // A person who keeps working keeps their session…
    for _ in 0..4 {
        t.clock.advance(Duration::minutes(29));
        assert!(
            signed_in(&t, &cookie).await,
            "29 minutes after the last request"
        );
    }
    // …but not after 30 minutes away.
    t.clock.advance(Duration::minutes(31));
    assert!(
        !signed_in(&t, &cookie).await,
        "31 idle minutes end the session"
    );

    // However busy, a session ends 12 hours after login.
    let cookie = sign_in(&t, "13800138000").await;
    for _ in 0..24 {
        t.clock.advance(Duration::minutes(29));
        assert!(signed_in(&t, &cookie).await);
    }
    assert!(signed_in(&t, &cookie).await, "11 h 36 min after login");
    t.clock.advance(Duration::minutes(25));
    assert!(!signed_in(&t, &cookie).await, "12 h 1 min after login");

    // Both durations are settings, and apply to sessions already open.
    let cookie = sign_in(&t, "13800138000").await;
    let strict = t.restart_with(|c| c.login.session_idle_minutes = 5).await;
    t.clock.advance(Duration::minutes(6));
    assert!(
        signed_in(&t, &cookie).await,
        "30 minutes on the first instance"
    );
    t.clock.advance(Duration::minutes(6));
    assert!(
        !signed_in(&strict, &cookie).await,
        "5 minutes on the second"
    );
}

async fn an_administrator_ends_a_persons_sessions_at_once(backend: Backend) {
    let t = TestApp::new(backend).await;
    let cookie = sign_in(&t, "13800138000").await;
    t.clock.advance(Duration::seconds(61));
    let token = t.log_in("13800138000").await;
    let user_id = t.get_as(&token, "/api/v1/me").await.json()["id"]
        .as_i64()
        .unwrap();
    let national = t
        .user("13900000001", "全国管理员", Role::NationalAdmin, None)
        .await;
    let province = t
        .user(
            "13900000002",
            "河南省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let path = format!("/api/v1/users/{user_id}/sessions");

    for (who, status, message) in [
        (None, StatusCode::UNAUTHORIZED, "请先登录"),
        (Some(&province), StatusCode::FORBIDDEN, "全国"),
        (Some(&token), StatusCode::FORBIDDEN, "全国"),
    ] {
        let refused = t
            .call(Method::DELETE, &path, who.map(String::as_str), None)
            .await;
        assert_eq!(refused.status, status, "{}", refused.text);
        assert!(refused.message().contains(message), "{}", refused.text);
    }
    assert!(
        signed_in(&t, &cookie).await,
        "a refused request ends nothing"
    );
    assert_eq!(t.get_as(&token, "/api/v1/me").await.status, StatusCode::OK);

    let unknown = t
        .call(
            Method::DELETE,
            "/api/v1/users/999999/sessions",
            Some(&national),
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.message(), "未找到该用户");

    let ended = t.call(Method::DELETE, &path, Some(&national), None).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text);
    assert_eq!(
        ended.json()["sessions_ended"],
        2,
        "the browser session and the token"
    );
    assert!(
        !signed_in(&t, &cookie).await,
        "the browser session ended at once"
    );
    let with_token = t.get_as(&token, "/api/v1/me").await;
    assert_eq!(with_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(with_token.message(), "登录已失效，请重新登录");
    let audit = t.get_as(&national, "/api/v1/audit").await;
    assert!(audit.text.contains("user.end_sessions"), "{}", audit.text);

    // Logging out ends the session at once, too.
    let cookie = sign_in(&t, "13800138000").await;
    let csrf = crate::pages::csrf_of(&page(&t, "/my/activities", &cookie).await);
    crate::pages::form(&t, "/logout", &cookie, &format!("_csrf={csrf}")).await;
    assert!(!signed_in(&t, &cookie).await);
}

async fn a_disabled_account_can_neither_act_nor_log_in(backend: Backend) {
    let t = TestApp::new(backend).await;
    let token = t.log_in("13800138000").await;
    let user_id = t.get_as(&token, "/api/v1/me").await.json()["id"]
        .as_i64()
        .unwrap();
    let national = t
        .user("13900000001", "全国管理员", Role::NationalAdmin, None)
        .await;
    let national_id = t.get_as(&national, "/api/v1/me").await.json()["id"]
        .as_i64()
        .unwrap();

    let own = t
        .post(
            &format!("/api/v1/users/{national_id}/disable"),
            Some(&national),
            json!({}),
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert_eq!(own.message(), "不能停用自己的账号");

    let disabled = t
        .post(
            &format!("/api/v1/users/{user_id}/disable"),
            Some(&national),
            json!({}),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.text);
    assert_eq!(disabled.json()["disabled"], true);
    assert_eq!(
        t.get_as(&token, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );

    // A code is still sent (a stranger learns nothing), but it does not log in.
    let sent = t
        .post(
            "/api/v1/auth/sms-codes",
            None,
            json!({"phone": "13800138000"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED);
    let code = t.last_code("13800138000");
    let refused = t
        .post(
            "/api/v1/auth/sessions",
            None,
            json!({"phone": "13800138000", "code": code}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.message(),
        "该账号已停用，如有疑问请联系所在地区的科协管理员"
    );

    let enabled = t
        .post(
            &format!("/api/v1/users/{user_id}/enable"),
            Some(&national),
            json!({}),
        )
        .await;
    assert_eq!(enabled.json()["disabled"], false);
    let again = t
        .post(
            "/api/v1/auth/sessions",
            None,
            json!({"phone": "13800138000", "code": code}),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "the unused code still works: {}",
        again.text
    );
}

async fn tokens_expire_after_ninety_days(backend: Backend) {
    let t = TestApp::new(backend).await;
    let token = t.log_in("13800138000").await;
    let listed = t.get_as(&token, "/api/v1/me/tokens").await.json();
    assert!(listed[0]["expires_at"].as_str().is_some(), "{listed}");
    t.clock.advance(Duration::days(89));
    assert_eq!(t.get_as(&token, "/api/v1/me").await.status, StatusCode::OK);
    t.clock.advance(Duration::days(2));
    let expired = t.get_as(&token, "/api/v1/me").await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(expired.message(), "登录已失效，请重新登录");
    // The command line's tokens expire too.
    let id = t
        .app
        .add_user("13800138001", "张三", None, None, None)
        .await
        .unwrap();
    let cli = t.app.issue_token(id, "命令行", None).await.unwrap();
    t.clock.advance(Duration::days(91));
    assert_eq!(
        t.get_as(&cli, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn the_platform_sends_no_more_codes_than_its_daily_budget(backend: Backend) {
    let t = TestApp::with_config(backend, |c| c.login.sms_daily_budget = 3).await;
    for phone in ["13800138001", "13800138002", "13800138003"] {
        let sent = t
            .post("/api/v1/auth/sms-codes", None, json!({"phone": phone}))
            .await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
    }
    let spent = t
        .post(
            "/api/v1/auth/sms-codes",
            None,
            json!({"phone": "13800138004"}),
        )
        .await;
    assert_eq!(spent.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        spent.message().starts_with("今日平台短信发送量已达上限"),
        "{}",
        spent.text
    );
    // The test clock is 10:00 Beijing time: midnight is 14 hours away.
    assert_eq!(spent.header("retry-after"), (14 * 3600).to_string());
    assert_eq!(t.outbox().len(), 3, "nothing went to the sender");
    t.clock.advance(Duration::hours(14));
    let next_day = t
        .post(
            "/api/v1/auth/sms-codes",
            None,
            json!({"phone": "13800138004"}),
        )
        .await;
    assert_eq!(next_day.status, StatusCode::ACCEPTED, "{}", next_day.text);
}

async fn pumping_raises_an_alarm_once_and_the_admin_page_shows_it(backend: Backend) {
    let t = TestApp::with_config(backend, |c| {
        c.login.alarm_min_codes = 5;
        c.login.alarm_prefix_codes_per_hour = 3;
    })
    .await;
    let national = t
        .user("13900000001", "全国管理员", Role::NationalAdmin, None)
        .await;
    let province = t
        .user(
            "13900000002",
            "河南省管理员",
            Role::ProvinceAdmin,
            Some("410000"),
        )
        .await;
    let quiet = t.get_as(&national, "/api/v1/sms/watch").await.json();
    assert_eq!(quiet["alarms"], json!([]));
    // Six codes to one block of numbers, none used to log in.
    for n in 0..6 {
        let sent = t
            .post(
                "/api/v1/auth/sms-codes",
                None,
                json!({"phone": format!("1703456000{n}")}),
            )
            .await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
    }
    let watch = t.get_as(&national, "/api/v1/sms/watch").await;
    assert_eq!(watch.status, StatusCode::OK, "{}", watch.text);
    let watch = watch.json();
    assert_eq!(watch["sent_last_hour"], 6);
    assert_eq!(watch["logins_last_hour"], 0);
    let alarms = watch["alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 2, "one alarm of each kind an hour: {watch}");
    let texts: Vec<&str> = alarms.iter().filter_map(|a| a["detail"].as_str()).collect();
    assert!(
        texts.contains(&"号段 1703456 最近一小时获取验证码4条，超过3条"),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|d| d.starts_with("最近一小时发送验证码5条，完成登录0次")),
        "{texts:?}"
    );

    let refused = t.get_as(&province, "/api/v1/sms/watch").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.message().contains("全国"), "{}", refused.text);

    let cookie = sign_in(&t, "13900000001").await;
    let shown = page(&t, "/admin/sms", &cookie).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text.contains("号段集中获取"), "{}", shown.text);
    assert!(shown.text.contains("登录完成率过低"));
    assert!(shown.text.contains("1703456"));
}

async fn code_from(t: &TestApp, peer: &str, forwarded_for: &str, phone: &str) -> StatusCode {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/sms-codes")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", forwarded_for)
        .body(Body::from(json!({"phone": phone}).to_string()))
        .unwrap();
    t.send(peer, request).await.status
}

async fn the_client_behind_a_trusted_proxy_is_the_forwarded_address(backend: Backend) {
    // Without trusted proxies, a forged header changes nothing: the peer is the client.
    let plain = TestApp::with_config(backend, |c| c.login.codes_per_ip_per_hour = 2).await;
    assert_eq!(
        code_from(&plain, "203.0.113.5", "1.1.1.1", "13800138001").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        code_from(&plain, "203.0.113.5", "2.2.2.2", "13800138002").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        code_from(&plain, "203.0.113.5", "3.3.3.3", "13800138003").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Behind the load balancer, each person behind it has their own limit.
    let behind = TestApp::with_config(backend, |c| {
        c.login.codes_per_ip_per_hour = 2;
        c.trusted_proxies = vec!["10.0.0.0/8".to_owned()];
    })
    .await;
    let lb = "10.0.0.7";
    assert_eq!(
        code_from(&behind, lb, "198.51.100.1", "13800138001").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        code_from(&behind, lb, "198.51.100.1", "13800138002").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        code_from(&behind, lb, "198.51.100.1", "13800138003").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A forged entry before the real one does not escape the limit.
    assert_eq!(
        code_from(&behind, lb, "6.6.6.6, 198.51.100.1", "13800138004").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        code_from(&behind, lb, "198.51.100.2", "13800138005").await,
        StatusCode::ACCEPTED
    );

    // A setting that is not a network stops the start rather than trusting nobody quietly.
    let db = store::testing::TestDb::new(backend).await;
    let config = app::Config {
        database_url: Some(db.url.clone()),
        data_dir: std::env::temp_dir().join(format!("kepu-proxy-{}", app::random_hex(6).unwrap())),
        trusted_proxies: vec!["10.0.0.0/33".to_owned()],
        ..app::Config::default()
    };
    let clock = std::sync::Arc::new(app::TestClock::new(chrono::Utc::now()));
    let sms = std::sync::Arc::new(app::sms::OutboxSender::new(&config.data_dir));
    let refused = app::App::start(config, clock, sms).await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("10.0.0.0/33"), "{message}");
}

async fn uploads_nothing_names_are_deleted_after_a_day(backend: Backend) {
    let w = world(backend).await;
    let made =
        w.t.post("/api/v1/activities", Some(&w.host), complete(w.org))
            .await;
    let id = made.json()["id"].as_i64().unwrap();
    let upload = |name: &'static str| {
        let w = &w;
        async move {
            w.t.upload(&w.host, id, "poster", name, png(600, 350))
                .await
                .json()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let dropped = upload("first.png").await;
    let named = upload("second.png").await;
    w.t.patch(
        &w.host,
        &format!("/api/v1/activities/{id}"),
        Some(1),
        json!({"poster": named}),
    )
    .await;
    let files_before = count_files(&w.t.data_dir.join("uploads"));

    w.t.clock.advance(Duration::hours(23));
    assert_eq!(
        w.t.app.sweep_unattached_uploads().await.unwrap(),
        0,
        "not yet a day"
    );
    w.t.clock.advance(Duration::hours(2));
    assert_eq!(w.t.app.sweep_unattached_uploads().await.unwrap(), 1);
    assert_eq!(w.t.app.sweep_unattached_uploads().await.unwrap(), 0, "once");

    let gone =
        w.t.get_as(&w.host, &format!("/api/v1/media/{dropped}"))
            .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let kept = w.t.get_as(&w.host, &format!("/api/v1/media/{named}")).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert_eq!(count_files(&w.t.data_dir.join("uploads")), files_before - 1);
}

fn count_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    if e.path().is_dir() {
                        count_files(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// 注销: a person closes their own account. The words are asked for; an administrator is
/// sent to a higher level first; afterwards the token is dead, the phone and name are gone
/// (the number may open a new, empty account), what the person published stays with its
/// organisation, and the closing is in the audit trail.
async fn a_person_closes_their_own_account(backend: Backend) {
    let w = world(backend).await;
    let made =
        w.t.post("/api/v1/activities", Some(&w.host), complete(w.org))
            .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let activity = made.json()["id"].as_i64().unwrap();
    let me = w.t.get_as(&w.host, "/api/v1/me").await.json();
    let old_id = me["id"].as_i64().unwrap();

    let wrong =
        w.t.post(
            "/api/v1/me/closure",
            Some(&w.host),
            json!({"confirm": "注销"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.field("confirm"), "请输入“注销账号”以确认注销");
    let admin =
        w.t.post(
            "/api/v1/me/closure",
            Some(&w.henan),
            json!({"confirm": "注销账号"}),
        )
        .await;
    assert_eq!(admin.status, StatusCode::CONFLICT);
    assert_eq!(
        admin.message(),
        "管理员账号不能自行注销：请先请上级管理员撤销您的管理员角色"
    );
    assert_eq!(
        w.t.get_as(&w.host, "/api/v1/me").await.status,
        StatusCode::OK,
        "refused: nothing changed"
    );

    let closed =
        w.t.post(
            "/api/v1/me/closure",
            Some(&w.host),
            json!({"confirm": "注销账号"}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    assert_eq!(closed.json()["user_id"], old_id);
    let after = w.t.get_as(&w.host, "/api/v1/me").await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "the token died with the account"
    );

    let row = store::users::find(&w.t.app.db, old_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.phone, format!("closed:{old_id}"));
    assert_eq!(row.name, None);
    assert!(row.disabled_at.is_some());
    assert!(
        store::users::roles_of(&w.t.app.db, old_id)
            .await
            .unwrap()
            .is_empty()
    );
    // The number opens a new account, which holds nothing of the old one.
    let again = w.t.log_in("13800138000").await;
    let fresh = w.t.get_as(&again, "/api/v1/me").await.json();
    assert_ne!(fresh["id"], old_id);
    assert_eq!(fresh["orgs"], json!([]));
    assert_eq!(fresh["name"], serde_json::Value::Null);
    // What was published stays with the organisation; the administrators still see it.
    let kept =
        w.t.get_as(&w.henan, &format!("/api/v1/activities/{activity}"))
            .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text);
    assert_eq!(kept.json()["hosts"], json!([w.org]));
    let national =
        w.t.user("13900000099", "全国管理员", Role::NationalAdmin, None)
            .await;
    let trail =
        w.t.get_as(
            &national,
            &format!("/api/v1/audit-log?action=user.close&actor={old_id}"),
        )
        .await
        .json();
    assert_eq!(trail["total"], 1, "{trail}");
}

/// The same from the person's page: the words, a refusal next to the field, then a page
/// saying it is done, and the browser signed out.
async fn a_person_closes_their_account_from_their_page(backend: Backend) {
    let t = TestApp::new(backend).await;
    let cookie = sign_in(&t, "13800138777").await;
    let profile = page(&t, "/account/profile", &cookie).await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.text.contains("注销账号"), "{}", profile.text);
    let csrf = csrf_of(&profile);
    let wrong = form(
        &t,
        "/account/close",
        &cookie,
        &format!("_csrf={csrf}&confirm=%E6%B3%A8%E9%94%80"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.text.contains("请输入“注销账号”以确认注销"),
        "{}",
        wrong.text
    );
    assert!(signed_in(&t, &cookie).await, "refused: still signed in");
    let words = "%E6%B3%A8%E9%94%80%E8%B4%A6%E5%8F%B7";
    let done = form(
        &t,
        "/account/close",
        &cookie,
        &format!("_csrf={csrf}&confirm={words}"),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.text.contains("账号已注销"), "{}", done.text);
    assert!(
        done.header("set-cookie").contains("Max-Age=0"),
        "the cookie is cleared"
    );
    assert!(!signed_in(&t, &cookie).await, "the session ended");
}

/// Three years (`contacts_kept_years`) after its campaign's year, an activity's contact
/// person and phone are removed by the daily job, from the activity and from the snapshots
/// of its history; not a day before; once.
async fn contacts_are_removed_years_after_their_campaign(backend: Backend) {
    let w = world(backend).await;
    let (id, _) = crate::activities::ready(&w).await;
    let submitted =
        w.t.post(
            &format!("/api/v1/activities/{id}/submit"),
            Some(&w.host),
            json!({}),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    let snapshots = |w: &crate::activities::World| {
        let db = w.t.app.db.clone();
        async move { store::review::snapshots_of(&db, id).await.unwrap() }
    };
    assert!(
        snapshots(&w).await[0]
            .snapshot
            .as_ref()
            .unwrap()
            .contains("0398-2812345")
    );
    assert_eq!(w.t.app.anonymise_old_contacts().await.unwrap(), 0);
    // The 2026 campaign's contacts are kept through 2029 (Beijing time) …
    let now = w.t.clock.now();
    let to = |y: i32, m: u32, d: u32, h: u32| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, y, m, d, h, 0, 0).unwrap() - now
    };
    w.t.clock.advance(to(2029, 12, 31, 15));
    assert_eq!(w.t.app.anonymise_old_contacts().await.unwrap(), 0);
    // … and gone on the first day of 2030.
    w.t.clock.advance(Duration::hours(2));
    assert_eq!(w.t.app.anonymise_old_contacts().await.unwrap(), 1);
    let row = store::activities::by_id(&w.t.app.db, id)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.data.contains("contact_"), "{}", row.data);
    assert!(
        row.data.contains("走进天文馆"),
        "the rest is kept: {}",
        row.data
    );
    for t in snapshots(&w).await {
        let snapshot = t.snapshot.unwrap();
        assert!(
            !snapshot.contains("0398-2812345") && !snapshot.contains("王老师"),
            "{snapshot}"
        );
    }
    assert_eq!(w.t.app.anonymise_old_contacts().await.unwrap(), 0, "once");
    let trail = store::audit::head(&w.t.app.db).await.unwrap().unwrap();
    assert_eq!(trail.action, "activity.contacts_anonymised");
}
