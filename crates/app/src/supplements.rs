//! 活动补充信息: saved as often as needed by the host of an approved activity; complete when
//! nothing is missing; on time when complete within the campaign's days after the end.

use domain::supplement::{self, MediaFact, Supplement};
use serde_json::{Value, json};
use store::entities::{link_check, media, supplement as entity};
use store::sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::OnConflict,
};

use crate::activities::{Standing, standing};
use crate::{Actor, App, AppError};

impl App {
    /// The stored supplement of an activity, if any.
    pub(crate) async fn find_supplement(
        &self,
        activity_id: i64,
    ) -> Result<Option<entity::Model>, AppError> {
        Ok(entity::Entity::find_by_id(activity_id)
            .one(&self.db)
            .await?)
    }

    /// `PUT /api/v1/activities/{id}/supplement`.
    pub async fn put_supplement(
        &self,
        actor: &Actor,
        id: i64,
        body: Value,
    ) -> Result<Value, AppError> {
        let row = self.find_activity(id).await?;
        match standing(Some(actor), &row) {
            Standing::Owner => {}
            Standing::Admin => {
                return Err(AppError::Forbidden(
                    "只有活动的发布者可以填报补充信息".to_owned(),
                ));
            }
            Standing::Public => return Err(AppError::NotFound("未找到该活动".to_owned())),
        }
        if row.status != "approved" {
            return Err(AppError::conflict("活动通过审核后才能填报补充信息"));
        }
        let input: Supplement = serde_json::from_value(body)
            .map_err(|e| AppError::Malformed(format!("补充信息字段不正确：{e}")))?;
        let rules = self.campaign(row.campaign_id).await?.rules;
        let facts: Vec<MediaFact> = media::Entity::find()
            .filter(media::Column::ActivityId.eq(id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| MediaFact {
                id: m.id,
                kind: m.kind,
                seconds: m.seconds,
            })
            .collect();
        supplement::problems(&input, &rules, &facts).into_result()?;
        let complete = supplement::missing(&input, &rules).is_empty();
        let now = self.clock.now();
        let previous = self.find_supplement(id).await?;
        let completed_at = match (complete, previous.and_then(|p| p.completed_at)) {
            (false, _) => None,
            (true, Some(first)) => Some(first),
            (true, None) => Some(now),
        };
        let model = entity::ActiveModel {
            activity_id: Set(id),
            data: Set(serde_json::to_string(&input).map_err(AppError::internal)?),
            participants: Set(input.participants),
            completed_at: Set(completed_at),
            updated_at: Set(now),
        };
        let txn = self.db.begin().await?;
        let before = crate::stats::facts(&txn, &row).await?;
        entity::Entity::insert(model)
            .on_conflict(
                OnConflict::column(entity::Column::ActivityId)
                    .update_columns([
                        entity::Column::Data,
                        entity::Column::Participants,
                        entity::Column::CompletedAt,
                        entity::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let after = crate::stats::facts(&txn, &row).await?;
        crate::stats::shift(&txn, &row, Some(&before), Some(&after)).await?;
        crate::jobs::schedule_link_checks(&txn, id, &input.media_links, now).await?;
        txn.commit().await?;
        self.supplement(Some(actor), id).await
    }

    /// Whether each media report link answered when checked (`reachable` null: not yet).
    async fn link_checks(&self, activity_id: i64) -> Result<Vec<Value>, AppError> {
        Ok(link_check::Entity::find()
            .filter(link_check::Column::ActivityId.eq(activity_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| json!({"url": c.url, "reachable": c.reachable, "checked_at": c.checked_at, "detail": c.detail}))
            .collect())
    }

    /// The supplement with what is missing and its deadline.
    pub async fn supplement(&self, actor: Option<&Actor>, id: i64) -> Result<Value, AppError> {
        let row = self.find_activity(id).await?;
        if standing(actor, &row) == Standing::Public {
            return Err(AppError::NotFound("未找到该活动".to_owned()));
        }
        let rules = self.campaign(row.campaign_id).await?.rules;
        let stored = self.find_supplement(id).await?;
        let data: Supplement = match &stored {
            Some(s) => serde_json::from_str(&s.data).map_err(AppError::internal)?,
            None => Supplement::default(),
        };
        let missing = supplement::missing(&data, &rules);
        let mut v = serde_json::to_value(&data).map_err(AppError::internal)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("activity_id".to_owned(), json!(id));
            obj.insert("complete".to_owned(), json!(missing.is_empty()));
            obj.insert("missing".to_owned(), json!(missing));
            obj.insert(
                "completed_at".to_owned(),
                json!(stored.as_ref().and_then(|s| s.completed_at)),
            );
            obj.insert("link_checks".to_owned(), json!(self.link_checks(id).await?));
            obj.insert(
                "deadline".to_owned(),
                json!(row.end_at.map(|end| supplement::deadline(end, &rules))),
            );
        }
        Ok(v)
    }
}
