//! Paged lists: `page` ≥ 1, `per_page` 1–100 (default 20).

use serde::Serialize;

use crate::AppError;

/// The highest page number asked for.
pub const MAX_PAGE: i64 = 1_000_000_000;

/// A page request, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
}

impl Page {
    /// Checks the query parameters; out of range is malformed (400).
    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> Result<Page, AppError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        // Far past any list's end, and small enough that the rows to skip fit the
        // databases' OFFSET.
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(AppError::Malformed(format!(
                "页码须为1至{MAX_PAGE}之间的整数"
            )));
        }
        if !(1..=100).contains(&per_page) {
            return Err(AppError::Malformed("每页条数须在1至100之间".to_owned()));
        }
        Ok(Page {
            page: page.unsigned_abs(),
            per_page: per_page.unsigned_abs(),
        })
    }

    /// Rows to skip.
    pub fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// A page of items, as API.md answers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    /// The items.
    pub items: Vec<T>,
    /// How many there are in all.
    pub total: u64,
    /// This page.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}
