//! Roles a user may hold, and which of them govern an area.

use serde::{Deserialize, Serialize};

use crate::region::RegionLevel;

/// A role. Administrator roles are bound to a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 活动举办单位 staff
    Host,
    /// 县级科协
    CountyAdmin,
    /// 市级科协
    CityAdmin,
    /// 省级管理员
    ProvinceAdmin,
    /// 全国管理员
    NationalAdmin,
    /// 评审专家
    Expert,
}

impl Role {
    /// Every role, in order of rank.
    pub const ALL: [Role; 6] = [
        Role::Host,
        Role::Expert,
        Role::CountyAdmin,
        Role::CityAdmin,
        Role::ProvinceAdmin,
        Role::NationalAdmin,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Host => "host",
            Role::CountyAdmin => "county_admin",
            Role::CityAdmin => "city_admin",
            Role::ProvinceAdmin => "province_admin",
            Role::NationalAdmin => "national_admin",
            Role::Expert => "expert",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| format!("未知角色“{raw}”"))
    }

    /// For an administrator role, the level of division it must be bound to
    /// (`None` inside means the whole country). `None` for roles that govern no area.
    pub fn governs(self) -> Option<Option<RegionLevel>> {
        match self {
            Role::CountyAdmin => Some(Some(RegionLevel::County)),
            Role::CityAdmin => Some(Some(RegionLevel::City)),
            Role::ProvinceAdmin => Some(Some(RegionLevel::Province)),
            Role::NationalAdmin => Some(None),
            Role::Host | Role::Expert => None,
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Role::Host => "活动举办单位",
            Role::CountyAdmin => "县级管理员",
            Role::CityAdmin => "市级管理员",
            Role::ProvinceAdmin => "省级管理员",
            Role::NationalAdmin => "全国管理员",
            Role::Expert => "评审专家",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse("root"), Err("未知角色“root”".to_owned()));
    }

    #[test]
    fn admin_roles_govern_their_level() {
        assert_eq!(
            Role::ProvinceAdmin.governs(),
            Some(Some(RegionLevel::Province))
        );
        assert_eq!(Role::NationalAdmin.governs(), Some(None));
        assert_eq!(Role::Host.governs(), None);
    }
}
