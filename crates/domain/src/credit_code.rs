//! 统一社会信用代码 (unified social credit code, GB 32100-2015) with its check character.

/// The 31 characters the code is written in; a character's value is its index.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A valid 18-character credit code, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code and verifies its check character.
    pub fn parse(raw: &str) -> Result<CreditCode, String> {
        let code = raw.trim().to_ascii_uppercase();
        let values: Option<Vec<u32>> = code.chars().map(value_of).collect();
        let Some(values) = values.filter(|v| v.len() == 18) else {
            return Err("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）".to_owned());
        };
        let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let expected = (31 - sum % 31) % 31;
        if values.get(17) == Some(&expected) {
            Ok(CreditCode(code))
        } else {
            Err("统一社会信用代码校验位不正确，请核对".to_owned())
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(c: char) -> Option<u32> {
    ALPHABET.find(c).and_then(|i| u32::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_codes_with_a_correct_check_character() {
        // Published codes of real organisations.
        for good in [
            "91350100M000100Y43",
            "911100001000080343",
            "91110108551385082Q",
            "91440300708461136T",
        ] {
            assert!(CreditCode::parse(good).is_ok(), "{good}");
        }
        assert_eq!(
            CreditCode::parse("91350100m000100y43").map(|c| c.0),
            Ok("91350100M000100Y43".to_owned())
        );
    }

    #[test]
    fn refuses_a_wrong_check_character() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err("统一社会信用代码校验位不正确，请核对".to_owned())
        );
    }

    #[test]
    fn refuses_wrong_length_and_letters() {
        for bad in [
            "",
            "91350100M000100Y4",
            "91350100M000100Y433",
            "91350100I000100Y43",
        ] {
            assert_eq!(
                CreditCode::parse(bad),
                Err("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）".to_owned()),
                "{bad}"
            );
        }
    }
}
