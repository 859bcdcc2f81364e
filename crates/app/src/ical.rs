//! Calendar feeds (RFC 5545): one VEVENT per activity, each linking to its page.

use chrono::{DateTime, FixedOffset, Utc};

use crate::activities::ActivityView;

/// Escapes a TEXT value (RFC 5545 §3.3.11), trimmed: backslash, semicolon, comma and line
/// breaks are escaped; other control characters, which TEXT cannot hold, and every other kind
/// of space become plain spaces; and a run of
/// spaces becomes one, so that a folded line never has to begin with a space of the text
/// (readers that unfold by trimming every leading space would lose it).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Spaces at either end of a value are dropped by many readers: none are written.
    let mut chars = text
        .trim_matches(|c: char| c.is_whitespace() || c.is_control())
        .chars()
        .peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            // Any other space (an ideographic or a thin one) is a space to a reader that
            // trims lines: written as the plain space the folding keeps away from line ends.
            c if c.is_whitespace() || c.is_control() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The most characters a fold moves down to keep a space of the text off a line's ends.
const CARRIED_AT_MOST: usize = 8;

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character, and
/// not next to a space of the text where it can be helped: readers that trim each physical
/// line, or unfold by removing every leading space, would lose it. The characters around such
/// a space move down together, at most [`CARRIED_AT_MOST`] of them (text like "a b c d e"
/// could otherwise carry a whole line; there the fold stays where it is, as the RFC allows).
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    // Where the current physical line's text begins in `out`.
    let mut line_start = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            let mut carried = Vec::new();
            let mut first = c;
            let mut end = out.len();
            while (first == ' ' || out[line_start..end].ends_with(' '))
                && carried.len() < CARRIED_AT_MOST
            {
                match out[line_start..end].chars().next_back() {
                    Some(p) if end - p.len_utf8() > line_start + 1 => {
                        end -= p.len_utf8();
                        carried.push(p);
                        first = p;
                    }
                    _ => break,
                }
            }
            if first == ' ' || out[line_start..end].ends_with(' ') {
                // It could not be helped: fold here.
                carried.clear();
                end = out.len();
            }
            out.truncate(end);
            out.push_str("\r\n ");
            line_start = out.len() - 1;
            width = 1;
            for p in carried.into_iter().rev() {
                out.push(p);
                width += p.len_utf8();
            }
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
    let mut out = opening();
    out.push_str(&events(activities, base_url, now, host));
    out.push_str(&closing());
    out
}

/// The host a calendar's UIDs name: the configured site address without its scheme (never
/// the Host header a request came with).
pub fn host_of(base_url: &str) -> &str {
    base_url
        .split_once("://")
        .map_or(base_url, |(_, host)| host)
}

/// A calendar's first lines, before its events (a feed streams its events after these).
pub fn opening() -> String {
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
    out
}

/// A calendar's last line.
pub fn closing() -> String {
    fold("END:VCALENDAR")
}

/// One VEVENT per activity with both times, linking to `base_url`.
pub fn events(
    activities: &[ActivityView],
    base_url: &str,
    now: DateTime<Utc>,
    host: &str,
) -> String {
    let mut out = String::new();
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
        // Found by the fuzz target `ical`: controls TEXT cannot hold, and runs of spaces.
        assert_eq!(escape("a\r\nb\rc\u{12}d  \t e"), "a\\nb\\nc d e");
        assert_eq!(escape("\u{3000}名称,\u{2009}带 "), "名称\\, 带");
    }

    #[test]
    fn no_line_begins_or_ends_with_a_space_of_the_text() {
        // Found by the fuzz target `ical`: a space at the fold was lost by a reader.
        for before in [66, 67, 68] {
            let line = format!("SUMMARY:{} 和分号", "x".repeat(before));
            let folded = fold(&line);
            assert!(!folded.contains("\r\n  "), "{folded:?}");
            assert!(!folded.contains(" \r\n"), "{folded:?}");
            assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"));
            for line in folded.split("\r\n") {
                assert!(line.len() <= 75, "{} octets", line.len());
            }
        }
        // A character carried down must not leave the space before it at the line's end.
        let line = format!("SUMMARY:{}\\, 带 逗号", "名".repeat(20));
        let folded = fold(&line);
        assert!(
            !folded.contains(" \r\n") && !folded.contains("\r\n  "),
            "{folded:?}"
        );
        assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"));
        // Single characters between spaces cannot all move: the fold stays, and is correct.
        let line = format!("SUMMARY:{}", "a ".repeat(60));
        let folded = fold(&line);
        assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"));
        for line in folded.split("\r\n") {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
    }
}
