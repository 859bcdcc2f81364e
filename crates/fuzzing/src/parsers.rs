//! Targets of the pure parsers: identifiers, the HTML sanitiser, the calendar and the
//! search-query builder.

use std::sync::OnceLock;

use app::activities::ActivityView;
use chrono::{TimeZone, Utc};
use domain::credit_code::CreditCode;
use domain::phone::Phone;
use store::search::{SearchDoc, SearchIndex};

/// Phone, credit code and division code: what parses once parses again to the same value,
/// and what is refused is refused with a message.
pub fn identifiers(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    match Phone::parse(&raw) {
        Ok(phone) => {
            assert_eq!(Phone::parse(phone.as_str()).as_ref(), Ok(&phone));
            assert_eq!(phone.as_str().len(), 11, "{phone:?}");
            assert!(phone.masked().contains("****"), "{phone:?}");
        }
        Err(message) => assert!(!message.is_empty()),
    }
    match CreditCode::parse(&raw) {
        Ok(code) => {
            assert_eq!(CreditCode::parse(code.as_str()).as_ref(), Ok(&code));
            assert_eq!(code.as_str().len(), 18, "{code:?}");
        }
        Err(message) => assert!(!message.is_empty()),
    }
    match domain::region::parse_code(&raw) {
        Ok(code) => {
            assert_eq!(domain::region::parse_code(&code).as_ref(), Ok(&code));
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
        Err(message) => assert!(!message.is_empty()),
    }
}

/// Tag names that must never survive sanitising.
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "form", "input", "svg", "math", "meta", "link",
    "base", "frame", "frameset", "template", "textarea", "button", "select",
];

/// The tags of sanitised HTML, each as its name and its attributes (name, value). The
/// sanitiser escapes every `<` of text, so each `<` left opens a tag.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = rest.get(open + 1..).unwrap_or_default();
        let rest_chars: Vec<char> = rest.chars().collect();
        let mut i = 0;
        let mut name = String::new();
        while let Some(&c) = rest_chars.get(i) {
            if c.is_whitespace() || c == '>' {
                break;
            }
            name.push(c);
            i += 1;
        }
        let mut attributes = Vec::new();
        loop {
            while rest_chars
                .get(i)
                .is_some_and(|c| c.is_whitespace() || *c == '/')
            {
                i += 1;
            }
            match rest_chars.get(i) {
                None | Some('>') => break,
                Some(_) => {}
            }
            let mut attribute = String::new();
            while let Some(&c) = rest_chars.get(i) {
                if c.is_whitespace() || c == '=' || c == '>' {
                    break;
                }
                attribute.push(c);
                i += 1;
            }
            let mut value = String::new();
            if rest_chars.get(i) == Some(&'=') {
                i += 1;
                if rest_chars.get(i) == Some(&'"') {
                    i += 1;
                    while let Some(&c) = rest_chars.get(i) {
                        i += 1;
                        if c == '"' {
                            break;
                        }
                        value.push(c);
                    }
                }
            }
            attributes.push((attribute.to_ascii_lowercase(), value));
        }
        let consumed: usize = rest_chars.iter().take(i).map(|c| c.len_utf8()).sum();
        rest = rest.get(consumed..).unwrap_or_default();
        out.push((name.to_ascii_lowercase(), attributes));
    }
    out
}

/// The details sanitiser: a fixed point, with no script, event handler or script URL left.
pub fn sanitiser(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let once = domain::activity::sanitise_details(&raw);
    let twice = domain::activity::sanitise_details(&once);
    assert_eq!(once, twice, "sanitising is not a fixed point for {raw:?}");
    for (name, attributes) in tags(&once) {
        let bare = name.trim_start_matches('/');
        assert!(
            !FORBIDDEN_TAGS.contains(&bare),
            "<{name}> survived in {once:?}"
        );
        for (attribute, value) in attributes {
            assert!(
                !attribute.starts_with("on"),
                "{attribute} survived on <{name}> in {once:?}"
            );
            // As a browser reads the URL (WHATWG URL §4.4): the serialiser's entities decoded,
            // leading and trailing C0 controls and spaces stripped, tabs and line breaks
            // removed anywhere; then a scheme is letters up to the first colon.
            let decoded = value
                .replace("&quot;", "\"")
                .replace("&nbsp;", "\u{a0}")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            let squeezed: String = decoded
                .trim_matches(|c: char| c <= ' ')
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(
                    !squeezed.starts_with(scheme),
                    "{attribute}={value:?} survived on <{name}> in {once:?}"
                );
            }
        }
    }
}

/// Undoes the calendar's TEXT escaping (RFC 5545 §3.3.11).
fn unescaped(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The calendar: any name, place and details give lines of at most 75 octets that unfold
/// (RFC 5545 §3.1) into a calendar a real reader parses back to the same name and place.
pub fn ical(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let mut parts = raw.split('\u{0}');
    let name = parts.next().unwrap_or_default().to_owned();
    let address = parts.next().unwrap_or_default().to_owned();
    let details = parts.next().unwrap_or_default().to_owned();
    let mut view = ActivityView::example();
    view.fields.name = Some(name.clone());
    view.fields.address = Some(address.clone());
    view.fields.details = Some(domain::activity::sanitise_details(&details));
    let now = Utc
        .with_ymd_and_hms(2026, 9, 1, 0, 0, 0)
        .single()
        .expect("a time");
    let calendar = app::ical::calendar(&[view], "https://kepu.example.cn", now, "kepu.example.cn");
    assert!(calendar.ends_with("\r\n"), "{calendar:?}");
    for line in calendar.split("\r\n") {
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "a bare line break in {line:?}"
        );
    }
    // Unfolded as RFC 5545 §3.1 says (a line break and one space or tab removed), so that
    // the reader's own unfolding, which also trims lines, is not what is tested.
    let unfolded = calendar.replace("\r\n ", "").replace("\r\n\t", "");
    let parsed = ical::IcalParser::new(std::io::BufReader::new(unfolded.as_bytes()))
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("the calendar does not parse ({e}): {calendar:?}"));
    let event = parsed.events.first().expect("one event");
    for wanted in ["SUMMARY", "LOCATION", "DESCRIPTION", "DTSTART", "URL"] {
        assert!(
            event.properties.iter().any(|p| p.name == wanted),
            "the reader finds no {wanted} in {calendar:?}"
        );
    }
    // The values as RFC 5545 reads them: everything after the colon that ends the name (the
    // reader above drops every colon a value begins with).
    let property = |wanted: &str| {
        unfolded
            .split("\r\n")
            .find_map(|line| line.strip_prefix(wanted)?.strip_prefix(':'))
            .unwrap_or_default()
            .to_owned()
    };
    // A reader sees what was written, but that a control character a content line cannot
    // hold shows as a space, any line break as one, and a run of spaces as one.
    let readable = |text: &str| -> String {
        let mut out = String::new();
        for c in text.replace("\r\n", "\n").replace('\r', "\n").chars() {
            let c = if c != '\n' && (c.is_control() || c.is_whitespace()) {
                ' '
            } else {
                c
            };
            if !(c == ' ' && out.ends_with(' ')) {
                out.push(c);
            }
        }
        out.trim_matches(|c: char| c == ' ' || c == '\n').to_owned()
    };
    assert_eq!(readable(&unescaped(&property("SUMMARY"))), readable(&name));
    if !address.is_empty() {
        assert_eq!(
            readable(&unescaped(&property("LOCATION"))),
            readable(&address)
        );
    }
}

/// Names in the search target's index.
const NAMES: &[&str] = &[
    "走进天文馆：秋夜观星",
    "科普讲座：人工智能与未来生活",
    "Robot Workshop 机器人工作坊",
    "中医药文化进社区",
];

fn index() -> &'static (tempfile::TempDir, SearchIndex) {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a folder");
        let index = SearchIndex::open(dir.path()).expect("an index");
        let docs: Vec<SearchDoc> = NAMES
            .iter()
            .zip(1..)
            .map(|(name, id)| SearchDoc {
                id,
                name: (*name).to_owned(),
                text: "三门峡市湖滨区科技馆".to_owned(),
                start: 1_789_000_000 + id,
            })
            .collect();
        index.apply(&docs, &[], 1).expect("documents indexed");
        (dir, index)
    })
}

/// The search-query builder: any words are answered, and a piece of a name finds it.
pub fn search(data: &[u8]) {
    let (_, index) = index();
    let (pick, rest) = crate::split(data, 2);
    if pick == 0 {
        let query = String::from_utf8_lossy(rest);
        let found = index.search(&query, 20);
        assert!(found.is_ok(), "{query:?}: {found:?}");
        return;
    }
    // Two bytes choose a name and where a piece of it starts, a third how long it is.
    let [which, from, length, ..] = rest else {
        return;
    };
    let name: Vec<char> = NAMES
        .get(usize::from(*which) % NAMES.len())
        .copied()
        .unwrap_or_default()
        .chars()
        .collect();
    let from = usize::from(*from) % name.len();
    let length = 2 + usize::from(*length) % 6;
    let piece: String = name.iter().skip(from).take(length).collect();
    if piece.chars().count() < 2
        || piece
            .chars()
            .any(|c| c.is_whitespace() || !c.is_alphanumeric())
    {
        return;
    }
    let found = index.search(&piece, 20).expect("an answer");
    let id = i64::try_from(usize::from(*which) % NAMES.len() + 1).unwrap_or_default();
    assert!(
        found.ids.contains(&id),
        "{piece:?} does not find {:?}",
        NAMES.get(usize::from(*which) % NAMES.len())
    );
}
