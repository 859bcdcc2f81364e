//! Accounts (用户): people, their names and their roles. Queries only; who may change an
//! account is the use case's to decide.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use sea_orm::{FromQueryResult, QueryResult, Statement};

use crate::entities::{api_token, user, user_role};

/// The user with this id.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// The names of the accounts `ids` (none where not given), by id.
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Option<String>>, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The user with this (normalised) phone.
pub async fn find_by_phone(
    db: &impl ConnectionTrait,
    phone: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Phone.eq(phone))
        .one(db)
        .await
}

/// Saves a user's name.
pub async fn set_name(
    db: &impl ConnectionTrait,
    found: user::Model,
    name: String,
) -> Result<user::Model, DbErr> {
    let mut row: user::ActiveModel = found.into();
    row.name = Set(Some(name));
    row.update(db).await
}

/// Saves when a user was disabled (`None`: enabled).
pub async fn set_disabled_at(
    db: &impl ConnectionTrait,
    found: user::Model,
    at: Option<DateTime<Utc>>,
) -> Result<user::Model, DbErr> {
    let mut row: user::ActiveModel = found.into();
    row.disabled_at = Set(at);
    row.update(db).await
}

/// Grants `role` over `region_code` unless the user already has it.
pub async fn grant_role(
    db: &impl ConnectionTrait,
    user_id: i64,
    role: &str,
    region_code: String,
) -> Result<(), DbErr> {
    user_role::Entity::insert(user_role::ActiveModel {
        user_id: Set(user_id),
        role: Set(role.to_owned()),
        region_code: Set(region_code),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            user_role::Column::UserId,
            user_role::Column::Role,
            user_role::Column::RegionCode,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// An account that is not disabled, with its roles in the order granted, read in one
/// statement (every request with a session asks it).
pub async fn active_with_roles(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(user::Model, Vec<user_role::Model>)>, DbErr> {
    let sql = format!(
        "SELECT {}, {} FROM users AS u LEFT JOIN user_roles AS r ON r.user_id = u.id \
         WHERE u.id = $1 AND u.disabled_at IS NULL ORDER BY r.id",
        crate::columns_of::<user::Entity>("u", "u_"),
        crate::columns_of::<user_role::Entity>("r", "r_"),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [id.into()],
        ))
        .await?;
    holder_of(&rows)
}

/// The holder of a bearer token (by its hash) with the token, when the account is not
/// disabled: (token, account, roles in the order granted), in one statement (every API
/// request with a token asks it).
pub async fn token_holder(
    db: &impl ConnectionTrait,
    token_hash: String,
) -> Result<Option<(api_token::Model, user::Model, Vec<user_role::Model>)>, DbErr> {
    let sql = format!(
        "SELECT {}, {}, {} FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id \
         LEFT JOIN user_roles AS r ON r.user_id = u.id \
         WHERE t.token_hash = $1 AND u.disabled_at IS NULL ORDER BY r.id",
        crate::columns_of::<api_token::Entity>("t", "t_"),
        crate::columns_of::<user::Entity>("u", "u_"),
        crate::columns_of::<user_role::Entity>("r", "r_"),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [token_hash.into()],
        ))
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let token = api_token::Model::from_query_result(first, "t_")?;
    Ok(holder_of(&rows)?.map(|(user, roles)| (token, user, roles)))
}

/// The account (columns `u_…`) and its roles (`r_…`, absent when none) of a join's rows.
fn holder_of(rows: &[QueryResult]) -> Result<Option<(user::Model, Vec<user_role::Model>)>, DbErr> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let user = user::Model::from_query_result(first, "u_")?;
    let mut roles = Vec::new();
    for row in rows {
        if let Some(role) = user_role::Model::from_query_result_optional(row, "r_")? {
            roles.push(role);
        }
    }
    Ok(Some((user, roles)))
}

/// A user's roles, in the order granted.
pub async fn roles_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<user_role::Model>, DbErr> {
    use sea_orm::QueryOrder;
    user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Id)
        .all(db)
        .await
}

/// A new account for a phone number, without a name.
pub async fn add(
    db: &impl ConnectionTrait,
    phone: &str,
    at: DateTime<Utc>,
) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        phone: Set(phone.to_owned()),
        name: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Closes an account for good (注销): the phone becomes `tombstone` (unique, and never a
/// phone, so that nobody can log in as it and the number may open a new account), the name
/// goes, the account is disabled at `at`, its roles and memberships end, and the codes and
/// the lock kept for its phone are deleted. The row stays, so that what the person did keeps
/// its author's id (reviews, the audit trail).
pub async fn close(
    db: &impl ConnectionTrait,
    found: user::Model,
    tombstone: String,
    at: DateTime<Utc>,
) -> Result<user::Model, DbErr> {
    use crate::entities::{login_lock, org_member, sms_code};
    let phone = found.phone.clone();
    let id = found.id;
    sms_code::Entity::delete_many()
        .filter(sms_code::Column::Phone.eq(phone.clone()))
        .exec(db)
        .await?;
    login_lock::Entity::delete_many()
        .filter(login_lock::Column::Phone.eq(phone))
        .exec(db)
        .await?;
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(id))
        .exec(db)
        .await?;
    org_member::Entity::delete_many()
        .filter(org_member::Column::UserId.eq(id))
        .exec(db)
        .await?;
    let mut row: user::ActiveModel = found.into();
    row.phone = Set(tombstone);
    row.name = Set(None);
    row.disabled_at = Set(Some(at));
    row.update(db).await
}

/// The accounts holding `role` (in `region`, or with no region when none), not disabled.
pub async fn holding(
    db: &impl ConnectionTrait,
    role: &str,
    region: Option<&str>,
) -> Result<Vec<i64>, DbErr> {
    let mut roles = user_role::Entity::find().filter(user_role::Column::Role.eq(role));
    roles = match region {
        Some(code) => roles.filter(user_role::Column::RegionCode.eq(code)),
        None => roles,
    };
    let ids: Vec<i64> = roles
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::DisabledAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}
