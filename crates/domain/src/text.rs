//! Free text typed by people: trimmed, and measured in characters, not bytes.

/// Trims `raw` and checks that it has `min..=max` characters; `label` names the field in
/// the Chinese message.
pub fn bounded(raw: &str, label: &str, min: usize, max: usize) -> Result<String, String> {
    let value = raw.trim();
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
    if value.chars().any(|c| c.is_control()) {
        return Err(format!("{label}含有不可见的控制字符"));
    }
    Ok(value.to_owned())
}

/// A person's name as shown on the site (1–30 characters).
pub fn person_name(raw: &str) -> Result<String, String> {
    bounded(raw, "姓名", 1, 30)
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
    fn control_characters_are_refused() {
        assert!(person_name("张\u{0}三").is_err());
        assert_eq!(person_name(" 张三 "), Ok("张三".to_owned()));
    }
}
