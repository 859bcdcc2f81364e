//! `kepu bench-data --activities N`: a database filled with N realistic activities from a
//! fixed seed, so that speed can be measured at national scale. Regions are weighted by
//! population (2020 census, `data/province-population.csv`); every review state, sessions
//! and media records are present. Rows go in in large batches, bypassing the use cases for
//! speed but holding only what the use cases would accept.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::activity::{AUDIENCES, ActivityDraft, VENUE_TYPES, audience_mask};
use domain::region::{RegionLevel, RegionPath};
use store::activities::{Columns, Loaded, SessionRow, SharedPoster};
use store::entities::region;

use crate::{App, AppError};

const POPULATION: &str = include_str!("../../../data/province-population.csv");

const TOPICS: [&str; 24] = [
    "天文",
    "食品安全",
    "人工智能",
    "航天",
    "生态环保",
    "应急避险",
    "健康生活",
    "农业技术",
    "海洋",
    "地震科普",
    "物理实验",
    "化学魔术",
    "机器人",
    "编程",
    "气象",
    "低碳生活",
    "中医药",
    "心理健康",
    "防灾减灾",
    "量子科技",
    "新能源",
    "生物多样性",
    "科学家精神",
    "反诈防骗",
];
const FORMS: [&str; 14] = [
    "科普讲座",
    "主题展览",
    "科普日主场活动",
    "科普体验日",
    "研学营",
    "科普直播",
    "进社区",
    "进校园",
    "科普大篷车巡展",
    "科学之夜",
    "开放日",
    "知识竞赛",
    "亲子实验课",
    "专家报告会",
];
const PLACES: [&str; 10] = [
    "科技馆",
    "文化广场",
    "中心小学",
    "社区服务中心",
    "图书馆报告厅",
    "青少年活动中心",
    "农业示范园",
    "高新区展厅",
    "党群服务中心",
    "城市公园",
];

/// A small, fixed-seed generator (xorshift64*), so that two runs make the same data.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len());
        &items[i.min(items.len() - 1)]
    }
}

struct County {
    code: String,
    name: String,
    city_name: String,
    path: RegionPath,
    point: (f64, f64),
}

impl App {
    /// Fills the database with `n` activities; answers how many were made.
    pub async fn bench_data(&self, n: u64) -> Result<u64, AppError> {
        let mut rng = Seeded(0x6b65_7075_2024_0915);
        let regions = store::regions::all(&self.db).await?;
        let by_code: std::collections::HashMap<&str, &region::Model> =
            regions.iter().map(|r| (r.code.as_str(), r)).collect();
        let mut counties_by_province: std::collections::HashMap<String, Vec<County>> =
            Default::default();
        for r in regions.iter().filter(|r| r.level == "county") {
            let city = r.parent_code.as_deref().and_then(|c| by_code.get(c));
            let province = city.and_then(|c| c.parent_code.as_deref());
            let Some(province) = province else { continue };
            let path = RegionPath::from_chain(&[
                (r.code.clone(), RegionLevel::County),
                (
                    city.map(|c| c.code.clone()).unwrap_or_default(),
                    RegionLevel::City,
                ),
                (province.to_owned(), RegionLevel::Province),
            ]);
            counties_by_province
                .entry(province.to_owned())
                .or_default()
                .push(County {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    city_name: city.map(|c| c.name.clone()).unwrap_or_default(),
                    path,
                    point: (r.longitude, r.latitude),
                });
        }
        let mut weights: Vec<(String, u64)> = Vec::new();
        for line in POPULATION.lines().skip(1) {
            let parts: Vec<&str> = line.split(',').collect();
            if let (Some(code), Some(w)) =
                (parts.first(), parts.get(2).and_then(|w| w.parse().ok()))
                && counties_by_province.contains_key(*code)
            {
                weights.push(((*code).to_owned(), w));
            }
        }
        let total_weight: u64 = weights.iter().map(|w| w.1).sum();
        let owner = self
            .add_user(
                "13700000000",
                "压测数据",
                Some(domain::role::Role::Host),
                None,
                None,
            )
            .await?;
        let campaign = self.current_campaign().await?;
        let rules = campaign.rules.clone();
        let now = self.clock.now();
        // Organisations: one association per province and a few hundred units.
        let mut org_ids = Vec::new();
        for (i, (province, _)) in weights.iter().enumerate() {
            let name = format!(
                "{}科学技术协会（压测{i}）",
                by_code
                    .get(province.as_str())
                    .map_or("", |r| r.name.as_str())
            );
            let made = store::orgs::add(
                &self.db,
                store::orgs::NewOrg {
                    name_key: domain::text::name_key(&name),
                    name,
                    kind: domain::org::OrgKind::Association.as_str().to_owned(),
                    level: domain::org::OrgLevel::Province.as_str().to_owned(),
                    region_code: province.clone(),
                    province_code: Some(province.clone()),
                    city_code: None,
                    county_code: None,
                    parent_id: None,
                    credit_code: None,
                    status: domain::org::OrgStatus::Certified.as_str().to_owned(),
                    created_by: Some(owner),
                    created_at: now,
                },
            )
            .await?;
            org_ids.push(made.id);
        }
        let poster_key = "bench/poster.png";
        let poster = crate::demo::demo_poster();
        let temp = self.config.data_dir.join("incoming");
        tokio::fs::create_dir_all(&temp)
            .await
            .map_err(AppError::internal)?;
        let temp = temp.join("bench-poster.png");
        tokio::fs::write(&temp, &poster)
            .await
            .map_err(AppError::internal)?;
        self.files.put_file(poster_key, &temp).await?;
        tokio::fs::remove_file(&temp).await.ok();
        let shared = SharedPoster {
            storage_key: poster_key.to_owned(),
            content_type: "image/png".to_owned(),
            size: (600, 350),
        };
        let statuses = [
            ("approved", 70),
            ("province_review", 10),
            ("national_review", 5),
            ("province_rejected", 3),
            ("national_rejected", 2),
            ("draft", 10),
        ];
        let days = (rules.activity_to - rules.activity_from).num_days().max(1);
        let mut made = 0u64;
        let batch = 500u64;
        while made < n {
            let count = batch.min(n - made);
            let mut rows = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
            for _ in 0..count {
                let mut pick = rng.next() % total_weight;
                let province = weights
                    .iter()
                    .find(|(_, w)| {
                        if pick < *w {
                            true
                        } else {
                            pick -= w;
                            false
                        }
                    })
                    .map_or(weights[0].0.clone(), |w| w.0.clone());
                let counties = &counties_by_province[&province];
                let county = rng.pick(counties);
                let topic = *rng.pick(&TOPICS);
                let form = *rng.pick(&FORMS);
                let place = *rng.pick(&PLACES);
                let section = rng.pick(&rules.sections).key.clone();
                let mode = match rng.below(10) {
                    0 => "online",
                    1 => "both",
                    _ => "offline",
                };
                let day = NaiveDate::checked_add_signed(
                    rules.activity_from,
                    Duration::days(
                        i64::try_from(rng.below(usize::try_from(days).unwrap_or(1))).unwrap_or(0),
                    ),
                )
                .unwrap_or(rules.activity_from);
                let hour = 8 + u32::try_from(rng.below(11)).unwrap_or(0);
                let start = Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap_or_default())
                    - Duration::hours(8);
                let end = start + Duration::hours(1 + i64::try_from(rng.below(4)).unwrap_or(0));
                let audiences: Vec<String> = (0..1 + rng.below(3))
                    .map(|_| (*rng.pick(&AUDIENCES)).to_owned())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let name = format!("{}{}{}", county.name, topic, form);
                let address = format!("{}{}{}", county.city_name, county.name, place);
                let host = *rng.pick(&org_ids);
                let mut roll = rng.below(100);
                let status = statuses
                    .iter()
                    .find(|(_, p)| {
                        if roll < *p {
                            true
                        } else {
                            roll -= p;
                            false
                        }
                    })
                    .map_or("approved", |s| s.0);
                let draft = ActivityDraft {
                    name: Some(name.clone()),
                    section: Some(section.clone()),
                    start: Some(start.fixed_offset()),
                    end: Some(end.fixed_offset()),
                    region_code: Some(county.code.clone()),
                    address: (mode != "online").then(|| address.clone()),
                    mode: Some(mode.to_owned()),
                    online_url: (mode != "offline")
                        .then(|| "https://live.example.cn/kepu".to_owned()),
                    venue_type: Some((*rng.pick(&VENUE_TYPES)).to_owned()),
                    audiences: audiences.clone(),
                    expected_participants: Some(i64::try_from(20 + rng.below(500)).unwrap_or(50)),
                    details: Some(format!(
                        "<p>围绕{topic}主题，在{address}开展{form}，面向{}普及科学知识，弘扬科学精神。</p>",
                        audiences.join("、")
                    )),
                    funding_yuan: Some(f64::from(u32::try_from(rng.below(20_000)).unwrap_or(0))),
                    scientist_count: Some(i64::try_from(rng.below(10)).unwrap_or(0)),
                    contact_name: Some("王老师".to_owned()),
                    contact_phone: Some("0371-12345678".to_owned()),
                    hosts: vec![host],
                    ..Default::default()
                };
                let mut sessions = Vec::new();
                let mut codes: std::collections::BTreeSet<String> = county.path.codes().collect();
                if rng.below(10) == 0 {
                    for k in 0..1 + rng.below(3) {
                        let other = rng.pick(counties);
                        let at = start + Duration::days(1 + i64::try_from(k).unwrap_or(0));
                        codes.extend(other.path.codes());
                        sessions.push(SessionRow {
                            start_at: Some(at),
                            end_at: Some(at + Duration::hours(2)),
                            region_code: Some(other.code.clone()),
                            area: [
                                other.path.province.clone(),
                                other.path.city.clone(),
                                other.path.county.clone(),
                            ],
                            address: Some("巡展点".to_owned()),
                            lon: Some(other.point.0),
                            lat: Some(other.point.1),
                        });
                    }
                }
                rows.push(Loaded {
                    status: status.to_owned(),
                    submitted: status != "draft",
                    columns: Columns {
                        data: serde_json::to_string(&draft).map_err(AppError::internal)?,
                        name,
                        section: Some(section),
                        start_at: Some(start),
                        end_at: Some(end),
                        region_code: Some(county.code.clone()),
                        province_code: county.path.province.clone(),
                        city_code: county.path.city.clone(),
                        county_code: county.path.county.clone(),
                        mode: Some(mode.to_owned()),
                        venue_type: draft.venue_type.clone(),
                        reservable: false,
                        expected_participants: draft.expected_participants,
                        audience_mask: audience_mask(&audiences),
                        first_host_id: Some(host),
                        lon: Some(county.point.0),
                        lat: Some(county.point.1),
                    },
                    sessions,
                    codes,
                    public: status == "approved",
                });
            }
            store::activities::load_batch(&self.db, campaign.id, owner, now, &shared, rows).await?;
            made += count;
            if made.is_multiple_of(50_000) || made == n {
                tracing::info!(made, n, "bench data");
            }
        }
        Ok(made)
    }
}

/// What `kepu bench-evaluation` measured.
#[derive(Debug, Clone)]
pub struct EvaluationBench {
    /// Schemes evaluated (one per city, and the nation's over its provinces).
    pub schemes: usize,
    /// Subjects (divisions) evaluated in all.
    pub subjects: usize,
    /// Every scheme's results computed, one after another.
    pub total: std::time::Duration,
    /// The slowest scheme.
    pub slowest: std::time::Duration,
    /// The nation's scheme over its provinces.
    pub national: std::time::Duration,
}

impl App {
    /// Evaluates every city's counties, and the nation's provinces, with the 唐山 template
    /// (as a national administrator, in the current campaign), timing the results computed
    /// from the rollups.
    pub async fn bench_evaluation(&self) -> Result<EvaluationBench, AppError> {
        let admin = self
            .add_user(
                "13700000001",
                "考评压测",
                Some(domain::role::Role::NationalAdmin),
                None,
                None,
            )
            .await?;
        let actor = crate::Actor {
            user_id: admin,
            name: None,
            grants: vec![crate::Grant {
                role: domain::role::Role::NationalAdmin,
                region_code: domain::region::NATIONAL.to_owned(),
            }],
            phone_verified: true,
        };
        let template = domain::evaluation::template("tangshan")
            .ok_or_else(|| AppError::internal("template"))?
            .map_err(AppError::internal)?;
        let mut regions = vec![domain::region::NATIONAL.to_owned()];
        for province in self.regions_under(None).await? {
            for city in self.regions_under(Some(&province.code)).await? {
                if city.level == "city" {
                    regions.push(city.code);
                }
            }
        }
        let zero = std::time::Duration::ZERO;
        let (mut total, mut slowest, mut national) = (zero, zero, zero);
        let (mut schemes, mut subjects) = (0, 0);
        for code in regions {
            let mut input = template.clone();
            input.region_code = Some(code.clone());
            let Ok(scheme) = self.create_scheme(&actor, input).await else {
                continue;
            };
            let started = std::time::Instant::now();
            let results = self.evaluation_results(&actor, scheme.id).await?;
            let took = started.elapsed();
            if code == domain::region::NATIONAL {
                national = took;
            }
            total += took;
            slowest = slowest.max(took);
            schemes += 1;
            subjects += results.rows.len();
        }
        Ok(EvaluationBench {
            schemes,
            subjects,
            total,
            slowest,
            national,
        })
    }
}
