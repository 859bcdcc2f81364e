//! Black-box tests of kepu's HTTP interface, each run on SQLite and on PostgreSQL.

mod support;

mod auth;
mod campaigns;
mod orgs;
mod pages;
mod regions;
mod system;
