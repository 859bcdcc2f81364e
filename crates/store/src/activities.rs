//! Activity rows (活动): reads and writes of the activity table that the use cases in
//! `app::activities`, exports and the demo need. Rules and authorisation stay in app; a
//! caller's area arrives here as a `Condition` and is applied in the query.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::activity::{ActiveModel, Column, Entity, Model};
use crate::entities::{activity_region, activity_session, host_confirmation, media, supplement};

/// An activity by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Sets or clears the 拟推优 mark.
pub async fn set_excellence_intent(
    db: &impl ConnectionTrait,
    id: i64,
    intended: bool,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::ExcellenceIntent, Expr::value(intended))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Up to `limit` activities matching `filter` whose supplement is complete, newest first.
pub async fn with_complete_supplement(
    db: &impl ConnectionTrait,
    filter: Condition,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let complete = Query::select()
        .column(supplement::Column::ActivityId)
        .from(supplement::Entity)
        .and_where(Expr::col(supplement::Column::CompletedAt).is_not_null())
        .to_owned();
    Entity::find()
        .filter(filter)
        .filter(Expr::col(Column::Id).in_subquery(complete))
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The activity of a campaign with the same first host, name and start as one about to be
/// imported (a table imported twice), if any.
pub async fn same_as(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    first_host_id: i64,
    name: &str,
    start_at: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    Ok(Entity::find()
        .filter(Column::CampaignId.eq(campaign_id))
        .filter(Column::FirstHostId.eq(first_host_id))
        .filter(Column::Name.eq(name))
        .filter(Column::StartAt.eq(start_at))
        .order_by_asc(Column::Id)
        .one(db)
        .await?
        .map(|m| m.id))
}

/// How many activities there are, in any state.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find().count(db).await
}

/// The activities with these ids (those that exist).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<Model>, DbErr> {
    Entity::find().filter(Column::Id.is_in(ids)).all(db).await
}

/// Up to `limit` activities matching `filter` with an id above `after`, by id: one step of
/// a walk through a large set in constant memory.
pub async fn page_after(
    db: &impl ConnectionTrait,
    filter: Condition,
    after: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(filter)
        .filter(Column::Id.gt(after))
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The columns of an activity that follow from its draft (what lists, filters and the map
/// read without parsing the draft).
pub struct Columns {
    /// The draft as JSON text.
    pub data: String,
    /// 活动名称 ("" for an unnamed draft).
    pub name: String,
    /// 板块
    pub section: Option<String>,
    /// Start.
    pub start_at: Option<DateTime<Utc>>,
    /// End.
    pub end_at: Option<DateTime<Utc>>,
    /// The division as given.
    pub region_code: Option<String>,
    /// Its province.
    pub province_code: Option<String>,
    /// Its city.
    pub city_code: Option<String>,
    /// Its county.
    pub county_code: Option<String>,
    /// 线上/线下
    pub mode: Option<String>,
    /// 场地类型
    pub venue_type: Option<String>,
    /// 支持预约
    pub reservable: bool,
    /// 预计参与人数
    pub expected_participants: Option<i64>,
    /// 面向对象 as bits.
    pub audience_mask: i64,
    /// The first host.
    pub first_host_id: Option<i64>,
    /// Longitude where it is placed.
    pub lon: Option<f64>,
    /// Latitude where it is placed.
    pub lat: Option<f64>,
}

impl Columns {
    pub(crate) fn set(self, row: &mut ActiveModel) {
        row.data = Set(self.data);
        row.name = Set(self.name);
        row.section = Set(self.section);
        row.start_at = Set(self.start_at);
        row.end_at = Set(self.end_at);
        row.region_code = Set(self.region_code);
        row.province_code = Set(self.province_code);
        row.city_code = Set(self.city_code);
        row.county_code = Set(self.county_code);
        row.mode = Set(self.mode);
        row.venue_type = Set(self.venue_type);
        row.reservable = Set(self.reservable);
        row.expected_participants = Set(self.expected_participants);
        row.audience_mask = Set(self.audience_mask);
        row.first_host_id = Set(self.first_host_id);
        row.lon = Set(self.lon);
        row.lat = Set(self.lat);
    }
}

/// Inserts a new activity in `status` at version 1; its row.
pub async fn insert(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    owner_id: i64,
    status: &str,
    at: DateTime<Utc>,
    columns: Columns,
) -> Result<Model, DbErr> {
    let mut row = ActiveModel {
        campaign_id: Set(campaign_id),
        owner_id: Set(owner_id),
        status: Set(status.to_owned()),
        version: Set(1),
        submitted_at: Set(None),
        decided_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    };
    columns.set(&mut row);
    row.insert(db).await
}

/// Writes an activity's columns if it is still at `version`, moving it to the next
/// version; whether it was.
pub async fn update_at_version(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    at: DateTime<Utc>,
    columns: Columns,
) -> Result<bool, DbErr> {
    let mut update = <ActiveModel as Default>::default();
    columns.set(&mut update);
    update.updated_at = Set(at);
    update.version = Set(version + 1);
    let result = Entity::update_many()
        .set(update)
        .filter(Column::Id.eq(id))
        .filter(Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// What a state change stamps besides the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Nothing (back to draft).
    None,
    /// `submitted_at`.
    Submitted,
    /// `decided_at`.
    Decided,
}

/// Moves an activity to `status` if it is still at `version`; whether it was. `review`:
/// when it enters a review, when it entered and when the review is due (none clears them).
pub async fn move_to(
    db: &impl ConnectionTrait,
    id: i64,
    version: i64,
    status: &str,
    at: DateTime<Utc>,
    stamp: Stamp,
    review: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<bool, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(at))
        .col_expr(Column::ReviewEnteredAt, Expr::value(review.map(|r| r.0)))
        .col_expr(Column::ReviewDueAt, Expr::value(review.map(|r| r.1)));
    update = match stamp {
        Stamp::None => update,
        Stamp::Submitted => update.col_expr(Column::SubmittedAt, Expr::value(Some(at))),
        Stamp::Decided => update.col_expr(Column::DecidedAt, Expr::value(Some(at))),
    };
    let result = update
        .filter(Column::Id.eq(id))
        .filter(Column::Version.eq(version))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// One session (场次) of an activity, placed.
pub struct SessionRow {
    /// Start.
    pub start_at: Option<DateTime<Utc>>,
    /// End.
    pub end_at: Option<DateTime<Utc>>,
    /// The division as given.
    pub region_code: Option<String>,
    /// Its province, city and county.
    pub area: [Option<String>; 3],
    /// Address.
    pub address: Option<String>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Latitude.
    pub lat: Option<f64>,
}

impl SessionRow {
    /// The row of this session, the `position`-th of activity `id`.
    fn row(self, id: i64, position: usize) -> activity_session::ActiveModel {
        let [province, city, county] = self.area;
        activity_session::ActiveModel {
            activity_id: Set(id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            start_at: Set(self.start_at),
            end_at: Set(self.end_at),
            region_code: Set(self.region_code),
            province_code: Set(province),
            city_code: Set(city),
            county_code: Set(county),
            address: Set(self.address),
            lon: Set(self.lon),
            lat: Set(self.lat),
            ..Default::default()
        }
    }
}

/// Replaces an activity's sessions and the divisions it is found under.
pub async fn replace_places(
    db: &impl ConnectionTrait,
    id: i64,
    sessions: Vec<SessionRow>,
    codes: std::collections::BTreeSet<String>,
) -> Result<(), DbErr> {
    activity_session::Entity::delete_many()
        .filter(activity_session::Column::ActivityId.eq(id))
        .exec(db)
        .await?;
    for (i, s) in sessions.into_iter().enumerate() {
        s.row(id, i).insert(db).await?;
    }
    activity_region::Entity::delete_many()
        .filter(activity_region::Column::ActivityId.eq(id))
        .exec(db)
        .await?;
    if !codes.is_empty() {
        let rows = codes.into_iter().map(|code| activity_region::ActiveModel {
            activity_id: Set(id),
            code: Set(code),
        });
        activity_region::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// An activity with its supplement, in one read.
pub async fn with_supplement(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(Model, Option<supplement::Model>)>, DbErr> {
    Entity::find_by_id(id)
        .select_also(supplement::Entity)
        .join(
            JoinType::LeftJoin,
            Entity::belongs_to(supplement::Entity)
                .from(Column::Id)
                .to(supplement::Column::ActivityId)
                .into(),
        )
        .one(db)
        .await
}

/// A page of one owner's activities, newest first; and how many they have.
pub async fn page_of_owner(
    db: &impl ConnectionTrait,
    owner_id: i64,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Model>, u64), DbErr> {
    let query = Entity::find().filter(Column::OwnerId.eq(owner_id));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The hosts of an activity that confirmed taking part.
pub async fn confirmed_hosts(
    db: &impl ConnectionTrait,
    activity_id: i64,
) -> Result<Vec<i64>, DbErr> {
    Ok(host_confirmation::Entity::find()
        .filter(host_confirmation::Column::ActivityId.eq(activity_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.org_id)
        .collect())
}

/// Records that a member (`user_id`) confirmed its organisation takes part (once).
pub async fn confirm_host(
    db: &impl ConnectionTrait,
    activity_id: i64,
    org_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    host_confirmation::Entity::insert(host_confirmation::ActiveModel {
        activity_id: Set(activity_id),
        org_id: Set(org_id),
        user_id: Set(user_id),
        confirmed_at: Set(at),
    })
    .on_conflict(
        OnConflict::columns([
            host_confirmation::Column::ActivityId,
            host_confirmation::Column::OrgId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Whether `poster` is a poster uploaded to `activity_id`.
pub async fn is_poster_of(
    db: &impl ConnectionTrait,
    poster: i64,
    activity_id: i64,
) -> Result<bool, DbErr> {
    Ok(media::Entity::find_by_id(poster)
        .filter(media::Column::ActivityId.eq(activity_id))
        .filter(media::Column::Kind.eq("poster"))
        .one(db)
        .await?
        .is_some())
}

/// One activity of a bulk load (`kepu bench-data`): its state, columns and places, with a
/// poster and, when public, a search-log entry.
pub struct Loaded {
    /// Its state's wire name.
    pub status: String,
    /// Whether it was submitted (stamps `submitted_at`).
    pub submitted: bool,
    /// Its columns.
    pub columns: Columns,
    /// Its sessions beyond the first.
    pub sessions: Vec<SessionRow>,
    /// Every division it is found under.
    pub codes: std::collections::BTreeSet<String>,
    /// Whether it is public (appends to `search_log`).
    pub public: bool,
}

/// The poster every loaded activity shares.
pub struct SharedPoster {
    /// Where the file is kept.
    pub storage_key: String,
    /// Its media type.
    pub content_type: String,
    /// Its width and height.
    pub size: (i32, i32),
}

/// Inserts a batch of activities in one transaction with multi-row inserts, bypassing the
/// use cases for speed: the caller holds the rules. Answers how many went in.
pub async fn load_batch(
    db: &crate::Db,
    campaign_id: i64,
    owner_id: i64,
    at: DateTime<Utc>,
    poster: &SharedPoster,
    batch: Vec<Loaded>,
) -> Result<u64, DbErr> {
    use sea_orm::TransactionTrait;
    let count = batch.len();
    if count == 0 {
        return Ok(0);
    }
    let txn = db.begin().await?;
    let mut places = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for loaded in batch {
        let mut row = ActiveModel {
            campaign_id: Set(campaign_id),
            owner_id: Set(owner_id),
            status: Set(loaded.status),
            version: Set(1),
            submitted_at: Set(loaded.submitted.then_some(at)),
            decided_at: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        loaded.columns.set(&mut row);
        rows.push(row);
        places.push((loaded.sessions, loaded.codes, loaded.public));
    }
    let last = Entity::insert_many(rows).exec(&txn).await?.last_insert_id;
    // The ids of one multi-row insert are consecutive; the last one is reported.
    let base = last.unwrap_or(0) - i64::try_from(count).unwrap_or(0) + 1;
    let mut region_rows = Vec::new();
    let mut session_rows = Vec::new();
    let mut media_rows = Vec::with_capacity(count);
    let mut log_rows = Vec::new();
    for (i, (sessions, codes, public)) in places.into_iter().enumerate() {
        let id = base + i64::try_from(i).unwrap_or(0);
        region_rows.extend(codes.into_iter().map(|code| activity_region::ActiveModel {
            activity_id: Set(id),
            code: Set(code),
        }));
        session_rows.extend(sessions.into_iter().enumerate().map(|(k, s)| s.row(id, k)));
        media_rows.push(media::ActiveModel {
            activity_id: Set(id),
            owner_id: Set(owner_id),
            kind: Set("poster".to_owned()),
            storage_key: Set(poster.storage_key.clone()),
            content_type: Set(poster.content_type.clone()),
            bytes: Set(0),
            width: Set(Some(poster.size.0)),
            height: Set(Some(poster.size.1)),
            seconds: Set(None),
            created_at: Set(at),
            settled: Set(true),
            ..Default::default()
        });
        if public {
            log_rows.push(crate::entities::search_log::ActiveModel {
                activity_id: Set(id),
                at: Set(at),
                ..Default::default()
            });
        }
    }
    if !region_rows.is_empty() {
        activity_region::Entity::insert_many(region_rows)
            .exec_without_returning(&txn)
            .await?;
    }
    if !session_rows.is_empty() {
        activity_session::Entity::insert_many(session_rows)
            .exec_without_returning(&txn)
            .await?;
    }
    media::Entity::insert_many(media_rows)
        .exec_without_returning(&txn)
        .await?;
    if !log_rows.is_empty() {
        crate::entities::search_log::Entity::insert_many(log_rows)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Up to `limit` activities of `campaigns` with ids above `after` whose content still names
/// a contact person or phone: the next batch for anonymising old contacts.
pub async fn with_contacts(
    db: &impl ConnectionTrait,
    campaigns: Vec<i64>,
    after: i64,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::CampaignId.is_in(campaigns))
        .filter(Column::Id.gt(after))
        .filter(
            Condition::any()
                .add(Column::Data.like("%\"contact_name\":\"%"))
                .add(Column::Data.like("%\"contact_phone\":\"%")),
        )
        .order_by_asc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Replaces an activity's stored content, leaving its version (a change by the system, not
/// an edit that a person's form could collide with).
pub async fn set_data(db: &impl ConnectionTrait, id: i64, data: String) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Data, Expr::value(data))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
