//! Text enters here once. A query, a path, a form or a JSON body that carries a control
//! character (NUL and its kind; tab, line feed and carriage return excepted) is refused with
//! a Chinese reason before any handler, and so any database, sees it.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::text::forbidden_control;

use crate::error::ApiError;

/// The largest JSON or form body read here (the handlers' own limits are smaller).
const TEXT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Middleware: refuses control characters in the path, the query, and JSON or form bodies.
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let path = urlencoding::decode_binary(request.uri().path().as_bytes());
    if String::from_utf8_lossy(&path)
        .chars()
        .any(forbidden_control)
    {
        return refuse(api, "地址中含有不允许的控制字符".to_owned());
    }
    if let Some(name) = request.uri().query().and_then(bad_pair) {
        return refuse(
            api,
            format!("参数“{name}”含有不允许的控制字符（如 NUL），请删除后重试"),
        );
    }
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let json = kind.starts_with("application/json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return next.run(request).await;
    }
    let too_large = || {
        ApiError::Http(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "请求内容过大".to_owned(),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > TEXT_BODY_LIMIT) {
        return too_large().into_response();
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, TEXT_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(e) if e.to_string().contains("length limit") => return too_large().into_response(),
        // The body stopped arriving (the idle timeout) or the client went away.
        Err(_) => {
            return ApiError::Http(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "请求内容未能完整接收（传输中断或超时），请重试".to_owned(),
            )
            .into_response();
        }
    };
    let bad = if json {
        escaped_control(&bytes).then(String::new)
    } else {
        std::str::from_utf8(&bytes).ok().and_then(bad_pair)
    };
    if let Some(name) = bad {
        let message = if name.is_empty() {
            "提交的内容含有不允许的控制字符（如 NUL），请删除后重试".to_owned()
        } else {
            format!("“{name}”含有不允许的控制字符（如 NUL），请删除后重试")
        };
        return refuse(api, message);
    }
    // Every JSON body of the API is an object (serde would read a struct from an array).
    if json
        && api
        && bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b != b'{')
    {
        return refuse(api, "请求体须为 JSON 对象".to_owned());
    }
    let bytes = if json {
        whole_numbers_as_integers(&bytes).map_or(bytes, Bytes::from)
    } else {
        bytes
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// JSON has one kind of number: `2030.0` is the number `2030`, and JSON Schema counts it
/// an integer. A body whose whole numbers are written with a fraction is rewritten with
/// them as integers, so that every integer field reads it; `None` when there is nothing to
/// rewrite (or the body is not JSON at all, which its handler reports).
fn whole_numbers_as_integers(bytes: &[u8]) -> Option<Vec<u8>> {
    use serde_json::Value;
    fn walk(v: &mut Value) -> bool {
        match v {
            Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
                // Beyond 2^53 a float no longer names one integer.
                Some(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                    #[expect(clippy::cast_possible_truncation, reason = "whole and in range")]
                    let whole = f as i64;
                    *v = Value::from(whole);
                    true
                }
                _ => false,
            },
            // Every item is walked (no short cut): each whole number is rewritten.
            Value::Array(items) => {
                items
                    .iter_mut()
                    .map(walk)
                    .filter(|changed| *changed)
                    .count()
                    > 0
            }
            Value::Object(map) => {
                map.values_mut()
                    .map(walk)
                    .filter(|changed| *changed)
                    .count()
                    > 0
            }
            _ => false,
        }
    }
    if !bytes.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    let mut value: Value = serde_json::from_slice(bytes).ok()?;
    if !walk(&mut value) {
        return None;
    }
    serde_json::to_vec(&value).ok()
}

/// Middleware: a body that declares more than the largest upload any route takes is refused
/// at once, before a byte of it is read.
pub async fn refuse_declared_oversize(limit: usize, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::Http(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("请求内容过大：最多{}MB", limit / 1024 / 1024),
        )
        .into_response();
    }
    next.run(request).await
}

fn refuse(api: bool, message: String) -> Response {
    let err = app::AppError::Malformed(message);
    if api {
        ApiError::App(err).into_response()
    } else {
        crate::pages::error_page(&err)
    }
}

/// The name of the first `name=value` pair whose name or value holds a control character.
fn bad_pair(encoded: &str) -> Option<String> {
    encoded.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            let plus = s.replace('+', " ");
            String::from_utf8_lossy(&urlencoding::decode_binary(plus.as_bytes())).into_owned()
        };
        let (name, value) = (decode(name), decode(value));
        (name.chars().chain(value.chars()).any(forbidden_control)).then(|| {
            name.chars()
                .filter(|c| !forbidden_control(*c))
                .take(40)
                .collect()
        })
    })
}

/// Whether a JSON text holds a `\uXXXX` escape of a forbidden control character (raw
/// control characters inside strings are invalid JSON and refused by the parser).
fn escaped_control(bytes: &Bytes) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'u')
            && let Some(hex) = bytes.get(i + 2..i + 6)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(unit) = u32::from_str_radix(hex, 16)
            && char::from_u32(unit).is_some_and(forbidden_control)
        {
            return true;
        }
        i += 2;
    }
    false
}

/// What a refusal made outside our handlers (by the router or an extractor) says, in
/// Chinese, when it brought no message of its own.
fn plain_refusal(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "该地址不支持此请求方法"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "请求内容的格式不正确（Content-Type 与内容不符）",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "malformed",
            "提交的内容无法识别（字段重复或类型不符），请刷新页面后重试",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "提交的内容过大"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "请求内容传输超时，请重试"),
        StatusCode::NOT_FOUND => ("not_found", "未找到"),
        s if s.is_server_error() => ("internal", "服务器内部错误，请稍后重试"),
        _ => ("malformed", "请求格式不正确"),
    }
}

/// Middleware: every refusal speaks the contract. An API answer of 4xx or 5xx always has the
/// JSON error body; a page's is always an HTML page — whatever produced it (the router's
/// 405, an extractor's plain-text 415 or 422, a JSON refusal from the edge checks).
pub async fn speak_the_contract(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let is_json = kind.starts_with("application/json");
    let is_html = kind.starts_with("text/html");
    if (api && is_json) || (!api && is_html) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let (code, fallback) = plain_refusal(status);
    let said: Option<String> = if is_json {
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
    } else {
        None
    };
    let message = said.unwrap_or_else(|| fallback.to_owned());
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let remade = if api {
        ApiError::Http(status, code, message).into_response()
    } else {
        crate::pages::refusal_page(status, message)
    };
    let (remade_parts, remade_body) = remade.into_parts();
    for (name, value) in &remade_parts.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    Response::from_parts(parts, remade_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_read_as_json_reads_them() {
        assert!(escaped_control(&Bytes::from_static(br#"{"a":"x\u0000"}"#)));
        assert!(escaped_control(&Bytes::from_static(br#"{"a":"\u001F"}"#)));
        assert!(!escaped_control(&Bytes::from_static(br#"{"a":"\\u0000"}"#)));
        assert!(!escaped_control(&Bytes::from_static(
            br#"{"a":"a\nb\t\u000a"}"#
        )));
        assert!(!escaped_control(&Bytes::from_static(
            "{\"a\":\"科普\"}".as_bytes()
        )));
    }

    #[test]
    fn pairs_are_decoded_before_they_are_checked() {
        assert_eq!(bad_pair("section=%00"), Some("section".to_owned()));
        assert_eq!(bad_pair("q=%E7%A7%91&x=a%01b"), Some("x".to_owned()));
        assert_eq!(bad_pair("details=a%0D%0Ab%09c&q=+"), None);
    }

    #[test]
    fn whole_numbers_written_as_floats_are_integers() {
        let read = |raw: &str| {
            whole_numbers_as_integers(raw.as_bytes())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        assert_eq!(
            read(r#"{"year":2030.0,"ids":[1.0,2],"x":{"y":-5e2}}"#).as_deref(),
            Some(r#"{"ids":[1,2],"x":{"y":-500},"year":2030}"#)
        );
        // Fractions stay, and so does a body with nothing to rewrite or no JSON at all.
        assert_eq!(read(r#"{"funding_yuan":3500.5}"#), None);
        assert_eq!(read(r#"{"name":"3.0"}"#), None);
        assert_eq!(read("{not json.0"), None);
        assert_eq!(read(r#"{"big":1e300}"#), None);
    }
}
