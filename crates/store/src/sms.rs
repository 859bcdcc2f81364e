//! SMS login codes, the per-phone lock after wrong codes, and the alarms of the SMS watch.
//! Codes are stored hashed; the limits and their messages are the use case's.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{login_lock, sms_alarm, sms_code};

/// Whose codes a window counts.
#[derive(Debug, Clone, Copy)]
pub enum Sender<'a> {
    /// One phone number.
    Phone(&'a str),
    /// One client address.
    Ip(&'a str),
}

fn sent_by(who: Sender<'_>, since: DateTime<Utc>) -> sea_orm::Select<sms_code::Entity> {
    let owner = match who {
        Sender::Phone(p) => sms_code::Column::Phone.eq(p),
        Sender::Ip(ip) => sms_code::Column::Ip.eq(ip),
    };
    sms_code::Entity::find()
        .filter(owner)
        .filter(sms_code::Column::CreatedAt.gt(since))
}

/// How many codes were sent for `who` after `since`.
pub async fn sent_after(
    db: &impl ConnectionTrait,
    who: Sender<'_>,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    sent_by(who, since).count(db).await
}

/// When the oldest code sent for `who` after `since` was sent.
pub async fn oldest_after(
    db: &impl ConnectionTrait,
    who: Sender<'_>,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(sent_by(who, since)
        .order_by_asc(sms_code::Column::CreatedAt)
        .one(db)
        .await?
        .map(|c| c.created_at))
}

/// Codes sent to any number at or after `since`.
pub async fn sent_since(db: &impl ConnectionTrait, since: DateTime<Utc>) -> Result<u64, DbErr> {
    sms_code::Entity::find()
        .filter(sms_code::Column::CreatedAt.gte(since))
        .count(db)
        .await
}

/// Codes sent after `since` to numbers in `[from, to)` (a number prefix).
pub async fn sent_to_range(
    db: &impl ConnectionTrait,
    from: &str,
    to: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    sms_code::Entity::find()
        .filter(sms_code::Column::Phone.gte(from))
        .filter(sms_code::Column::Phone.lt(to))
        .filter(sms_code::Column::CreatedAt.gt(since))
        .count(db)
        .await
}

/// Logins completed with a code after `since`.
pub async fn verified_after(db: &impl ConnectionTrait, since: DateTime<Utc>) -> Result<u64, DbErr> {
    sms_code::Entity::find()
        .filter(sms_code::Column::VerifiedAt.gt(since))
        .count(db)
        .await
}

/// A code as sent.
pub struct NewCode<'a> {
    /// To whom.
    pub phone: &'a str,
    /// Its hash.
    pub code_hash: String,
    /// From which address it was asked for.
    pub ip: &'a str,
    /// Now.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Records a code.
pub async fn add_code(db: &impl ConnectionTrait, c: NewCode<'_>) -> Result<(), DbErr> {
    sms_code::ActiveModel {
        phone: Set(c.phone.to_owned()),
        code_hash: Set(c.code_hash),
        ip: Set(c.ip.to_owned()),
        created_at: Set(c.created_at),
        expires_at: Set(c.expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The phone's newest code that is unused and not expired at `now`.
pub async fn latest_usable(
    db: &impl ConnectionTrait,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Option<sms_code::Model>, DbErr> {
    sms_code::Entity::find()
        .filter(sms_code::Column::Phone.eq(phone))
        .filter(sms_code::Column::UsedAt.is_null())
        .filter(sms_code::Column::ExpiresAt.gt(now))
        .order_by_desc(sms_code::Column::CreatedAt)
        .order_by_desc(sms_code::Column::Id)
        .one(db)
        .await
}

/// Marks a code used by a login at `at`.
pub async fn code_used(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    sms_code::Entity::update_many()
        .col_expr(sms_code::Column::UsedAt, Expr::value(Some(at)))
        .col_expr(sms_code::Column::VerifiedAt, Expr::value(Some(at)))
        .filter(sms_code::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes every unused code of a phone unusable.
pub async fn void_codes(
    db: &impl ConnectionTrait,
    phone: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    sms_code::Entity::update_many()
        .col_expr(sms_code::Column::UsedAt, Expr::value(Some(at)))
        .filter(sms_code::Column::Phone.eq(phone))
        .filter(sms_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The phone's lock row, made if missing. On PostgreSQL the update takes the row lock, so
/// that concurrent requests for one phone are counted one after another. `None` only if the
/// row vanished in between.
pub async fn lock_row(
    db: &impl ConnectionTrait,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Option<login_lock::Model>, DbErr> {
    let touched = login_lock::Entity::update_many()
        .col_expr(login_lock::Column::UpdatedAt, Expr::value(now))
        .filter(login_lock::Column::Phone.eq(phone))
        .exec(db)
        .await?;
    if touched.rows_affected == 0 {
        let row = login_lock::ActiveModel {
            phone: Set(phone.to_owned()),
            failures: Set(0),
            locked_until: Set(None),
            updated_at: Set(now),
        };
        login_lock::Entity::insert(row)
            .on_conflict(
                OnConflict::column(login_lock::Column::Phone)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    login_lock::Entity::find_by_id(phone.to_owned())
        .one(db)
        .await
}

/// Counts a wrong code against a phone.
pub async fn count_failure(
    db: &impl ConnectionTrait,
    phone: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_lock::Entity::update_many()
        .col_expr(
            login_lock::Column::Failures,
            Expr::col(login_lock::Column::Failures).add(1),
        )
        .col_expr(login_lock::Column::UpdatedAt, Expr::value(at))
        .filter(login_lock::Column::Phone.eq(phone))
        .exec(db)
        .await?;
    Ok(())
}

/// Locks a phone until `until`, its failures counted anew.
pub async fn lock(
    db: &impl ConnectionTrait,
    phone: &str,
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_lock::Entity::update_many()
        .col_expr(login_lock::Column::Failures, Expr::value(0))
        .col_expr(login_lock::Column::LockedUntil, Expr::value(Some(until)))
        .filter(login_lock::Column::Phone.eq(phone))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets a phone's wrong codes (after a login).
pub async fn clear_failures(db: &impl ConnectionTrait, phone: &str) -> Result<(), DbErr> {
    login_lock::Entity::update_many()
        .col_expr(login_lock::Column::Failures, Expr::value(0))
        .filter(login_lock::Column::Phone.eq(phone))
        .exec(db)
        .await?;
    Ok(())
}

/// How many alarms of this kind and subject were raised after `since`.
pub async fn alarms_after(
    db: &impl ConnectionTrait,
    kind: &str,
    subject: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    sms_alarm::Entity::find()
        .filter(sms_alarm::Column::Kind.eq(kind))
        .filter(sms_alarm::Column::Subject.eq(subject))
        .filter(sms_alarm::Column::RaisedAt.gt(since))
        .count(db)
        .await
}

/// Records an alarm.
pub async fn raise_alarm(
    db: &impl ConnectionTrait,
    kind: &str,
    subject: &str,
    detail: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    sms_alarm::ActiveModel {
        kind: Set(kind.to_owned()),
        subject: Set(subject.to_owned()),
        detail: Set(detail.to_owned()),
        raised_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The latest `limit` alarms, newest first.
pub async fn latest_alarms(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<sms_alarm::Model>, DbErr> {
    sms_alarm::Entity::find()
        .order_by_desc(sms_alarm::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
