//! The rotating check-in code: RFC 6238 TOTP (HMAC-SHA1, T0 = 0) over a 20-byte secret, and
//! the secret's base32 form (RFC 4648, upper case, no padding) that authenticator apps and
//! `otpauth://` URIs use.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Bytes of a venue's secret (RFC 4226 recommends 160 bits).
pub const SECRET_BYTES: usize = 20;

/// The code of `step` (⌊unix time / period⌋) with `digits` digits (6–8), zero-padded.
pub fn code(secret: &[u8], step: u64, digits: u32) -> String {
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret) else {
        // HMAC takes keys of any length; this branch cannot be reached.
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    let digits = digits.clamp(6, 9);
    let value = binary % 10u32.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// The step a moment falls in.
pub fn step_at(unix_seconds: i64, period_s: u32) -> u64 {
    u64::try_from(unix_seconds.max(0)).unwrap_or(0) / u64::from(period_s.max(1))
}

/// How a typed code compares with the codes of the steps around now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// One of the accepted steps: `grace` steps back to one step ahead.
    Accepted {
        /// The step it matched.
        step: u64,
    },
    /// The code of one of the 20 steps before the accepted ones.
    Expired,
    /// Anything else.
    Invalid,
}

/// Steps before the accepted ones whose codes are answered as expired rather than wrong.
pub const EXPIRED_STEPS: u64 = 20;

/// Checks `typed` against the codes of `now`'s step: accepted from `grace` steps back to one
/// step ahead (a display clock running a little fast), expired for the 20 steps before
/// those, invalid otherwise. Codes are compared in constant time per step.
pub fn verify(
    secret: &[u8],
    now_unix: i64,
    period_s: u32,
    digits: u32,
    grace: u32,
    typed: &str,
) -> Verdict {
    let typed = typed.trim();
    if typed.len() != digits as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Verdict::Invalid;
    }
    let now = step_at(now_unix, period_s);
    let first = now.saturating_sub(u64::from(grace));
    let mut verdict = Verdict::Invalid;
    for step in first..=now + 1 {
        if same(&code(secret, step, digits), typed) {
            verdict = Verdict::Accepted { step };
        }
    }
    if verdict != Verdict::Invalid {
        return verdict;
    }
    for step in first.saturating_sub(EXPIRED_STEPS)..first {
        if same(&code(secret, step, digits), typed) {
            verdict = Verdict::Expired;
        }
    }
    verdict
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648), upper case, without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32 (either case, padding and spaces ignored); `None` for any other character.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let upper = c.to_ascii_uppercase();
        let value = ALPHABET.iter().position(|&a| char::from(a) == upper)?;
        buffer = (buffer << 5) | u32::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The `otpauth://` URI an authenticator app or an offline display is provisioned from.
pub fn otpauth_uri(label: &str, issuer: &str, secret: &[u8], period_s: u32, digits: u32) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={digits}&period={period_s}",
        enc(issuer),
        enc(label),
        base32(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, the SHA-1 rows: the 20-byte ASCII secret "12345678901234567890",
    /// 30-second steps, eight digits.
    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        let secret = b"12345678901234567890";
        for (time, expected) in [
            (59_i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code(secret, step_at(time, 30), 8), expected, "T = {time}");
        }
    }

    #[test]
    fn six_digits_are_the_last_six_of_the_truncation() {
        // RFC 4226 appendix D, counter 0 and 1.
        let secret = b"12345678901234567890";
        assert_eq!(code(secret, 0, 6), "755224");
        assert_eq!(code(secret, 1, 6), "287082");
    }

    #[test]
    fn accepted_expired_and_invalid_steps() {
        let secret = b"12345678901234567890";
        let now = 1_000_000_000_i64;
        let step = step_at(now, 30);
        let at = |s: u64| code(secret, s, 6);
        assert_eq!(
            verify(secret, now, 30, 6, 1, &at(step)),
            Verdict::Accepted { step }
        );
        assert_eq!(
            verify(secret, now, 30, 6, 1, &at(step - 1)),
            Verdict::Accepted { step: step - 1 }
        );
        assert_eq!(
            verify(secret, now, 30, 6, 1, &at(step + 1)),
            Verdict::Accepted { step: step + 1 }
        );
        assert_eq!(
            verify(secret, now, 30, 6, 1, &at(step - 2)),
            Verdict::Expired
        );
        assert_eq!(
            verify(secret, now, 30, 6, 1, &at(step - 21)),
            Verdict::Expired
        );
        assert_eq!(
            verify(secret, now, 30, 6, 1, &at(step + 2)),
            Verdict::Invalid
        );
        assert_eq!(
            verify(secret, now, 30, 6, 0, &at(step - 1)),
            Verdict::Expired
        );
        assert_eq!(verify(secret, now, 30, 6, 1, "12345"), Verdict::Invalid);
        assert_eq!(verify(secret, now, 30, 6, 1, "abcdef"), Verdict::Invalid);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(
            from_base32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq").as_deref(),
            Some(&b"12345678901234567890"[..])
        );
        assert_eq!(
            from_base32("MZXW6YTBOI======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(from_base32("M1"), None);
    }

    #[test]
    fn the_uri_names_the_secret_period_and_digits() {
        let uri = otpauth_uri("青岛科技馆", "kepu", b"12345678901234567890", 30, 6);
        assert!(uri.starts_with("otpauth://totp/kepu:%E9%9D%92"), "{uri}");
        assert!(uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        assert!(uri.ends_with("digits=6&period=30"));
    }
}
