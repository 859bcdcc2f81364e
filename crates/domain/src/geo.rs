//! Coordinates at the edges. kepu stores WGS-84 (GPS, 天地图's CGCS2000 within a metre);
//! Chinese map providers draw and link in GCJ-02 (国测局: 高德, 腾讯) or BD-09 (百度), a few
//! hundred metres apart inside mainland China. Points are converted only where they leave
//! for such a provider (tiles, map links) or arrive from one.

/// A geodetic datum a map provider uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Datum {
    /// GPS; also 天地图 (CGCS2000) and OpenStreetMap.
    #[default]
    Wgs84,
    /// 国测局 GCJ-02: 高德, 腾讯.
    Gcj02,
    /// 百度 BD-09.
    Bd09,
}

impl Datum {
    /// Parses a configured name: `wgs84`, `gcj02` or `bd09`.
    pub fn parse(raw: &str) -> Result<Datum, String> {
        match raw
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "wgs84" | "cgcs2000" => Ok(Datum::Wgs84),
            "gcj02" => Ok(Datum::Gcj02),
            "bd09" => Ok(Datum::Bd09),
            _ => Err(format!("坐标系“{raw}”不受支持（可选 wgs84、gcj02、bd09）")),
        }
    }
}

/// A point as (longitude, latitude) in degrees.
pub type Point = (f64, f64);

/// The great-circle distance between two WGS-84 points, in kilometres (haversine on a
/// sphere of 6,371 km: within 0.5 % of the ellipsoid, enough for near-me and geofences).
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (la, lb) = (a.1.to_radians(), b.1.to_radians());
    let h = ((lb - la) / 2.0).sin().powi(2)
        + la.cos() * lb.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Web Mercator: where a point lies on a square world one unit wide, x growing eastwards
/// and y southwards (latitudes beyond ±85° are held there).
pub fn web_mercator(p: Point) -> Point {
    let lat = p.1.clamp(-85.0, 85.0).to_radians();
    (
        (p.0 + 180.0) / 360.0,
        (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0,
    )
}

/// A WGS-84 point as the provider of `datum` places it.
pub fn from_wgs84(p: Point, datum: Datum) -> Point {
    match datum {
        Datum::Wgs84 => p,
        Datum::Gcj02 => wgs84_to_gcj02(p),
        Datum::Bd09 => gcj02_to_bd09(wgs84_to_gcj02(p)),
    }
}

/// A point given in `datum`, as WGS-84.
pub fn to_wgs84(p: Point, datum: Datum) -> Point {
    match datum {
        Datum::Wgs84 => p,
        Datum::Gcj02 => gcj02_to_wgs84(p),
        Datum::Bd09 => gcj02_to_wgs84(bd09_to_gcj02(p)),
    }
}

/// Whether GCJ-02 shifts the point at all: it applies inside a box around China only.
fn shifted(p: Point) -> bool {
    (72.004..=137.8347).contains(&p.0) && (0.8293..=55.8271).contains(&p.1)
}

/// The Krasovsky ellipsoid GCJ-02 is defined on.
const AXIS: f64 = 6_378_245.0;
const ECCENTRICITY2: f64 = 0.006_693_421_622_965_943;

fn wgs84_to_gcj02(p: Point) -> Point {
    use std::f64::consts::PI;
    if !shifted(p) {
        return p;
    }
    let (x, y) = (p.0 - 105.0, p.1 - 35.0);
    let waves = (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    let dlat = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + waves
        + (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0
        + (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let dlon = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + waves
        + (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0
        + (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    let rad = p.1.to_radians();
    let magic = 1.0 - ECCENTRICITY2 * rad.sin() * rad.sin();
    let dlat = dlat * 180.0 / ((AXIS * (1.0 - ECCENTRICITY2)) / (magic * magic.sqrt()) * PI);
    let dlon = dlon * 180.0 / (AXIS / magic.sqrt() * rad.cos() * PI);
    (p.0 + dlon, p.1 + dlat)
}

/// The inverse of a shift (a conversion that moves points by at most a few hundred
/// metres), by fixed-point iteration to about 1e-9 degrees.
fn invert(shift: fn(Point) -> Point, target: Point) -> Point {
    let mut p = target;
    for _ in 0..30 {
        let f = shift(p);
        let (dx, dy) = (f.0 - target.0, f.1 - target.1);
        p = (p.0 - dx, p.1 - dy);
        if dx.abs() < 1e-10 && dy.abs() < 1e-10 {
            break;
        }
    }
    p
}

fn gcj02_to_wgs84(p: Point) -> Point {
    invert(wgs84_to_gcj02, p)
}

fn bd09_to_gcj02(p: Point) -> Point {
    invert(gcj02_to_bd09, p)
}

const BD_FACTOR: f64 = std::f64::consts::PI * 3000.0 / 180.0;

fn gcj02_to_bd09(p: Point) -> Point {
    let (x, y) = p;
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * BD_FACTOR).sin();
    let theta = y.atan2(x) + 0.000003 * (x * BD_FACTOR).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Point, b: Point, eps: f64) -> bool {
        (a.0 - b.0).abs() < eps && (a.1 - b.1).abs() < eps
    }

    // Reference values: the widely used coordtransform library's published outputs for
    // (116.404, 39.915), near 天安门.
    #[test]
    fn known_points_convert_as_the_providers_expect() {
        let p = (116.404, 39.915);
        assert!(close(
            from_wgs84(p, Datum::Gcj02),
            (116.410_244_499_169_38, 39.916_404_281_501_64),
            1e-9
        ));
        assert!(close(
            gcj02_to_bd09(p),
            (116.410_369_493_710_29, 39.921_336_993_510_21),
            1e-9
        ));
        // Published inverses use a closed form good to about 1e-6 degrees; ours iterates.
        assert!(close(
            bd09_to_gcj02(p),
            (116.397_627_291_193_15, 39.908_656_739_576_31),
            1e-5
        ));
        assert!(close(
            from_wgs84(p, Datum::Bd09),
            (116.416_627_243_787_33, 39.922_699_552_216_216),
            1e-9
        ));
    }

    #[test]
    fn conversions_round_trip_and_leave_places_outside_china_alone() {
        for p in [
            (116.404, 39.915),
            (110.8942, 34.5168),
            (87.6, 43.8),
            (121.5, 31.2),
        ] {
            for datum in [Datum::Wgs84, Datum::Gcj02, Datum::Bd09] {
                let back = to_wgs84(from_wgs84(p, datum), datum);
                assert!(
                    close(back, p, 1e-7),
                    "{p:?} via {datum:?} came back as {back:?}"
                );
            }
            let shift = metres(p, from_wgs84(p, Datum::Gcj02));
            assert!(
                (50.0..1000.0).contains(&shift),
                "GCJ-02 moved {p:?} by {shift} m"
            );
        }
        let tokyo = (139.69, 35.69);
        assert_eq!(from_wgs84(tokyo, Datum::Gcj02), tokyo);
    }

    fn metres(a: Point, b: Point) -> f64 {
        let dy = (a.1 - b.1) * 111_195.0;
        let dx = (a.0 - b.0) * 111_195.0 * a.1.to_radians().cos();
        (dx * dx + dy * dy).sqrt()
    }

    #[test]
    fn a_configured_datum_is_named_or_refused_in_chinese() {
        assert_eq!(Datum::parse("GCJ-02"), Ok(Datum::Gcj02));
        assert_eq!(Datum::parse("bd09"), Ok(Datum::Bd09));
        assert_eq!(Datum::parse("wgs84"), Ok(Datum::Wgs84));
        assert!(Datum::parse("mars").unwrap_err().contains("不受支持"));
    }
}
