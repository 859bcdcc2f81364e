//! The review state machine (审核流程): draft → 省级审核中 → 全国审核中 → 已通过, with the
//! two rejections back to the host, and withdrawal (撤回) back to draft.

use serde::{Deserialize, Serialize};

/// An activity's review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿
    Draft,
    /// 省级审核中
    ProvinceReview,
    /// 省级审核不通过
    ProvinceRejected,
    /// 全国审核中
    NationalReview,
    /// 全国审核不通过
    NationalRejected,
    /// 已通过
    Approved,
}

/// Which level decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewLevel {
    /// A provincial administrator.
    Province,
    /// A national administrator.
    National,
}

impl ReviewLevel {
    /// The wire name: `province` or `national`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewLevel::Province => "province",
            ReviewLevel::National => "national",
        }
    }
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 通过
    Approve,
    /// 不通过
    Reject,
}

impl Status {
    /// Every state.
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::ProvinceReview,
        Status::ProvinceRejected,
        Status::NationalReview,
        Status::NationalRejected,
        Status::Approved,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::ProvinceReview => "province_review",
            Status::ProvinceRejected => "province_rejected",
            Status::NationalReview => "national_review",
            Status::NationalRejected => "national_rejected",
            Status::Approved => "approved",
        }
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::ProvinceReview => "省级审核中",
            Status::ProvinceRejected => "省级审核不通过",
            Status::NationalReview => "全国审核中",
            Status::NationalRejected => "全国审核不通过",
            Status::Approved => "已通过",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Result<Status, String> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| format!("未知的审核状态“{raw}”"))
    }

    /// Whether the host may edit (and submit) the activity in this state.
    pub fn editable(self) -> bool {
        matches!(
            self,
            Status::Draft | Status::ProvinceRejected | Status::NationalRejected
        )
    }

    /// Submitting: from an editable state into the first review. `national_direct` for an
    /// activity whose first host is a certified national-level organisation.
    pub fn submit(self, national_direct: bool) -> Result<Status, String> {
        if !self.editable() {
            return Err(format!(
                "活动当前为“{}”，不能提交；如需修改请先撤回",
                self.label()
            ));
        }
        Ok(if national_direct {
            Status::NationalReview
        } else {
            Status::ProvinceReview
        })
    }

    /// Withdrawing (撤回): from review or approved back to draft.
    pub fn withdraw(self) -> Result<Status, String> {
        match self {
            Status::ProvinceReview | Status::NationalReview | Status::Approved => Ok(Status::Draft),
            other => Err(format!("活动当前为“{}”，无需撤回", other.label())),
        }
    }

    /// The level that decides in this state, if any.
    pub fn reviewer(self) -> Option<ReviewLevel> {
        match self {
            Status::ProvinceReview => Some(ReviewLevel::Province),
            Status::NationalReview => Some(ReviewLevel::National),
            _ => None,
        }
    }

    /// A decision by `level`.
    pub fn decide(self, level: ReviewLevel, verdict: Verdict) -> Result<Status, String> {
        if self.reviewer() != Some(level) {
            return Err(format!("活动当前为“{}”，不在您的审核环节", self.label()));
        }
        Ok(match (level, verdict) {
            (ReviewLevel::Province, Verdict::Approve) => Status::NationalReview,
            (ReviewLevel::Province, Verdict::Reject) => Status::ProvinceRejected,
            (ReviewLevel::National, Verdict::Approve) => Status::Approved,
            (ReviewLevel::National, Verdict::Reject) => Status::NationalRejected,
        })
    }
}

/// The reason a decision carries: required to reject (1–500 characters), optional to approve.
pub fn parse_reason(verdict: Verdict, raw: Option<&str>) -> Result<Option<String>, String> {
    match (verdict, raw.map(str::trim).filter(|r| !r.is_empty())) {
        (Verdict::Reject, None) => Err("审核不通过时须填写理由".to_owned()),
        (_, None) => Ok(None),
        (_, Some(reason)) => crate::text::bounded(reason, "理由", 1, 500).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path() {
        let s = Status::Draft.submit(false).unwrap();
        assert_eq!(s, Status::ProvinceReview);
        let s = s.decide(ReviewLevel::Province, Verdict::Approve).unwrap();
        assert_eq!(s, Status::NationalReview);
        assert_eq!(
            s.decide(ReviewLevel::National, Verdict::Approve),
            Ok(Status::Approved)
        );
    }

    #[test]
    fn national_organisations_skip_the_province() {
        assert_eq!(Status::Draft.submit(true), Ok(Status::NationalReview));
    }

    #[test]
    fn rejections_go_back_to_the_host_who_may_resubmit() {
        let s = Status::ProvinceReview
            .decide(ReviewLevel::Province, Verdict::Reject)
            .unwrap();
        assert_eq!(s, Status::ProvinceRejected);
        assert!(s.editable());
        assert_eq!(s.submit(false), Ok(Status::ProvinceReview));
        let s = Status::NationalReview
            .decide(ReviewLevel::National, Verdict::Reject)
            .unwrap();
        assert_eq!(
            s.submit(false),
            Ok(Status::ProvinceReview),
            "re-enters review from the province"
        );
    }

    #[test]
    fn an_approved_activity_must_be_withdrawn_before_editing() {
        assert!(!Status::Approved.editable());
        assert_eq!(
            Status::Approved.submit(false),
            Err("活动当前为“已通过”，不能提交；如需修改请先撤回".to_owned())
        );
        assert_eq!(Status::Approved.withdraw(), Ok(Status::Draft));
        assert_eq!(Status::ProvinceReview.withdraw(), Ok(Status::Draft));
        assert_eq!(
            Status::Draft.withdraw(),
            Err("活动当前为“草稿”，无需撤回".to_owned())
        );
    }

    #[test]
    fn each_level_decides_only_its_own_step() {
        assert_eq!(
            Status::ProvinceReview.decide(ReviewLevel::National, Verdict::Approve),
            Err("活动当前为“省级审核中”，不在您的审核环节".to_owned())
        );
        assert!(
            Status::Approved
                .decide(ReviewLevel::National, Verdict::Reject)
                .is_err()
        );
        assert!(
            Status::Draft
                .decide(ReviewLevel::Province, Verdict::Approve)
                .is_err()
        );
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        assert_eq!(
            parse_reason(Verdict::Reject, Some(" ")),
            Err("审核不通过时须填写理由".to_owned())
        );
        assert_eq!(parse_reason(Verdict::Approve, None), Ok(None));
    }

    #[test]
    fn wire_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
        }
    }
}
