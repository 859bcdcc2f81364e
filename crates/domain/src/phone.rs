//! Mainland China mobile numbers (手机号).

use std::fmt;

/// A mainland mobile number: `1[3-9]` followed by nine digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    /// Parses a number, accepting surrounding spaces and an optional `+86` prefix.
    pub fn parse(raw: &str) -> Result<Phone, String> {
        let trimmed = raw.trim();
        let digits = trimmed.strip_prefix("+86").unwrap_or(trimmed).trim();
        let bytes = digits.as_bytes();
        let well_formed = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes.first() == Some(&b'1')
            && bytes.get(1).is_some_and(|b| (b'3'..=b'9').contains(b));
        if well_formed {
            Ok(Phone(digits.to_owned()))
        } else if digits.is_empty() {
            Err("请填写手机号".to_owned())
        } else {
            Err("手机号格式不正确，应为11位中国大陆手机号".to_owned())
        }
    }

    /// The eleven digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with its middle four digits hidden (`138****8000`), for logs and lists.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks the middle of any phone-like string for logs.
pub fn mask(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "****".to_owned();
    }
    let head: String = chars.iter().take(3).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}****{tail}")
}

impl fmt::Display for Phone {
    /// Displays the masked form, so that a phone number never lands in a log by accident.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mainland_mobile_numbers() {
        assert_eq!(
            Phone::parse("13800138000").map(|p| p.0),
            Ok("13800138000".to_owned())
        );
        assert_eq!(
            Phone::parse(" +86 19912345678 ").map(|p| p.0),
            Ok("19912345678".to_owned())
        );
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "12800138000",
            "1380013800",
            "138001380000",
            "1380013800a",
            "２３８００１３８０００",
            "+8513800138000",
        ] {
            assert_eq!(
                Phone::parse(bad),
                Err("手机号格式不正确，应为11位中国大陆手机号".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(Phone::parse(""), Err("请填写手机号".to_owned()));
    }

    #[test]
    fn display_masks_the_number() {
        let phone = Phone::parse("13800138000").unwrap();
        assert_eq!(phone.to_string(), "138****8000");
    }
}
