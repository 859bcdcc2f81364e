//! The audit trail (操作记录): every administrator action, every login and failed login,
//! every refused request of a signed-in person and every export holding personal data —
//! who (id, roles, the areas they govern), from where (address, user agent, request id,
//! route), what, on what, in which area, with what outcome, and what changed. Written in the
//! transaction of the action it records; append-only and hash-chained in `store::audit`.
//! Read by administrators of the area it happened in.
//!
//! Where a request came from is not passed through every use case: the web layer runs each
//! request [`within`] its [`Origin`], and [`record`] reads it from there (nothing for the
//! command line and the jobs). The same context notes who was signed in ([`App::actor`]
//! calls [`note_caller`]) and why a request was refused ([`note_refusal`]), so that the web
//! layer can record a refused request after its transaction rolled back.

use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::region::RegionPath;
use serde::{Deserialize, Serialize};
use store::entities::audit;
use store::sea_orm::{ColumnTrait, Condition, DatabaseTransaction, TransactionTrait};

use crate::paging::{Page, Paged};
use crate::{Actor, App, AppError};

/// Where a request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client's address.
    pub ip: Option<String>,
    /// Its user agent.
    pub user_agent: Option<String>,
    /// The request id (`X-Request-Id`).
    pub request_id: Option<String>,
    /// Method and route template, e.g. `POST /api/v1/activities/{id}/decisions`.
    pub route: Option<String>,
}

/// What a request noted while it ran.
#[derive(Debug, Default)]
struct Noted {
    caller: Option<Actor>,
    refusal: Option<String>,
}

struct Context {
    origin: Origin,
    noted: Mutex<Noted>,
}

tokio::task_local! {
    static CONTEXT: Arc<Context>;
}

/// What [`within`] answers besides the request's own answer.
#[derive(Debug, Default)]
pub struct Seen {
    /// The signed-in person, if the request had one.
    pub caller: Option<Actor>,
    /// The message of the refusal it was answered with, if any.
    pub refusal: Option<String>,
}

/// Runs `f` (a request) with `origin` available to [`record`], and answers what it noted.
pub async fn within<F: Future>(origin: Origin, f: F) -> (F::Output, Seen) {
    let context = Arc::new(Context {
        origin,
        noted: Mutex::default(),
    });
    let output = CONTEXT.scope(Arc::clone(&context), f).await;
    let noted = std::mem::take(&mut *context.noted.lock().unwrap_or_else(|e| e.into_inner()));
    (
        output,
        Seen {
            caller: noted.caller,
            refusal: noted.refusal,
        },
    )
}

fn note(f: impl FnOnce(&mut Noted)) {
    let _ = CONTEXT.try_with(|c| f(&mut c.noted.lock().unwrap_or_else(|e| e.into_inner())));
}

/// Notes the signed-in person of the current request.
pub(crate) fn note_caller(actor: &Actor) {
    note(|n| n.caller = Some(actor.clone()));
}

/// Notes the message a request was refused with (called where refusals become responses).
pub fn note_refusal(message: &str) {
    note(|n| n.refusal = Some(message.to_owned()));
}

/// Where the current request came from (empty outside a request).
pub(crate) fn origin() -> Origin {
    CONTEXT.try_with(|c| c.origin.clone()).unwrap_or_default()
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Ok,
    /// Refused: not allowed, or not in the person's area.
    Denied,
    /// Refused: the input or the record's state did not allow it.
    Invalid,
}

impl Outcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Invalid => "invalid",
        }
    }

    /// The outcome a refusal of this class records.
    pub fn of(err: &AppError) -> Outcome {
        match err {
            AppError::Unauthenticated(_) | AppError::Forbidden(_) | AppError::NotFound(_) => {
                Outcome::Denied
            }
            _ => Outcome::Invalid,
        }
    }
}

/// One thing done (or refused), as a use case records it.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// What, e.g. `activity.decide`.
    pub action: &'a str,
    /// The kind of record acted on.
    pub target_kind: &'a str,
    /// Which.
    pub target_id: String,
    /// Where it lies.
    pub area: &'a RegionPath,
    /// How it ended.
    pub outcome: Outcome,
    /// What changed (before → after), or why it was refused.
    pub detail: serde_json::Value,
}

impl<'a> Event<'a> {
    /// A thing done.
    pub(crate) fn ok(
        action: &'a str,
        target_kind: &'a str,
        target_id: impl ToString,
        area: &'a RegionPath,
        detail: serde_json::Value,
    ) -> Event<'a> {
        Event {
            action,
            target_kind,
            target_id: target_id.to_string(),
            area,
            outcome: Outcome::Ok,
            detail,
        }
    }
}

/// The roles an actor holds and the divisions they govern, as recorded.
fn who(actor: Option<&Actor>) -> (Option<i64>, Option<String>, Option<String>) {
    let Some(a) = actor else {
        return (None, None, None);
    };
    let roles: Vec<&str> = a.grants.iter().map(|g| g.role.as_str()).collect();
    let regions: Vec<&str> = a
        .grants
        .iter()
        .filter(|g| g.role.governs().is_some())
        .map(|g| g.region_code.as_str())
        .collect();
    let join = |v: Vec<&str>| (!v.is_empty()).then(|| v.join(","));
    (
        Some(a.user_id),
        join(roles).or(Some("user".to_owned())),
        join(regions),
    )
}

fn entry(at: DateTime<Utc>, actor: Option<&Actor>, e: Event<'_>) -> store::audit::Entry {
    let (actor_id, actor_role, actor_region) = who(actor);
    let o = origin();
    store::audit::Entry {
        at,
        actor_id,
        actor_role,
        actor_region,
        action: e.action.to_owned(),
        target_kind: e.target_kind.to_owned(),
        target_id: e.target_id,
        area: [
            e.area.province.clone(),
            e.area.city.clone(),
            e.area.county.clone(),
        ],
        ip: o.ip,
        user_agent: o.user_agent,
        request_id: o.request_id,
        route: o.route,
        outcome: e.outcome.as_str().to_owned(),
        detail: e.detail.to_string(),
    }
}

/// Records `e`, done by `actor` (none: the system or the command line), in `txn`: the
/// transaction of the action itself, so that the record and the action stand or fall
/// together.
pub(crate) async fn record(
    txn: &DatabaseTransaction,
    at: DateTime<Utc>,
    actor: Option<&Actor>,
    e: Event<'_>,
) -> Result<(), AppError> {
    store::audit::append(txn, entry(at, actor, e)).await?;
    Ok(())
}

impl App {
    /// Records `e` in a transaction of its own: a read that is audited (an export), or a
    /// refusal whose own transaction rolled back.
    pub(crate) async fn record_alone(
        &self,
        actor: Option<&Actor>,
        e: Event<'_>,
    ) -> Result<(), AppError> {
        let txn = self.db.begin().await?;
        record(&txn, self.clock.now(), actor, e).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a request of `actor`'s that was refused (its own transaction, if any, rolled
    /// back): the route as the action, the path asked for as the target, the refusal's
    /// message as the detail. The area is the actor's own (the target's is not known here).
    pub async fn record_refusal(
        &self,
        actor: &Actor,
        outcome: Outcome,
        path: &str,
        status: u16,
        message: Option<&str>,
    ) -> Result<(), AppError> {
        let route = origin().route.unwrap_or_else(|| path.to_owned());
        let area = match actor.grants.iter().find(|g| g.role.governs().is_some()) {
            Some(g) => crate::regions::locate(&self.db, &g.region_code)
                .await?
                .map(|l| l.path)
                .unwrap_or_default(),
            None => RegionPath::default(),
        };
        let event = Event {
            action: &route,
            target_kind: "path",
            target_id: path.chars().take(512).collect(),
            area: &area,
            outcome,
            detail: serde_json::json!({"status": status, "message": message}),
        };
        self.record_alone(Some(actor), event).await
    }
}

/// Query of `GET /api/v1/audit-log`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// From this day (`2026-09-01`, Beijing time) or time (RFC 3339) on.
    pub from: Option<String>,
    /// Up to this day (inclusive) or time (exclusive).
    pub to: Option<String>,
    /// The acting user's id.
    pub actor: Option<i64>,
    /// The action, exactly (`activity.decide`), or a prefix ending in `.` (`activity.`).
    pub action: Option<String>,
    /// The target: `kind` or `kind:id` (`activity:42`).
    pub target: Option<String>,
    /// `ok`, `denied` or `invalid`.
    pub outcome: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Items per page (1–100, default 20).
    pub per_page: Option<i64>,
}

/// An audit entry as shown to administrators.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "id": 812, "at": "2026-09-16T02:14:07.123456Z", "actor_id": 31,
    "actor_role": "province_admin", "actor_region": "410000",
    "action": "activity.decide", "target_kind": "activity", "target_id": "1207",
    "region_code": "411202", "ip": "203.0.113.9", "user_agent": "Mozilla/5.0",
    "request_id": "6f1c…", "route": "POST /api/v1/activities/{id}/decisions",
    "outcome": "ok", "detail": {"decision": "approve", "from": "province_review", "to": "approved"},
    "hash": "9b3e…"
}))]
pub struct AuditEntry {
    /// Its place in the chain.
    pub id: i64,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor_id: Option<i64>,
    /// Their roles at the time.
    pub actor_role: Option<String>,
    /// The divisions they governed.
    pub actor_region: Option<String>,
    /// What.
    pub action: String,
    /// On what kind of record.
    pub target_kind: String,
    /// Which.
    pub target_id: String,
    /// Where: the target's most precise division.
    pub region_code: Option<String>,
    /// From which address.
    pub ip: Option<String>,
    /// With which client.
    pub user_agent: Option<String>,
    /// The request's id.
    pub request_id: Option<String>,
    /// The route.
    pub route: Option<String>,
    /// `ok`, `denied` or `invalid`.
    pub outcome: String,
    /// What changed, or why it was refused.
    pub detail: serde_json::Value,
    /// The row's hash in the chain.
    pub hash: String,
}

impl From<audit::Model> for AuditEntry {
    fn from(r: audit::Model) -> Self {
        AuditEntry {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor_role: r.actor_role,
            actor_region: r.actor_region,
            action: r.action,
            target_kind: r.target_kind,
            target_id: r.target_id,
            region_code: r.county_code.or(r.city_code).or(r.province_code),
            ip: r.ip,
            user_agent: r.user_agent,
            request_id: r.request_id,
            route: r.route,
            outcome: r.outcome,
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            hash: r.hash,
        }
    }
}

/// The columns of the CSV export, in order.
pub const CSV_HEADER: [&str; 15] = [
    "编号",
    "时间(UTC)",
    "操作人",
    "角色",
    "管辖区划",
    "操作",
    "对象类型",
    "对象",
    "区划",
    "IP",
    "客户端",
    "请求编号",
    "结果",
    "详情",
    "哈希",
];

impl AuditEntry {
    /// The entry as a CSV row, in [`CSV_HEADER`]'s order. A cell that a spreadsheet would
    /// read as a formula is prefixed with `'`.
    pub fn csv_row(&self) -> [String; 15] {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            self.id.to_string(),
            self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            opt(&self.actor_role),
            opt(&self.actor_region),
            self.action.clone(),
            self.target_kind.clone(),
            self.target_id.clone(),
            opt(&self.region_code),
            opt(&self.ip),
            opt(&self.user_agent),
            opt(&self.request_id),
            self.outcome.clone(),
            self.detail.to_string(),
            self.hash.clone(),
        ]
        .map(defuse_formula)
    }
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first) is written with a leading `'`, so that opening the export runs nothing.
pub fn defuse_formula(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// One CSV record, CRLF-terminated (RFC 4180).
pub fn csv_line(cells: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; an empty line stands in if it ever did.
    if w.write_record(cells).is_err() {
        return b"\r\n".to_vec();
    }
    w.into_inner().unwrap_or_default()
}

/// A checked audit query: the condition it stands for.
fn condition(q: &AuditQuery) -> Result<Condition, AppError> {
    use audit::Column;
    let mut c = Condition::all();
    let (from, to) = crate::activities::time_bounds(q.from.as_deref(), q.to.as_deref())?;
    if let Some(from) = from {
        c = c.add(Column::At.gte(from));
    }
    if let Some(to) = to {
        c = c.add(Column::At.lt(to));
    }
    if let Some(actor) = q.actor {
        c = c.add(Column::ActorId.eq(actor));
    }
    if let Some(action) = q.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if action.chars().count() > 200 {
            return Err(AppError::Malformed("action 过长".to_owned()));
        }
        c = c.add(match action.strip_suffix('.') {
            Some(prefix) if !prefix.contains(['%', '_']) => {
                Column::Action.like(format!("{prefix}.%"))
            }
            _ => Column::Action.eq(action),
        });
    }
    if let Some(target) = q.target.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if target.chars().count() > 200 {
            return Err(AppError::Malformed("target 过长".to_owned()));
        }
        c = match target.split_once(':') {
            Some((kind, id)) => c
                .add(Column::TargetKind.eq(kind))
                .add(Column::TargetId.eq(id)),
            None => c.add(Column::TargetKind.eq(target)),
        };
    }
    if let Some(outcome) = q.outcome.as_deref().filter(|s| !s.is_empty()) {
        if !["ok", "denied", "invalid"].contains(&outcome) {
            return Err(AppError::Malformed(
                "outcome 须为 ok、denied 或 invalid".to_owned(),
            ));
        }
        c = c.add(Column::Outcome.eq(outcome));
    }
    Ok(c)
}

/// Entries a reader may see: those in the areas they govern (a national administrator
/// sees all, including entries that lie in no area).
fn readable(actor: &Actor) -> Result<Condition, AppError> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden("只有管理员可以查看操作记录".to_owned()));
    }
    Ok(crate::scope::scope_condition(
        actor,
        audit::Column::ProvinceCode,
        audit::Column::CityCode,
        audit::Column::CountyCode,
    ))
}

/// The rows an export reads at a time.
pub const EXPORT_BATCH: u64 = 1000;

impl App {
    /// `GET /api/v1/audit-log`: a page of entries in the actor's areas, newest first.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        q: &AuditQuery,
    ) -> Result<Paged<AuditEntry>, AppError> {
        let scope = readable(actor)?;
        let page = Page::parse(q.page, q.per_page)?;
        let filter = condition(q)?.add(scope);
        let (rows, total) =
            store::audit::page(&self.db, filter, page.offset(), page.per_page).await?;
        Ok(Paged {
            items: rows.into_iter().map(AuditEntry::from).collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// `GET /api/v1/audit?limit=`: the latest `limit` entries in the actor's areas.
    pub async fn audit_latest(
        &self,
        actor: &Actor,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, AppError> {
        let scope = readable(actor)?;
        let (rows, _) = store::audit::page(&self.db, scope, 0, limit).await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// Begins an export of the entries `q` selects in the actor's areas (oldest first, read
    /// in batches with [`App::audit_batch`]); the export itself is recorded, since the log
    /// holds addresses and ids of people.
    pub async fn begin_audit_export(
        &self,
        actor: &Actor,
        q: &AuditQuery,
    ) -> Result<Condition, AppError> {
        let scope = readable(actor)?;
        let filter = condition(q)?.add(scope);
        let area = RegionPath::default();
        self.record_alone(
            Some(actor),
            Event::ok(
                "audit.export",
                "audit_log",
                "csv",
                &area,
                serde_json::json!({
                    "from": q.from, "to": q.to, "actor": q.actor, "action": q.action,
                    "target": q.target, "outcome": q.outcome,
                }),
            ),
        )
        .await?;
        Ok(filter)
    }

    /// The next batch of an export: entries within `filter` after id `after`.
    pub async fn audit_batch(
        &self,
        filter: Condition,
        after: i64,
    ) -> Result<Vec<AuditEntry>, AppError> {
        Ok(
            store::audit::batch_after(&self.db, filter, after, EXPORT_BATCH)
                .await?
                .into_iter()
                .map(AuditEntry::from)
                .collect(),
        )
    }

    /// `kepu audit export`: the entries `q` selects, for the operator (no scope); the
    /// export is recorded.
    pub async fn begin_operator_export(
        &self,
        q: &AuditQuery,
        format: &str,
    ) -> Result<Condition, AppError> {
        let filter = condition(q)?;
        let area = RegionPath::default();
        self.record_alone(
            None,
            Event::ok(
                "audit.export",
                "audit_log",
                format,
                &area,
                serde_json::json!({"from": q.from, "to": q.to, "via": "command line"}),
            ),
        )
        .await?;
        Ok(filter)
    }

    /// `kepu audit verify`: walks the chain.
    pub async fn verify_audit(&self) -> Result<store::audit::Verified, AppError> {
        Ok(store::audit::verify(&self.db, 5000).await?)
    }

    /// `kepu audit purge --before DATE`: removes entries older than `before`, which must be
    /// at least the retention period ago; the purge records itself (with the hash of the
    /// last row removed, so that the chain still verifies).
    pub async fn purge_audit(&self, before: &str) -> Result<store::audit::Purged, AppError> {
        let before = crate::activities::parse_time(before.trim())?;
        let days = self.config.audit_retention_days.max(180);
        let now = self.clock.now();
        let earliest = now - chrono::Duration::days(days);
        if before > earliest {
            return Err(AppError::invalid_field(
                "before",
                format!(
                    "操作记录至少保留{days}天：只能清理 {} 之前的记录",
                    earliest.format("%Y-%m-%d %H:%M")
                ),
            ));
        }
        let txn = self.db.begin().await?;
        let purged = store::audit::purge(&txn, before).await?;
        let area = RegionPath::default();
        record(
            &txn,
            now,
            None,
            Event::ok(
                store::audit::PURGE_ACTION,
                "audit_log",
                "purge",
                &area,
                serde_json::json!({
                    "before": before, "removed": purged.removed, "anchor": purged.anchor,
                    "retention_days": days,
                }),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(purged)
    }
}
