//! What one activity adds to the statistics of each division it lies in. Statistics are kept
//! as rollups: every write subtracts the activity's old contribution and adds its new one, so
//! that a dashboard reads a few hundred rows instead of scanning a million activities.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::region::{NATIONAL, RegionPath};
use crate::review::Status;

/// The facts about an activity that statistics count.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    /// Review state.
    pub status: Option<Status>,
    /// Where it is (its own division, not its sessions', so that each counts once).
    pub path: RegionPath,
    /// Section key.
    pub section: Option<String>,
    /// Audience keys.
    pub audiences: Vec<String>,
    /// Venue type.
    pub venue_type: Option<String>,
    /// Mode.
    pub mode: Option<String>,
    /// Expected participants.
    pub expected: Option<i64>,
    /// Real participants, from the supplement.
    pub real: Option<i64>,
    /// Funding in yuan.
    pub funding_yuan: Option<f64>,
    /// Science workers taking part.
    pub scientists: Option<i64>,
    /// Every division it is listed under on the public side: its own and its sessions'
    /// (and their provinces and cities).
    pub listed_in: Vec<String>,
    /// When it ends (the public list's order).
    pub end: Option<DateTime<Utc>>,
    /// Its first host: every count but the list's is also kept under [`org_scope`], so
    /// that a unit's figures (考评, track records) are read, not counted.
    pub org_id: Option<i64>,
    /// Media links in its supplement.
    pub media_links: i64,
    /// Whether its supplement was completed by its deadline.
    pub supplement_on_time: bool,
}

/// The rollup scope of an organisation's own activities (as first host).
pub fn org_scope(org_id: i64) -> String {
    format!("org:{org_id}")
}

/// One row of the public list's index: an approved activity under one division it is
/// listed in (the nation included), with its section and end.
pub type Listing = (String, String, DateTime<Utc>);

/// A rollup cell: division, dimension, value.
pub type Cell = (String, &'static str, String);

/// Dimension names, as stored and answered.
pub mod dim {
    /// Count by review state (every state, drafts included).
    pub const STATUS: &str = "status";
    /// Count of approved activities by section.
    pub const SECTION: &str = "section";
    /// Count of approved activities by audience.
    pub const AUDIENCE: &str = "audience";
    /// Count of approved activities by venue type.
    pub const VENUE: &str = "venue";
    /// Count of approved activities by mode.
    pub const MODE: &str = "mode";
    /// Sums over approved activities: `expected`, `real`, `funding_yuan`, `scientists`,
    /// `media_links`, and the counts `with_scientists` (science workers took part) and
    /// `supplement_on_time` (supplement completed by its deadline).
    pub const SUM: &str = "sum";
    /// Approved activities listed under a division through themselves or any session (the
    /// public list's region filter), `all` or by section.
    pub const LISTED: &str = "listed";
}

/// The key of [`dim::LISTED`] for every section.
pub const ALL: &str = "all";

impl Facts {
    /// The cells this activity adds to, with how much. Everything but the count by state
    /// is over approved activities only: what was really held.
    pub fn cells(&self) -> BTreeMap<Cell, i64> {
        let mut out = BTreeMap::new();
        let Some(status) = self.status else {
            return out;
        };
        let scopes: Vec<String> = std::iter::once(NATIONAL.to_owned())
            .chain(self.path.codes())
            .chain(self.org_id.map(org_scope))
            .collect();
        let mut values: Vec<(&'static str, String, i64)> =
            vec![(dim::STATUS, status.as_str().to_owned(), 1)];
        if status == Status::Approved {
            let keyed = [
                (dim::SECTION, &self.section),
                (dim::VENUE, &self.venue_type),
                (dim::MODE, &self.mode),
            ];
            for (d, v) in keyed {
                if let Some(v) = v {
                    values.push((d, v.clone(), 1));
                }
            }
            for a in &self.audiences {
                values.push((dim::AUDIENCE, a.clone(), 1));
            }
            let funding = self.funding_yuan.map(|f| f.round() as i64);
            let sums = [
                ("expected", self.expected),
                ("real", self.real),
                ("funding_yuan", funding),
                ("scientists", self.scientists),
                ("media_links", Some(self.media_links)),
                (
                    "with_scientists",
                    Some(i64::from(self.scientists.unwrap_or(0) > 0)),
                ),
                (
                    "supplement_on_time",
                    Some(i64::from(self.supplement_on_time)),
                ),
            ];
            for (k, v) in sums {
                if let Some(v) = v.filter(|v| *v != 0) {
                    values.push((dim::SUM, k.to_owned(), v));
                }
            }
        }
        for scope in &scopes {
            for (d, k, n) in &values {
                *out.entry((scope.clone(), *d, k.clone())).or_insert(0) += n;
            }
        }
        if status == Status::Approved {
            for code in self.listed_codes() {
                for key in std::iter::once(ALL).chain(self.section.as_deref()) {
                    out.insert((code.to_owned(), dim::LISTED, key.to_owned()), 1);
                }
            }
        }
        out
    }
}

impl Facts {
    /// Every division an approved activity is listed under on the public side (the nation,
    /// its own divisions and its sessions'); none for any other state.
    pub fn listed_codes(&self) -> BTreeSet<&str> {
        if self.status != Some(Status::Approved) {
            return BTreeSet::new();
        }
        std::iter::once(NATIONAL)
            .chain(self.listed_in.iter().map(String::as_str))
            .collect()
    }

    /// The rows of the public list's index for this activity: one per listed division.
    pub fn listings(&self) -> BTreeSet<Listing> {
        let (Some(section), Some(end)) = (&self.section, self.end) else {
            return BTreeSet::new();
        };
        self.listed_codes()
            .into_iter()
            .map(|code| (code.to_owned(), section.clone(), end))
            .collect()
    }
}

/// What changes in the rollups when an activity goes from `before` to `after` (either
/// absent for a creation or a deletion); cells that do not change are left out. Ordered, so
/// that concurrent writers lock rows in the same order.
pub fn delta(before: Option<&Facts>, after: Option<&Facts>) -> BTreeMap<Cell, i64> {
    let mut out = after.map(Facts::cells).unwrap_or_default();
    for (cell, n) in before.map(Facts::cells).unwrap_or_default() {
        *out.entry(cell).or_insert(0) -= n;
    }
    out.retain(|_, n| *n != 0);
    out
}

vocabulary!(
    /// What a quota (任务指标) counts.
    QuotaMeasure {
        /// 通过审核的活动
        Activities = "activities" / "活动",
        /// 千万IP创科普作品（未隐藏的）
        OnlinePosts = "online_posts" / "网络作品",
    }
);

/// Completion of a quota, in per cent (at most 100 for the bar; the count itself may pass).
pub fn completion_percent(count: i64, target: i64) -> i64 {
    if target <= 0 {
        return 100;
    }
    (count.saturating_mul(100) / target).clamp(0, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approved_in_county() -> Facts {
        Facts {
            status: Some(Status::Approved),
            path: RegionPath {
                province: Some("110000".into()),
                city: Some("110100".into()),
                county: Some("110101".into()),
            },
            section: Some("lecture".into()),
            audiences: vec!["students".into(), "elderly".into()],
            venue_type: Some("school".into()),
            mode: Some("offline".into()),
            expected: Some(100),
            real: Some(80),
            funding_yuan: Some(1234.6),
            scientists: Some(3),
            listed_in: vec![
                "110000".into(),
                "110100".into(),
                "110101".into(),
                "110105".into(),
            ],
            end: chrono::DateTime::from_timestamp(1_790_000_000, 0),
            org_id: Some(7),
            media_links: 2,
            supplement_on_time: true,
        }
    }

    #[test]
    fn only_an_approved_activity_has_listings_one_per_division_and_the_nation() {
        let listings = approved_in_county().listings();
        let codes: Vec<&str> = listings.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(codes, ["000000", "110000", "110100", "110101", "110105"]);
        assert!(listings.iter().all(|(_, s, _)| s == "lecture"));
        for status in [
            Status::Draft,
            Status::NationalRejected,
            Status::NationalReview,
        ] {
            let f = Facts {
                status: Some(status),
                ..approved_in_county()
            };
            assert!(f.listings().is_empty(), "{status:?}");
        }
    }

    #[test]
    fn an_approved_activity_counts_in_the_nation_and_each_of_its_divisions() {
        let cells = approved_in_county().cells();
        for scope in ["000000", "110000", "110100", "110101"] {
            assert_eq!(
                cells.get(&(scope.to_owned(), dim::STATUS, "approved".to_owned())),
                Some(&1)
            );
            assert_eq!(
                cells.get(&(scope.to_owned(), dim::SUM, "funding_yuan".to_owned())),
                Some(&1235)
            );
            assert_eq!(
                cells.get(&(scope.to_owned(), dim::AUDIENCE, "elderly".to_owned())),
                Some(&1)
            );
        }
    }

    #[test]
    fn a_unit_s_figures_are_kept_under_its_own_scope_but_it_lists_nothing() {
        let cells = approved_in_county().cells();
        let org = |d: &'static str, k: &str| cells.get(&(org_scope(7), d, k.to_owned())).copied();
        assert_eq!(org(dim::STATUS, "approved"), Some(1));
        assert_eq!(org(dim::SUM, "media_links"), Some(2));
        assert_eq!(org(dim::SUM, "with_scientists"), Some(1));
        assert_eq!(org(dim::SUM, "supplement_on_time"), Some(1));
        assert_eq!(org(dim::SUM, "real"), Some(80));
        assert_eq!(org(dim::LISTED, ALL), None);
        let none = Facts {
            scientists: Some(0),
            supplement_on_time: false,
            media_links: 0,
            ..approved_in_county()
        }
        .cells();
        for k in ["with_scientists", "supplement_on_time", "media_links"] {
            assert_eq!(
                none.get(&(org_scope(7), dim::SUM, k.to_owned())),
                None,
                "{k}"
            );
        }
    }

    #[test]
    fn an_approved_activity_is_listed_once_under_each_division_of_its_sessions() {
        let cells = approved_in_county().cells();
        let listed = |code: &str, key: &str| {
            cells
                .get(&(code.to_owned(), dim::LISTED, key.to_owned()))
                .copied()
        };
        assert_eq!(listed("110105", ALL), Some(1), "a session's county");
        assert_eq!(listed("110105", "lecture"), Some(1));
        assert_eq!(listed("000000", ALL), Some(1));
        assert_eq!(listed("110105", "exhibition"), None);
        // Counted by its own division only elsewhere.
        assert_eq!(
            cells.get(&("110105".to_owned(), dim::STATUS, "approved".to_owned())),
            None
        );
    }

    #[test]
    fn a_draft_counts_only_by_state() {
        let draft = Facts {
            status: Some(Status::Draft),
            ..approved_in_county()
        };
        let cells = draft.cells();
        assert!(cells.keys().all(|(_, d, _)| *d == dim::STATUS));
        assert_eq!(
            cells.len(),
            5,
            "the nation, three divisions and its first host"
        );
    }

    #[test]
    fn a_transition_moves_one_count_from_state_to_state_and_nothing_else() {
        let before = Facts {
            status: Some(Status::NationalReview),
            ..approved_in_county()
        };
        let after = Facts {
            real: None,
            ..approved_in_county()
        };
        let d = delta(Some(&before), Some(&after));
        assert_eq!(
            d.get(&(
                "110101".to_owned(),
                dim::STATUS,
                "national_review".to_owned()
            )),
            Some(&-1)
        );
        assert_eq!(
            d.get(&("000000".to_owned(), dim::STATUS, "approved".to_owned())),
            Some(&1)
        );
        let unchanged = delta(Some(&after), Some(&after));
        assert!(unchanged.is_empty());
    }

    #[test]
    fn quota_completion_is_capped_for_the_bar() {
        assert_eq!(completion_percent(5, 10), 50);
        assert_eq!(completion_percent(15, 10), 100);
        assert_eq!(completion_percent(0, 0), 100);
    }
}
