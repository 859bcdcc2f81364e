//! Calendar feeds (RFC 5545): one VEVENT per activity, each linking to its page.

use chrono::{DateTime, FixedOffset, Utc};

use crate::activities::ActivityView;

/// Escapes a TEXT value.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

fn stamp(at: Option<DateTime<FixedOffset>>) -> Option<String> {
    at.map(|t| t.to_utc().format("%Y%m%dT%H%M%SZ").to_string())
}

/// A calendar of `activities` (as the public API shows them), linking to `base_url`.
pub fn calendar(
    activities: &[ActivityView],
    base_url: &str,
    now: DateTime<Utc>,
    host: &str,
) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kepu//全国科普日平台//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:全国科普日活动",
    ] {
        out.push_str(&fold(line));
    }
    let now = now.format("%Y%m%dT%H%M%SZ").to_string();
    for a in activities {
        let (id, f) = (a.id, &a.fields);
        let (Some(start), Some(end)) = (stamp(f.start), stamp(f.end)) else {
            continue;
        };
        let url = format!("{base_url}/activities/{id}");
        let place = f.address.as_deref().unwrap_or("线上活动");
        let details = domain::activity::visible_text(f.details.as_deref().unwrap_or_default());
        let description: String =
            format!("{}\n{url}", details.chars().take(500).collect::<String>());
        for line in [
            "BEGIN:VEVENT".to_owned(),
            format!("UID:activity-{id}@{host}"),
            format!("DTSTAMP:{now}"),
            format!("DTSTART:{start}"),
            format!("DTEND:{end}"),
            format!("SUMMARY:{}", escape(f.name.as_deref().unwrap_or_default())),
            format!("LOCATION:{}", escape(place)),
            format!("DESCRIPTION:{}", escape(&description)),
            format!("URL:{url}"),
            "END:VEVENT".to_owned(),
        ] {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_between_characters() {
        let folded = fold(&format!("SUMMARY:{}", "科普".repeat(40)));
        for line in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(
            folded.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "科普".repeat(40))
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
