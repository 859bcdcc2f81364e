//! 推优: an eligible activity (or an organising unit) is recommended by its host unit, then
//! each level above adds its opinion and passes it up or stops it. A level may start the
//! chain where those below did not; nobody acts twice, and nobody acts below a level that
//! already has.

use serde::{Deserialize, Serialize};

use crate::campaign::NominationLimits;

/// A level of the chain, lowest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 举办单位 (or the member unit or society it belongs to)
    Unit,
    /// 县级科协
    County,
    /// 市级科协
    City,
    /// 省级
    Province,
    /// 全国
    National,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 5] = [
        Level::Unit,
        Level::County,
        Level::City,
        Level::Province,
        Level::National,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unit => "unit",
            Level::County => "county",
            Level::City => "city",
            Level::Province => "province",
            Level::National => "national",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Result<Level, String> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == raw)
            .ok_or_else(|| format!("未知推荐层级“{raw}”"))
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Level::Unit => "举办单位",
            Level::County => "县级",
            Level::City => "市级",
            Level::Province => "省级",
            Level::National => "全国",
        }
    }

    /// How many this level may pass up in its area, from the campaign.
    pub fn limit(self, limits: &NominationLimits) -> Option<u32> {
        match self {
            Level::County => limits.county,
            Level::City => limits.city,
            Level::Province => limits.province,
            Level::Unit | Level::National => None,
        }
    }
}

/// Where a nomination stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Passed up by its last level; waiting for the next.
    Open,
    /// Stopped by a level.
    Stopped,
    /// Passed by the national level: on the final list.
    Final,
}

impl State {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Stopped => "stopped",
            State::Final => "final",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            State::Open => "推荐中",
            State::Stopped => "已终止",
            State::Final => "已列入全国最终名单",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Result<State, String> {
        match raw {
            "open" => Ok(State::Open),
            "stopped" => Ok(State::Stopped),
            "final" => Ok(State::Final),
            _ => Err(format!("未知推荐状态“{raw}”")),
        }
    }
}

/// A level's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Recommend it to the level above.
    #[default]
    Pass,
    /// Stop it here.
    Stop,
}

impl Decision {
    /// Parses a wire name.
    pub fn parse(raw: &str) -> Result<Decision, String> {
        match raw {
            "pass" => Ok(Decision::Pass),
            "stop" => Ok(Decision::Stop),
            _ => Err(format!("未知推荐意见“{raw}”")),
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Pass => "推荐",
            Decision::Stop => "终止",
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Stop => "stop",
        }
    }
}

/// The level at which someone holding `held` acts on a nomination that stands at `current`
/// (`None`: nobody has recommended it yet): the lowest of theirs above the last one that acted.
pub fn acting_level(current: Option<(Level, State)>, held: &[Level]) -> Result<Level, String> {
    let floor = match current {
        None => None,
        Some((level, State::Stopped)) => {
            return Err(format!("该推荐已被{}终止，不能继续推荐", level.label()));
        }
        Some((_, State::Final)) => return Err("该推荐已列入全国最终名单".to_owned()),
        Some((level, State::Open)) => Some(level),
    };
    held.iter()
        .copied()
        .filter(|l| floor.is_none_or(|f| *l > f))
        .min()
        .ok_or_else(|| match floor {
            Some(f) => format!("该推荐已由{}提出意见，须由更高一级继续", f.label()),
            None => "只有举办单位或所在地区的科协可以推荐".to_owned(),
        })
}

/// The state after `level` decides.
pub fn after(level: Level, decision: Decision) -> State {
    match (level, decision) {
        (_, Decision::Stop) => State::Stopped,
        (Level::National, Decision::Pass) => State::Final,
        (_, Decision::Pass) => State::Open,
    }
}

/// The refusal when a level has already passed up its limit in its area.
pub fn limit_problem(level: Level, limits: &NominationLimits, passed: u64) -> Option<String> {
    let limit = level.limit(limits)?;
    (passed >= u64::from(limit))
        .then(|| format!("{}推荐名额已用完（本活动季限{}项）", level.label(), limit))
}

/// Checks an opinion's text: required, at most 500 characters.
pub fn opinion_problem(opinion: &str) -> Option<String> {
    let n = opinion.trim().chars().count();
    if n == 0 {
        Some("请填写推荐意见".to_owned())
    } else if n > 500 {
        Some(format!("推荐意见不能超过500字（现为{n}字）"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_starts_and_each_level_above_follows() {
        assert_eq!(acting_level(None, &[Level::Unit]), Ok(Level::Unit));
        assert_eq!(
            acting_level(Some((Level::Unit, State::Open)), &[Level::County]),
            Ok(Level::County)
        );
    }

    #[test]
    fn a_level_may_start_where_those_below_did_not() {
        assert_eq!(acting_level(None, &[Level::Province]), Ok(Level::Province));
    }

    #[test]
    fn nobody_acts_at_or_below_the_last_level() {
        let err = acting_level(Some((Level::City, State::Open)), &[Level::County]).unwrap_err();
        assert!(err.contains("市级"), "{err}");
        assert!(acting_level(Some((Level::City, State::Open)), &[Level::City]).is_err());
    }

    #[test]
    fn a_stopped_or_final_nomination_takes_no_more_opinions() {
        let err =
            acting_level(Some((Level::County, State::Stopped)), &[Level::Province]).unwrap_err();
        assert!(err.contains("县级终止"), "{err}");
        assert!(acting_level(Some((Level::National, State::Final)), &[Level::National]).is_err());
    }

    #[test]
    fn someone_with_two_roles_acts_at_the_lowest_one_still_open() {
        assert_eq!(
            acting_level(
                Some((Level::County, State::Open)),
                &[Level::Province, Level::City]
            ),
            Ok(Level::City)
        );
    }

    #[test]
    fn the_national_pass_is_final_and_any_stop_stops() {
        assert_eq!(after(Level::National, Decision::Pass), State::Final);
        assert_eq!(after(Level::County, Decision::Pass), State::Open);
        assert_eq!(after(Level::Province, Decision::Stop), State::Stopped);
    }

    #[test]
    fn limits_come_from_the_campaign() {
        let limits = NominationLimits {
            county: Some(2),
            city: None,
            province: Some(10),
        };
        assert_eq!(limit_problem(Level::County, &limits, 1), None);
        let err = limit_problem(Level::County, &limits, 2).unwrap();
        assert!(err.contains("限2项"), "{err}");
        assert_eq!(limit_problem(Level::City, &limits, 1000), None);
    }

    #[test]
    fn an_opinion_is_required_and_bounded() {
        assert_eq!(opinion_problem("  "), Some("请填写推荐意见".to_owned()));
        assert!(opinion_problem(&"好".repeat(501)).is_some());
        assert_eq!(opinion_problem("同意推荐"), None);
    }
}
