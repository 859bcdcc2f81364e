//! 千万IP创科普 online posts (DESIGN.md §8.2): content a host organisation published on
//! another platform with the hashtag #千万IP创科普#, registered here to be counted. The
//! platforms' hosts and the query parameters that name a piece of content are configuration
//! (`PostRules`); the rules and their messages are here.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::FieldErrors;
use crate::text::bounded;

/// The platforms posts are counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// 科普中国
    Kepuchina,
    /// 学习强国
    Xuexi,
    /// 微博
    Weibo,
    /// 抖音
    Douyin,
    /// 快手
    Kuaishou,
    /// 知乎
    Zhihu,
    /// 腾讯新闻
    TencentNews,
    /// 哔哩哔哩
    Bilibili,
    /// 微信
    Wechat,
    /// 其他
    Other,
}

impl Platform {
    /// Every platform, in the notice's order.
    pub const ALL: [Platform; 10] = [
        Platform::Kepuchina,
        Platform::Xuexi,
        Platform::Weibo,
        Platform::Douyin,
        Platform::Kuaishou,
        Platform::Zhihu,
        Platform::TencentNews,
        Platform::Bilibili,
        Platform::Wechat,
        Platform::Other,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Kepuchina => "kepuchina",
            Platform::Xuexi => "xuexi",
            Platform::Weibo => "weibo",
            Platform::Douyin => "douyin",
            Platform::Kuaishou => "kuaishou",
            Platform::Zhihu => "zhihu",
            Platform::TencentNews => "tencent_news",
            Platform::Bilibili => "bilibili",
            Platform::Wechat => "wechat",
            Platform::Other => "other",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Kepuchina => "科普中国",
            Platform::Xuexi => "学习强国",
            Platform::Weibo => "微博",
            Platform::Douyin => "抖音",
            Platform::Kuaishou => "快手",
            Platform::Zhihu => "知乎",
            Platform::TencentNews => "腾讯新闻",
            Platform::Bilibili => "哔哩哔哩",
            Platform::Wechat => "微信",
            Platform::Other => "其他",
        }
    }

    /// Reads a wire name.
    pub fn parse(raw: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == raw.trim())
    }

    /// Reads a spreadsheet cell: the wire name or the Chinese name (抖音).
    pub fn from_cell(raw: &str) -> Option<Platform> {
        let raw = raw.trim();
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == raw || p.label() == raw)
    }
}

/// How a post takes part (the notice's three forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// 发布内容
    Content,
    /// 互动问答
    Qa,
    /// 作品互动
    Interaction,
}

impl PostKind {
    /// Every kind.
    pub const ALL: [PostKind; 3] = [PostKind::Content, PostKind::Qa, PostKind::Interaction];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Content => "content",
            PostKind::Qa => "qa",
            PostKind::Interaction => "interaction",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            PostKind::Content => "发布内容",
            PostKind::Qa => "互动问答",
            PostKind::Interaction => "作品互动",
        }
    }

    /// Reads a wire name.
    pub fn parse(raw: &str) -> Option<PostKind> {
        PostKind::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// Reads a spreadsheet cell: the wire name or the Chinese name (发布内容).
    pub fn from_cell(raw: &str) -> Option<PostKind> {
        let raw = raw.trim();
        PostKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw || k.label() == raw)
    }
}

/// The columns of the posts' import table (its first row), in order.
pub const IMPORT_COLUMNS: [&str; 7] = [
    "序号",
    "平台",
    "作品链接",
    "标题",
    "参与形式",
    "发布时间",
    "已带话题#千万IP创科普#",
];

/// A post as a row of the import table gives it: names in Chinese or as on the wire, a yes
/// or no for the hashtag. What does not read is left for `PostInput::apply` to name (an
/// unknown platform is its own message here).
pub fn input_from_row(cells: &[String], org_id: Option<i64>) -> Result<PostInput, FieldErrors> {
    let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or_default();
    let mut errors = FieldErrors::new();
    let platform = match cell(1) {
        "" => None,
        raw => match Platform::from_cell(raw) {
            Some(p) => Some(p.as_str().to_owned()),
            None => {
                errors.add("platform", format!("未知平台“{raw}”，请填写如“抖音”“微博”"));
                None
            }
        },
    };
    let kind = match cell(4) {
        "" => None,
        raw => match PostKind::from_cell(raw) {
            Some(k) => Some(k.as_str().to_owned()),
            None => {
                errors.add("kind", "参与形式请填写“发布内容”“互动问答”或“作品互动”");
                None
            }
        },
    };
    let hashtag = match cell(6) {
        "是" | "true" | "TRUE" | "1" | "Y" | "y" | "√" | "✓" => Some(true),
        "否" | "false" | "FALSE" | "0" | "N" | "n" | "" => Some(false),
        _ => {
            errors.add("hashtag_confirmed", "“已带话题”一栏请填写“是”或“否”");
            None
        }
    };
    errors.into_result()?;
    Ok(PostInput {
        platform,
        url: Some(cell(2).to_owned()).filter(|u| !u.is_empty()),
        title: Some(cell(3).to_owned()).filter(|t| !t.is_empty()),
        kind,
        published_at: Some(cell(5).to_owned()).filter(|t| !t.is_empty()),
        hashtag_confirmed: hashtag,
        org_id,
        ..PostInput::default()
    })
}

vocabulary!(
    /// Where a post stands.
    PostStatus {
        /// 公开
        Visible = "visible" / "公开",
        /// 已隐藏 (not counted)
        Hidden = "hidden" / "已隐藏",
    }
);

/// One platform's hosts and the query parameters that name its content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformRule {
    /// Hosts a link may be on (a subdomain of one counts).
    pub hosts: Vec<String>,
    /// Query parameters kept when links are compared (the rest is tracking).
    #[serde(default)]
    pub keep_params: Vec<String>,
}

/// The platforms' rules, by wire name (configuration).
pub type PostRules = BTreeMap<String, PlatformRule>;

/// The rules DESIGN.md §8.2 names, used where configuration gives none.
pub fn default_rules() -> PostRules {
    let rule = |hosts: &[&str], keep: &[&str]| PlatformRule {
        hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
        keep_params: keep.iter().map(|k| (*k).to_owned()).collect(),
    };
    [
        (
            "kepuchina",
            rule(&["kepuchina.cn", "kepuchina.com"], &["id"]),
        ),
        ("xuexi", rule(&["xuexi.cn"], &["id", "item_id"])),
        ("weibo", rule(&["weibo.com", "weibo.cn"], &[])),
        ("douyin", rule(&["douyin.com", "iesdouyin.com"], &[])),
        ("kuaishou", rule(&["kuaishou.com", "kuaishou.cn"], &[])),
        ("zhihu", rule(&["zhihu.com"], &[])),
        ("tencent_news", rule(&["qq.com"], &[])),
        ("bilibili", rule(&["bilibili.com", "b23.tv"], &["p"])),
        (
            "wechat",
            rule(&["weixin.qq.com"], &["__biz", "mid", "idx", "sn"]),
        ),
        ("other", rule(&[], &[])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A link split into the parts the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `http` or `https`.
    pub scheme: String,
    /// Lower case, without `www.`.
    pub host: String,
    /// The path, without a trailing slash.
    pub path: String,
    /// Query parameters in their order.
    pub query: Vec<(String, String)>,
}

/// Reads an absolute http(s) link; the message when it is not one.
pub fn parse_link(raw: &str) -> Result<Link, String> {
    let raw = raw.trim();
    let invalid = || "链接须为以 http:// 或 https:// 开头的完整网址".to_owned();
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) || raw.len() > 2000 {
        return Err(invalid());
    }
    let (scheme, rest) = raw.split_once("://").ok_or_else(invalid)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(invalid());
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let (authority, path_query) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if host.is_empty()
        || !host.contains('.')
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(invalid());
    }
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let (path, query) = match path_query.split_once('?') {
        Some((p, q)) => (p, q),
        None => (path_query, ""),
    };
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (p.to_owned(), String::new()),
        })
        .collect();
    Ok(Link {
        scheme,
        host,
        path: path.trim_end_matches('/').to_owned(),
        query,
    })
}

impl Link {
    /// Whether the host is one of `hosts` or below one of them.
    pub fn on(&self, hosts: &[String]) -> bool {
        hosts.iter().any(|h| {
            let h = h.trim().to_ascii_lowercase();
            let h = h.strip_prefix("www.").unwrap_or(&h);
            self.host == h || self.host.ends_with(&format!(".{h}"))
        })
    }

    /// The form two links are compared in: host and path, and only the parameters `keep`
    /// names (sorted); the scheme is left out, so http and https of one page are one.
    pub fn key(&self, keep: &[String]) -> String {
        let mut kept: Vec<&(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| keep.contains(k))
            .collect();
        kept.sort();
        let query: Vec<String> = kept.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if query.is_empty() {
            format!("{}{}", self.host, self.path)
        } else {
            format!("{}{}?{}", self.host, self.path, query.join("&"))
        }
    }
}

/// Self-reported figures of a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// 阅读/播放
    pub views: Option<i64>,
    /// 点赞
    pub likes: Option<i64>,
    /// 转发
    pub shares: Option<i64>,
    /// 评论
    pub comments: Option<i64>,
    /// As of.
    #[schema(value_type = Option<String>, format = Date)]
    pub as_of: Option<NaiveDate>,
}

/// A post as a member registers it (or the parts an edit changes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(PostInput::example))]
pub struct PostInput {
    /// 平台
    #[schema(value_type = Option<Platform>)]
    pub platform: Option<String>,
    /// 作品链接
    pub url: Option<String>,
    /// 标题（2–100字）
    pub title: Option<String>,
    /// 参与形式
    #[schema(value_type = Option<PostKind>)]
    pub kind: Option<String>,
    /// 发布时间（RFC 3339，或北京时间 2026-09-16 或 2026-09-16 19:00）
    pub published_at: Option<String>,
    /// 已确认作品带有话题 #千万IP创科普#
    pub hashtag_confirmed: Option<bool>,
    /// 发布单位（默认本人所在的第一个单位）
    pub org_id: Option<i64>,
    /// 对应的活动
    #[serde(default, deserialize_with = "crate::text::given")]
    #[schema(value_type = Option<i64>)]
    pub activity_id: Option<Option<i64>>,
    /// 自报数据
    #[serde(default, deserialize_with = "crate::text::object")]
    pub metrics: Option<Metrics>,
}

/// A post as stored: every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSettings {
    /// 平台
    pub platform: Platform,
    /// The link as given (trimmed).
    pub url: String,
    /// The link as compared.
    pub url_key: String,
    /// 标题
    pub title: String,
    /// 参与形式
    pub kind: PostKind,
    /// 发布时间
    pub published_at: DateTime<Utc>,
    /// 对应的活动
    pub activity_id: Option<i64>,
    /// 自报数据
    pub metrics: Option<Metrics>,
}

/// The counting window a post's time must lie in (the campaign's activity_from … count_to).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

fn published(raw: &str) -> Result<DateTime<Utc>, String> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let beijing = |naive: chrono::NaiveDateTime| {
        naive
            .and_local_timezone(crate::campaign::BEIJING)
            .single()
            .map(|t| t.with_timezone(&Utc))
    };
    for format in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Some(t) = chrono::NaiveDateTime::parse_from_str(raw, format)
            .ok()
            .and_then(beijing)
        {
            return Ok(t);
        }
    }
    if let Some(t) = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .and_then(beijing)
    {
        return Ok(t);
    }
    Err("发布时间格式应为 年-月-日 或 年-月-日 时:分".to_owned())
}

impl PostInput {
    /// A post as the documentation shows it.
    pub fn example() -> PostInput {
        PostInput {
            platform: Some("douyin".to_owned()),
            url: Some("https://www.douyin.com/video/7412345678901234567".to_owned()),
            title: Some("三分钟看懂秋夜星空".to_owned()),
            kind: Some("content".to_owned()),
            published_at: Some("2026-09-16T19:30:00+08:00".to_owned()),
            hashtag_confirmed: Some(true),
            ..PostInput::default()
        }
    }

    /// The post this input makes of `base` (nothing when registering), checked against the
    /// platforms' `rules` and the counting `window`; every problem in `errors`.
    pub fn apply(
        self,
        base: Option<&PostSettings>,
        rules: &PostRules,
        window: Window,
        errors: &mut FieldErrors,
    ) -> Option<PostSettings> {
        let platform = match (self.platform.as_deref(), base) {
            (Some(raw), _) => Platform::parse(raw).or_else(|| {
                errors.add("platform", format!("未知平台“{raw}”"));
                None
            }),
            (None, Some(b)) => Some(b.platform),
            (None, None) => errors.take("platform", Err("请选择发布平台".to_owned())),
        };
        let url = match (self.url, base) {
            (Some(raw), _) => Some(raw.trim().to_owned()),
            (None, Some(b)) => Some(b.url.clone()),
            (None, None) => errors.take("url", Err("请填写作品链接".to_owned())),
        };
        let mut url_key = None;
        if let (Some(url), Some(platform)) = (&url, platform) {
            match parse_link(url) {
                Err(m) => errors.add("url", m),
                Ok(link) => {
                    let rule = rules.get(platform.as_str()).cloned().unwrap_or_default();
                    if !rule.hosts.is_empty() && !link.on(&rule.hosts) {
                        errors.add(
                            "url",
                            format!(
                                "链接不是{}的网址（应为 {} 等域名）",
                                platform.label(),
                                rule.hosts.join("、")
                            ),
                        );
                    }
                    url_key = Some(link.key(&rule.keep_params));
                }
            }
        }
        let title = match (self.title, base) {
            (Some(raw), _) => errors.take("title", bounded(&raw, "标题", 2, 100)),
            (None, Some(b)) => Some(b.title.clone()),
            (None, None) => errors.take("title", Err("请填写标题".to_owned())),
        };
        let kind = match (self.kind.as_deref(), base) {
            (Some(raw), _) => PostKind::parse(raw).or_else(|| {
                errors.add(
                    "kind",
                    "参与形式须为 content（发布内容）、qa（互动问答）或 interaction（作品互动）",
                );
                None
            }),
            (None, Some(b)) => Some(b.kind),
            (None, None) => errors.take("kind", Err("请选择参与形式".to_owned())),
        };
        let published_at = match (self.published_at.as_deref(), base) {
            (Some(raw), _) => errors.take("published_at", published(raw)),
            (None, Some(b)) => Some(b.published_at),
            (None, None) => errors.take("published_at", Err("请填写发布时间".to_owned())),
        };
        if let Some(at) = published_at {
            let day = crate::campaign::beijing_date(at);
            if day < window.from || day > window.to {
                errors.add(
                    "published_at",
                    format!(
                        "发布时间须在本届活动的统计期内（{}至{}）",
                        window.from.format("%Y年%-m月%-d日"),
                        window.to.format("%Y年%-m月%-d日")
                    ),
                );
            }
        }
        if (base.is_none() || self.hashtag_confirmed.is_some())
            && self.hashtag_confirmed != Some(true)
        {
            errors.add(
                "hashtag_confirmed",
                "请确认作品已带话题 #千万IP创科普#（未带话题的作品不计入）",
            );
        }
        if let Some(m) = &self.metrics
            && [m.views, m.likes, m.shares, m.comments]
                .into_iter()
                .flatten()
                .any(|v| !(0..=10_000_000_000).contains(&v))
        {
            errors.add("metrics", "数据须为不小于0的整数");
        }
        let activity_id = match self.activity_id {
            Some(v) => v,
            None => base.and_then(|b| b.activity_id),
        };
        let metrics = self
            .metrics
            .or_else(|| base.and_then(|b| b.metrics.clone()));
        if !errors.is_empty() {
            return None;
        }
        Some(PostSettings {
            platform: platform?,
            url: url?,
            url_key: url_key?,
            title: title?,
            kind: kind?,
            published_at: published_at?,
            activity_id,
            metrics,
        })
    }
}

/// The message when a link is already registered in the campaign.
pub const DUPLICATE_URL: &str = "该作品链接已登记过（同一作品只计一次）";

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> Window {
        Window {
            from: NaiveDate::from_ymd_opt(2026, 8, 1).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default(),
        }
    }

    fn apply(input: PostInput) -> Result<PostSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        input
            .apply(None, &default_rules(), window(), &mut errors)
            .ok_or(errors)
    }

    #[test]
    fn links_are_compared_without_tracking_or_www() {
        let key = |raw: &str, platform: &str| {
            let rules = default_rules();
            parse_link(raw)
                .map(|l| l.key(&rules[platform].keep_params))
                .unwrap_or_default()
        };
        assert_eq!(
            key(
                "https://WWW.Douyin.com/video/123/?utm_source=wx#top",
                "douyin"
            ),
            key("http://douyin.com/video/123", "douyin")
        );
        assert_eq!(
            key(
                "https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=2&sn=ab&chksm=zz&scene=27",
                "wechat"
            ),
            "mp.weixin.qq.com/s?__biz=MzA&idx=2&mid=1&sn=ab"
        );
        assert_ne!(
            key("https://www.bilibili.com/video/BV1x?p=2", "bilibili"),
            key("https://www.bilibili.com/video/BV1x?p=3", "bilibili")
        );
    }

    #[test]
    fn each_post_rule_has_its_message() {
        let e = apply(PostInput {
            url: Some("https://www.weibo.com/123".to_owned()),
            ..PostInput::example()
        })
        .unwrap_err();
        assert_eq!(
            e.get("url"),
            Some("链接不是抖音的网址（应为 douyin.com、iesdouyin.com 等域名）")
        );
        let e = apply(PostInput {
            url: Some("ftp://douyin.com/x".to_owned()),
            hashtag_confirmed: Some(false),
            published_at: Some("2026-12-01".to_owned()),
            title: Some("短".to_owned()),
            kind: Some("repost".to_owned()),
            platform: Some("douyin".to_owned()),
            ..PostInput::default()
        })
        .unwrap_err();
        assert_eq!(
            e.get("url"),
            Some("链接须为以 http:// 或 https:// 开头的完整网址")
        );
        assert_eq!(
            e.get("hashtag_confirmed"),
            Some("请确认作品已带话题 #千万IP创科普#（未带话题的作品不计入）")
        );
        assert_eq!(
            e.get("published_at"),
            Some("发布时间须在本届活动的统计期内（2026年8月1日至2026年10月31日）")
        );
        assert_eq!(e.get("title"), Some("标题至少2个字"));
        assert!(e.get("kind").is_some());
        let e = apply(PostInput {
            platform: Some("tiktok".to_owned()),
            ..PostInput::example()
        })
        .unwrap_err();
        assert_eq!(e.get("platform"), Some("未知平台“tiktok”"));
    }

    #[test]
    fn a_good_post_reads() {
        let p = apply(PostInput::example()).unwrap();
        assert_eq!(p.platform, Platform::Douyin);
        assert_eq!(p.url_key, "douyin.com/video/7412345678901234567");
        // Any host for 其他.
        assert!(
            apply(PostInput {
                platform: Some("other".to_owned()),
                url: Some("https://kepu.example.cn/a/1".to_owned()),
                ..PostInput::example()
            })
            .is_ok()
        );
    }
}
