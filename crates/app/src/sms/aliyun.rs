//! Aliyun (阿里云) SMS: the `SendSms` RPC call (dysmsapi, version 2017-05-25) signed with
//! HMAC-SHA1 as the provider's signature mechanism (签名机制, SignatureVersion 1.0) specifies.
//! Signing is pure and tested against the provider's documented example.

use async_trait::async_trait;
use base64::Engine;
use chrono::{DateTime, Utc};
use domain::phone::Phone;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use serde_json::{Value, json};

use super::SmsSender;
use crate::config::SmsConfig;

/// Percent-encoding as the provider specifies: RFC 3986 unreserved characters kept, every
/// other byte of the UTF-8 form as `%XX` (so a space is `%20`, `*` is `%2A`, `~` stays).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonicalised query: parameters sorted by name, each name and value encoded.
fn canonical(params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The string the signature is computed over.
pub fn string_to_sign(method: &str, params: &[(String, String)]) -> String {
    format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&canonical(params))
    )
}

/// The `Signature` parameter: base64 of HMAC-SHA1 keyed with the secret and `&`.
pub fn sign(secret: &str, method: &str, params: &[(String, String)]) -> String {
    let key = format!("{secret}&");
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign(method, params).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The parameters of a signed `SendSms` call with one template.
pub fn send_sms_params(
    config: &SmsConfig,
    template_code: &str,
    phone: &str,
    template_param_json: &str,
    timestamp: DateTime<Utc>,
    nonce: &str,
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("AccessKeyId", config.aliyun_access_key_id.as_str()),
        ("Action", "SendSms"),
        ("Format", "JSON"),
        ("PhoneNumbers", phone),
        ("RegionId", "cn-hangzhou"),
        ("SignName", config.aliyun_sign_name.as_str()),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("TemplateCode", template_code),
        ("TemplateParam", template_param_json),
        ("Version", "2017-05-25"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    params.push((
        "Timestamp".to_owned(),
        timestamp.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    ));
    let signature = sign(config.aliyun_access_key_secret.expose(), "POST", &params);
    params.push(("Signature".to_owned(), signature));
    params
}

/// A form body from parameters.
pub fn encode_form(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Sends login codes through Aliyun SMS, with a template holding a `${code}` parameter.
pub struct AliyunSender {
    config: SmsConfig,
    client: reqwest::Client,
}

impl AliyunSender {
    /// A sender from configuration; refuses incomplete keys.
    pub fn from_config(config: &SmsConfig) -> Result<AliyunSender, String> {
        if config.aliyun_access_key_id.is_empty()
            || config.aliyun_access_key_secret.expose().is_empty()
            || config.aliyun_sign_name.is_empty()
            || config.aliyun_template_code.is_empty()
        {
            return Err("阿里云短信需要配置 aliyun_access_key_id、aliyun_access_key_secret、aliyun_sign_name 和 aliyun_template_code".to_owned());
        }
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(AliyunSender {
            config: config.clone(),
            client,
        })
    }
}

impl AliyunSender {
    async fn send(&self, template_code: &str, phone: &Phone, param: Value) -> Result<(), String> {
        let nonce = crate::random_hex(16).map_err(|e| e.to_string())?;
        let params = send_sms_params(
            &self.config,
            template_code,
            phone.as_str(),
            &param.to_string(),
            Utc::now(),
            &nonce,
        );
        let response = self
            .client
            .post(&self.config.aliyun_endpoint)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(encode_form(&params))
            .send()
            .await
            .map_err(|e| format!("aliyun: {e}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or_default();
        match body.get("Code").and_then(|c| c.as_str()) {
            Some("OK") if status.is_success() => Ok(()),
            code => Err(format!(
                "aliyun answered {status} {}",
                code.unwrap_or("(no code)")
            )),
        }
    }
}

#[async_trait]
impl SmsSender for AliyunSender {
    async fn send_code(&self, phone: &Phone, code: &str) -> Result<(), String> {
        self.send(
            &self.config.aliyun_template_code,
            phone,
            json!({ "code": code }),
        )
        .await
    }

    async fn send_reminder(&self, phone: &Phone, name: &str, days: u32) -> Result<(), String> {
        if self.config.aliyun_reminder_template_code.is_empty() {
            return Err("未配置补充信息提醒的短信模板（aliyun_reminder_template_code）".to_owned());
        }
        let name: String = name.chars().take(20).collect();
        self.send(
            &self.config.aliyun_reminder_template_code,
            phone,
            json!({ "name": name, "days": days.to_string() }),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_params() -> Vec<(String, String)> {
        [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// The worked example of Aliyun SMS's signature documentation (HTTP协议及签名).
    #[test]
    fn reproduces_the_documented_example() {
        let expected_string = "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25";
        assert_eq!(string_to_sign("GET", &doc_params()), expected_string);
        assert_eq!(
            sign("testSecret", "GET", &doc_params()),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
    }

    #[test]
    fn order_of_parameters_does_not_matter() {
        let mut reversed = doc_params();
        reversed.reverse();
        assert_eq!(
            sign("testSecret", "GET", &reversed),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
    }

    #[test]
    fn percent_encoding_follows_the_provider() {
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("~-_."), "~-_.");
        assert_eq!(percent_encode("/=&+"), "%2F%3D%26%2B");
        assert_eq!(percent_encode("科"), "%E7%A7%91");
    }

    #[test]
    fn a_send_request_is_signed_with_the_configured_keys() {
        let config = SmsConfig {
            aliyun_access_key_id: "testId".to_owned(),
            aliyun_sign_name: "全国科普日".to_owned(),
            aliyun_template_code: "SMS_1".to_owned(),
            ..SmsConfig::default()
        };
        let at = DateTime::parse_from_rfc3339("2026-09-15T01:02:03Z")
            .unwrap()
            .to_utc();
        let params = send_sms_params(
            &config,
            "SMS_1",
            "13800138000",
            "{\"code\":\"123456\"}",
            at,
            "n1",
        );
        let get = |k: &str| {
            params
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(get("Timestamp"), "2026-09-15T01:02:03Z");
        assert_eq!(get("PhoneNumbers"), "13800138000");
        let unsigned: Vec<_> = params
            .iter()
            .filter(|(k, _)| k != "Signature")
            .cloned()
            .collect();
        assert_eq!(get("Signature"), sign("", "POST", &unsigned));
        assert!(encode_form(&params).contains("TemplateParam=%7B%22code%22%3A%22123456%22%7D"));
    }

    #[test]
    fn incomplete_keys_are_refused_and_complete_ones_make_a_client() {
        assert!(AliyunSender::from_config(&SmsConfig::default()).is_err());
        let config = SmsConfig {
            aliyun_access_key_id: "id".to_owned(),
            aliyun_access_key_secret: serde_json::from_str("\"secret\"").unwrap(),
            aliyun_sign_name: "全国科普日".to_owned(),
            aliyun_template_code: "SMS_1".to_owned(),
            ..SmsConfig::default()
        };
        assert!(
            AliyunSender::from_config(&config).is_ok(),
            "the TLS client builds with one crypto provider"
        );
    }
}
