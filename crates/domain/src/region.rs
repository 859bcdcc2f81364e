//! Administrative divisions (行政区划): codes, levels and the tree they form.

use serde::{Deserialize, Serialize};

/// The code that stands for the whole country (a national administrator's region).
pub const NATIONAL: &str = "000000";

/// The level of a division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    /// 省级
    Province,
    /// 地级
    City,
    /// 县级
    County,
}

impl RegionLevel {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
            RegionLevel::County => "county",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Result<RegionLevel, String> {
        match raw {
            "province" => Ok(RegionLevel::Province),
            "city" => Ok(RegionLevel::City),
            "county" => Ok(RegionLevel::County),
            _ => Err("区划级别须为 province、city 或 county".to_owned()),
        }
    }

    /// The level a child of this level has, if any.
    pub fn child(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::Province => Some(RegionLevel::City),
            RegionLevel::City => Some(RegionLevel::County),
            RegionLevel::County => None,
        }
    }
}

/// A six-digit division code. Jurisdiction follows the tree (parent codes), never the digits.
pub fn parse_code(raw: &str) -> Result<String, String> {
    let code = raw.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err("区划代码应为6位数字".to_owned())
    }
}

/// A division's place in the tree: its own code and those of its ancestors, by level.
/// Stored beside every record that belongs to an area, so that "everything under X"
/// is an indexed equality on one column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionPath {
    /// The province the record lies in.
    pub province: Option<String>,
    /// The city (地级) it lies in, if it is at city level or below.
    pub city: Option<String>,
    /// The county it lies in, if it is at county level.
    pub county: Option<String>,
}

impl RegionPath {
    /// The path of a division given its level and its ancestors' codes, nearest first.
    pub fn from_chain(chain: &[(String, RegionLevel)]) -> RegionPath {
        let mut path = RegionPath::default();
        for (code, level) in chain {
            let slot = match level {
                RegionLevel::Province => &mut path.province,
                RegionLevel::City => &mut path.city,
                RegionLevel::County => &mut path.county,
            };
            *slot = Some(code.clone());
        }
        path
    }

    /// The codes on the path, province first.
    pub fn codes(&self) -> impl Iterator<Item = String> + '_ {
        [&self.province, &self.city, &self.county]
            .into_iter()
            .flatten()
            .cloned()
    }

    /// Whether a division `code` of `level` is this path's division or one of its ancestors,
    /// i.e. whether an administrator bound to `code` governs what lies at this path.
    pub fn is_within(&self, code: &str, level: Option<RegionLevel>) -> bool {
        match level {
            None => code == NATIONAL,
            Some(RegionLevel::Province) => self.province.as_deref() == Some(code),
            Some(RegionLevel::City) => self.city.as_deref() == Some(code),
            Some(RegionLevel::County) => self.county.as_deref() == Some(code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> RegionPath {
        RegionPath::from_chain(&[
            ("411222".to_owned(), RegionLevel::County),
            ("411200".to_owned(), RegionLevel::City),
            ("410000".to_owned(), RegionLevel::Province),
        ])
    }

    #[test]
    fn a_county_lies_within_its_city_province_and_the_nation() {
        let p = path();
        assert!(p.is_within("411200", Some(RegionLevel::City)));
        assert!(p.is_within("410000", Some(RegionLevel::Province)));
        assert!(p.is_within("411222", Some(RegionLevel::County)));
        assert!(p.is_within(NATIONAL, None));
    }

    #[test]
    fn it_does_not_lie_within_other_areas() {
        let p = path();
        assert!(!p.is_within("610000", Some(RegionLevel::Province)));
        assert!(!p.is_within("411300", Some(RegionLevel::City)));
        assert!(!p.is_within("410000", None));
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(parse_code("411200"), Ok("411200".to_owned()));
        assert_eq!(parse_code("41120"), Err("区划代码应为6位数字".to_owned()));
        assert_eq!(parse_code("41120a"), Err("区划代码应为6位数字".to_owned()));
    }
}
