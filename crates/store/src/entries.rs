//! 报名表: contest entries, their files, history and work claims. Queries only; who may see
//! or change which entry arrives here as a `Condition` (the contests in an administrator's
//! area, or the entries a person made or their unit recommended), applied in the query.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{
    contest, contest_entry as entry, contest_entry_media as media,
    contest_entry_transition as transition, contest_work_claim as claim, org_member,
};

/// Inserts an entry in `draft`.
pub async fn insert(
    db: &impl ConnectionTrait,
    contest_id: i64,
    entrant: i64,
    form: String,
    at: DateTime<Utc>,
) -> Result<entry::Model, DbErr> {
    entry::ActiveModel {
        contest_id: Set(contest_id),
        entrant_user_id: Set(entrant),
        status: Set("draft".to_owned()),
        form: Set(form),
        created_at: Set(at),
        updated_at: Set(at),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The entry `id` of contest `contest_id`, if it matches `filter`.
pub async fn find_within(
    db: &impl ConnectionTrait,
    contest_id: i64,
    id: i64,
    filter: Condition,
) -> Result<Option<entry::Model>, DbErr> {
    entry::Entity::find_by_id(id)
        .filter(entry::Column::ContestId.eq(contest_id))
        .filter(filter)
        .one(db)
        .await
}

/// The condition "of a contest matching `scope`" (an administrator's area).
pub fn in_contests(scope: Condition) -> Condition {
    Condition::all().add(
        entry::Column::ContestId.in_subquery(
            Query::select()
                .column(contest::Column::Id)
                .from(contest::Entity)
                .cond_where(scope)
                .to_owned(),
        ),
    )
}

/// The condition "made by `user_id`, or recommended by a unit `user_id` belongs to".
pub fn reachable_by(user_id: i64) -> Condition {
    Condition::any()
        .add(entry::Column::EntrantUserId.eq(user_id))
        .add(
            entry::Column::UnitId.in_subquery(
                Query::select()
                    .column(org_member::Column::OrgId)
                    .from(org_member::Entity)
                    .and_where(org_member::Column::UserId.eq(user_id))
                    .to_owned(),
            ),
        )
}

/// The condition "made by `user_id`".
pub fn made_by(user_id: i64) -> Condition {
    Condition::all().add(entry::Column::EntrantUserId.eq(user_id))
}

/// The condition "in one of `statuses`".
pub fn in_status(statuses: &[&str]) -> Condition {
    Condition::all().add(entry::Column::Status.is_in(statuses.iter().copied()))
}

/// A page of contest `contest_id`'s entries matching `filter`, oldest first; and how many.
pub async fn page(
    db: &impl ConnectionTrait,
    contest_id: i64,
    filter: Condition,
    offset: u64,
    limit: u64,
) -> Result<(Vec<entry::Model>, u64), DbErr> {
    let query = entry::Entity::find()
        .filter(entry::Column::ContestId.eq(contest_id))
        .filter(filter);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Writes the form of entry `id` if it is still at `version` and matches `filter` (its
/// entrant, an editable status); whether it was.
pub async fn save_form(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    filter: Condition,
    form: String,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = entry::Entity::update_many()
        .col_expr(entry::Column::Form, Expr::val(form))
        .col_expr(entry::Column::UpdatedAt, Expr::val(at))
        .col_expr(entry::Column::Version, Expr::val(version.saturating_add(1)))
        .filter(entry::Column::Id.eq(id))
        .filter(entry::Column::Version.eq(version))
        .filter(filter)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// What a submission writes beside the status.
pub struct Submission {
    pub unit_id: Option<i64>,
    pub duration_seconds: Option<f64>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub pledge_ip: Option<String>,
    pub at: DateTime<Utc>,
}

/// Moves entry `id` to `submitted` if it is still at `version` and matches `filter`;
/// whether it did.
pub async fn mark_submitted(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    filter: Condition,
    s: Submission,
) -> Result<bool, DbErr> {
    let result = entry::Entity::update_many()
        .col_expr(entry::Column::Status, Expr::val("submitted"))
        .col_expr(entry::Column::UnitId, Expr::val(s.unit_id))
        .col_expr(
            entry::Column::DurationSeconds,
            Expr::val(s.duration_seconds),
        )
        .col_expr(entry::Column::Width, Expr::val(s.width))
        .col_expr(entry::Column::Height, Expr::val(s.height))
        .col_expr(entry::Column::SubmittedAt, Expr::val(s.at))
        .col_expr(entry::Column::PledgedAt, Expr::val(s.at))
        .col_expr(entry::Column::PledgeIp, Expr::val(s.pledge_ip))
        .col_expr(entry::Column::UpdatedAt, Expr::val(s.at))
        .col_expr(entry::Column::Version, Expr::val(version.saturating_add(1)))
        .filter(entry::Column::Id.eq(id))
        .filter(entry::Column::Version.eq(version))
        .filter(filter)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Moves entry `id` to `to` if it is in one of `from` and matches `filter`; whether it did.
pub async fn move_status(
    db: &impl ConnectionTrait,
    id: i64,
    filter: Condition,
    from: &[&str],
    to: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = entry::Entity::update_many()
        .col_expr(entry::Column::Status, Expr::val(to))
        .col_expr(entry::Column::UpdatedAt, Expr::val(at))
        .col_expr(
            entry::Column::Version,
            Expr::col(entry::Column::Version).add(1),
        )
        .filter(entry::Column::Id.eq(id))
        .filter(entry::Column::Status.is_in(from.iter().copied()))
        .filter(filter)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Records a move in the entry's history.
pub async fn record(
    db: &impl ConnectionTrait,
    entry_id: i64,
    at: DateTime<Utc>,
    actor_id: i64,
    from: Option<&str>,
    to: &str,
    reason: Option<String>,
) -> Result<(), DbErr> {
    transition::ActiveModel {
        entry_id: Set(entry_id),
        at: Set(at),
        actor_id: Set(actor_id),
        from_status: Set(from.map(str::to_owned)),
        to_status: Set(to.to_owned()),
        reason: Set(reason),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An entry's history, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    entry_id: i64,
) -> Result<Vec<transition::Model>, DbErr> {
    transition::Entity::find()
        .filter(transition::Column::EntryId.eq(entry_id))
        .order_by_asc(transition::Column::Id)
        .all(db)
        .await
}

/// How many of contest `contest_id`'s entries recommended by `unit_id` are in one of
/// `statuses`, entry `except` not counted.
pub async fn unit_entries(
    db: &impl ConnectionTrait,
    contest_id: i64,
    unit_id: i64,
    statuses: &[&str],
    except: i64,
) -> Result<u64, DbErr> {
    entry::Entity::find()
        .filter(entry::Column::ContestId.eq(contest_id))
        .filter(entry::Column::UnitId.eq(unit_id))
        .filter(entry::Column::Status.is_in(statuses.iter().copied()))
        .filter(entry::Column::Id.ne(except))
        .count(db)
        .await
}

/// Claims a work's keys (`(kind, key)`) for entry `entry_id`, first releasing what the entry
/// held; a key another entry holds is a unique violation.
pub async fn claim(
    db: &impl ConnectionTrait,
    contest_id: i64,
    entry_id: i64,
    keys: &[(&str, String)],
) -> Result<(), DbErr> {
    release(db, entry_id).await?;
    for (kind, key) in keys {
        claim::ActiveModel {
            contest_id: Set(contest_id),
            kind: Set((*kind).to_owned()),
            key: Set(key.clone()),
            entry_id: Set(entry_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Releases the keys entry `entry_id` held (withdrawn, disqualified).
pub async fn release(db: &impl ConnectionTrait, entry_id: i64) -> Result<(), DbErr> {
    claim::Entity::delete_many()
        .filter(claim::Column::EntryId.eq(entry_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks contest `contest_id` frozen (its first submission). On PostgreSQL the row stays
/// locked to the end of the transaction, so that submissions to one contest take turns and
/// a unit's count is read after the one before it was written.
pub async fn freeze_contest(db: &impl ConnectionTrait, contest_id: i64) -> Result<(), DbErr> {
    contest::Entity::update_many()
        .col_expr(contest::Column::Frozen, Expr::val(true))
        .filter(contest::Column::Id.eq(contest_id))
        .exec(db)
        .await?;
    Ok(())
}

/// An entry's file as stored.
pub struct NewMedia {
    pub contest_id: i64,
    pub entry_id: i64,
    pub owner_id: i64,
    pub kind: String,
    pub storage_key: String,
    pub content_type: String,
    pub bytes: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub seconds: Option<f64>,
    pub made_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Records an entry's file.
pub async fn add_media(db: &impl ConnectionTrait, m: NewMedia) -> Result<media::Model, DbErr> {
    media::ActiveModel {
        contest_id: Set(m.contest_id),
        entry_id: Set(m.entry_id),
        owner_id: Set(m.owner_id),
        kind: Set(m.kind),
        storage_key: Set(m.storage_key),
        content_type: Set(m.content_type),
        bytes: Set(m.bytes),
        sha256: Set(m.sha256),
        width: Set(m.width),
        height: Set(m.height),
        seconds: Set(m.seconds),
        made_at: Set(m.made_at),
        created_at: Set(m.created_at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Entry `entry_id`'s file `id`, if it is one of its files.
pub async fn media_of(
    db: &impl ConnectionTrait,
    entry_id: i64,
    id: i64,
) -> Result<Option<media::Model>, DbErr> {
    media::Entity::find_by_id(id)
        .filter(media::Column::EntryId.eq(entry_id))
        .one(db)
        .await
}

/// Entry `entry_id`'s files, newest first.
pub async fn media_for(
    db: &impl ConnectionTrait,
    entry_id: i64,
) -> Result<Vec<media::Model>, DbErr> {
    media::Entity::find()
        .filter(media::Column::EntryId.eq(entry_id))
        .order_by_desc(media::Column::Id)
        .all(db)
        .await
}

/// Every entry of contest `contest_id` matching `filter`, oldest first.
pub async fn all_of(
    db: &impl ConnectionTrait,
    contest_id: i64,
    filter: Condition,
) -> Result<Vec<entry::Model>, DbErr> {
    entry::Entity::find()
        .filter(entry::Column::ContestId.eq(contest_id))
        .filter(filter)
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await
}
