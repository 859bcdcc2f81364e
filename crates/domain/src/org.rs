//! The organisation registry's vocabularies and the rules of an application.

use serde::{Deserialize, Serialize};

use crate::region::RegionLevel;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $message:literal, { $($variant:ident => $wire:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $(#[doc = $label] $variant,)+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            /// The Chinese name.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses a wire name.
            pub fn parse(raw: &str) -> Result<$name, String> {
                match raw { $($wire => Ok($name::$variant),)+ _ => Err($message.to_owned()) }
            }
        }
    };
}

vocabulary!(
    /// 单位类型
    OrgKind, "单位类型不在可选范围内", {
        Association => "association", "科协";
        Society => "society", "学会/协会/研究会";
        School => "school", "中小学";
        University => "university", "高校";
        Institute => "institute", "科研院所";
        Venue => "venue", "科技馆/博物馆/科普基地";
        Enterprise => "enterprise", "企业";
        Park => "park", "园区";
        Government => "government", "党政部门";
        Community => "community", "街道/社区/村";
        Other => "other", "其他";
    }
);

vocabulary!(
    /// 单位级别
    OrgLevel, "单位级别须为 national、province、city、county 或 grassroots", {
        National => "national", "全国";
        Province => "province", "省级";
        City => "city", "市级";
        County => "county", "县级";
        Grassroots => "grassroots", "基层";
    }
);

vocabulary!(
    /// 认证状态
    OrgStatus, "认证状态不正确", {
        Pending => "pending", "待认证";
        Certified => "certified", "已认证";
        Rejected => "rejected", "未通过认证";
    }
);

impl OrgLevel {
    /// The level an organisation has when none is given: that of its region.
    pub fn derived_from(region_level: Option<RegionLevel>) -> OrgLevel {
        match region_level {
            None => OrgLevel::National,
            Some(RegionLevel::Province) => OrgLevel::Province,
            Some(RegionLevel::City) => OrgLevel::City,
            Some(RegionLevel::County) => OrgLevel::County,
        }
    }
}

/// An organisation's full name as on its official seal: 2–100 characters.
pub fn parse_name(raw: &str) -> Result<String, String> {
    crate::text::bounded(raw, "单位全称", 2, 100)
}

/// A certification decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 通过
    Approve,
    /// 不通过
    Reject,
}

/// The reason a rejection must carry: 1–500 characters; optional when approving.
pub fn parse_reason(decision: Decision, raw: Option<&str>) -> Result<Option<String>, String> {
    match (decision, raw.map(str::trim).filter(|r| !r.is_empty())) {
        (Decision::Reject, None) => Err("不通过时须填写理由".to_owned()),
        (_, None) => Ok(None),
        (_, Some(reason)) => crate::text::bounded(reason, "理由", 1, 500).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Ok(*kind));
        }
        assert_eq!(
            OrgKind::parse("club"),
            Err("单位类型不在可选范围内".to_owned())
        );
        assert_eq!(
            OrgLevel::parse("village").map(|_| ()),
            Err("单位级别须为 national、province、city、county 或 grassroots".to_owned())
        );
    }

    #[test]
    fn level_is_derived_from_the_region() {
        assert_eq!(
            OrgLevel::derived_from(Some(RegionLevel::City)),
            OrgLevel::City
        );
        assert_eq!(OrgLevel::derived_from(None), OrgLevel::National);
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        assert_eq!(
            parse_reason(Decision::Reject, Some("  ")),
            Err("不通过时须填写理由".to_owned())
        );
        assert_eq!(parse_reason(Decision::Approve, None), Ok(None));
        assert_eq!(
            parse_reason(Decision::Reject, Some("名称与公章不符")),
            Ok(Some("名称与公章不符".to_owned()))
        );
    }

    #[test]
    fn names_are_two_to_a_hundred_characters() {
        assert_eq!(parse_name("科"), Err("单位全称至少2个字".to_owned()));
        assert!(parse_name(&"科".repeat(101)).is_err());
        assert_eq!(
            parse_name(" 唐山市科学技术协会 "),
            Ok("唐山市科学技术协会".to_owned())
        );
    }
}
