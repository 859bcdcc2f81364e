//! Search recall over real-looking activities: every piece of two to four characters of a
//! title, a host's name or a place finds the activity, and an activity holding the whole
//! words asked for ranks above one holding them only as parts.

use std::collections::BTreeSet;

use store::search::{SearchDoc, SearchIndex};

const PLACES: &[&str] = &[
    "三门峡市",
    "郑州市",
    "洛阳市",
    "开封市",
    "湖滨区",
    "陕州区",
    "灵宝市",
    "义马市",
    "南京市",
    "合肥市",
];
const TOPICS: &[&str] = &[
    "天文",
    "机器人",
    "人工智能",
    "食品安全",
    "中医药文化",
    "应急避险",
    "航天科技",
    "海洋生物",
    "低碳生活",
    "防灾减灾",
    "地震科普",
    "心理健康",
    "垃圾分类",
    "无人机",
    "智慧农业",
    "青少年编程",
    "节水护水",
    "生物多样性",
    "反诈骗",
    "急救知识",
];
const FORMATS: &[&str] = &[
    "科普讲座",
    "科普体验营",
    "主题展览",
    "亲子研学",
    "知识竞赛",
    "科普大篷车",
    "开放日",
    "进社区活动",
    "科普嘉年华",
    "实验秀",
];
const HOSTS: &[&str] = &[
    "三门峡市科技馆",
    "湖滨区青少年活动中心",
    "灵宝市科学技术协会",
    "河南省地质博物馆",
    "郑州大学医学院",
    "洛阳市气象局",
];

/// Titles, each with its host and place: 200 distinct combinations.
fn activities() -> Vec<SearchDoc> {
    let mut out = Vec::new();
    let mut id = 0_i64;
    for (p, place) in PLACES.iter().enumerate() {
        for (t, topic) in TOPICS.iter().enumerate() {
            let format = FORMATS[(p * 3 + t) % FORMATS.len()];
            let host = HOSTS[(p + t) % HOSTS.len()];
            id += 1;
            out.push(SearchDoc {
                id,
                name: format!("{place}{topic}{format}"),
                text: format!("<p>欢迎参加。</p> {host} {place}人民路{}号", 10 + t),
                start: 1_789_000_000 + id,
            });
        }
    }
    out
}

/// Every piece of `from..=to` characters of `text`, without spaces or punctuation.
fn pieces(text: &str, from: usize, to: usize) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = BTreeSet::new();
    for len in from..=to {
        for window in chars.windows(len) {
            if window.iter().all(|c| c.is_alphanumeric()) {
                out.insert(window.iter().collect());
            }
        }
    }
    out
}

fn index(docs: &[SearchDoc]) -> (SearchIndex, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "kepu-recall-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    let index = SearchIndex::open(&dir).unwrap_or_else(|e| panic!("{e}"));
    index.apply(docs, &[], 1).unwrap_or_else(|e| panic!("{e}"));
    (index, dir)
}

#[test]
fn every_two_to_four_character_piece_finds_its_activity() {
    let docs = activities();
    assert_eq!(docs.len(), 200);
    let (index, dir) = index(&docs);
    let (mut asked, mut missed) = (0, Vec::new());
    for doc in &docs {
        let host_and_place = doc.text.replace("<p>欢迎参加。</p>", "");
        let wanted = pieces(&doc.name, 2, 4)
            .into_iter()
            .chain(pieces(&host_and_place, 2, 4));
        for piece in wanted {
            asked += 1;
            let found = index
                .search(&piece, 1000)
                .unwrap_or_else(|e| panic!("{piece}: {e}"));
            if !found.ids.contains(&doc.id) {
                missed.push(format!("{piece} → {}", doc.name));
            }
        }
    }
    std::fs::remove_dir_all(dir).ok();
    assert!(asked > 10_000, "{asked} pieces asked");
    assert!(
        missed.is_empty(),
        "{} of {asked} pieces missed their activity, e.g. {:?}",
        missed.len(),
        missed.iter().take(5).collect::<Vec<_>>()
    );
}

#[test]
fn the_reported_searches_find_their_activities() {
    // What a person searched on the demo and got nothing for.
    let docs = vec![
        SearchDoc {
            id: 1,
            name: "湖滨区机器人科普体验营".to_owned(),
            text: "三门峡市科技馆".to_owned(),
            start: 1,
        },
        SearchDoc {
            id: 2,
            name: "青少年天文科普体验日".to_owned(),
            text: "三门峡市科技馆".to_owned(),
            start: 2,
        },
        SearchDoc {
            id: 3,
            name: "食品安全进社区".to_owned(),
            text: "湖滨区市场监督管理局".to_owned(),
            start: 3,
        },
    ];
    let (index, dir) = index(&docs);
    let ids = |q: &str| {
        let mut ids = index
            .search(q, 10)
            .unwrap_or_else(|e| panic!("{e}"))
            .ids
            .clone();
        ids.sort_unstable();
        ids
    };
    assert_eq!(ids("科普体验"), [1, 2]);
    assert_eq!(ids("体验营"), [1]);
    assert_eq!(ids("机器人科普"), [1]);
    assert_eq!(ids("湖滨区机器人科普体验营"), [1]);
    assert_eq!(ids("天文"), [2]);
    assert_eq!(ids("食品安全"), [3]);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_whole_words_rank_above_their_parts() {
    // "天文" in the title ranks first; in the details second; a title holding 天 and 文
    // apart does not match at all.
    let docs = vec![
        SearchDoc {
            id: 1,
            name: "文化进万家：天空之城".to_owned(),
            text: "三门峡市".to_owned(),
            start: 30,
        },
        SearchDoc {
            id: 2,
            name: "亲子活动".to_owned(),
            text: "天文知识讲座".to_owned(),
            start: 20,
        },
        SearchDoc {
            id: 3,
            name: "天文馆奇妙夜".to_owned(),
            text: "三门峡市".to_owned(),
            start: 10,
        },
    ];
    let (index, dir) = index(&docs);
    let found = index.search("天文", 10).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_dir_all(dir).ok();
    assert_eq!(found.ids, [3, 2]);
}
