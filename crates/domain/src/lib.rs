//! kepu's pure rules: identifiers and newtypes parsed from user input, the campaign
//! configuration and its consistency rules, roles and jurisdiction levels.
//!
//! Nothing here does I/O. Every rule that both the HTML form and the JSON API apply lives
//! here once, with its Chinese message.

pub mod activity;
pub mod audit;
pub mod campaign;
pub mod consent;
pub mod credit_code;
pub mod errors;
pub mod geo;
pub mod nomination;
pub mod org;
pub mod phone;
pub mod posts;
pub mod region;
pub mod review;
pub mod role;
pub mod routes;
pub mod stats;
pub mod supplement;
pub mod text;
pub mod totp;

pub use errors::FieldErrors;
