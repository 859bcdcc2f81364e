//! Schema migrations, written once with SeaQuery's builders so that each renders for SQLite
//! and PostgreSQL alike. Append-only: never edit a migration that has shipped.

use sea_orm::sea_query::{
    Alias, ColumnDef, Expr, ExprTrait, Index, IndexCreateStatement, Query, Table,
    TableCreateStatement,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

/// One migration: a version and the statements it runs.
struct Migration {
    version: i64,
    name: &'static str,
    steps: fn() -> Vec<Step>,
}

enum Step {
    Sql(&'static str),
    Alter(Box<sea_orm::sea_query::TableAlterStatement>),
    Table(Box<TableCreateStatement>),
    Index(Box<IndexCreateStatement>),
    /// A statement written for each backend (triggers and functions, which differ).
    Each {
        sqlite: &'static str,
        postgres: &'static str,
    },
    /// Computes the hash chain of audit events copied in without one.
    SealAudit,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        steps: foundation,
    },
    Migration {
        version: 2,
        name: "activities",
        steps: activities,
    },
    Migration {
        version: 3,
        name: "public portal",
        steps: public_portal,
    },
    Migration {
        version: 4,
        name: "activity regions",
        steps: activity_regions,
    },
    Migration {
        version: 5,
        name: "supplements",
        steps: supplements,
    },
    Migration {
        version: 6,
        name: "after the activity",
        steps: after_the_activity,
    },
    Migration {
        version: 7,
        name: "rollups across campaigns",
        steps: rollups_across_campaigns,
    },
    Migration {
        version: 8,
        name: "summary files",
        steps: summary_files,
    },
    Migration {
        version: 9,
        name: "public listings",
        steps: public_listings,
    },
    Migration {
        version: 10,
        name: "co-host confirmations and organisation name keys",
        steps: hardening,
    },
    Migration {
        version: 11,
        name: "idle sessions, disabled accounts, SMS alarms, settled uploads",
        steps: sessions_and_alarms,
    },
    Migration {
        version: 12,
        name: "append-only, hash-chained audit events",
        steps: audit_events,
    },
    Migration {
        version: 13,
        name: "consent stored with each photo and video",
        steps: media_consent,
    },
    Migration {
        version: 14,
        name: "consent stored with each photo and video of a summary",
        steps: summary_file_consent,
    },
    Migration {
        version: 15,
        name: "near-me from an indexed box",
        steps: near_box,
    },
    Migration {
        version: 16,
        name: "themed routes and check-in",
        steps: routes_and_checkin,
    },
    Migration {
        version: 17,
        name: "online posts",
        steps: online_posts,
    },
    Migration {
        version: 18,
        name: "publicity resources",
        steps: publicity_resources,
    },
    Migration {
        version: 19,
        name: "quotas of online posts",
        steps: quota_measures,
    },
    Migration {
        version: 20,
        name: "venue stamp images",
        steps: venue_stamp_images,
    },
    Migration {
        version: 21,
        name: "video contests",
        steps: video_contests,
    },
    Migration {
        version: 22,
        name: "contest entries",
        steps: contest_entries,
    },
    Migration {
        version: 23,
        name: "contest judging",
        steps: contest_judging,
    },
    Migration {
        version: 24,
        name: "contest results and public votes",
        steps: contest_results_and_votes,
    },
    Migration {
        version: 25,
        name: "a voter's votes counted from one index",
        steps: voter_day_index,
    },
    Migration {
        version: 26,
        name: "evaluation schemes and units' rollups",
        steps: evaluation_schemes,
    },
    Migration {
        version: 27,
        name: "review deadlines and decision times",
        steps: review_deadlines,
    },
    Migration {
        version: 28,
        name: "what a photo says of itself, kept privately",
        steps: photo_evidence,
    },
];

/// Applies every migration not yet applied, each in its own transaction. Safe to run from
/// several instances at once: a version applied by another instance is skipped.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute(
        Table::create()
            .table(Alias::new("schema_migrations"))
            .if_not_exists()
            .col(
                ColumnDef::new(Alias::new("version"))
                    .big_integer()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(Alias::new("name")).string().not_null()),
    )
    .await?;
    for migration in MIGRATIONS {
        if applied(db, migration.version).await? {
            continue;
        }
        let txn = db.begin().await?;
        let claim = Query::insert()
            .into_table(Alias::new("schema_migrations"))
            .columns([Alias::new("version"), Alias::new("name")])
            .values_panic([migration.version.into(), migration.name.into()])
            .to_owned();
        if let Err(err) = txn.execute(&claim).await {
            // Another instance is applying it.
            if crate::is_unique_violation(&err) {
                continue;
            }
            return Err(err);
        }
        for step in (migration.steps)() {
            match step {
                Step::Table(t) => txn.execute(t.as_ref()).await?,
                Step::Index(i) => txn.execute(i.as_ref()).await?,
                Step::Alter(a) => txn.execute(a.as_ref()).await?,
                Step::Sql(sql) => txn.execute_unprepared(sql).await?,
                Step::Each { sqlite, postgres } => {
                    let sql = match txn.get_database_backend() {
                        sea_orm::DbBackend::Postgres => postgres,
                        _ => sqlite,
                    };
                    txn.execute_unprepared(sql).await?
                }
                Step::SealAudit => {
                    crate::audit::seal_copied(&txn).await?;
                    continue;
                }
            };
        }
        txn.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migration applied"
        );
    }
    Ok(())
}

async fn applied(db: &DatabaseConnection, version: i64) -> Result<bool, DbErr> {
    let query = Query::select()
        .expr(Expr::col(Alias::new("version")))
        .from(Alias::new("schema_migrations"))
        .and_where(Expr::col(Alias::new("version")).eq(version))
        .to_owned();
    Ok(db.query_one(&query).await?.is_some())
}

fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}
fn id() -> ColumnDef {
    col("id")
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}
fn text(name: &str) -> ColumnDef {
    col(name).string().not_null().to_owned()
}
fn opt_text(name: &str) -> ColumnDef {
    col(name).string().null().to_owned()
}
fn long_text(name: &str) -> ColumnDef {
    col(name).text().not_null().to_owned()
}
fn time(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().not_null().to_owned()
}
fn opt_time(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().null().to_owned()
}
fn opt_long_text(name: &str) -> ColumnDef {
    col(name).text().null().to_owned()
}
fn opt_double(name: &str) -> ColumnDef {
    col(name).double().null().to_owned()
}
fn flag(name: &str) -> ColumnDef {
    col(name).boolean().not_null().to_owned()
}
fn big(name: &str) -> ColumnDef {
    col(name).big_integer().not_null().to_owned()
}
fn opt_big(name: &str) -> ColumnDef {
    col(name).big_integer().null().to_owned()
}
fn table(name: &str, cols: Vec<ColumnDef>) -> Step {
    let mut t = Table::create();
    t.table(Alias::new(name));
    for mut c in cols {
        t.col(&mut c);
    }
    Step::Table(Box::new(t.to_owned()))
}
fn index(table: &str, cols: &[&str], unique: bool) -> Step {
    let mut i = Index::create();
    i.name(format!(
        "{}_{}_{}",
        if unique { "uq" } else { "ix" },
        table,
        cols.join("_")
    ))
    .table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    Step::Index(Box::new(i.to_owned()))
}

fn foundation() -> Vec<Step> {
    vec![
        table(
            "regions",
            vec![
                col("code").string().not_null().primary_key().to_owned(),
                text("name"),
                text("level"),
                opt_text("parent_code"),
                col("longitude").double().not_null().to_owned(),
                col("latitude").double().not_null().to_owned(),
                text("coordinate_source"),
            ],
        ),
        index("regions", &["parent_code"], false),
        table(
            "users",
            vec![id(), text("phone"), opt_text("name"), time("created_at")],
        ),
        index("users", &["phone"], true),
        table(
            "user_roles",
            vec![id(), big("user_id"), text("role"), text("region_code")],
        ),
        index("user_roles", &["user_id", "role", "region_code"], true),
        table(
            "api_tokens",
            vec![
                id(),
                big("user_id"),
                text("token_hash"),
                text("label"),
                time("created_at"),
                opt_time("expires_at"),
                opt_time("last_used_at"),
                opt_time("revoked_at"),
            ],
        ),
        index("api_tokens", &["token_hash"], true),
        index("api_tokens", &["user_id"], false),
        table(
            "web_sessions",
            vec![
                col("id_hash").string().not_null().primary_key().to_owned(),
                opt_big("user_id"),
                text("csrf_token"),
                time("created_at"),
                time("expires_at"),
            ],
        ),
        index("web_sessions", &["expires_at"], false),
        table(
            "sms_codes",
            vec![
                id(),
                text("phone"),
                text("code_hash"),
                text("ip"),
                time("created_at"),
                time("expires_at"),
                opt_time("used_at"),
            ],
        ),
        index("sms_codes", &["phone", "created_at"], false),
        index("sms_codes", &["ip", "created_at"], false),
        table(
            "login_locks",
            vec![
                col("phone").string().not_null().primary_key().to_owned(),
                col("failures").integer().not_null().to_owned(),
                opt_time("locked_until"),
                time("updated_at"),
            ],
        ),
        table(
            "campaigns",
            vec![
                id(),
                col("year").integer().not_null().to_owned(),
                text("region_code"),
                col("is_current").boolean().not_null().to_owned(),
                long_text("rules"),
                time("created_at"),
            ],
        ),
        index("campaigns", &["region_code", "is_current"], false),
        table(
            "orgs",
            vec![
                id(),
                text("name"),
                text("kind"),
                text("level"),
                text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                opt_big("parent_id"),
                opt_text("credit_code"),
                text("status"),
                opt_text("status_reason"),
                col("national_certified").boolean().not_null().to_owned(),
                opt_big("decided_by"),
                opt_time("decided_at"),
                opt_big("created_by"),
                time("created_at"),
            ],
        ),
        index("orgs", &["name", "region_code"], true),
        index("orgs", &["credit_code"], true),
        index("orgs", &["province_code"], false),
        index("orgs", &["city_code"], false),
        index("orgs", &["county_code"], false),
        index("orgs", &["parent_id"], false),
        table(
            "org_members",
            vec![
                col("org_id").big_integer().not_null().to_owned(),
                col("user_id").big_integer().not_null().to_owned(),
                time("added_at"),
            ],
        ),
        index("org_members", &["org_id", "user_id"], true),
        index("org_members", &["user_id"], false),
        table(
            "audit_log",
            vec![
                id(),
                time("at"),
                opt_big("actor_id"),
                text("action"),
                text("target_kind"),
                text("target_id"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                long_text("detail"),
            ],
        ),
        index("audit_log", &["province_code", "at"], false),
    ]
}

fn activities() -> Vec<Step> {
    vec![
        table(
            "activities",
            vec![
                id(),
                big("campaign_id"),
                big("owner_id"),
                text("status"),
                big("version"),
                long_text("data"),
                text("name"),
                opt_text("section"),
                opt_time("start_at"),
                opt_time("end_at"),
                opt_text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                opt_text("mode"),
                opt_text("venue_type"),
                flag("reservable"),
                opt_big("expected_participants"),
                opt_big("first_host_id"),
                opt_double("lon"),
                opt_double("lat"),
                opt_time("submitted_at"),
                opt_time("decided_at"),
                time("created_at"),
                time("updated_at"),
            ],
        ),
        index("activities", &["owner_id", "id"], false),
        index("activities", &["status", "province_code"], false),
        index("activities", &["province_code"], false),
        index("activities", &["city_code"], false),
        index("activities", &["county_code"], false),
        index("activities", &["start_at"], false),
        table(
            "activity_sessions",
            vec![
                id(),
                big("activity_id"),
                col("position").integer().not_null().to_owned(),
                opt_time("start_at"),
                opt_time("end_at"),
                opt_text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                opt_text("address"),
                opt_double("lon"),
                opt_double("lat"),
            ],
        ),
        index("activity_sessions", &["activity_id"], false),
        index("activity_sessions", &["province_code"], false),
        index("activity_sessions", &["city_code"], false),
        index("activity_sessions", &["county_code"], false),
        table(
            "activity_transitions",
            vec![
                id(),
                big("activity_id"),
                time("at"),
                opt_big("actor_id"),
                text("from_status"),
                text("to_status"),
                opt_text("reason"),
                opt_long_text("snapshot"),
            ],
        ),
        index("activity_transitions", &["activity_id", "id"], false),
        table(
            "notifications",
            vec![
                id(),
                big("user_id"),
                time("at"),
                text("kind"),
                opt_big("activity_id"),
                long_text("text"),
                opt_time("read_at"),
            ],
        ),
        index("notifications", &["user_id", "id"], false),
        table(
            "media",
            vec![
                id(),
                big("activity_id"),
                big("owner_id"),
                text("kind"),
                text("storage_key"),
                text("content_type"),
                big("bytes"),
                col("width").integer().null().to_owned(),
                col("height").integer().null().to_owned(),
                opt_double("seconds"),
                time("created_at"),
            ],
        ),
        index("media", &["activity_id"], false),
    ]
}

fn public_portal() -> Vec<Step> {
    vec![
        Step::Alter(Box::new(
            Table::alter()
                .table(Alias::new("activities"))
                .add_column(col("audience_mask").big_integer().not_null().default(0))
                .to_owned(),
        )),
        index("activities", &["status", "start_at"], false),
        index("activities", &["status", "end_at"], false),
        index("activities", &["status", "section", "start_at"], false),
        table("search_log", vec![id(), big("activity_id"), time("at")]),
    ]
}

/// Every division an activity lies in, through itself or any session: one indexed row each,
/// so that "in this division" is a lookup rather than an `OR` over two tables.
fn activity_regions() -> Vec<Step> {
    vec![
        table("activity_regions", vec![big("activity_id"), text("code")]),
        index("activity_regions", &["code", "activity_id"], true),
        index("activity_regions", &["activity_id"], false),
        Step::Sql(
            "INSERT INTO activity_regions (activity_id, code) \
             SELECT id, province_code FROM activities WHERE province_code IS NOT NULL \
             UNION SELECT id, city_code FROM activities WHERE city_code IS NOT NULL \
             UNION SELECT id, county_code FROM activities WHERE county_code IS NOT NULL \
             UNION SELECT activity_id, province_code FROM activity_sessions WHERE province_code IS NOT NULL \
             UNION SELECT activity_id, city_code FROM activity_sessions WHERE city_code IS NOT NULL \
             UNION SELECT activity_id, county_code FROM activity_sessions WHERE county_code IS NOT NULL",
        ),
    ]
}

fn supplements() -> Vec<Step> {
    vec![table(
        "supplements",
        vec![
            col("activity_id")
                .big_integer()
                .not_null()
                .primary_key()
                .to_owned(),
            long_text("data"),
            opt_big("participants"),
            opt_time("completed_at"),
            time("updated_at"),
        ],
    )]
}

/// Statistics rollups, background jobs, nominations, quotas, summaries and link checks.
fn after_the_activity() -> Vec<Step> {
    vec![
        // One count (or sum) per campaign, division and dimension value, kept current by
        // every write so that statistics never scan activities.
        table(
            "stat_counts",
            vec![
                big("campaign_id"),
                text("scope_code"),
                text("dim"),
                text("key"),
                big("n"),
            ],
        ),
        index(
            "stat_counts",
            &["campaign_id", "scope_code", "dim", "key"],
            true,
        ),
        table(
            "jobs",
            vec![
                id(),
                text("key"),
                text("kind"),
                time("run_at"),
                long_text("payload"),
                opt_time("claimed_until"),
                big("attempts"),
                opt_time("done_at"),
                opt_text("outcome"),
            ],
        ),
        index("jobs", &["key"], true),
        index("jobs", &["done_at", "run_at"], false),
        Step::Alter(Box::new(
            Table::alter()
                .table(Alias::new("activities"))
                .add_column(col("excellence_intent").boolean().not_null().default(false))
                .to_owned(),
        )),
        table(
            "nominations",
            vec![
                id(),
                big("campaign_id"),
                text("target_kind"),
                big("target_id"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                text("level"),
                text("status"),
                time("created_at"),
                time("updated_at"),
            ],
        ),
        index(
            "nominations",
            &["campaign_id", "target_kind", "target_id"],
            true,
        ),
        index("nominations", &["province_code", "status"], false),
        table(
            "nomination_opinions",
            vec![
                id(),
                big("nomination_id"),
                text("level"),
                opt_text("region_code"),
                big("actor_id"),
                long_text("opinion"),
                text("decision"),
                time("at"),
            ],
        ),
        index("nomination_opinions", &["nomination_id", "level"], true),
        index(
            "nomination_opinions",
            &["level", "region_code", "decision"],
            false,
        ),
        table(
            "quotas",
            vec![
                id(),
                big("campaign_id"),
                text("target_kind"),
                text("target_ref"),
                text("section"),
                big("target"),
                flag("include_system"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                big("set_by"),
                time("updated_at"),
            ],
        ),
        index(
            "quotas",
            &["campaign_id", "target_kind", "target_ref", "section"],
            true,
        ),
        table(
            "summaries",
            vec![
                id(),
                big("campaign_id"),
                text("scope_kind"),
                text("scope_ref"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                long_text("data"),
                big("author_id"),
                opt_time("submitted_at"),
                time("updated_at"),
            ],
        ),
        index(
            "summaries",
            &["campaign_id", "scope_kind", "scope_ref"],
            true,
        ),
        table(
            "link_checks",
            vec![
                big("activity_id"),
                text("url"),
                opt_time("checked_at"),
                col("reachable").boolean().null().to_owned(),
                opt_text("detail"),
            ],
        ),
        index("link_checks", &["activity_id", "url"], true),
    ]
}

/// Public totals sum a division's rollups over every campaign: an index without the
/// campaign first.
fn rollups_across_campaigns() -> Vec<Step> {
    vec![index("stat_counts", &["scope_code", "dim", "key"], false)]
}

/// Photos, videos and slides attached to a summary.
fn summary_files() -> Vec<Step> {
    vec![
        table(
            "summary_files",
            vec![
                id(),
                big("summary_id"),
                big("owner_id"),
                text("kind"),
                text("name"),
                text("storage_key"),
                text("content_type"),
                big("bytes"),
                time("created_at"),
            ],
        ),
        index("summary_files", &["summary_id"], false),
    ]
}

/// The public list's index (filled from the activities when a server starts on a database
/// without it): a division's page, with or without a section, is one range of an index in
/// the list's order.
fn public_listings() -> Vec<Step> {
    vec![
        table(
            "listings",
            vec![
                big("activity_id"),
                text("code"),
                text("section"),
                time("end_at"),
            ],
        ),
        index("listings", &["activity_id", "code"], true),
        index("listings", &["code", "end_at", "activity_id"], false),
        index(
            "listings",
            &["code", "section", "end_at", "activity_id"],
            false,
        ),
    ]
}

/// A co-host named by someone who is not its member counts once a member confirms it; an
/// organisation's name is compared by its key (NFKC, invisible characters and white space
/// dropped), filled in by the application for rows made before.
fn hardening() -> Vec<Step> {
    vec![
        table(
            "host_confirmations",
            vec![
                big("activity_id"),
                big("org_id"),
                big("user_id"),
                time("confirmed_at"),
            ],
        ),
        index("host_confirmations", &["activity_id", "org_id"], true),
        Step::Alter(Box::new(
            Table::alter()
                .table(Alias::new("orgs"))
                .add_column(opt_text("name_key"))
                .to_owned(),
        )),
        index("orgs", &["name_key"], false),
    ]
}

fn add_column(table_name: &str, column: ColumnDef) -> Step {
    let mut column = column;
    Step::Alter(Box::new(
        Table::alter()
            .table(Alias::new(table_name))
            .add_column(&mut column)
            .to_owned(),
    ))
}

fn sessions_and_alarms() -> Vec<Step> {
    vec![
        // A session ends after a spell of idleness as well as at its hard end.
        add_column("web_sessions", opt_time("last_seen_at")),
        Step::Sql("UPDATE web_sessions SET last_seen_at = created_at"),
        index("web_sessions", &["user_id"], false),
        // A disabled account can neither log in nor use a session or token it holds.
        add_column("users", opt_time("disabled_at")),
        // The code that completed a login, for the sent-against-completed alarm.
        add_column("sms_codes", opt_time("verified_at")),
        index("sms_codes", &["created_at"], false),
        index("sms_codes", &["verified_at"], false),
        table(
            "sms_alarms",
            vec![
                id(),
                text("kind"),
                text("subject"),
                long_text("detail"),
                time("raised_at"),
            ],
        ),
        index("sms_alarms", &["kind", "subject", "raised_at"], false),
        // An upload found attached (or deleted) after its grace period is settled.
        add_column(
            "media",
            col("settled")
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
        ),
        index("media", &["settled", "created_at"], false),
    ]
}

/// The audit trail becomes `audit_events`: who (id, roles, their areas), from where (address,
/// user agent, request id, route), what, on what, in which area, with what outcome, each row
/// hash-chained to the one before. Rows of `audit_log` are copied in and chained in order.
/// Triggers refuse UPDATE, DELETE and TRUNCATE; the only deletion allowed is a purge of the
/// oldest rows, which holds a permit in `audit_purge_permits` for the length of its own
/// transaction.
fn audit_events() -> Vec<Step> {
    vec![
        table(
            "audit_events",
            vec![
                id(),
                time("at"),
                opt_big("actor_id"),
                opt_text("actor_role"),
                opt_text("actor_region"),
                text("action"),
                text("target_kind"),
                text("target_id"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                opt_text("ip"),
                opt_long_text("user_agent"),
                opt_text("request_id"),
                opt_text("route"),
                text("outcome"),
                long_text("detail"),
                text("prev_hash"),
                text("hash"),
            ],
        ),
        index("audit_events", &["at"], false),
        index("audit_events", &["province_code", "at"], false),
        index("audit_events", &["actor_id", "at"], false),
        index("audit_events", &["action", "at"], false),
        index("audit_events", &["target_kind", "target_id"], false),
        Step::Sql(
            "INSERT INTO audit_events (at, actor_id, action, target_kind, target_id, \
             province_code, city_code, county_code, outcome, detail, prev_hash, hash) \
             SELECT at, actor_id, action, target_kind, target_id, province_code, city_code, \
             county_code, 'ok', detail, '', '' FROM audit_log ORDER BY id",
        ),
        Step::SealAudit,
        Step::Sql("DROP TABLE audit_log"),
        table("audit_purge_permits", vec![big("through_id")]),
        Step::Each {
            sqlite: "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                     BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
            postgres: "CREATE FUNCTION audit_events_append_only() RETURNS trigger \
                       LANGUAGE plpgsql AS $$ BEGIN \
                       IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_purge_permits p \
                       WHERE OLD.id <= p.through_id) THEN RETURN OLD; END IF; \
                       RAISE EXCEPTION 'audit_events is append-only'; END $$",
        },
        Step::Each {
            sqlite: "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events \
                     WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permits p \
                     WHERE OLD.id <= p.through_id) \
                     BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
            postgres: "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE \
                       ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
        },
        Step::Each {
            // SQLite has no TRUNCATE: its `DELETE FROM t` without WHERE runs the row trigger.
            sqlite: "SELECT 1",
            postgres: "CREATE FUNCTION audit_events_no_truncate() RETURNS trigger \
                       LANGUAGE plpgsql AS $$ BEGIN \
                       RAISE EXCEPTION 'audit_events is append-only'; END $$",
        },
        Step::Each {
            sqlite: "SELECT 1",
            postgres: "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events \
                       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate()",
        },
    ]
}

/// The host's answer, for each photo, video and evidence photo, to whether the people shown
/// agreed (`domain::consent::Consent`); files stored before have none.
fn media_consent() -> Vec<Step> {
    vec![add_column("media", opt_text("consent"))]
}

/// The same answer for the photos and videos attached to a 工作总结; slides and files stored
/// before have none.
fn summary_file_consent() -> Vec<Step> {
    vec![add_column("summary_files", opt_text("consent"))]
}

/// Near-me and the map read the activities and sessions in a box around the place: a range
/// of latitude, then of longitude, in an index (at 1,000,000 activities the box was a scan
/// of every approved one).
fn near_box() -> Vec<Step> {
    vec![
        index("activities", &["lat", "lon"], false),
        index("activity_sessions", &["lat", "lon"], false),
    ]
}

/// 科普主题线路 and 打卡 (DESIGN.md §7.1): venues with their code secrets, routes and their
/// stops, check-ins and every attempt, stamps, and completion certificates. A stamp that is
/// not rejected is unique per visitor, route and stop (a partial index, the same on both
/// backends), so that two scans at once earn one stamp and a rejected stop can be earned
/// again.
fn routes_and_checkin() -> Vec<Step> {
    vec![
        table(
            "venues",
            vec![
                id(),
                text("name"),
                text("address"),
                text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                col("lon").double().not_null().to_owned(),
                col("lat").double().not_null().to_owned(),
                opt_big("org_id"),
                opt_text("venue_type"),
                text("opening_hours"),
                text("geofence_mode"),
                big("radius_m"),
                big("period_s"),
                big("digits"),
                big("grace_steps"),
                text("secret"),
                text("display_key_hash"),
                big("created_by"),
                time("created_at"),
                time("updated_at"),
                big("version"),
            ],
        ),
        index("venues", &["province_code"], false),
        index("venues", &["city_code"], false),
        index("venues", &["county_code"], false),
        index("venues", &["lat", "lon"], false),
        table(
            "routes",
            vec![
                id(),
                text("name"),
                text("theme"),
                long_text("description"),
                text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                big("campaign_id"),
                opt_big("activity_id"),
                text("from_date"),
                text("to_date"),
                flag("sequential"),
                big("complete_at"),
                text("issuer"),
                opt_big("max_speed_kmh"),
                big("max_checkins_per_day"),
                text("status"),
                big("created_by"),
                time("created_at"),
                time("updated_at"),
                big("version"),
            ],
        ),
        index("routes", &["status", "to_date"], false),
        index("routes", &["province_code"], false),
        index("routes", &["city_code"], false),
        index("routes", &["county_code"], false),
        table(
            "route_stops",
            vec![
                id(),
                big("route_id"),
                big("no"),
                big("venue_id"),
                text("note"),
            ],
        ),
        index("route_stops", &["route_id", "no"], true),
        index("route_stops", &["route_id", "venue_id"], true),
        index("route_stops", &["venue_id"], false),
        table(
            "checkins",
            vec![
                id(),
                big("user_id"),
                big("venue_id"),
                time("at"),
                text("flags"),
                text("state"),
                opt_double("lon"),
                opt_double("lat"),
                opt_double("accuracy_m"),
                opt_big("reviewed_by"),
                opt_time("reviewed_at"),
                opt_text("review_reason"),
            ],
        ),
        index("checkins", &["user_id", "at"], false),
        index("checkins", &["venue_id", "at"], false),
        table(
            "stamps",
            vec![
                id(),
                big("user_id"),
                big("route_id"),
                big("no"),
                big("venue_id"),
                big("checkin_id"),
                time("at"),
                text("state"),
            ],
        ),
        Step::Sql(
            "CREATE UNIQUE INDEX uq_stamps_held ON stamps (user_id, route_id, no) \
             WHERE state <> 'rejected'",
        ),
        index("stamps", &["route_id", "state"], false),
        index("stamps", &["checkin_id"], false),
        table(
            "checkin_attempts",
            vec![
                id(),
                time("at"),
                big("user_id"),
                opt_big("venue_id"),
                text("outcome"),
                text("ip"),
                text("user_agent"),
                opt_double("lon"),
                opt_double("lat"),
                opt_double("accuracy_m"),
            ],
        ),
        index("checkin_attempts", &["user_id", "at"], false),
        index("checkin_attempts", &["venue_id", "at"], false),
        table(
            "certificates",
            vec![
                id(),
                text("serial"),
                big("route_id"),
                big("user_id"),
                text("holder_name"),
                text("issuer"),
                time("completed_at"),
                time("issued_at"),
                text("status"),
                opt_text("revoked_reason"),
                opt_big("revoked_by"),
                opt_time("revoked_at"),
            ],
        ),
        index("certificates", &["serial"], true),
        index("certificates", &["route_id", "user_id"], true),
    ]
}

/// 千万IP创科普 (DESIGN.md §8.2): posts on other platforms registered by host organisations,
/// one per link (as compared) in a campaign, counted by the organisation's division.
fn online_posts() -> Vec<Step> {
    vec![
        table(
            "online_posts",
            vec![
                id(),
                big("campaign_id"),
                big("org_id"),
                text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                text("platform"),
                long_text("url"),
                long_text("url_key"),
                text("title"),
                text("kind"),
                time("published_at"),
                opt_big("activity_id"),
                opt_long_text("metrics"),
                text("status"),
                opt_text("hidden_reason"),
                big("created_by"),
                time("created_at"),
                time("updated_at"),
            ],
        ),
        index("online_posts", &["campaign_id", "url_key"], true),
        index(
            "online_posts",
            &["campaign_id", "status", "published_at"],
            false,
        ),
        index("online_posts", &["province_code"], false),
        index("online_posts", &["city_code"], false),
        index("online_posts", &["county_code"], false),
        index("online_posts", &["org_id"], false),
    ]
}

/// 科普视频征集: contests, their settings whole as JSON.
fn video_contests() -> Vec<Step> {
    vec![
        table(
            "contests",
            vec![
                id(),
                text("name"),
                text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                text("status"),
                long_text("settings"),
                flag("frozen"),
                big("created_by"),
                time("created_at"),
                time("updated_at"),
                big("version"),
            ],
        ),
        index(
            "contests",
            &["province_code", "city_code", "county_code"],
            false,
        ),
        index("contests", &["status"], false),
    ]
}

/// 报名表: contest entries (the form whole as JSON), their files, their history, and the
/// keys one work is known by while an entry holds it (unique per contest, so that two
/// submissions of one work cannot both pass).
fn contest_entries() -> Vec<Step> {
    vec![
        table(
            "contest_entries",
            vec![
                id(),
                big("contest_id"),
                big("entrant_user_id"),
                text("status"),
                long_text("form"),
                opt_big("unit_id"),
                opt_double("duration_seconds"),
                col("width").integer().null().to_owned(),
                col("height").integer().null().to_owned(),
                opt_time("submitted_at"),
                opt_time("pledged_at"),
                opt_text("pledge_ip"),
                time("created_at"),
                time("updated_at"),
                big("version"),
            ],
        ),
        index("contest_entries", &["contest_id", "status"], false),
        index("contest_entries", &["entrant_user_id"], false),
        index("contest_entries", &["contest_id", "unit_id"], false),
        table(
            "contest_entry_media",
            vec![
                id(),
                big("contest_id"),
                big("entry_id"),
                big("owner_id"),
                text("kind"),
                text("storage_key"),
                text("content_type"),
                big("bytes"),
                text("sha256"),
                col("width").integer().null().to_owned(),
                col("height").integer().null().to_owned(),
                opt_double("seconds"),
                opt_time("made_at"),
                time("created_at"),
            ],
        ),
        index("contest_entry_media", &["entry_id"], false),
        table(
            "contest_entry_transitions",
            vec![
                id(),
                big("entry_id"),
                time("at"),
                big("actor_id"),
                opt_text("from_status"),
                text("to_status"),
                opt_long_text("reason"),
            ],
        ),
        index("contest_entry_transitions", &["entry_id"], false),
        table(
            "contest_work_claims",
            vec![
                id(),
                big("contest_id"),
                text("kind"),
                text("key"),
                big("entry_id"),
            ],
        ),
        index("contest_work_claims", &["contest_id", "kind", "key"], true),
        index("contest_work_claims", &["entry_id"], false),
    ]
}

/// The video contest's panel of judges, and who judges which entry: the assignment carries
/// the judge's score sheet (scores by criterion as JSON, the weighted total, a comment), so
/// that one row is one judge's view of one entry.
fn contest_judging() -> Vec<Step> {
    vec![
        table(
            "contest_judges",
            vec![
                id(),
                big("contest_id"),
                big("user_id"),
                big("org_id"),
                text("region_code"),
                big("added_by"),
                time("created_at"),
            ],
        ),
        index("contest_judges", &["contest_id", "user_id"], true),
        table(
            "contest_assignments",
            vec![
                id(),
                big("contest_id"),
                big("judge_id"),
                big("entry_id"),
                text("state"),
                flag("manual"),
                opt_long_text("scores"),
                opt_double("total"),
                opt_long_text("comment"),
                flag("submitted"),
                opt_long_text("recusal_reason"),
                time("created_at"),
                time("updated_at"),
            ],
        ),
        index("contest_assignments", &["judge_id", "entry_id"], true),
        index("contest_assignments", &["contest_id", "entry_id"], false),
    ]
}

/// A contest's results once published (the stage, and the results as last computed, kept
/// so that the public reads them without recomputing); the public vote, one row per vote
/// with the day it counts for (Asia/Shanghai) and the address it came from; and whether an
/// account has logged in with an SMS code.
fn contest_results_and_votes() -> Vec<Step> {
    vec![
        add_column("contests", opt_text("results_stage")),
        add_column("contests", opt_long_text("results")),
        table(
            "contest_votes",
            vec![
                id(),
                big("contest_id"),
                big("entry_id"),
                big("user_id"),
                text("day"),
                text("ip"),
                time("at"),
                flag("voided"),
                opt_long_text("void_reason"),
            ],
        ),
        index(
            "contest_votes",
            &["contest_id", "entry_id", "voided"],
            false,
        ),
        index("contest_votes", &["user_id", "day"], false),
        index("contest_votes", &["contest_id", "ip", "at"], false),
        Step::Sql("ALTER TABLE users ADD COLUMN phone_verified BOOLEAN NOT NULL DEFAULT FALSE"),
    ]
}

/// A vote counts the voter's votes of the day for the entry and in all: with every column
/// those counts name in one index, neither walks the entry's votes (which the index on
/// contest, entry and voided, matching three of their columns, otherwise invites SQLite to
/// do, so that each vote cost more as the votes grew).
fn voter_day_index() -> Vec<Step> {
    vec![
        Step::Sql("DROP INDEX ix_contest_votes_user_id_day"),
        index(
            "contest_votes",
            &["user_id", "day", "contest_id", "entry_id", "voided"],
            false,
        ),
    ]
}

/// 考评 schemes and the scores their evaluators judged; whether a supplement was completed
/// on time, decided when it is saved. The rollups gain each unit's own figures and three
/// sums: they are emptied here, so that the first start counts them again
/// (`app::stats::rebuild_if_missing`).
fn evaluation_schemes() -> Vec<Step> {
    vec![
        add_column("supplements", col("on_time").boolean().null().to_owned()),
        table(
            "evaluation_schemes",
            vec![
                id(),
                big("campaign_id"),
                text("region_code"),
                opt_text("province_code"),
                opt_text("city_code"),
                opt_text("county_code"),
                text("name"),
                long_text("settings"),
                flag("frozen"),
                flag("published"),
                opt_long_text("frozen_results"),
                opt_time("frozen_at"),
                big("created_by"),
                time("created_at"),
                time("updated_at"),
            ],
        ),
        index(
            "evaluation_schemes",
            &["province_code", "city_code", "county_code"],
            false,
        ),
        table(
            "evaluation_judgements",
            vec![
                id(),
                big("scheme_id"),
                text("subject"),
                text("key"),
                col("score").double().not_null().to_owned(),
                opt_long_text("comment"),
                big("judged_by"),
                time("at"),
            ],
        ),
        index(
            "evaluation_judgements",
            &["scheme_id", "subject", "key"],
            true,
        ),
        Step::Sql("DELETE FROM stat_counts"),
    ]
}

/// When an activity entered the review it waits in, and when that review is due; each
/// province's decision times as an hourly histogram per campaign and level (kept apart from
/// the rollups, which a recount empties: decision times are history, not facts of the
/// activities as they stand).
fn review_deadlines() -> Vec<Step> {
    vec![
        add_column("activities", opt_time("review_entered_at")),
        add_column("activities", opt_time("review_due_at")),
        index("activities", &["status", "review_due_at"], false),
        table(
            "review_hours",
            vec![
                big("campaign_id"),
                text("province_code"),
                text("level"),
                big("hours"),
                big("n"),
            ],
        ),
        index(
            "review_hours",
            &["campaign_id", "province_code", "level", "hours"],
            true,
        ),
    ]
}

/// A photo's capture time and GPS position from its original EXIF (read before re-encoding
/// strips it) and its perceptual hash, in four indexed parts for finding near copies.
fn photo_evidence() -> Vec<Step> {
    vec![
        add_column("media", opt_time("taken_at")),
        add_column("media", opt_double("gps_lat")),
        add_column("media", opt_double("gps_lon")),
        add_column("media", opt_big("phash")),
        add_column("media", opt_big("phash_a")),
        add_column("media", opt_big("phash_b")),
        add_column("media", opt_big("phash_c")),
        add_column("media", opt_big("phash_d")),
        index("media", &["phash_a"], false),
        index("media", &["phash_b"], false),
        index("media", &["phash_c"], false),
        index("media", &["phash_d"], false),
    ]
}

/// A venue may show its own stamp image (a square PNG) in the passport instead of the drawn
/// seal.
fn venue_stamp_images() -> Vec<Step> {
    vec![add_column("venues", opt_text("stamp_image"))]
}

/// A quota counts approved activities, as before, or an organisation's or area's visible
/// 千万IP创科普 posts; one target per measure.
fn quota_measures() -> Vec<Step> {
    vec![
        Step::Sql("ALTER TABLE quotas ADD COLUMN measure TEXT NOT NULL DEFAULT 'activities'"),
        Step::Sql("DROP INDEX uq_quotas_campaign_id_target_kind_target_ref_section"),
        index(
            "quotas",
            &[
                "campaign_id",
                "target_kind",
                "target_ref",
                "section",
                "measure",
            ],
            true,
        ),
    ]
}

fn publicity_resources() -> Vec<Step> {
    vec![
        table(
            "resources",
            vec![
                id(),
                big("campaign_id"),
                // The campaign's province; none for the national campaign's resources.
                opt_text("province_code"),
                text("kind"),
                text("title"),
                long_text("description"),
                long_text("usage_note"),
                long_text("tags"),
                text("status"),
                big("created_by"),
                time("created_at"),
                time("updated_at"),
                opt_time("published_at"),
            ],
        ),
        index("resources", &["status", "campaign_id", "kind"], false),
        index("resources", &["province_code"], false),
        table(
            "resource_files",
            vec![
                id(),
                big("resource_id"),
                text("name"),
                text("format"),
                text("content_type"),
                big("bytes"),
                col("width").integer().null().to_owned(),
                col("height").integer().null().to_owned(),
                opt_double("seconds"),
                text("storage_key"),
                text("etag"),
                big("downloads"),
                time("created_at"),
            ],
        ),
        index("resource_files", &["resource_id"], false),
        // One count per address, file and day: the address is kept only as a keyed hash.
        table(
            "resource_downloads",
            vec![id(), big("file_id"), text("day"), text("address_key")],
        ),
        index(
            "resource_downloads",
            &["file_id", "day", "address_key"],
            true,
        ),
    ]
}
