//! Consent to show people in a photo or a video (PIPL 第十三条, and 第二十八、三十一条 for
//! children under 14, whose information is sensitive and needs a guardian's consent). The
//! host says, for each photo or video, which case holds; kepu stores the answer with the
//! file and refuses an upload without one.

use serde::{Deserialize, Serialize};

/// Which case holds for the people shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// Nobody can be recognised (a hall, an exhibit, people from behind).
    Nobody,
    /// Everyone recognisable agreed, and no child under 14 is recognisable.
    Adults,
    /// Children under 14 are recognisable, and their guardians agreed.
    Guardians,
}

/// What an upload without an answer is told.
pub const MISSING: &str = "请确认画面中可识别人员的同意情况：含14岁以下儿童的，须取得其监护人同意";

impl Consent {
    /// Every case, in the order a form offers them.
    pub const ALL: [Consent; 3] = [Consent::Nobody, Consent::Adults, Consent::Guardians];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Nobody => "nobody",
            Consent::Adults => "adults",
            Consent::Guardians => "guardians",
        }
    }

    /// Reads a wire name; an empty answer is [`MISSING`].
    pub fn parse(raw: &str) -> Result<Consent, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(MISSING.to_owned());
        }
        Consent::ALL
            .into_iter()
            .find(|c| c.as_str() == raw)
            .ok_or_else(|| format!("同意情况须为 nobody、adults 或 guardians，收到“{raw}”"))
    }

    /// The answer an upload keeps: a file that can show people (a photo or a video) needs
    /// one, anything else keeps none.
    pub fn kept(shows_people: bool, given: Option<Consent>) -> Result<Option<Consent>, String> {
        match (shows_people, given) {
            (false, _) => Ok(None),
            (true, Some(c)) => Ok(Some(c)),
            (true, None) => Err(MISSING.to_owned()),
        }
    }

    /// What the host confirms, in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            Consent::Nobody => "画面中没有可识别的个人",
            Consent::Adults => "可识别的人员均已同意使用，且不含14岁以下儿童",
            Consent::Guardians => "含14岁以下儿童，已取得其监护人的同意",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_reads_back_and_nothing_else_does() {
        for c in Consent::ALL {
            assert_eq!(Consent::parse(c.as_str()), Ok(c));
        }
        assert_eq!(Consent::parse(" "), Err(MISSING.to_owned()));
        assert_eq!(
            Consent::parse("yes"),
            Err("同意情况须为 nobody、adults 或 guardians，收到“yes”".to_owned())
        );
    }

    #[test]
    fn only_what_can_show_people_needs_an_answer() {
        assert_eq!(Consent::kept(true, None), Err(MISSING.to_owned()));
        assert_eq!(
            Consent::kept(true, Some(Consent::Guardians)),
            Ok(Some(Consent::Guardians))
        );
        assert_eq!(Consent::kept(false, Some(Consent::Adults)), Ok(None));
        assert_eq!(Consent::kept(false, None), Ok(None));
    }
}
