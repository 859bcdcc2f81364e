//! Free text typed by people: normalised to NFC, trimmed, and measured in characters, not
//! bytes. Control characters never enter; single-line fields refuse the invisible
//! characters that make one name look like another or reverse how a line reads.

use unicode_normalization::UnicodeNormalization;

/// A control character no text may carry: C0 (tab, line feed and carriage return
/// excepted), DEL and C1.
pub fn forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A character that changes how a line reads without being seen: bidi embeddings,
/// overrides, isolates and marks, zero-width spaces and joiners, the byte-order mark.
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{FEFF}'
            | '\u{2060}'
    )
}

/// Text as stored: Unicode NFC.
pub fn nfc(raw: &str) -> String {
    raw.nfc().collect()
}

/// The message for a single-line field holding a control or invisible character, if any.
pub fn single_line_problem(value: &str, label: &str) -> Option<String> {
    if value.chars().any(char::is_control) {
        return Some(format!("{label}含有不可见的控制字符"));
    }
    if value.chars().any(invisible) {
        return Some(format!(
            "{label}含有不可见的格式字符（如零宽字符或文字方向控制符），请删除后重试"
        ));
    }
    None
}

/// The key two organisation names are compared by: compatibility forms folded (NFKC:
/// full-width letters, ideographic spaces), invisible characters and soft hyphens dropped,
/// white space removed, letters in lower case. Twins of a name share its key.
pub fn name_key(raw: &str) -> String {
    raw.nfkc()
        .filter(|c| !invisible(*c) && *c != '\u{00AD}' && !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Trims `raw` and checks that it has `min..=max` characters; `label` names the field in
/// the Chinese message.
pub fn bounded(raw: &str, label: &str, min: usize, max: usize) -> Result<String, String> {
    let value = nfc(raw);
    let value = value.trim();
    let chars = value.chars().count();
    if chars == 0 && min > 0 {
        return Err(format!("请填写{label}"));
    }
    if chars < min {
        return Err(format!("{label}至少{min}个字"));
    }
    if chars > max {
        return Err(format!("{label}不能超过{max}个字"));
    }
    if let Some(problem) = single_line_problem(value, label) {
        return Err(problem);
    }
    Ok(value.to_owned())
}

/// A person's name as shown on the site (1–30 characters).
pub fn person_name(raw: &str) -> Result<String, String> {
    bounded(raw, "姓名", 1, 30)
}

/// Reads a nested object that may be absent or `null`; anything but an object (an array,
/// which serde would otherwise take for the struct's fields in order) is refused:
/// `#[serde(default, deserialize_with = "domain::text::object")]` on an `Option<T>`.
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = <Option<serde_json::Value> as serde::Deserialize>::deserialize(d)?;
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v @ serde_json::Value::Object(_)) => serde_json::from_value(v)
            .map(Some)
            .map_err(serde::de::Error::custom),
        Some(_) => Err(serde::de::Error::custom("须为 JSON 对象")),
    }
}

/// The reason given with a decision: blank is none; otherwise 2–500 characters; when the
/// decision `needs` one and there is none, `missing` is the message.
pub fn reason(raw: Option<&str>, needs: bool, missing: &str) -> Result<Option<String>, String> {
    let given = raw.map(str::trim).filter(|r| !r.is_empty());
    match given {
        Some(r) => bounded(r, "理由", 2, 500).map(Some),
        None if needs => Err(missing.to_owned()),
        None => Ok(None),
    }
}

/// Reads a query parameter given empty (a form's blank filter) as one not given:
/// `#[serde(default, deserialize_with = "domain::text::blank_as_none")]`.
pub fn blank_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(raw.filter(|v| !v.trim().is_empty()))
}

/// Reads a field that may be absent (keep), `null` (clear) or given:
/// `#[serde(default, deserialize_with = "domain::text::given")]` on an `Option<Option<T>>`.
pub fn given<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert_eq!(bounded("科普日", "名称", 2, 3), Ok("科普日".to_owned()));
        assert_eq!(
            bounded("科普日活动", "名称", 2, 3),
            Err("名称不能超过3个字".to_owned())
        );
        assert_eq!(bounded("科", "名称", 2, 3), Err("名称至少2个字".to_owned()));
        assert_eq!(bounded("   ", "名称", 2, 3), Err("请填写名称".to_owned()));
    }

    #[test]
    fn look_alike_names_share_a_key() {
        let key = name_key("ABC科技馆");
        for twin in [
            "ABC\u{200B}科技馆",
            "ＡＢＣ科技馆",
            "\u{FEFF}ABC科技馆",
            "ABC\u{3000}科技馆",
            "AB\u{00AD}C科技馆",
            "abc 科技馆",
        ] {
            assert_eq!(name_key(twin), key, "{twin:?}");
        }
        assert_ne!(name_key("ABD科技馆"), key);
    }

    #[test]
    fn single_lines_refuse_invisible_characters() {
        assert!(person_name("张\u{202E}三").is_err());
        assert!(person_name("张\u{200D}三").is_err());
        assert!(person_name("\u{FEFF}张三").is_err());
        assert_eq!(person_name("e\u{301}"), Ok("\u{e9}".to_owned()), "NFC");
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(person_name("张\u{0}三").is_err());
        assert_eq!(person_name(" 张三 "), Ok("张三".to_owned()));
    }
}
