//! Campaigns: the current one, and new ones configured by national administrators.

use chrono::Datelike;
use domain::campaign::{CampaignInput, CampaignRules, shipped_rules};
use domain::region::NATIONAL;
use serde::Serialize;
use store::entities::campaign;
use store::sea_orm::TransactionTrait;

use crate::{Actor, App, AppError};

/// A campaign as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    /// Id.
    pub id: i64,
    /// The rules.
    #[serde(flatten)]
    pub rules: CampaignRules,
    /// Whether it is the current campaign of its scope.
    pub current: bool,
}

/// A stored campaign's rules.
pub(crate) fn rules_of(row: &campaign::Model) -> Result<CampaignRules, AppError> {
    serde_json::from_str(&row.rules).map_err(AppError::internal)
}

fn view(row: campaign::Model) -> Result<CampaignView, AppError> {
    let rules = rules_of(&row)?;
    Ok(CampaignView {
        id: row.id,
        rules,
        current: row.is_current,
    })
}

impl App {
    /// Makes this year's national campaign from the shipped rules when there is no current
    /// national campaign (an empty database).
    pub async fn ensure_current_campaign(&self) -> Result<(), AppError> {
        let existing = store::campaigns::count_current(&self.db, NATIONAL).await?;
        if existing > 0 {
            return Ok(());
        }
        let year = domain::campaign::beijing_date(self.clock.now()).year();
        let rules = shipped_rules().map_err(AppError::internal)?.for_year(year);
        self.insert_campaign(None, rules, true).await?;
        Ok(())
    }

    /// The current national campaign.
    pub async fn current_campaign(&self) -> Result<CampaignView, AppError> {
        let row = store::campaigns::current(&self.db, NATIONAL)
            .await?
            .ok_or_else(|| AppError::NotFound("当前没有进行中的全国活动".to_owned()))?;
        view(row)
    }

    /// A campaign by id.
    pub async fn campaign(&self, id: i64) -> Result<CampaignView, AppError> {
        let row = store::campaigns::find(&self.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该活动季".to_owned()))?;
        view(row)
    }

    /// `POST /api/v1/campaigns`: a national administrator configures a campaign; the
    /// whole configuration is checked at once.
    pub async fn create_campaign(
        &self,
        actor: &Actor,
        input: CampaignInput,
    ) -> Result<CampaignView, AppError> {
        actor.require_national_admin()?;
        let current = input.current.unwrap_or(false);
        let region = input.region_code.clone();
        let defaults = shipped_rules().map_err(AppError::internal)?;
        let mut rules = match input.into_rules(&defaults) {
            Ok(rules) => rules,
            Err(mut errors) => {
                if let Some(raw) = region.as_deref()
                    && let Err(message) = self.locate_for("region_code", raw).await
                {
                    errors.add("region_code", message);
                }
                return Err(AppError::invalid(errors));
            }
        };
        let (code, _) = self
            .locate_for("region_code", &rules.region_code)
            .await
            .map_err(|m| AppError::invalid_field("region_code", m))?;
        rules.region_code = code;
        self.insert_campaign(Some(actor), rules, current).await
    }

    async fn insert_campaign(
        &self,
        actor: Option<&Actor>,
        rules: CampaignRules,
        current: bool,
    ) -> Result<CampaignView, AppError> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if current {
            store::campaigns::clear_current(&txn, &rules.region_code).await?;
        }
        let row = store::campaigns::add(
            &txn,
            now,
            rules.year,
            &rules.region_code,
            current,
            serde_json::to_string(&rules).map_err(AppError::internal)?,
        )
        .await?;
        let path = crate::regions::locate(&txn, &rules.region_code)
            .await?
            .map(|l| l.path)
            .unwrap_or_default();
        crate::audit::record(
            &txn,
            now,
            actor,
            crate::audit::Event::ok(
                "campaign.create",
                "campaign",
                row.id,
                &path,
                serde_json::json!({"year": rules.year, "current": current}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.forget_reference();
        view(row)
    }
}
