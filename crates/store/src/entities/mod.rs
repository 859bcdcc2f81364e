//! Table definitions. Timestamps are UTC; codes and vocabularies are stored as their wire
//! names (see the `domain` crate).

pub mod activity;
pub mod activity_region;
pub mod activity_session;
pub mod api_token;
pub mod audit;
pub mod campaign;
pub mod certificate;
pub mod checkin;
pub mod checkin_attempt;
pub mod contest;
pub mod contest_assignment;
pub mod contest_entry;
pub mod contest_entry_media;
pub mod contest_entry_transition;
pub mod contest_judge;
pub mod contest_vote;
pub mod contest_work_claim;
pub mod evaluation_judgement;
pub mod evaluation_scheme;
pub mod host_confirmation;
pub mod job;
pub mod link_check;
pub mod listing;
pub mod login_lock;
pub mod media;
pub mod nomination;
pub mod nomination_opinion;
pub mod notification;
pub mod online_post;
pub mod org;
pub mod org_member;
pub mod quota;
pub mod region;
pub mod resource;
pub mod resource_download;
pub mod resource_file;
pub mod review_hour;
pub mod route;
pub mod route_stop;
pub mod search_log;
pub mod sms_alarm;
pub mod sms_code;
pub mod stamp;
pub mod stat_count;
pub mod summary;
pub mod summary_file;
pub mod supplement;
pub mod transition;
pub mod user;
pub mod user_role;
pub mod venue;
pub mod web_session;

/// A row that lies in a division, by its `province_code`, `city_code` and `county_code`.
pub trait InArea {
    /// Its division's path.
    fn area(&self) -> domain::region::RegionPath;
}

macro_rules! in_area {
    ($($model:ty),+ $(,)?) => {
        $(impl InArea for $model {
            fn area(&self) -> domain::region::RegionPath {
                domain::region::RegionPath {
                    province: self.province_code.clone(),
                    city: self.city_code.clone(),
                    county: self.county_code.clone(),
                }
            }
        })+
    };
}

in_area!(
    activity::Model,
    contest::Model,
    evaluation_scheme::Model,
    online_post::Model,
    org::Model,
    route::Model,
    summary::Model,
    venue::Model,
);
