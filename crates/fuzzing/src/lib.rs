//! The bodies of kepu's fuzz targets, one function per parser of user input.
//!
//! `fuzz/` (cargo-fuzz, nightly) calls these from libFuzzer; `tests/corpora.rs` replays the
//! committed corpora through the same functions on stable, so a crash found once stays a
//! failing test. Each function panics when a promise is broken, and only then:
//!
//! - the HTTP targets (bodies, multipart, query parameters, `If-Match`) send the input
//!   through the real router and app on an embedded database; every answer must be below
//!   500, and an API refusal must carry a message;
//! - the parser targets check a property of the parser's answer (a parsed phone reads back
//!   the same, sanitised HTML keeps no script and is a fixed point, a calendar parses back
//!   to what went in, a decoded image is within the limits, a found word is found).
#![expect(
    clippy::expect_used,
    reason = "a fuzz target's set-up fails loudly, and a broken promise is a panic"
)]

mod files;
mod http;
mod parsers;
mod seeds;

pub use files::{image, mp4, xlsx};
pub use http::{bodies, if_match, multipart, query};
pub use parsers::{ical, identifiers, sanitiser, search};
pub use seeds::seeds;

/// A target's body: one input, and a panic when a promise is broken.
pub type Target = fn(&[u8]);

/// Every target, by the name of its folder under `fuzz/corpus/` and its binary in
/// `fuzz/fuzz_targets/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("bodies", bodies),
    ("multipart", multipart),
    ("query", query),
    ("if_match", if_match),
    ("identifiers", identifiers),
    ("sanitiser", sanitiser),
    ("ical", ical),
    ("image", image),
    ("mp4", mp4),
    ("xlsx", xlsx),
    ("search", search),
];

/// The first byte picks among `n` variants; the rest is the input.
fn split(data: &[u8], n: u8) -> (u8, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (first % n, rest),
        None => (0, data),
    }
}
