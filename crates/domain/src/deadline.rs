//! Review deadlines (the issue "Evaluation and oversight"): each review level has a number of
//! working days, set by the campaign, to decide what reaches it. Working days are Monday to
//! Friday, less the campaign's holidays, plus its make-up working days (调休). A review is
//! due at the end (24:00, China time) of its last working day; its reviewers are reminded at
//! 09:00 the day before; past the due time it is overdue. Decision times are kept as an
//! hourly histogram per province (a rollup), from which the median and the 90th percentile
//! are read by nearest rank.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::campaign::{BEIJING, beijing_date};
use crate::review::ReviewLevel;

/// Working days each review level has to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewDays {
    /// 省级审核
    pub province: u32,
    /// 全国审核
    pub national: u32,
}

impl ReviewDays {
    /// The days of one level.
    pub fn of(&self, level: ReviewLevel) -> u32 {
        match level {
            ReviewLevel::Province => self.province,
            ReviewLevel::National => self.national,
        }
    }
}

/// Which days are working days.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    /// Weekdays off (法定节假日).
    pub holidays: &'a [NaiveDate],
    /// Weekend days worked (调休).
    pub workdays: &'a [NaiveDate],
}

impl Calendar<'_> {
    /// Whether `day` is a working day.
    pub fn works(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }
}

/// The end of a China day, as an instant (the next day's 00:00 in China).
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    next.and_time(NaiveTime::MIN)
        .and_local_timezone(BEIJING)
        .single()
        .map_or_else(|| next.and_time(NaiveTime::MIN).and_utc(), |t| t.to_utc())
}

/// When a review entered at `entered` is due: the end of the `days`-th working day after
/// the day it entered (0: the end of that day).
pub fn review_due(entered: DateTime<Utc>, days: u32, calendar: Calendar<'_>) -> DateTime<Utc> {
    let mut day = beijing_date(entered);
    let mut left = days;
    // A year of holidays at most lies between two working days: the bound is generous.
    let mut guard = u64::from(days) * 7 + 400;
    while left > 0 && guard > 0 {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        if calendar.works(day) {
            left -= 1;
        }
        guard -= 1;
    }
    end_of(day)
}

/// When a review due at `due` is reminded: 09:00 in China the day before its last day.
pub fn reminder_at(due: DateTime<Utc>) -> DateTime<Utc> {
    let last = beijing_date(due - chrono::Duration::seconds(1));
    let before = last.checked_sub_days(Days::new(1)).unwrap_or(last);
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN);
    before
        .and_time(nine)
        .and_local_timezone(BEIJING)
        .single()
        .map_or(due, |t| t.to_utc())
}

/// A due time as people write it: the last day and 24:00 when it falls at midnight in
/// China (`2026-07-06 24:00`, not `2026-07-07 00:00`), else the day and time.
pub fn due_text(due: DateTime<Utc>) -> String {
    let local = due.with_timezone(&BEIJING);
    if local.time() == NaiveTime::MIN {
        let day = local.date_naive().pred_opt().unwrap_or(local.date_naive());
        format!("{} 24:00", day.format("%Y-%m-%d"))
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// Whether a review due at `due` is overdue at `now`.
pub fn overdue(due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= due
}

/// The histogram bucket of a decision that took from `entered` to `decided`: whole hours.
pub fn hours_taken(entered: DateTime<Utc>, decided: DateTime<Utc>) -> i64 {
    (decided - entered).num_hours().max(0)
}

/// The nearest-rank percentile (`p` in 0–100) of an hourly histogram (hours → count);
/// none when it is empty.
pub fn percentile(histogram: &BTreeMap<i64, i64>, p: u32) -> Option<i64> {
    let n: i64 = histogram.values().filter(|c| **c > 0).sum();
    if n == 0 {
        return None;
    }
    // The smallest value with at least ⌈p·n/100⌉ values at or below it.
    let rank = (i64::from(p) * n + 99) / 100;
    let rank = rank.max(1);
    let mut seen = 0;
    for (hours, count) in histogram {
        seen += (*count).max(0);
        if seen >= rank {
            return Some(*hours);
        }
    }
    histogram.keys().next_back().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn china(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        BEIJING.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().to_utc()
    }

    #[test]
    fn three_working_days_skip_the_weekend_the_holidays_and_count_a_make_up_day() {
        let none = Calendar {
            holidays: &[],
            workdays: &[],
        };
        // Entered Thursday 2026-09-17: Fri, Mon, Tue → due at the end of Tuesday 09-22.
        assert_eq!(
            review_due(china(2026, 9, 17, 15), 3, none),
            china(2026, 9, 23, 0)
        );
        // 0 days: the end of the day it entered.
        assert_eq!(
            review_due(china(2026, 9, 17, 15), 0, none),
            china(2026, 9, 18, 0)
        );
        // National Day: 10-01 to 10-07 off (the weekdays among them holidays), Sunday 09-27
        // worked. Entered Friday 09-25: Sun 27, Mon 28, Tue 29 → due the end of 09-29.
        let holidays = [
            day(2026, 10, 1),
            day(2026, 10, 2),
            day(2026, 10, 5),
            day(2026, 10, 6),
            day(2026, 10, 7),
        ];
        let national_day = Calendar {
            holidays: &holidays,
            workdays: &[day(2026, 9, 27)],
        };
        assert_eq!(
            review_due(china(2026, 9, 25, 10), 3, national_day),
            china(2026, 9, 30, 0)
        );
        // Entered 09-30: the holidays pass, Thursday 10-08 is the first working day after.
        assert_eq!(
            review_due(china(2026, 9, 30, 10), 1, national_day),
            china(2026, 10, 9, 0)
        );
    }

    #[test]
    fn the_reminder_comes_the_morning_before_the_last_day_and_overdue_is_past_the_due_time() {
        let due = china(2026, 9, 23, 0);
        assert_eq!(reminder_at(due), china(2026, 9, 21, 9));
        assert_eq!(due_text(due), "2026-09-22 24:00");
        assert_eq!(due_text(china(2026, 9, 22, 17)), "2026-09-22 17:00");
        assert!(!overdue(due, due - chrono::Duration::seconds(1)));
        assert!(overdue(due, due));
    }

    #[test]
    fn percentiles_are_read_by_nearest_rank() {
        // Ten decisions, by hand: 1, 2, 2, 5, 8, 8, 8, 20, 30, 72 hours.
        let mut h = BTreeMap::new();
        for x in [1, 2, 2, 5, 8, 8, 8, 20, 30, 72] {
            *h.entry(x).or_insert(0) += 1;
        }
        // Median: the 5th value (8); 90th: the 9th (30).
        assert_eq!(percentile(&h, 50), Some(8));
        assert_eq!(percentile(&h, 90), Some(30));
        assert_eq!(percentile(&h, 100), Some(72));
        assert_eq!(percentile(&BTreeMap::new(), 50), None);
        assert_eq!(hours_taken(china(2026, 9, 1, 9), china(2026, 9, 2, 8)), 23);
    }
}
