//! Black-box tests of kepu's HTTP interface, each run on SQLite and on PostgreSQL.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly where its setup does"
)]

mod support;

mod accounts;
mod activities;
mod associations;
mod audit;
mod auth;
mod campaigns;
mod contests;
mod deadlines;
mod entries;
mod evaluations;
mod evidence;
mod hardening;
mod judging;
mod orgs;
mod pages;
mod people;
mod portal;
mod posts;
mod public;
mod regions;
mod resources;
mod results;
mod routes;
mod s3;
mod supplements;
mod system;
