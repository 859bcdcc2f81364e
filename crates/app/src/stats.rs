//! Statistics for an administrator's area, read from rollups that every write keeps current
//! (`domain::stats`): a dashboard reads a few hundred rows whatever the number of activities.

use std::collections::BTreeMap;

use domain::activity::ActivityDraft;
use domain::region::{NATIONAL, RegionPath};
use domain::review::Status;
use domain::stats::{Facts, delta, dim};
use serde::Serialize;
use store::entities::activity;
use store::sea_orm::{ConnectionTrait, TransactionTrait};
use utoipa::ToSchema;

use crate::regions::locate;
use crate::scope::area_condition;
use crate::{Actor, App, AppError};

/// The facts statistics count about a stored activity, with its supplement read through
/// the same connection (inside the write's transaction).
pub(crate) async fn facts(
    db: &impl ConnectionTrait,
    row: &activity::Model,
) -> Result<Facts, AppError> {
    let supplement = store::supplements::find(db, row.id).await?;
    let counted = match &supplement {
        Some(s) => Some(counted(db, row, s, &mut BTreeMap::new()).await?),
        None => None,
    };
    let listed = store::stats::listed_codes(db, row.id).await?;
    facts_with(row, counted, listed)
}

/// What statistics count of a supplement: real participants, media links, and whether it
/// was completed on time (decided when saved; for a supplement saved before that was kept,
/// from its campaign's rules, read once per campaign into `rules`).
struct Counted {
    real: Option<i64>,
    media_links: i64,
    on_time: bool,
}

async fn counted(
    db: &impl ConnectionTrait,
    row: &activity::Model,
    s: &store::entities::supplement::Model,
    rules: &mut BTreeMap<i64, u32>,
) -> Result<Counted, AppError> {
    let data: serde_json::Value = serde_json::from_str(&s.data).map_err(AppError::internal)?;
    let media_links = data
        .get("media_links")
        .and_then(serde_json::Value::as_array)
        .map_or(0, |a| i64::try_from(a.len()).unwrap_or(0));
    let on_time = match (s.on_time, s.completed_at, row.end_at) {
        (Some(decided), _, _) => decided,
        (None, Some(done), Some(end)) => {
            let days = match rules.get(&row.campaign_id) {
                Some(days) => *days,
                None => {
                    let days = store::campaigns::find(db, row.campaign_id)
                        .await?
                        .map(|c| crate::campaigns::rules_of(&c).map(|r| r.supplement_days))
                        .transpose()?
                        .unwrap_or(0);
                    rules.insert(row.campaign_id, days);
                    days
                }
            };
            domain::supplement::completed_on_time(done, end, days)
        }
        _ => false,
    };
    Ok(Counted {
        real: s.participants,
        media_links,
        on_time,
    })
}

/// The facts of a stored activity given what its supplement counts and its listed
/// divisions.
fn facts_with(
    row: &activity::Model,
    counted: Option<Counted>,
    listed_in: Vec<String>,
) -> Result<Facts, AppError> {
    let draft: ActivityDraft = serde_json::from_str(&row.data).map_err(AppError::internal)?;
    let (real, media_links, supplement_on_time) =
        counted.map_or((None, 0, false), |c| (c.real, c.media_links, c.on_time));
    Ok(Facts {
        status: Status::parse(&row.status).ok(),
        path: RegionPath {
            province: row.province_code.clone(),
            city: row.city_code.clone(),
            county: row.county_code.clone(),
        },
        section: row.section.clone(),
        audiences: draft.audiences,
        venue_type: row.venue_type.clone(),
        mode: row.mode.clone(),
        expected: row.expected_participants,
        real,
        funding_yuan: draft.funding_yuan,
        scientists: draft.scientist_count,
        listed_in,
        end: row.end_at,
        org_id: row.first_host_id,
        media_links,
        supplement_on_time,
    })
}

/// Applies the change of an activity from `before` to `after` to the rollups of its
/// campaign and to the public list's index, in the caller's transaction. Cells are upserted
/// in key order, so writers never deadlock.
pub(crate) async fn shift(
    db: &impl ConnectionTrait,
    row: &activity::Model,
    before: Option<&Facts>,
    after: Option<&Facts>,
) -> Result<(), AppError> {
    store::stats::add(db, row.campaign_id, delta(before, after)).await?;
    let listings = |f: Option<&Facts>| f.map(Facts::listings).unwrap_or_default();
    let (was, now) = (listings(before), listings(after));
    if was != now {
        if !was.is_empty() {
            store::stats::unlist(db, row.id).await?;
        }
        store::stats::list(db, now.into_iter().map(|l| (row.id, l)).collect()).await?;
    }
    Ok(())
}

/// Recomputes every rollup from the activities, for data loaded around the use cases (the
/// benchmark's bulk insert) or as a repair, in one transaction (two instances rebuilding at
/// once end with one correct count). Reads in pages of a thousand.
pub async fn rebuild(pool: &store::Db) -> Result<u64, AppError> {
    let txn = pool.begin().await?;
    let db = &txn;
    store::stats::clear(db).await?;
    let mut after = 0_i64;
    let mut seen = 0_u64;
    let mut rules = BTreeMap::new();
    loop {
        let rows = store::activities::page_after(db, store::sea_orm::Condition::all(), after, 1000)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let mut supplements: std::collections::HashMap<i64, _> =
            store::supplements::of_activities(db, rows.iter().map(|r| r.id))
                .await?
                .into_iter()
                .map(|s| (s.activity_id, s))
                .collect();
        let mut listed = store::stats::listed_codes_of(db, rows.iter().map(|r| r.id)).await?;
        let mut by_campaign: BTreeMap<i64, BTreeMap<domain::stats::Cell, i64>> = BTreeMap::new();
        let mut listings = Vec::new();
        for row in &rows {
            let supplement = match supplements.remove(&row.id) {
                Some(s) => Some(counted(db, row, &s, &mut rules).await?),
                None => None,
            };
            let facts = facts_with(row, supplement, listed.remove(&row.id).unwrap_or_default())?;
            listings.extend(facts.listings().into_iter().map(|l| (row.id, l)));
            let cells = facts.cells();
            let into = by_campaign.entry(row.campaign_id).or_default();
            for (cell, n) in cells {
                *into.entry(cell).or_insert(0) += n;
            }
            seen += 1;
        }
        for (campaign_id, cells) in by_campaign {
            store::stats::add(db, campaign_id, cells).await?;
        }
        store::stats::list(db, listings).await?;
    }
    txn.commit().await?;
    Ok(seen)
}

/// Counts the rollups and fills the public list's index of a database upgraded from before
/// they existed (activities but no rollups, or approved ones but no listings). Cheap when
/// there is nothing to do.
pub async fn rebuild_if_missing(db: &store::Db) -> Result<(), AppError> {
    let (counted, activities, listed, approved) =
        store::stats::presence(db, Status::Approved.as_str()).await?;
    if (activities && !counted) || (approved && !listed) {
        let n = rebuild(db).await?;
        tracing::info!(activities = n, "statistics rollups counted");
    }
    Ok(())
}

/// Counts by key (a state, a section key, an audience, a venue type, a mode); keys with
/// nothing are left out.
pub type Counts = BTreeMap<String, i64>;

/// The division the statistics are for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatsRegion {
    /// 地区代码 (`000000` for the nation)
    pub code: String,
    /// `province`, `city` or `county`; none for the nation.
    pub level: Option<String>,
}

/// Participants, expected and counted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Participants {
    /// 预计参与人数
    pub expected: i64,
    /// 实际参与人数 (from supplements)
    pub real: i64,
}

/// Summaries submitted in the area.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryCount {
    /// 已提交工作总结
    pub submitted: u64,
}

/// How many approved activities' names hold a keyword.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopicCount {
    /// 关键词
    pub keyword: String,
    /// 已通过活动数
    pub count: u64,
}

/// 统计: an area's figures for the current campaign.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatsView {
    /// The area.
    pub region: StatsRegion,
    /// 活动季 id
    pub campaign_id: i64,
    /// Activities by review state (every state).
    pub by_status: Counts,
    /// Approved activities by section key.
    pub by_section: Counts,
    /// Approved activities by audience.
    pub by_audience: Counts,
    /// Approved activities by venue type.
    pub by_venue_type: Counts,
    /// Approved activities by mode.
    pub by_mode: Counts,
    /// Each child division's counts.
    pub by_region: Vec<RegionCount>,
    /// 参与人数
    pub participants: Participants,
    /// 经费（元）
    pub funding_yuan: i64,
    /// 参与科技工作者
    pub scientists: i64,
    /// 任务指标 and progress.
    pub quotas: Vec<crate::quotas::QuotaProgress>,
    /// 工作总结
    pub summaries: SummaryCount,
    /// The keyword's count, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<TopicCount>,
    /// 千万IP创科普 posts of the area's organisations (visible ones only).
    pub online_posts: crate::posts::PostCounts,
    /// 科普主题线路 of the area: published, check-ins, visitors, completions.
    pub routes: crate::routes::RouteCounts,
    /// 科普视频征集 of the area: contests, entries received and accepted, votes counted.
    pub contests: ContestCounts,
}

/// The video contests of an area in the statistics (`stats.contests`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ContestCounts {
    /// Contests past their draft.
    pub contests: u64,
    /// Contests taking entries now (status `open`), as API.md names it.
    pub open: u64,
    /// Entries submitted (submitted, accepted, returned or disqualified), as API.md names
    /// it; the same count as `entries`.
    pub entries_submitted: u64,
    /// Entries received (submitted, accepted, returned or disqualified).
    pub entries: u64,
    /// Entries accepted by 形式审查.
    pub accepted: u64,
    /// Public votes counted (not voided).
    pub votes: u64,
}

/// One child division's counts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionCount {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Approved activities.
    pub count: i64,
    /// Activities in any state but draft.
    pub submitted: i64,
}

impl App {
    /// Refuses anyone who is not an administrator of `code`'s area.
    pub(crate) async fn govern_region(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<crate::regions::Located, AppError> {
        if !actor.is_admin() {
            return Err(AppError::Forbidden("只有管理员可以查看统计".to_owned()));
        }
        let code = domain::region::parse_code(code).map_err(AppError::Malformed)?;
        let located = locate(&self.db, &code)
            .await?
            .ok_or_else(|| AppError::NotFound("未找到该区划".to_owned()))?;
        if !actor.governs(&located.path) {
            return Err(AppError::Forbidden("无权查看该地区的数据".to_owned()));
        }
        Ok(located)
    }

    /// The region to report on when none is given: the actor's widest area.
    pub fn home_region(actor: &Actor) -> String {
        if actor.is_national_admin() {
            return NATIONAL.to_owned();
        }
        let mut grants: Vec<_> = actor
            .grants
            .iter()
            .filter_map(|g| g.role.governs().flatten().map(|l| (l, &g.region_code)))
            .collect();
        grants.sort();
        grants
            .first()
            .map(|(_, code)| (*code).clone())
            .unwrap_or_else(|| NATIONAL.to_owned())
    }

    /// `GET /api/v1/stats?region=CODE`: counts by state, section, child division, audience,
    /// venue type and mode; participants, funding, science workers; a topic's count when
    /// asked; quotas and summaries of the area.
    ///
    /// Kept until the next change: every write that moves a figure is audited (reviews,
    /// quotas, summaries) or writes the search log (every activity write, supplements), so
    /// the two positions together stamp the answer. Who may see the area is asked each time;
    /// the answer is kept per area, topic and the asker's grants (quotas are scoped by them).
    pub async fn stats(
        &self,
        actor: &Actor,
        region: Option<&str>,
        topic: Option<&str>,
    ) -> Result<StatsView, AppError> {
        let code = region.map_or_else(|| App::home_region(actor), str::to_owned);
        let located = self.govern_region(actor, &code).await?;
        let audited = store::audit::position(&self.db).await?;
        let logged = self.log_position().await?;
        let stamp = audited
            .saturating_mul(1 << 32)
            .saturating_add(logged.clamp(0, i64::from(u32::MAX)));
        // Check-ins are not in the audit trail: their log's position is part of the key, so
        // that a stamp earned renews the answer (older keys age out of the cache).
        let checkins = store::routes::checkin_position(&self.db).await?;
        let key = format!("{code}|{topic:?}|{:?}|{checkins}", actor.grants);
        let kept = self
            .stats_answers
            .get_or_compute(stamp, key, self.stats_now(actor, &code, &located, topic))
            .await?;
        Ok(StatsView::clone(&kept))
    }

    async fn stats_now(
        &self,
        actor: &Actor,
        code: &str,
        located: &crate::regions::Located,
        topic: Option<&str>,
    ) -> Result<StatsView, AppError> {
        let code = code.to_owned();
        let campaign = self.current_campaign().await?;
        let rows = store::stats::cells_of(&self.db, campaign.id, &code).await?;
        let mut by: BTreeMap<&str, Counts> = BTreeMap::new();
        for r in &rows {
            if r.n != 0 {
                by.entry(dim_name(&r.dim))
                    .or_default()
                    .insert(r.key.clone(), r.n);
            }
        }
        let sum = |k: &str| {
            rows.iter()
                .find(|r| r.dim == dim::SUM && r.key == k)
                .map_or(0, |r| r.n)
        };
        let topic = match topic.map(str::trim).filter(|t| !t.is_empty()) {
            Some(keyword) => Some(TopicCount {
                keyword: keyword.to_owned(),
                count: self
                    .topic_count(campaign.id, &located.path, keyword)
                    .await?,
            }),
            None => None,
        };
        Ok(StatsView {
            region: StatsRegion {
                code: code.clone(),
                level: located.level.map(|l| l.as_str().to_owned()),
            },
            campaign_id: campaign.id,
            by_status: by.remove("by_status").unwrap_or_default(),
            by_section: by.remove("by_section").unwrap_or_default(),
            by_audience: by.remove("by_audience").unwrap_or_default(),
            by_venue_type: by.remove("by_venue_type").unwrap_or_default(),
            by_mode: by.remove("by_mode").unwrap_or_default(),
            by_region: self.by_region(campaign.id, &code).await?,
            participants: Participants {
                expected: sum("expected"),
                real: sum("real"),
            },
            funding_yuan: sum("funding_yuan"),
            scientists: sum("scientists"),
            quotas: self.quota_progress(actor, campaign.id, &code).await?,
            summaries: SummaryCount {
                submitted: self.summary_counts(campaign.id, &code).await?,
            },
            topic,
            online_posts: self.post_counts(campaign.id, &located.path).await?,
            routes: self.route_counts(&located.path).await?,
            contests: self.contest_counts(&located.path).await?,
        })
    }

    async fn contest_counts(&self, path: &RegionPath) -> Result<ContestCounts, AppError> {
        let area = crate::scope::area_condition(
            path,
            store::entities::contest::Column::ProvinceCode,
            store::entities::contest::Column::CityCode,
            store::entities::contest::Column::CountyCode,
        );
        let n = store::contests::area_counts(&self.db, area).await?;
        Ok(ContestCounts {
            contests: n.contests,
            open: n.open,
            entries_submitted: n.entries,
            entries: n.entries,
            accepted: n.accepted,
            votes: n.votes,
        })
    }

    async fn by_region(&self, campaign_id: i64, code: &str) -> Result<Vec<RegionCount>, AppError> {
        let children = self.regions_under(Some(code)).await?;
        if children.is_empty() {
            return Ok(Vec::new());
        }
        let rows = store::stats::cells_in(
            &self.db,
            campaign_id,
            dim::STATUS,
            children.iter().map(|c| c.code.clone()),
        )
        .await?;
        Ok(children
            .into_iter()
            .map(|c| {
                let mine = rows.iter().filter(|r| r.scope_code == c.code);
                let (mut count, mut submitted) = (0, 0);
                for r in mine {
                    if r.key == Status::Approved.as_str() {
                        count += r.n;
                    }
                    if r.key != Status::Draft.as_str() {
                        submitted += r.n;
                    }
                }
                RegionCount {
                    code: c.code,
                    name: c.name,
                    count,
                    submitted,
                }
            })
            .collect())
    }

    /// Approved activities of the area whose name holds `keyword` (食品安全 and the like).
    /// A scan of the area's activities: cheap for a county or a city, slow for the nation.
    async fn topic_count(
        &self,
        campaign_id: i64,
        path: &RegionPath,
        keyword: &str,
    ) -> Result<u64, AppError> {
        if keyword.chars().count() > 20 {
            return Err(AppError::Malformed("关键词不能超过20字".to_owned()));
        }
        let area = area_condition(
            path,
            activity::Column::ProvinceCode,
            activity::Column::CityCode,
            activity::Column::CountyCode,
        );
        Ok(store::stats::named_with(
            &self.db,
            campaign_id,
            Status::Approved.as_str(),
            area,
            keyword,
        )
        .await?)
    }
}

/// The answer's name for a stored dimension.
fn dim_name(d: &str) -> &'static str {
    match d {
        dim::STATUS => "by_status",
        dim::SECTION => "by_section",
        dim::AUDIENCE => "by_audience",
        dim::VENUE => "by_venue_type",
        dim::MODE => "by_mode",
        dim::LISTED => "listed",
        _ => "sums",
    }
}
