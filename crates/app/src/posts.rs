//! 千万IP创科普 (DESIGN.md §8.2): a member of a host organisation registers the
//! organisation's posts on other platforms; the public sees them at `/online-ip`;
//! administrators of the organisation's area may hide one with a reason; visible posts are
//! counted in the statistics.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::FieldErrors;
use domain::posts::{Metrics, Platform, PostInput, PostKind, PostSettings, PostStatus, Window};
use domain::region::RegionPath;
use serde::{Deserialize, Serialize};
use store::entities::InArea;
use store::entities::online_post;
use store::sea_orm::{ColumnTrait, Condition, TransactionTrait};
use utoipa::ToSchema;

use crate::paging::{Page, Paged};
use crate::regions::locate;
use crate::scope::{area_condition, scope_condition};
use crate::{Actor, App, AppError};

/// A post as the API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostView {
    /// Id.
    pub id: i64,
    /// 平台
    pub platform: Platform,
    /// 作品链接
    pub url: String,
    /// 标题
    pub title: String,
    /// 参与形式
    pub kind: PostKind,
    /// 发布时间
    pub published_at: DateTime<Utc>,
    /// 发布单位
    pub org_id: i64,
    /// 单位名称
    pub org_name: String,
    /// 单位所在地区
    pub region_code: String,
    /// 对应的活动
    pub activity_id: Option<i64>,
    /// 自报数据
    pub metrics: Option<Metrics>,
    /// `visible` or `hidden`.
    pub status: PostStatus,
    /// Why it was hidden (to the organisation and the administrators).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_reason: Option<String>,
}

/// The post list's filters.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PostQuery {
    /// Posts of organisations in this division.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    #[param(pattern = r"^\d{6}$")]
    pub region: Option<String>,
    /// 平台
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub platform: Option<String>,
    /// 参与形式
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub kind: Option<String>,
    /// 发布单位
    pub org: Option<i64>,
    /// Words in the title.
    #[serde(default, deserialize_with = "domain::text::blank_as_none")]
    pub q: Option<String>,
    /// Page (from 1).
    pub page: Option<i64>,
    /// Per page (1–100).
    pub per_page: Option<i64>,
}

/// An administrator's decision on a post.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostModeration {
    /// `hide` or `show`.
    pub decision: String,
    /// Why (required to hide).
    #[serde(default)]
    pub reason: Option<String>,
}

/// What an import did: the posts it created, and each refused row with its messages by
/// field (the row numbered as the spreadsheet numbers it).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PostImport {
    /// 登记的作品数
    pub created: usize,
    /// Their ids.
    pub ids: Vec<i64>,
    /// 未登记的行
    pub errors: Vec<RowErrors>,
}

/// A refused row of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowErrors {
    /// 行号（与表格一致，表头为第1行）
    pub row: usize,
    /// 各栏的问题
    pub fields: BTreeMap<String, String>,
}

impl RowErrors {
    fn of(row: usize, fields: &FieldErrors) -> RowErrors {
        RowErrors {
            row,
            fields: fields
                .iter()
                .map(|(f, m)| (f.to_owned(), m.to_owned()))
                .collect(),
        }
    }
}

/// Visible posts counted (the statistics' `online_posts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct PostCounts {
    /// All visible posts.
    pub total: i64,
    /// By platform (wire name).
    pub by_platform: BTreeMap<String, i64>,
    /// By kind.
    pub by_kind: BTreeMap<String, i64>,
}

fn post_scope(actor: &Actor) -> Condition {
    scope_condition(
        actor,
        online_post::Column::ProvinceCode,
        online_post::Column::CityCode,
        online_post::Column::CountyCode,
    )
}

fn settings_of(p: &online_post::Model) -> PostSettings {
    PostSettings {
        platform: Platform::parse(&p.platform).unwrap_or(Platform::Other),
        url: p.url.clone(),
        url_key: p.url_key.clone(),
        title: p.title.clone(),
        kind: PostKind::parse(&p.kind).unwrap_or(PostKind::Content),
        published_at: p.published_at,
        activity_id: p.activity_id,
        metrics: p
            .metrics
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok()),
    }
}

fn columns(s: &PostSettings) -> store::posts::PostColumns {
    store::posts::PostColumns {
        platform: s.platform.as_str().to_owned(),
        url: s.url.clone(),
        url_key: s.url_key.clone(),
        title: s.title.clone(),
        kind: s.kind.as_str().to_owned(),
        published_at: s.published_at,
        activity_id: s.activity_id,
        metrics: s
            .metrics
            .as_ref()
            .and_then(|m| serde_json::to_string(m).ok()),
    }
}

fn not_found() -> AppError {
    AppError::NotFound("未找到该作品".to_owned())
}

impl App {
    /// The campaign's counting window: activity_from … count_to.
    async fn post_window(&self) -> Result<(i64, Window), AppError> {
        let campaign = self.current_campaign().await?;
        Ok((
            campaign.id,
            Window {
                from: campaign.rules.activity_from,
                to: campaign.rules.count_to,
            },
        ))
    }

    async fn post_view(&self, p: online_post::Model, full: bool) -> Result<PostView, AppError> {
        let org_name = store::orgs::find(&self.db, p.org_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let s = settings_of(&p);
        Ok(PostView {
            id: p.id,
            platform: s.platform,
            url: p.url,
            title: p.title,
            kind: s.kind,
            published_at: p.published_at,
            org_id: p.org_id,
            org_name,
            region_code: p.region_code,
            activity_id: p.activity_id,
            metrics: s.metrics,
            status: PostStatus::parse(&p.status).unwrap_or(PostStatus::Visible),
            hidden_reason: p.hidden_reason.filter(|_| full),
        })
    }

    /// The platforms' rules: DESIGN.md §8.2's, each replaced by the configured one where a
    /// platform is configured (a configuration naming one platform keeps the others).
    fn post_rules(&self) -> domain::posts::PostRules {
        let mut rules = domain::posts::default_rules();
        rules.extend(self.config.online_posts.clone());
        rules
    }

    /// The organisations the actor belongs to (and may post for).
    pub async fn orgs_of(
        &self,
        actor: &Actor,
    ) -> Result<Vec<store::entities::org::Model>, AppError> {
        self.own_orgs(actor).await
    }

    /// The organisations the actor may post for.
    async fn own_orgs(&self, actor: &Actor) -> Result<Vec<store::entities::org::Model>, AppError> {
        Ok(store::orgs::of_member(&self.db, actor.user_id).await?)
    }

    /// The organisation a member posts for: the one named, if theirs, else their first.
    async fn posting_org(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
    ) -> Result<store::entities::org::Model, AppError> {
        let orgs = self.own_orgs(actor).await?;
        let org = match org_id {
            Some(id) => orgs.into_iter().find(|o| o.id == id).ok_or_else(|| {
                AppError::Forbidden("只能以本人所在单位的名义登记作品".to_owned())
            })?,
            None => orgs.into_iter().next().ok_or_else(|| {
                AppError::Forbidden("请先加入或申请一个单位，再以单位名义登记作品".to_owned())
            })?,
        };
        Ok(org)
    }

    /// `POST /api/v1/online-posts`: a member registers a post of their organisation.
    pub async fn register_post(
        &self,
        actor: &Actor,
        input: PostInput,
    ) -> Result<PostView, AppError> {
        let org = self.posting_org(actor, input.org_id).await?;
        let (campaign_id, window) = self.post_window().await?;
        let mut errors = FieldErrors::new();
        if let Some(Some(activity)) = input.activity_id
            && store::activities::by_id(&self.db, activity)
                .await?
                .is_none()
        {
            errors.add("activity_id", "所选活动不存在");
        }
        let settings = input.apply(None, &self.post_rules(), window, &mut errors);
        let Some(settings) = settings.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors));
        };
        let path = org.area();
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let row = store::posts::insert(
            &txn,
            store::posts::PostOwner {
                campaign_id,
                org_id: org.id,
                region_code: org.region_code.clone(),
                province_code: path.province.clone(),
                city_code: path.city.clone(),
                county_code: path.county.clone(),
                created_by: actor.user_id,
            },
            columns(&settings),
            now,
        )
        .await
        .map_err(AppError::conflict_if_unique(domain::posts::DUPLICATE_URL))?;
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "post.create",
                "online_post",
                row.id,
                &path,
                serde_json::json!({"platform": row.platform, "org_id": row.org_id}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.post_view(row, true).await
    }

    /// `POST /api/v1/online-posts/import`: each row of the table (`domain::posts::
    /// IMPORT_COLUMNS`) registered as by `POST /api/v1/online-posts`, for the organisation
    /// `org_id` (default: the caller's first). A row that breaks a rule, or repeats a link
    /// already registered, is answered with its messages and the others are registered: the
    /// same table sent again registers nothing twice.
    pub async fn import_posts(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        org_id: Option<i64>,
    ) -> Result<PostImport, AppError> {
        if bytes.len() > crate::exports::IMPORT_MAX_BYTES {
            return Err(AppError::TooLarge(format!(
                "导入文件不能超过{}MB",
                crate::exports::IMPORT_MAX_BYTES / 1024 / 1024
            )));
        }
        // The organisation first: an import for one not the caller's reads nothing.
        let org = self.posting_org(actor, org_id).await?.id;
        let rows = tokio::task::spawn_blocking(move || {
            crate::exports::read_sheet(bytes, &domain::posts::IMPORT_COLUMNS, "表中没有作品")
        })
        .await
        .map_err(AppError::internal)??;
        let mut out = PostImport::default();
        for (row, cells) in rows {
            let input = match domain::posts::input_from_row(&cells, Some(org)) {
                Ok(input) => input,
                Err(fields) => {
                    out.errors.push(RowErrors::of(row, &fields));
                    continue;
                }
            };
            match self.register_post(actor, input).await {
                Ok(view) => out.ids.push(view.id),
                Err(AppError::Validation { fields, .. }) => {
                    out.errors.push(RowErrors::of(row, &fields));
                }
                Err(AppError::Conflict { message, .. }) => {
                    out.errors
                        .push(RowErrors::of(row, &FieldErrors::single("url", message)));
                }
                Err(other) => return Err(other),
            }
        }
        out.created = out.ids.len();
        Ok(out)
    }

    /// `PATCH /api/v1/online-posts/{id}`: the posting organisation's members.
    pub async fn update_post(
        &self,
        actor: &Actor,
        id: i64,
        input: PostInput,
    ) -> Result<PostView, AppError> {
        let old = store::posts::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        let orgs: Vec<i64> = self.own_orgs(actor).await?.iter().map(|o| o.id).collect();
        if !orgs.contains(&old.org_id) {
            return Err(AppError::Forbidden("只能修改本单位登记的作品".to_owned()));
        }
        if input.org_id.is_some_and(|o| o != old.org_id) {
            return Err(AppError::invalid_field("org_id", "作品的发布单位不能更改"));
        }
        let (_, window) = self.post_window().await?;
        let mut errors = FieldErrors::new();
        let base = settings_of(&old);
        let settings = input.apply(Some(&base), &self.post_rules(), window, &mut errors);
        let Some(settings) = settings.filter(|_| errors.is_empty()) else {
            return Err(AppError::invalid(errors));
        };
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let changed = store::posts::update_of(&txn, id, orgs, columns(&settings), now)
            .await
            .map_err(AppError::conflict_if_unique(domain::posts::DUPLICATE_URL))?;
        if !changed {
            return Err(not_found());
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "post.update",
                "online_post",
                id,
                &old.area(),
                serde_json::json!({}),
            ),
        )
        .await?;
        txn.commit().await?;
        let row = store::posts::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        self.post_view(row, true).await
    }

    /// `DELETE /api/v1/online-posts/{id}`: the posting organisation's members.
    pub async fn delete_post(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let orgs: Vec<i64> = self.own_orgs(actor).await?.iter().map(|o| o.id).collect();
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let Some(row) = store::posts::delete_of(&txn, id, orgs).await? else {
            return Err(match store::posts::find(&self.db, id).await? {
                Some(_) => AppError::Forbidden("只能删除本单位登记的作品".to_owned()),
                None => not_found(),
            });
        };
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "post.delete",
                "online_post",
                id,
                &row.area(),
                serde_json::json!({"url": row.url}),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// `POST /api/v1/online-posts/{id}/moderation`: an administrator of the organisation's
    /// area hides a post (with a reason) or shows it again.
    pub async fn moderate_post(
        &self,
        actor: &Actor,
        id: i64,
        input: PostModeration,
    ) -> Result<PostView, AppError> {
        let old = store::posts::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        let status = match input.decision.as_str() {
            "hide" => PostStatus::Hidden,
            "show" => PostStatus::Visible,
            _ => {
                return Err(AppError::invalid_field(
                    "decision",
                    "处理结果须为 hide（隐藏）或 show（恢复显示）",
                ));
            }
        };
        let reason = domain::text::reason(
            input.reason.as_deref(),
            status == PostStatus::Hidden,
            "隐藏作品须填写理由",
        )
        .map_err(|m| AppError::invalid_field("reason", m))?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let stored_reason = reason.clone().filter(|_| status == PostStatus::Hidden);
        if !store::posts::moderate(
            &txn,
            id,
            post_scope(actor),
            status.as_str(),
            stored_reason,
            now,
        )
        .await?
        {
            return Err(AppError::Forbidden(
                "只能处理本辖区单位登记的作品".to_owned(),
            ));
        }
        crate::audit::record(
            &txn,
            now,
            Some(actor),
            crate::audit::Event::ok(
                "post.moderate",
                "online_post",
                id,
                &old.area(),
                serde_json::json!({"decision": input.decision, "reason": reason}),
            ),
        )
        .await?;
        txn.commit().await?;
        let row = store::posts::find(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        self.post_view(row, true).await
    }

    /// `GET /api/v1/online-posts`: visible posts; administrators also see the hidden ones of
    /// their area.
    pub async fn posts(
        &self,
        caller: Option<&Actor>,
        query: PostQuery,
    ) -> Result<Paged<PostView>, AppError> {
        let page = Page::parse(query.page, query.per_page)?;
        let admin = caller.is_some_and(Actor::is_admin);
        let filter = self.post_filter(caller, &query, false).await?;
        let (rows, total) =
            store::posts::page(&self.db, filter, page.offset(), page.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            items.push(self.post_view(row, admin).await?);
        }
        Ok(Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// The condition of the posts `query` asks for, among those `caller` may see (with
    /// `in_scope_only`, an administrator's own area's posts only, hidden ones included).
    async fn post_filter(
        &self,
        caller: Option<&Actor>,
        query: &PostQuery,
        in_scope_only: bool,
    ) -> Result<Condition, AppError> {
        let (campaign_id, _) = self.post_window().await?;
        let mut filter = Condition::all().add(online_post::Column::CampaignId.eq(campaign_id));
        let visible =
            Condition::all().add(online_post::Column::Status.eq(PostStatus::Visible.as_str()));
        filter = filter.add(match caller.filter(|a| a.is_admin()) {
            Some(actor) if in_scope_only => post_scope(actor),
            Some(actor) => Condition::any().add(visible).add(post_scope(actor)),
            None => visible,
        });
        if let Some(code) = query.region.as_deref() {
            let code = domain::region::parse_code(code).map_err(AppError::Malformed)?;
            let found = locate(&self.db, &code)
                .await?
                .ok_or_else(|| AppError::NotFound("未找到该区划".to_owned()))?;
            filter = filter.add(area_condition(
                &found.path,
                online_post::Column::ProvinceCode,
                online_post::Column::CityCode,
                online_post::Column::CountyCode,
            ));
        }
        if let Some(p) = query.platform.as_deref() {
            let p =
                Platform::parse(p).ok_or_else(|| AppError::Malformed(format!("未知平台“{p}”")))?;
            filter = filter.add(online_post::Column::Platform.eq(p.as_str()));
        }
        if let Some(k) = query.kind.as_deref() {
            let k = PostKind::parse(k)
                .ok_or_else(|| AppError::Malformed(format!("未知参与形式“{k}”")))?;
            filter = filter.add(online_post::Column::Kind.eq(k.as_str()));
        }
        if let Some(org) = query.org {
            filter = filter.add(online_post::Column::OrgId.eq(org));
        }
        if let Some(q) = query.q.as_deref() {
            if q.chars().count() > 50 {
                return Err(AppError::Malformed("搜索词不能超过50个字".to_owned()));
            }
            filter = filter.add(online_post::Column::Title.contains(q.trim()));
        }
        Ok(filter)
    }

    /// `GET /api/v1/online-posts.xlsx`: the posts of the administrator's area (hidden ones
    /// too, with the reason), filtered as the list is, as a workbook.
    pub async fn posts_xlsx(&self, actor: &Actor, query: PostQuery) -> Result<Vec<u8>, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以导出作品表".to_owned()));
        }
        let filter = self.post_filter(Some(actor), &query, true).await?;
        let mut rows = Vec::new();
        let mut offset = 0;
        loop {
            let (batch, _) = store::posts::page(&self.db, filter.clone(), offset, 500).await?;
            if batch.is_empty() {
                break;
            }
            offset += batch.len() as u64;
            for row in batch {
                let v = self.post_view(row, true).await?;
                rows.push(vec![
                    v.platform.label().to_owned(),
                    v.url,
                    v.title,
                    v.kind.label().to_owned(),
                    v.published_at
                        .with_timezone(&domain::campaign::BEIJING)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    v.org_name,
                    v.region_code,
                    v.status.label().to_owned(),
                    v.hidden_reason.unwrap_or_default(),
                ]);
            }
        }
        self.record_alone(
            Some(actor),
            crate::audit::Event::ok(
                "export.online_posts",
                "online_post",
                0,
                &RegionPath::default(),
                serde_json::json!({"rows": rows.len()}),
            ),
        )
        .await?;
        crate::exports::simple_sheet(
            "千万IP创科普作品",
            &[
                "平台",
                "作品链接",
                "标题",
                "参与形式",
                "发布时间",
                "发布单位",
                "地区代码",
                "状态",
                "隐藏理由",
            ],
            &rows,
        )
    }

    /// The visible posts of the current campaign in the division at `path`, counted.
    pub(crate) async fn post_counts(
        &self,
        campaign_id: i64,
        path: &RegionPath,
    ) -> Result<PostCounts, AppError> {
        let filter = Condition::all()
            .add(online_post::Column::CampaignId.eq(campaign_id))
            .add(area_condition(
                path,
                online_post::Column::ProvinceCode,
                online_post::Column::CityCode,
                online_post::Column::CountyCode,
            ));
        let mut out = PostCounts::default();
        for (platform, kind, n) in store::posts::counts(&self.db, filter).await? {
            out.total += n;
            *out.by_platform.entry(platform).or_default() += n;
            *out.by_kind.entry(kind).or_default() += n;
        }
        Ok(out)
    }
}
