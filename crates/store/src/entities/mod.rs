//! Table definitions. Timestamps are UTC; codes and vocabularies are stored as their wire
//! names (see the `domain` crate).

pub mod activity;
pub mod activity_region;
pub mod activity_session;
pub mod api_token;
pub mod audit;
pub mod campaign;
pub mod host_confirmation;
pub mod job;
pub mod link_check;
pub mod listing;
pub mod login_lock;
pub mod media;
pub mod nomination;
pub mod nomination_opinion;
pub mod notification;
pub mod org;
pub mod org_member;
pub mod quota;
pub mod region;
pub mod search_log;
pub mod sms_alarm;
pub mod sms_code;
pub mod stat_count;
pub mod summary;
pub mod summary_file;
pub mod supplement;
pub mod transition;
pub mod user;
pub mod user_role;
pub mod web_session;
