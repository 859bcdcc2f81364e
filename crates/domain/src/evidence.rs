//! Evidence checks on supplements (the issue "Evaluation and oversight"): flags for the
//! reviewing administrator, never refusals. What a photo says of itself is read from its
//! original bytes at upload, before re-encoding strips it: the capture time and the GPS
//! position (EXIF), kept privately with the upload; and a perceptual hash (a 64-bit
//! difference hash) that survives resizing and re-compression, to find the same photo
//! reused across activities.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::campaign::BEIJING;

/// What a photo's EXIF says: when and where it was taken, as far as it says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PhotoFacts {
    /// `DateTimeOriginal` (China time unless `OffsetTimeOriginal` says otherwise).
    pub taken_at: Option<DateTime<Utc>>,
    /// WGS-84 latitude and longitude.
    pub position: Option<(f64, f64)>,
}

/// Reads the EXIF of a JPEG from its first bytes (the APP1 segment comes before the image
/// data); nothing when there is none or it does not parse. Never panics on any input.
pub fn read_jpeg_exif(bytes: &[u8]) -> PhotoFacts {
    let Some(tiff) = exif_segment(bytes) else {
        return PhotoFacts::default();
    };
    parse_tiff(tiff).unwrap_or_default()
}

/// The TIFF block of the first `Exif\0\0` APP1 segment.
fn exif_segment(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        // Start of scan or end of image: no more metadata segments.
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let body = bytes.get(at + 4..at + 2 + len)?;
        if marker == 0xE1 && body.starts_with(b"Exif\0\0") {
            return body.get(6..);
        }
        at += 2 + len;
    }
    None
}

struct Tiff<'a> {
    data: &'a [u8],
    little: bool,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b = self.data.get(at..at + 2)?;
        Some(if self.little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b = self.data.get(at..at + 4)?;
        Some(if self.little {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    }

    /// The entries of the IFD at `offset`: (tag, type, count, value-or-offset position).
    fn entries(&self, offset: usize) -> Vec<(u16, u16, u32, usize)> {
        let Some(n) = self.u16(offset) else {
            return Vec::new();
        };
        (0..usize::from(n).min(512))
            .filter_map(|i| {
                let e = offset + 2 + i * 12;
                Some((self.u16(e)?, self.u16(e + 2)?, self.u32(e + 4)?, e + 8))
            })
            .collect()
    }

    /// Where an entry's value lies: in the entry when it fits 4 bytes, else at its offset.
    fn value_at(&self, kind: u16, count: u32, field: usize) -> Option<usize> {
        let size = match kind {
            1 | 2 | 7 => 1,
            3 => 2,
            4 | 9 => 4,
            5 | 10 => 8,
            _ => return None,
        };
        let bytes = size * usize::try_from(count).ok()?;
        if bytes <= 4 {
            Some(field)
        } else {
            usize::try_from(self.u32(field)?).ok()
        }
    }

    fn ascii(&self, kind: u16, count: u32, field: usize) -> Option<String> {
        if kind != 2 {
            return None;
        }
        let at = self.value_at(kind, count, field)?;
        let raw = self.data.get(at..at + usize::try_from(count).ok()?)?;
        let text = raw.split(|b| *b == 0).next()?;
        std::str::from_utf8(text).ok().map(str::to_owned)
    }

    fn rationals(&self, kind: u16, count: u32, field: usize) -> Option<Vec<f64>> {
        if kind != 5 || count == 0 || count > 8 {
            return None;
        }
        let at = self.value_at(kind, count, field)?;
        (0..usize::try_from(count).ok()?)
            .map(|i| {
                let n = f64::from(self.u32(at + i * 8)?);
                let d = f64::from(self.u32(at + i * 8 + 4)?);
                (d != 0.0).then_some(n / d)
            })
            .collect()
    }
}

fn parse_tiff(data: &[u8]) -> Option<PhotoFacts> {
    let little = match data.get(..4)? {
        [b'I', b'I', 42, 0] => true,
        [b'M', b'M', 0, 42] => false,
        _ => return None,
    };
    let t = Tiff { data, little };
    let ifd0 = usize::try_from(t.u32(4)?).ok()?;
    let mut exif_ifd = None;
    let mut gps_ifd = None;
    let mut plain_time = None;
    for (tag, kind, count, field) in t.entries(ifd0) {
        match tag {
            0x8769 => exif_ifd = t.u32(field).and_then(|o| usize::try_from(o).ok()),
            0x8825 => gps_ifd = t.u32(field).and_then(|o| usize::try_from(o).ok()),
            0x0132 => plain_time = t.ascii(kind, count, field),
            _ => {}
        }
    }
    let mut original = None;
    let mut offset = None;
    if let Some(at) = exif_ifd {
        for (tag, kind, count, field) in t.entries(at) {
            match tag {
                0x9003 => original = t.ascii(kind, count, field),
                0x9011 => offset = t.ascii(kind, count, field),
                _ => {}
            }
        }
    }
    let taken_at = original
        .or(plain_time)
        .and_then(|s| exif_time(&s, offset.as_deref()));
    let mut position = None;
    if let Some(at) = gps_ifd {
        let (mut lat_ref, mut lat, mut lon_ref, mut lon) = (None, None, None, None);
        for (tag, kind, count, field) in t.entries(at) {
            match tag {
                1 => lat_ref = t.ascii(kind, count, field),
                2 => lat = t.rationals(kind, count, field),
                3 => lon_ref = t.ascii(kind, count, field),
                4 => lon = t.rationals(kind, count, field),
                _ => {}
            }
        }
        let degrees = |v: Vec<f64>| -> Option<f64> {
            Some(v.first()? + v.get(1).unwrap_or(&0.0) / 60.0 + v.get(2).unwrap_or(&0.0) / 3600.0)
        };
        if let (Some(lat), Some(lon)) = (lat.and_then(degrees), lon.and_then(degrees)) {
            let lat = if lat_ref.as_deref() == Some("S") {
                -lat
            } else {
                lat
            };
            let lon = if lon_ref.as_deref() == Some("W") {
                -lon
            } else {
                lon
            };
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
                position = Some((lat, lon));
            }
        }
    }
    Some(PhotoFacts { taken_at, position })
}

/// `YYYY:MM:DD HH:MM:SS`, at `offset` (`+08:00`) or China time.
fn exif_time(raw: &str, offset: Option<&str>) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(raw.trim(), "%Y:%m:%d %H:%M:%S").ok()?;
    let zone = offset
        .and_then(|o| {
            DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{}", o.trim())).ok()
        })
        .map(|d| *d.offset())
        .unwrap_or(BEIJING);
    local.and_local_timezone(zone).single().map(|t| t.to_utc())
}

/// The difference hash of a 9×8 grayscale thumbnail (row by row): bit i is set when a
/// pixel is brighter than its right neighbour.
pub fn dhash(gray9x8: &[u8; 72]) -> u64 {
    let mut hash = 0_u64;
    for row in 0..8 {
        for col in 0..8 {
            let left = gray9x8[row * 9 + col];
            let right = gray9x8[row * 9 + col + 1];
            hash = (hash << 1) | u64::from(left > right);
        }
    }
    hash
}

/// How many bits two hashes differ by.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// The four 16-bit parts of a hash, each indexed: two hashes within 3 bits share one, so a
/// lookup by parts finds every near copy that close, and most farther ones.
pub fn parts(hash: u64) -> [i64; 4] {
    [48, 32, 16, 0].map(|shift| i64::from((hash >> shift) as u16))
}

vocabulary!(
    /// What an evidence flag is about.
    FlagKind {
        /// 拍摄时间与活动时间不符
        PhotoTime = "photo_time" / "拍摄时间不符",
        /// 拍摄地点远离活动地点
        PhotoPlace = "photo_place" / "拍摄地点不符",
        /// 照片与其他活动的照片相同
        PhotoReused = "photo_reused" / "照片重复使用",
        /// 媒体报道链接无法访问
        LinkDead = "link_dead" / "链接无法访问",
        /// 实际参与人数远超预计
        Turnout = "turnout" / "参与人数异常",
    }
);

/// An evidence flag on a supplement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Flag {
    /// What it is about.
    pub kind: FlagKind,
    /// The photo it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_id: Option<i64>,
    /// What was found, in a sentence.
    pub detail: String,
}

/// The thresholds of the checks (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// A photo taken more than this many days before the activity's start or after its end
    /// is flagged.
    pub time_days: i64,
    /// A photo taken farther than this from the activity's place (or any session's) is
    /// flagged.
    pub place_km: f64,
    /// Two photos whose hashes differ by at most this many bits are the same photo.
    pub reuse_bits: u32,
    /// Real participants above this multiple of the expected number are flagged.
    pub turnout_factor: f64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            time_days: 2,
            place_km: 50.0,
            reuse_bits: 6,
            turnout_factor: 3.0,
        }
    }
}

/// Great-circle distance in km between two (lat, lon) points.
pub fn km_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// The time flag of a photo taken at `taken` for an activity held `from`–`to`.
pub fn time_flag(
    media_id: i64,
    taken: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    t: &Thresholds,
) -> Option<Flag> {
    let slack = chrono::Duration::days(t.time_days);
    if taken >= from - slack && taken <= to + slack {
        return None;
    }
    let day = |d: DateTime<Utc>| d.with_timezone(&BEIJING).format("%Y-%m-%d").to_string();
    Some(Flag {
        kind: FlagKind::PhotoTime,
        media_id: Some(media_id),
        detail: format!(
            "照片拍摄于{}，活动时间为{}至{}",
            day(taken),
            day(from),
            day(to)
        ),
    })
}

/// The place flag of a photo taken at `at` for an activity held at `places` (its own and
/// its sessions'): flagged when farther than the threshold from every one.
pub fn place_flag(
    media_id: i64,
    at: (f64, f64),
    places: &[(f64, f64)],
    t: &Thresholds,
) -> Option<Flag> {
    let nearest = places
        .iter()
        .map(|p| km_between(at, *p))
        .fold(f64::INFINITY, f64::min);
    if !nearest.is_finite() || nearest <= t.place_km {
        return None;
    }
    Some(Flag {
        kind: FlagKind::PhotoPlace,
        media_id: Some(media_id),
        detail: format!("照片拍摄地点距活动地点约{:.0}公里", nearest),
    })
}

/// The turnout flag: real participants far above the expected number.
pub fn turnout_flag(real: i64, expected: Option<i64>, t: &Thresholds) -> Option<Flag> {
    let expected = expected.filter(|e| *e > 0)?;
    if (real as f64) <= expected as f64 * t.turnout_factor {
        return None;
    }
    Some(Flag {
        kind: FlagKind::Turnout,
        media_id: None,
        detail: format!("实际参与人数{real}人，远超预计的{expected}人"),
    })
}

/// A minimal little-endian EXIF APP1 segment with `DateTimeOriginal` (`YYYY:MM:DD
/// HH:MM:SS`) and a GPS position (degrees, minutes, hundredths of seconds), laid out as a
/// camera writes it (IFD0 → Exif IFD, GPS IFD): for fixtures and tests.
pub fn exif_app1(
    time: &str,
    lat: (u32, u32, u32),
    north: bool,
    lon: (u32, u32, u32),
    east: bool,
) -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend(8_u32.to_le_bytes());
    // IFD0 at 8: two entries (ExifIFD, GPS IFD), next 0. 2 + 2*12 + 4 = 30 → ends at 38.
    let exif_at = 38_u32;
    // Exif IFD: one entry → 2 + 12 + 4 = 18 → ends at 56; its string (20 bytes) at 56.
    let time_at = 56_u32;
    let gps_at = 76_u32;
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value.to_le_bytes());
    };
    t.extend(2_u16.to_le_bytes());
    entry(&mut t, 0x8769, 4, 1, exif_at);
    entry(&mut t, 0x8825, 4, 1, gps_at);
    t.extend(0_u32.to_le_bytes());
    t.extend(1_u16.to_le_bytes());
    entry(&mut t, 0x9003, 2, 20, time_at);
    t.extend(0_u32.to_le_bytes());
    let mut s = time.as_bytes().to_vec();
    s.resize(20, 0);
    t.extend(s);
    // GPS IFD at 76: four entries → 2 + 48 + 4 = 54 → rationals from 130.
    let lat_at = 130_u32;
    let lon_at = 154_u32;
    t.extend(4_u16.to_le_bytes());
    let r = |c: u8| u32::from(c);
    entry(&mut t, 1, 2, 2, r(if north { b'N' } else { b'S' }));
    entry(&mut t, 2, 5, 3, lat_at);
    entry(&mut t, 3, 2, 2, r(if east { b'E' } else { b'W' }));
    entry(&mut t, 4, 5, 3, lon_at);
    t.extend(0_u32.to_le_bytes());
    for (d, m, s100) in [lat, lon] {
        for (n, den) in [(d, 1), (m, 1), (s100, 100)] {
            t.extend(n.to_le_bytes());
            t.extend((den as u32).to_le_bytes());
        }
    }
    let mut app1 = vec![0xFF, 0xE1];
    let len = u16::try_from(2 + 6 + t.len()).unwrap_or(u16::MAX);
    app1.extend(len.to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(t);
    app1
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_cameras_time_and_position_are_read_from_the_exif() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(exif_app1(
            "2024:09:15 10:30:00",
            (34, 46, 1200),
            true,
            (111, 11, 2400),
            true,
        ));
        jpeg.extend([0xFF, 0xDA, 0, 2]);
        let facts = read_jpeg_exif(&jpeg);
        assert_eq!(
            facts.taken_at,
            Some(
                BEIJING
                    .with_ymd_and_hms(2024, 9, 15, 10, 30, 0)
                    .unwrap()
                    .to_utc()
            )
        );
        let (lat, lon) = facts.position.unwrap();
        assert!(
            (lat - (34.0 + 46.0 / 60.0 + 12.0 / 3600.0)).abs() < 1e-9,
            "{lat}"
        );
        assert!(
            (lon - (111.0 + 11.0 / 60.0 + 24.0 / 3600.0)).abs() < 1e-9,
            "{lon}"
        );
        // Nothing, or rubbish, reads as nothing.
        assert_eq!(
            read_jpeg_exif(&[0xFF, 0xD8, 0xFF, 0xDA]),
            PhotoFacts::default()
        );
        assert_eq!(read_jpeg_exif(b"not a jpeg"), PhotoFacts::default());
        for cut in 0..jpeg.len() {
            let _ = read_jpeg_exif(&jpeg[..cut]);
        }
    }

    #[test]
    fn flags_say_what_was_found() {
        let t = Thresholds::default();
        let from = BEIJING
            .with_ymd_and_hms(2026, 9, 15, 19, 0, 0)
            .unwrap()
            .to_utc();
        let to = BEIJING
            .with_ymd_and_hms(2026, 9, 16, 21, 0, 0)
            .unwrap()
            .to_utc();
        let two_years = BEIJING
            .with_ymd_and_hms(2024, 9, 15, 19, 0, 0)
            .unwrap()
            .to_utc();
        assert_eq!(
            time_flag(7, two_years, from, to, &t).unwrap().detail,
            "照片拍摄于2024-09-15，活动时间为2026-09-15至2026-09-16"
        );
        assert!(time_flag(7, from + chrono::Duration::hours(1), from, to, &t).is_none());
        // 三门峡 to 郑州: about 220 km; to a place 10 km off: fine.
        let smx = (34.77, 111.19);
        let zz = (34.75, 113.62);
        let far = place_flag(7, zz, &[smx], &t).unwrap();
        assert_eq!(far.kind, FlagKind::PhotoPlace);
        assert!(
            far.detail.starts_with("照片拍摄地点距活动地点约22"),
            "{}",
            far.detail
        );
        assert!(place_flag(7, (34.80, 111.25), &[smx], &t).is_none());
        assert!(
            place_flag(7, zz, &[smx, (34.74, 113.60)], &t).is_none(),
            "a session's place"
        );
        assert_eq!(
            turnout_flag(1000, Some(120), &t).unwrap().detail,
            "实际参与人数1000人，远超预计的120人"
        );
        assert!(turnout_flag(300, Some(120), &t).is_none());
        assert_eq!(distance(0b1011, 0b0010), 2);
        assert_eq!(parts(0x0001_0002_0003_0004), [1, 2, 3, 4]);
    }
}
