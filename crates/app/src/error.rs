//! The errors a use case can answer, by class. The web layer turns each class into a
//! status code and API.md's JSON error body in one place.
//!
//! Policy: every refusal a user can cause carries a Chinese message meant for that user;
//! `Internal` is the only class whose cause is hidden from the user, and it is logged once
//! with its cause where it is turned into a response.

use domain::FieldErrors;

/// A refusal or a failure of a use case.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// Malformed input: a parameter that does not parse or is out of range (400).
    #[error("{0}")]
    Malformed(String),
    /// Not logged in (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// Logged in but not allowed to do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// Not found, or not yours to see (404).
    #[error("{0}")]
    NotFound(String),
    /// A conflict: duplicate, wrong state, stale version (409); `existing_id` points to the
    /// record the input collides with, where there is one.
    #[error("{message}")]
    Conflict {
        /// Chinese message.
        message: String,
        /// The id of the existing record.
        existing_id: Option<i64>,
    },
    /// A rule broken (422), with messages by field.
    #[error("{message}")]
    Validation {
        /// Summary in Chinese.
        message: String,
        /// Messages by field.
        fields: FieldErrors,
    },
    /// A rule broken (422) with a machine-readable reason (`error.code`), the message
    /// beside one field.
    #[error("{message}")]
    Refused {
        /// `error.code`, e.g. `code_expired`.
        code: &'static str,
        /// The field the message belongs beside.
        field: &'static str,
        /// Chinese message.
        message: String,
    },
    /// A conflict with a machine-readable reason (409, `error.code`, e.g. `duplicate_work`).
    #[error("{message}")]
    Clash {
        /// `error.code`.
        code: &'static str,
        /// Chinese message.
        message: String,
    },
    /// An upload refused by its file rules (API.md: 413 `size`, 415 `container`, else 422),
    /// every broken rule listed in `error.rules`, the message beside `error.fields.file`.
    #[error("{message}")]
    FileRules {
        /// What class of refusal it answers as.
        refusal: FileRefusal,
        /// Every rule key broken.
        rules: Vec<&'static str>,
        /// Chinese message, every broken rule's message joined.
        message: String,
    },
    /// Not allowed, with a machine-readable reason (403, `error.code`, e.g.
    /// `not_sms_verified`).
    #[error("{message}")]
    Barred {
        /// `error.code`.
        code: &'static str,
        /// Chinese message.
        message: String,
    },
    /// A limit reached, with a machine-readable reason (429, `error.code`, e.g.
    /// `vote_limit`); try again after this many seconds.
    #[error("{message}")]
    Limited {
        /// `error.code`.
        code: &'static str,
        /// Chinese message.
        message: String,
        /// Seconds to wait.
        retry_after: i64,
    },
    /// Too many requests (429); try again after this many seconds.
    #[error("{message}")]
    TooMany {
        /// Chinese message.
        message: String,
        /// Seconds to wait.
        retry_after: i64,
    },
    /// An upload larger than allowed (413).
    #[error("{0}")]
    TooLarge(String),
    /// An upload of a type not accepted (415).
    #[error("{0}")]
    Unsupported(String),
    /// The SMS provider did not take the message (503).
    #[error("{0}")]
    Unavailable(String),
    /// Anything else: a bug or an outage. Never shown to the user.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The status class of a refused upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    /// Larger than allowed (413).
    TooLarge,
    /// Not the type accepted, by content (415).
    Unsupported,
    /// Other rules broken (422).
    Invalid,
}

impl AppError {
    /// An upload refused by `problems` (rule key, message), every one listed: 415 when the
    /// container is wrong, 413 when only the size is, else 422.
    pub fn file_rules(problems: Vec<(&'static str, String)>) -> AppError {
        let rules: Vec<&'static str> = problems.iter().map(|(k, _)| *k).collect();
        let refusal = if rules.contains(&"container") {
            FileRefusal::Unsupported
        } else if rules == ["size"] {
            FileRefusal::TooLarge
        } else {
            FileRefusal::Invalid
        };
        let message = problems
            .into_iter()
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
            .join("；");
        AppError::FileRules {
            refusal,
            rules,
            message,
        }
    }

    /// An internal error from any cause.
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
    }

    /// A 422 listing `fields`.
    pub fn invalid(fields: FieldErrors) -> AppError {
        AppError::Validation {
            message: "提交的内容有误，请按提示修改".to_owned(),
            fields,
        }
    }

    /// A 422 about one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> AppError {
        AppError::invalid(FieldErrors::single(field, message))
    }

    /// A 409 without a pointer.
    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::Conflict {
            message: message.into(),
            existing_id: None,
        }
    }

    /// Maps a failed insert: a unique violation becomes a 409 with `message`, anything
    /// else stays an internal error.
    pub fn conflict_if_unique(
        message: &'static str,
    ) -> impl FnOnce(store::sea_orm::DbErr) -> AppError {
        move |e| {
            if store::is_unique_violation(&e) {
                AppError::conflict(message)
            } else {
                e.into()
            }
        }
    }

    /// A 401 asking to log in.
    pub fn login_required() -> AppError {
        AppError::Unauthenticated("请先登录".to_owned())
    }
}

impl From<store::sea_orm::DbErr> for AppError {
    fn from(err: store::sea_orm::DbErr) -> AppError {
        AppError::Internal(err.to_string())
    }
}

impl From<FieldErrors> for AppError {
    fn from(fields: FieldErrors) -> AppError {
        AppError::invalid(fields)
    }
}
