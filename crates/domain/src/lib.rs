//! kepu's pure rules: identifiers and newtypes parsed from user input, the campaign
//! configuration and its consistency rules, roles and jurisdiction levels.
//!
//! Nothing here does I/O. Every rule that both the HTML form and the JSON API apply lives
//! here once, with its Chinese message.

/// A closed list of wire names, each with its Chinese label: `as_str`, `label`, `parse`
/// and `ALL`.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal / $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// The Chinese name.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Reads a wire name.
            pub fn parse(raw: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }
    };
}

pub mod activity;
pub mod audit;
pub mod campaign;
pub mod consent;
pub mod contest;
pub mod credit_code;
pub mod deadline;
pub mod entry;
pub mod errors;
pub mod evaluation;
pub mod evidence;
pub mod geo;
pub mod judging;
pub mod nomination;
pub mod org;
pub mod phone;
pub mod posts;
pub mod region;
pub mod resources;
pub mod review;
pub mod role;
pub mod routes;
pub mod scoring;
pub mod stats;
pub mod supplement;
pub mod text;
pub mod totp;

pub use errors::FieldErrors;
