//! `kepu serve --demo`: a realistic demo campaign on an empty database — organisations,
//! administrators, a host, and activities in every review state, each made through the
//! same use cases a person would go through.

use domain::activity::{ActivityFields, Typed};
use domain::role::Role;
use serde_json::json;

use crate::media::MediaKind;
use crate::{Actor, App, AppError};

/// Who can log in to the demo (codes go to the SMS outbox).
pub const DEMO_ACCOUNTS: [(&str, &str, Role, Option<&str>); 4] = [
    (
        "13900000000",
        "全国管理员（演示）",
        Role::NationalAdmin,
        None,
    ),
    (
        "13900000001",
        "河南省管理员（演示）",
        Role::ProvinceAdmin,
        Some("410000"),
    ),
    (
        "13900000002",
        "三门峡市科协（演示）",
        Role::CityAdmin,
        Some("411200"),
    ),
    ("13800000000", "活动发布者（演示）", Role::Host, None),
];

struct DemoActivity {
    name: &'static str,
    section: &'static str,
    region: &'static str,
    address: &'static str,
    day: u32,
    venue: &'static str,
    mode: &'static str,
    audiences: [&'static str; 2],
    expected: i64,
    details: &'static str,
}

const ACTIVITIES: [DemoActivity; 6] = [
    DemoActivity {
        name: "走进天文馆：秋夜观星",
        section: "exhibition",
        region: "411202",
        address: "三门峡市湖滨区科技馆三楼天象厅",
        day: 15,
        venue: "科技馆",
        mode: "offline",
        audiences: ["青少年", "社会公众"],
        expected: 120,
        details: "带领青少年认识秋季星空，讲解行星与星座，现场使用天文望远镜观测月球。",
    },
    DemoActivity {
        name: "食品安全进社区科普讲座",
        section: "lecture",
        region: "411203",
        address: "陕州区大营镇社区服务中心",
        day: 17,
        venue: "社区",
        mode: "offline",
        audiences: ["社区居民", "老年人"],
        expected: 80,
        details: "讲解家庭食品储存、识别过期食品与常见食品安全误区，发放科普手册。",
    },
    DemoActivity {
        name: "黄河湿地候鸟科普直播",
        section: "online_ip",
        region: "411200",
        address: "",
        day: 18,
        venue: "线上平台",
        mode: "online",
        audiences: ["青少年", "社会公众"],
        expected: 2000,
        details: "在黄河湿地现场直播天鹅越冬栖息地，专家解读湿地生态保护。",
    },
    DemoActivity {
        name: "科普大篷车进乡村",
        section: "joint_action",
        region: "411224",
        address: "卢氏县官道口镇中心小学",
        day: 20,
        venue: "流动科普设施",
        mode: "offline",
        audiences: ["青少年", "农民"],
        expected: 300,
        details: "科普大篷车巡展机器人、VR 体验与农业新技术展品，开展科学小实验。",
    },
    DemoActivity {
        name: "院士专家报告会：人工智能与未来产业",
        section: "lecture",
        region: "410100",
        address: "郑州市科技馆报告厅",
        day: 21,
        venue: "科技馆",
        mode: "both",
        audiences: ["科技工作者", "社会公众"],
        expected: 500,
        details: "邀请院士专家解读人工智能前沿进展与未来产业布局，线上同步直播。",
    },
    DemoActivity {
        name: "应急避险科普体验日",
        section: "more",
        region: "411282",
        address: "灵宝市应急科普体验馆",
        day: 22,
        venue: "科普教育基地",
        mode: "offline",
        audiences: ["社区居民", "青少年"],
        expected: 150,
        details: "地震、火灾逃生体验与急救技能培训，提升公众应急避险能力。",
    },
];

/// A 600×350 PNG poster.
pub(crate) fn demo_poster() -> Vec<u8> {
    let image = image::RgbImage::from_fn(600, 350, |x, y| {
        let t = u8::try_from((x * 255 / 600).min(255)).unwrap_or(0);
        let s = u8::try_from((y * 120 / 350).min(255)).unwrap_or(0);
        image::Rgb([11, 92u8.saturating_add(s), 173u8.saturating_sub(t / 3)])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).ok();
    bytes.into_inner()
}

impl App {
    /// Fills the demo on a database with no activities; answers whether it did.
    pub async fn fill_demo(&self) -> Result<bool, AppError> {
        if store::activities::count(&self.db).await? > 0 {
            return Ok(false);
        }
        let mut ids = Vec::new();
        for (phone, name, role, region) in DEMO_ACCOUNTS {
            ids.push(self.add_user(phone, name, Some(role), region, None).await?);
        }
        let mut actors = Vec::new();
        for id in ids {
            actors.push(
                self.actor(id)
                    .await?
                    .ok_or_else(|| AppError::internal("demo user missing"))?,
            );
        }
        let [national, province, _city, host] =
            <[Actor; 4]>::try_from(actors).map_err(|_| AppError::internal("demo users"))?;
        let campaign = self.current_campaign().await?.rules;
        let org = self
            .demo_org(&host, "三门峡市科学技术协会", "association", "411200")
            .await?;
        self.certify_org(
            &province,
            org,
            crate::orgs::CertificationInput {
                decision: Some("approve".to_owned()),
                reason: None,
            },
        )
        .await?;
        let venue = self
            .demo_org(&host, "三门峡市科技馆", "venue", "411202")
            .await?;
        let year = campaign.activity_from.format("%Y").to_string();
        // One activity in each state, the last two approved.
        let plans = [
            "draft",
            "province_review",
            "province_rejected",
            "national_review",
            "approved",
            "approved",
        ];
        for (demo, plan) in ACTIVITIES.iter().zip(plans) {
            let start = format!("{year}-09-{:02}T09:30:00+08:00", demo.day);
            let end = format!("{year}-09-{:02}T11:30:00+08:00", demo.day);
            let mut body = json!({
                "name": demo.name, "section": demo.section, "start": start, "end": end,
                "region_code": demo.region, "mode": demo.mode, "venue_type": demo.venue,
                "audiences": demo.audiences, "expected_participants": demo.expected,
                "details": format!("<p>{}</p>", demo.details), "funding_yuan": 5000, "scientist_count": 4,
                "scientists": [{"name": "张研究员", "title": "研究员", "unit": "河南省科学院"}],
                "contact_name": "李老师", "contact_phone": "0398-2812345", "hosts": [org, venue], "org_chain": [org],
            });
            if !demo.address.is_empty() {
                body["address"] = json!(demo.address);
            }
            if demo.mode != "offline" {
                body["online_url"] = json!("https://live.example.cn/kepu");
            }
            let fields = serde_json::from_value(body).map_err(AppError::internal)?;
            let made = self.create_activity(&host, fields).await?;
            let id = made.id;
            let slot = self
                .begin_upload(&host, id, MediaKind::Poster, None)
                .await?;
            let poster = demo_poster();
            tokio::fs::write(&slot.temp_path, &poster)
                .await
                .map_err(AppError::internal)?;
            let media = self.finish_upload(&host, slot, poster.len() as u64).await?;
            let poster = ActivityFields {
                poster: Some(Some(Typed::Value(media.id))),
                ..ActivityFields::default()
            };
            self.update_activity(&host, id, made.version, poster)
                .await?;
            if plan == "draft" {
                continue;
            }
            self.submit_activity(&host, id, None).await?;
            let decide = |who: &Actor, decision: &str, reason: Option<&str>| {
                let input = crate::review::DecisionInput {
                    decision: Some(decision.to_owned()),
                    reason: reason.map(str::to_owned),
                };
                let who = who.clone();
                async move { self.decide_activity(&who, id, input, None).await }
            };
            match plan {
                "province_rejected" => {
                    decide(&province, "reject", Some("请补充活动的具体地点与组织架构")).await?;
                }
                "national_review" => {
                    decide(&province, "approve", None).await?;
                }
                "approved" => {
                    decide(&province, "approve", None).await?;
                    decide(&national, "approve", Some("内容充实，同意发布")).await?;
                }
                _ => {}
            }
        }
        tracing::info!("demo data filled");
        Ok(true)
    }

    async fn demo_org(
        &self,
        actor: &Actor,
        name: &str,
        kind: &str,
        region: &str,
    ) -> Result<i64, AppError> {
        let input = crate::orgs::OrgInput {
            name: Some(name.to_owned()),
            kind: Some(kind.to_owned()),
            region_code: Some(region.to_owned()),
            ..Default::default()
        };
        Ok(self.apply_org(actor, input).await?.id)
    }
}
