//! 科普视频征集与展播: contests as data. An administrator creates one for their area from the
//! shipped template (三门峡 2024), edits it (file rules, criteria, modes and the vote weight
//! freeze at the first submission), and moves it through its status; the public sees it once
//! it is no longer a draft. The rules are `domain::contest`'s; scope is in every query.

use domain::contest::{self as rules, ContestInput, ContestSettings, ContestStatus};
use domain::region::RegionPath;
use serde::{Deserialize, Serialize};
use store::entities::InArea;
use store::entities::contest;
use store::sea_orm::{Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::paging::{Page, Paged};
use crate::regions::locate;
use crate::scope::scope_condition;
use crate::{Actor, App, AppError};

/// A contest as shown: its settings, status and version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContestView {
    /// Id.
    pub id: i64,
    /// The settings.
    #[serde(flatten)]
    pub settings: ContestSettings,
    /// `draft`, `open`, `judging`, `closed` or `published`.
    pub status: ContestStatus,
    /// Whether the first entry was submitted (file rules, criteria, entry modes and the vote
    /// weight can no longer change).
    pub frozen: bool,
    /// Whether the caller administers it.
    pub manageable: bool,
    /// Version, for `If-Match`.
    pub version: i64,
}

/// A status move.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestMove {
    /// `open`, `judging` or `closed`.
    pub status: String,
}

/// The contest list's filters.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ContestQuery {
    /// Contests whose name contains this.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub q: Option<String>,
    /// Page (from 1).
    pub page: Option<i64>,
    /// Per page (1–100).
    pub per_page: Option<i64>,
}

pub(crate) fn scope(actor: &Actor) -> Condition {
    scope_condition(
        actor,
        contest::Column::ProvinceCode,
        contest::Column::CityCode,
        contest::Column::CountyCode,
    )
}

fn not_found() -> AppError {
    AppError::NotFound("未找到该比赛".to_owned())
}

pub(crate) fn settings_of(row: &contest::Model) -> Result<ContestSettings, AppError> {
    serde_json::from_str(&row.settings).map_err(AppError::internal)
}

pub(crate) fn status_of(row: &contest::Model) -> Result<ContestStatus, AppError> {
    ContestStatus::parse(&row.status).ok_or_else(|| AppError::internal("contest status"))
}

impl App {
    fn contest_view(
        &self,
        row: &contest::Model,
        caller: Option<&Actor>,
    ) -> Result<ContestView, AppError> {
        Ok(ContestView {
            id: row.id,
            settings: settings_of(row)?,
            status: status_of(row)?,
            frozen: row.frozen,
            manageable: caller.is_some_and(|a| a.governs(&row.area())),
            version: row.version,
        })
    }

    /// The organiser's division of `settings` (which the actor must govern), and that the
    /// entrants' division exists; every problem into `errors`.
    async fn contest_regions(
        &self,
        actor: &Actor,
        settings: &ContestSettings,
    ) -> Result<RegionPath, AppError> {
        let mut errors = domain::FieldErrors::new();
        let path = match domain::region::parse_code(&settings.region_code) {
            Ok(code) => locate(&self.db, &code).await?.map(|l| l.path),
            Err(_) => None,
        };
        let Some(path) = path else {
            errors.add("region_code", "所选地区不存在");
            return Err(AppError::invalid(errors));
        };
        if !actor.governs(&path) {
            return Err(AppError::Forbidden("只能为本辖区举办比赛".to_owned()));
        }
        if let Some(code) = &settings.entrant_region {
            let found = match domain::region::parse_code(code) {
                Ok(code) => locate(&self.db, &code).await?.is_some(),
                Err(_) => false,
            };
            if !found {
                errors.add("entrant_region", "参赛者所在地区不存在");
            }
        }
        errors.into_result().map_err(AppError::invalid)?;
        Ok(path)
    }

    /// `POST /api/v1/contests`: an administrator creates a contest for their area; what it
    /// leaves out comes from the shipped template.
    pub async fn create_contest(
        &self,
        actor: &Actor,
        input: ContestInput,
    ) -> Result<ContestView, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以举办比赛".to_owned()));
        }
        let template = rules::template().map_err(AppError::internal)?;
        let settings = rules::settle(&input, &template, true).map_err(AppError::invalid)?;
        let path = self.contest_regions(actor, &settings).await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let row =
            store::contests::insert(&txn, columns(&settings, &path)?, actor.user_id, now).await?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.create",
                "contest",
                row.id,
                &path,
                serde_json::json!({"name": row.name, "region_code": row.region_code}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.contest_view(&row, Some(actor))
    }

    /// `GET /api/v1/contests/{id}`: anyone once it is no longer a draft; the administrators
    /// of its area always.
    pub async fn contest(&self, caller: Option<&Actor>, id: i64) -> Result<ContestView, AppError> {
        let row = store::contests::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        if row.status == ContestStatus::Draft.as_str()
            && !caller.is_some_and(|a| a.governs(&row.area()))
        {
            return Err(not_found());
        }
        self.contest_view(&row, caller)
    }

    /// `GET /api/v1/contests`: the contests the caller may see (drafts only to the
    /// administrators of their area), newest first.
    pub async fn contests(
        &self,
        caller: Option<&Actor>,
        query: ContestQuery,
    ) -> Result<Paged<ContestView>, AppError> {
        let page = Page::parse(query.page, query.per_page)?;
        let mut visible = Condition::any().add(store::contests::not_draft());
        if let Some(actor) = caller
            && actor.is_admin()
        {
            visible = visible.add(scope(actor));
        }
        let mut filter = Condition::all().add(visible);
        if let Some(q) = query.q.as_deref() {
            filter = filter.add(store::contests::named_like(q.trim()));
        }
        let (rows, total) =
            store::contests::page(&self.db, filter, page.offset(), page.per_page).await?;
        let items = rows
            .iter()
            .map(|r| self.contest_view(r, caller))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    pub(crate) async fn contest_in_scope(
        &self,
        actor: &Actor,
        id: i64,
        refusal: &str,
    ) -> Result<contest::Model, AppError> {
        match store::contests::find_within(&self.db, id, scope(actor)).await? {
            Some(row) => Ok(row),
            None => Err(match store::contests::find(&self.db, id).await? {
                Some(_) => AppError::Forbidden(refusal.to_owned()),
                None => not_found(),
            }),
        }
    }

    /// `PATCH /api/v1/contests/{id}`: changes what the edit names, checked as a whole; file
    /// rules, criteria, entry modes and the vote weight are frozen once an entry is
    /// submitted (409), and nothing changes once results are published.
    pub async fn update_contest(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: ContestInput,
    ) -> Result<ContestView, AppError> {
        let row = self
            .contest_in_scope(actor, id, "只能修改本辖区举办的比赛")
            .await?;
        if row.version != version {
            return Err(stale());
        }
        if status_of(&row)? == ContestStatus::Published {
            return Err(AppError::conflict("结果已公布，比赛设置不能再修改"));
        }
        let before = settings_of(&row)?;
        let settings = rules::settle(&input, &before, false).map_err(AppError::invalid)?;
        let frozen = rules::frozen_changes(&before, &settings);
        if row.frozen && !frozen.is_empty() {
            let named: Vec<&str> = frozen
                .iter()
                .map(|f| match *f {
                    "file_rules" => "文件要求",
                    "criteria" => "评分标准",
                    "entry_modes" => "参赛方式",
                    _ => "网络投票比重",
                })
                .collect();
            return Err(AppError::conflict(format!(
                "已有作品提交，{}不能再修改（文件要求、评分标准、参赛方式和网络投票比重自首件作品提交起冻结）",
                named.join("、")
            )));
        }
        let path = self.contest_regions(actor, &settings).await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let written = store::contests::update_at_version(
            &txn,
            id,
            version,
            scope(actor),
            columns(&settings, &path)?,
            now,
        )
        .await?;
        if !written {
            return Err(stale());
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.update",
                "contest",
                id,
                &path,
                serde_json::json!({"name": settings.name}),
            ),
        )
        .await?;
        txn.commit().await?;
        let row = store::contests::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        self.contest_view(&row, Some(actor))
    }

    /// `POST /api/v1/contests/{id}/status`: draft → open → judging → closed, and closed →
    /// judging to reopen scoring (409 for any other move, with the reason). Opening needs
    /// the submission window not to be over.
    pub async fn move_contest(
        &self,
        actor: &Actor,
        id: i64,
        to: ContestMove,
    ) -> Result<ContestView, AppError> {
        let Some(to) = ContestStatus::parse(to.status.trim()) else {
            return Err(AppError::invalid_field(
                "status",
                "状态须为 open（征集中）、judging（评审中）或 closed（评审结束）",
            ));
        };
        let row = self
            .contest_in_scope(actor, id, "只能管理本辖区举办的比赛")
            .await?;
        let from = status_of(&row)?;
        rules::may_move(from, to).map_err(AppError::conflict)?;
        let settings = settings_of(&row)?;
        let now = self.clock.now();
        let today = domain::campaign::beijing_date(now);
        if to == ContestStatus::Open && today > settings.submit_to {
            return Err(AppError::conflict(
                "征集截止日期已过，不能开始征集；请先修改征集时间",
            ));
        }
        let txn = self.db.begin().await?;
        if !store::contests::move_status(&txn, id, scope(actor), from.as_str(), to.as_str(), now)
            .await?
        {
            return Err(AppError::conflict("比赛状态已被他人修改，请刷新后重试"));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "contest.status",
                "contest",
                id,
                &row.area(),
                serde_json::json!({"from": from.as_str(), "to": to.as_str()}),
            ),
        )
        .await?;
        txn.commit().await?;
        let row = store::contests::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        self.contest_view(&row, Some(actor))
    }
}

fn stale() -> AppError {
    AppError::conflict("比赛已被他人修改，请刷新后重试")
}

fn columns(
    settings: &ContestSettings,
    path: &RegionPath,
) -> Result<store::contests::ContestColumns, AppError> {
    Ok(store::contests::ContestColumns {
        name: settings.name.clone(),
        region_code: settings.region_code.clone(),
        province_code: path.province.clone(),
        city_code: path.city.clone(),
        county_code: path.county.clone(),
        settings: serde_json::to_string(settings).map_err(AppError::internal)?,
    })
}
