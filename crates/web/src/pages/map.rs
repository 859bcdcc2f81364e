//! The maps' picture: points projected in Web Mercator onto a 1000×600 ground, over the
//! configured tiles or, without a tile provider, a plain ground. Points are stored as
//! WGS-84; they are converted to the tiles' datum here, at the edge, and nowhere else.

use app::config::MapConfig;
use app::portal_context::Division;
use domain::geo::{self, Datum, Point};
use domain::region::RegionLevel;

/// The picture's size, in its own units.
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 600.0;
/// The margin kept around what must be seen.
const MARGIN: f64 = 50.0;
/// A tile's side, in the picture's units.
const TILE: f64 = 256.0;
/// The closest and farthest tile zoom levels used.
const ZOOMS: (i32, i32) = (3, 17);
/// The smallest span shown, in world units (about 4 km): a single point is not a blur.
const SPAN: f64 = 0.0001;
/// The equator's length, in kilometres.
const EQUATOR_KM: f64 = 40_075.017;
/// Marks closer than this (in the picture's units) are drawn as one, with their count.
const CROWD: f64 = 40.0;
/// A label's character, in the picture's units, as the phone's style draws it (labels that
/// would overlap at that size are left out).
const GLYPH: f64 = 38.0;
/// The scale bar's longest length, in the picture's units.
const BAR: f64 = 180.0;
/// Mainland China's extent, shown when there is nothing to frame.
const CHINA: [Point; 2] = [(73.5, 18.0), (135.0, 53.6)];

/// A drawn map.
pub struct Ground {
    /// Tiles, when a provider is configured.
    pub tiles: Vec<Tile>,
    /// The activities' points.
    pub points: Vec<Dot>,
    /// The chosen place and the circle of the distance asked for.
    pub me: Option<Circle>,
    /// The provider's notice.
    pub attribution: String,
    /// Division names, when there are no tiles to carry them (never any border).
    pub labels: Vec<Label>,
    /// What a length on the ground measures.
    pub scale: ScaleBar,
}

/// A division's name on a plain ground.
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub name: String,
    /// `province`, `city` or `county` (its class: provinces stand out).
    pub level: &'static str,
}

/// The scale bar: its length in the picture's units and the distance it stands for.
pub struct ScaleBar {
    pub length: f64,
    pub text: String,
}

impl Ground {
    /// Whether any venue is drawn (the legend names it then).
    pub fn has_venues(&self) -> bool {
        self.points.iter().any(|p| p.place.venue)
    }

    /// Whether the marks are a route's numbered stops (the legend names them then).
    pub fn has_stops(&self) -> bool {
        self.points.iter().any(|p| p.place.number.is_some())
    }

    /// Whether any mark stands for several activities (the legend explains it then).
    pub fn has_crowds(&self) -> bool {
        self.points.iter().any(|p| p.count > 1)
    }
}

/// One tile placed on the ground.
pub struct Tile {
    pub x: f64,
    pub y: f64,
    pub href: String,
}

/// A place's mark on the ground; where places crowd, one mark with their count, linking
/// to the list of what is there.
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub place: Place,
    /// How many places the mark stands for (1: the place itself).
    pub count: usize,
}

/// The chosen place, with the radius of the distance asked for.
pub struct Circle {
    pub x: f64,
    pub y: f64,
    pub r: f64,
}

/// A place to draw: an activity or a venue.
#[derive(Clone)]
pub struct Place {
    /// WGS-84.
    pub point: Point,
    /// Its page.
    pub href: String,
    pub name: String,
    /// A venue (a square) rather than an activity (a dot).
    pub venue: bool,
    /// A route's stop number, written in its square.
    pub number: Option<i64>,
}

impl Place {
    /// An activity's place.
    pub fn activity(point: Point, id: i64, name: &str) -> Place {
        Place {
            point,
            href: format!("/activities/{id}"),
            name: name.to_owned(),
            venue: false,
            number: None,
        }
    }

    /// A venue's place.
    pub fn venue(v: &app::public::Venue) -> Place {
        Place {
            point: v.point,
            href: format!("/orgs/{}", v.id),
            name: v.name.clone(),
            venue: true,
            number: None,
        }
    }
}

impl Place {
    /// A check-in venue's place: a numbered-stop square without a number, leading to a
    /// route that holds it.
    pub fn checkin_venue(v: &app::routes::MappedVenue) -> Place {
        Place {
            point: v.point,
            href: format!("/routes/{}", v.route_id),
            name: format!("打卡点：{}", v.name),
            venue: true,
            number: None,
        }
    }
}

/// Draws `places`: framed on the circle of `km` around a point when given (the point marked
/// when `mark`), otherwise on the places themselves. Without tiles, the `divisions`' names
/// orient the reader (provinces on a wide view, cities and counties closer in).
pub fn draw(
    config: &MapConfig,
    places: &[Place],
    around: Option<(Point, f64)>,
    mark: bool,
    divisions: &[Division],
) -> Ground {
    let tiled = !config.tile_url.trim().is_empty();
    let datum = if tiled {
        config.datum().unwrap_or_default()
    } else {
        Datum::Wgs84
    };
    let world = |p: Point| mercator(geo::from_wgs84(p, datum));
    let located: Vec<(Point, &Place)> = places.iter().map(|p| (world(p.point), p)).collect();
    let (low, high) = match around {
        Some((centre, km)) => {
            let c = world(centre);
            let r = radius(centre, km);
            ((c.0 - r, c.1 - r), (c.0 + r, c.1 + r))
        }
        None if located.is_empty() => (world(CHINA[0]), world(CHINA[1])),
        None => located.iter().fold(
            ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN)),
            |(lo, hi), (p, _)| {
                (
                    (lo.0.min(p.0), lo.1.min(p.1)),
                    (hi.0.max(p.0), hi.1.max(p.1)),
                )
            },
        ),
    };
    // World y grows southwards; China's corners give low/high swapped in y.
    let (low, high) = (
        (low.0.min(high.0), low.1.min(high.1)),
        (low.0.max(high.0), low.1.max(high.1)),
    );
    let mut scale = ((WIDTH - 2.0 * MARGIN) / (high.0 - low.0).max(SPAN))
        .min((HEIGHT - 2.0 * MARGIN) / (high.1 - low.1).max(SPAN));
    let mut zoom = 0;
    if tiled {
        zoom = ((scale / TILE).log2().floor() as i32).clamp(ZOOMS.0, ZOOMS.1);
        scale = TILE * f64::from(1_u32 << zoom);
    }
    let centre = ((low.0 + high.0) / 2.0, (low.1 + high.1) / 2.0);
    let origin = (
        centre.0 * scale - WIDTH / 2.0,
        centre.1 * scale - HEIGHT / 2.0,
    );
    let at = |p: Point| (tenth(p.0 * scale - origin.0), tenth(p.1 * scale - origin.1));
    // Kilometres per unit of the picture at the centre's latitude (Mercator's own scale).
    let km_per_unit = EQUATOR_KM * latitude(centre.1).to_radians().cos() / scale;
    let dots: Vec<Dot> = located
        .iter()
        .map(|(p, place)| {
            let (x, y) = at(*p);
            Dot {
                x,
                y,
                place: (*place).clone(),
                count: 1,
            }
        })
        .collect();
    let points = crowded(dots);
    let me = around.filter(|_| mark).map(|(centre, km)| {
        let (x, y) = at(world(centre));
        Circle {
            x,
            y,
            r: tenth(radius(centre, km) * scale),
        }
    });
    // Names never cover a mark, the chosen place with its words, or the scale bar.
    let mut taken: Vec<Box2> = points
        .iter()
        .map(|p| Box2::around(p.x, p.y, GLYPH, GLYPH))
        .collect();
    if let Some(me) = &me {
        taken.push(Box2::around(me.x, me.y - GLYPH, GLYPH * 3.0, GLYPH * 2.2));
    }
    taken.push(Box2 {
        left: 0.0,
        top: HEIGHT - 90.0,
        right: BAR + 40.0,
        bottom: HEIGHT,
    });
    Ground {
        tiles: if tiled {
            tiles(&config.tile_url, zoom, origin)
        } else {
            Vec::new()
        },
        points,
        me,
        attribution: if tiled {
            config.attribution.clone()
        } else {
            String::new()
        },
        labels: if tiled {
            Vec::new()
        } else {
            // Names are drawn without tiles only, where the world is WGS-84's.
            labels(
                divisions,
                WIDTH * km_per_unit,
                |w| (w.0 * scale - origin.0, w.1 * scale - origin.1),
                taken,
            )
        },
        scale: scale_bar(km_per_unit),
    }
}

/// The latitude of a Web Mercator world y.
fn latitude(y: f64) -> f64 {
    (std::f64::consts::PI * (1.0 - 2.0 * y))
        .sinh()
        .atan()
        .to_degrees()
}

/// Activities' marks that crowd one another drawn as one: each joins the first within [`CROWD`],
/// which then stands at their middle, counts them and links to the list around it.
fn crowded(dots: Vec<Dot>) -> Vec<Dot> {
    let mut groups: Vec<(Dot, Vec<Point>)> = Vec::new();
    for dot in dots {
        // Venues stand alone, as squares under the activities; activities crowd together.
        let near = groups.iter_mut().find(|(g, ..)| {
            !g.place.venue && !dot.place.venue && (g.x - dot.x).hypot(g.y - dot.y) < CROWD
        });
        match near {
            Some((group, points)) => {
                group.count += 1;
                let n = group.count as f64;
                group.x = tenth(group.x + (dot.x - group.x) / n);
                group.y = tenth(group.y + (dot.y - group.y) / n);
                points.push(dot.place.point);
            }
            None => {
                let point = dot.place.point;
                groups.push((dot, vec![point]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut dot, points)| {
            if dot.count > 1 {
                let n = points.len() as f64;
                let lon = points.iter().map(|p| p.0).sum::<f64>() / n;
                let lat = points.iter().map(|p| p.1).sum::<f64>() / n;
                let reach = points
                    .iter()
                    .map(|p| distance_km((lon, lat), *p))
                    .fold(1.0_f64, f64::max);
                let km = (reach * 1.2).ceil().min(500.0);
                dot.place = Place {
                    point: (lon, lat),
                    href: format!("/activities?near={lon:.4},{lat:.4}&within_km={km}"),
                    name: format!("此处 {} 个活动", dot.count),
                    venue: false,
                    number: None,
                };
            }
            dot
        })
        .collect()
}

use domain::geo::distance_km;

/// The names that help at this width (in km): provinces on a wide view, cities closer in,
/// counties closest; those on the ground that do not overlap a more important one.
/// A rectangle on the ground.
#[derive(Clone, Copy)]
struct Box2 {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Box2 {
    /// The box `w` wide and `h` high centred on (x, y).
    fn around(x: f64, y: f64, w: f64, h: f64) -> Box2 {
        Box2 {
            left: x - w / 2.0,
            top: y - h / 2.0,
            right: x + w / 2.0,
            bottom: y + h / 2.0,
        }
    }

    fn meets(&self, other: &Box2) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    fn inside(&self) -> bool {
        self.left >= 0.0 && self.right <= WIDTH && self.top >= 0.0 && self.bottom <= HEIGHT
    }
}

/// The divisions' names a view of `width_km` shows, placed where no mark, name or `taken`
/// area is; `at` places a division's world point ([`Division::world`]) in the picture.
/// Thousands of divisions are tested per page: those whose point is off the picture are
/// passed over before any name is measured.
fn labels(
    divisions: &[Division],
    width_km: f64,
    at: impl Fn(Point) -> (f64, f64),
    mut taken: Vec<Box2>,
) -> Vec<Label> {
    let wanted = |level: RegionLevel| match level {
        RegionLevel::Province => width_km > 600.0,
        RegionLevel::City => (60.0..=2500.0).contains(&width_km),
        RegionLevel::County => width_km < 200.0,
    };
    let mut placed: Vec<Label> = Vec::new();
    for level in [
        RegionLevel::Province,
        RegionLevel::City,
        RegionLevel::County,
    ] {
        if !wanted(level) {
            continue;
        }
        for d in divisions.iter().filter(|d| d.level == level) {
            let (x, y) = at(d.world);
            // A name is centred on its point and must lie inside the picture, on the point
            // or just below it.
            if !(0.0..=WIDTH).contains(&x) || !(-2.0 * GLYPH..=HEIGHT).contains(&y) {
                continue;
            }
            let (x, y) = (tenth(x), tenth(y));
            let width = GLYPH * d.glyphs as f64;
            // On its point, or just below it when a mark or another name is there.
            let spot = [y, y + GLYPH * 1.6].into_iter().find_map(|y| {
                let area = Box2::around(x, y - GLYPH * 0.35, width, GLYPH * 1.2);
                (area.inside() && !taken.iter().any(|t| t.meets(&area))).then_some((y, area))
            });
            if let Some((y, area)) = spot {
                taken.push(area);
                placed.push(Label {
                    x,
                    y,
                    name: d.name.clone(),
                    level: match level {
                        RegionLevel::Province => "province",
                        RegionLevel::City => "city",
                        RegionLevel::County => "county",
                    },
                });
            }
        }
    }
    // A view closer than any division's centre still says where it is: the nearest
    // division's name, as a caption at the top.
    let finest = [
        RegionLevel::County,
        RegionLevel::City,
        RegionLevel::Province,
    ]
    .into_iter()
    .find(|level| divisions.iter().any(|d| d.level == *level));
    if placed.is_empty()
        && let Some((d, _)) = divisions
            .iter()
            .filter(|d| Some(d.level) == finest)
            .map(|d| {
                let (x, y) = at(d.world);
                (d, (x - WIDTH / 2.0).hypot(y - HEIGHT / 2.0))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
    {
        placed.push(Label {
            x: WIDTH / 2.0,
            y: GLYPH * 1.2,
            name: format!("{}附近", d.name),
            level: "caption",
        });
    }
    placed
}

/// The longest round distance (1, 2 or 5 times a power of ten, in km or m) that fits in
/// [`BAR`] units, with its length.
fn scale_bar(km_per_unit: f64) -> ScaleBar {
    let most = BAR * km_per_unit;
    let mut step = 10_f64.powf(most.log10().floor());
    for m in [5.0, 2.0] {
        if step * m <= most {
            step *= m;
            break;
        }
    }
    let text = if step >= 1.0 {
        format!("{}公里", step.round())
    } else {
        format!("{}米", (step * 1000.0).round())
    };
    ScaleBar {
        length: tenth(step / km_per_unit),
        text,
    }
}

/// Links that open a point in the providers' own maps, each in its datum.
pub struct Links {
    /// 高德地图 (GCJ-02).
    pub amap: String,
    /// 百度地图 (BD-09).
    pub baidu: String,
}

/// The providers' links to a WGS-84 point named `name`.
pub fn links(p: Point, name: &str) -> Links {
    let name = urlencoding::encode(name);
    let gcj = geo::from_wgs84(p, Datum::Gcj02);
    let bd = geo::from_wgs84(p, Datum::Bd09);
    Links {
        amap: format!(
            "https://uri.amap.com/marker?position={:.6},{:.6}&name={name}&coordinate=gaode&src=kepu",
            gcj.0, gcj.1
        ),
        baidu: format!(
            "https://api.map.baidu.com/marker?location={:.6},{:.6}&title={name}&content={name}&output=html&src=kepu",
            bd.1, bd.0
        ),
    }
}

/// A point in Web Mercator world units: both axes 0..1, y growing southwards.
fn mercator(p: Point) -> Point {
    geo::web_mercator(p)
}

/// `km` around `centre`, in world units (Mercator keeps small circles round).
fn radius(centre: Point, km: f64) -> f64 {
    km / (EQUATOR_KM * centre.1.to_radians().cos().max(0.01))
}

/// The tiles covering the ground whose top left corner is `origin`, in pixels at `zoom`.
fn tiles(url: &str, zoom: i32, origin: Point) -> Vec<Tile> {
    let n = 1_i64 << zoom;
    let cells = |from: f64, length: f64| {
        (from / TILE).floor() as i64..=((from + length) / TILE).floor() as i64
    };
    let mut out = Vec::new();
    for ty in cells(origin.1, HEIGHT).filter(|y| (0..n).contains(y)) {
        for tx in cells(origin.0, WIDTH) {
            out.push(Tile {
                x: tenth(tx as f64 * TILE - origin.0),
                y: tenth(ty as f64 * TILE - origin.1),
                href: url
                    .replace("{z}", &zoom.to_string())
                    .replace("{x}", &tx.rem_euclid(n).to_string())
                    .replace("{y}", &ty.to_string()),
            });
        }
    }
    out
}

fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str, datum: &str) -> MapConfig {
        MapConfig {
            tile_url: url.to_owned(),
            tile_datum: datum.to_owned(),
            attribution: "审图号：GS(2024)0001号".to_owned(),
        }
    }

    const BEIJING: Point = (116.404, 39.915);

    #[test]
    fn the_chosen_place_is_in_the_middle_with_its_circle_inside_the_ground() {
        let near = (116.45, 39.95);
        let g = draw(
            &config("", "wgs84"),
            &[Place::activity(near, 1, "A")],
            Some((BEIJING, 30.0)),
            true,
            &[],
        );
        let me = g.me.expect("marked");
        assert_eq!((me.x, me.y), (500.0, 300.0));
        assert!(me.r <= 250.0 && me.r > 200.0, "radius {}", me.r);
        let dot = &g.points[0];
        assert!(
            dot.x > 500.0 && dot.y < 300.0,
            "north-east of the centre: {}, {}",
            dot.x,
            dot.y
        );
        assert!(g.tiles.is_empty() && g.attribution.is_empty());
    }

    #[test]
    fn tiles_cover_the_ground_and_points_move_to_the_tiles_datum() {
        let url = "https://t.example/{z}/{x}/{y}.png";
        let place = [Place::activity(BEIJING, 7, "天安门")];
        let plain = draw(
            &config(url, "wgs84"),
            &place,
            Some((BEIJING, 3.0)),
            false,
            &[],
        );
        let shifted = draw(
            &config(url, "gcj02"),
            &place,
            Some((BEIJING, 3.0)),
            false,
            &[],
        );
        // At the same zoom, the GCJ-02 point sits a few hundred metres north-east of the
        // framing centre's WGS-84 position, which is where 高德's tiles draw it.
        assert!(plain.tiles[0].href.starts_with("https://t.example/"));
        let zoom: i32 = plain.tiles[0]
            .href
            .split('/')
            .nth(3)
            .unwrap()
            .parse()
            .unwrap();
        assert!((12..=17).contains(&zoom), "zoom {zoom}");
        assert!(plain.me.is_none());
        for g in [&plain, &shifted] {
            let covers = |x: f64, y: f64| {
                g.tiles
                    .iter()
                    .any(|t| (t.x..t.x + TILE).contains(&x) && (t.y..t.y + TILE).contains(&y))
            };
            assert!(covers(0.0, 0.0) && covers(999.0, 599.0) && covers(500.0, 300.0));
        }
        assert_eq!(g_point(&plain), (500.0, 300.0));
        assert_eq!(
            g_point(&shifted),
            (500.0, 300.0),
            "the frame moves with the point"
        );
        assert_ne!(plain.tiles[0].x, shifted.tiles[0].x);
        assert_eq!(shifted.attribution, "审图号：GS(2024)0001号");
    }

    fn g_point(g: &Ground) -> (f64, f64) {
        (g.points[0].x, g.points[0].y)
    }

    #[test]
    fn provider_links_carry_the_point_in_each_providers_datum() {
        let l = links(BEIJING, "科普 & 天文");
        assert!(
            l.amap.contains("position=116.410244,39.916404"),
            "{}",
            l.amap
        );
        assert!(
            l.baidu.contains("location=39.922700,116.416627"),
            "{}",
            l.baidu
        );
        assert!(l.amap.contains("name=%E7%A7%91%E6%99%AE%20%26%20"));
    }

    fn division(code: &str, name: &str, level: RegionLevel, point: Point) -> Division {
        Division::new(code.to_owned(), name.to_owned(), None, level, point)
    }

    fn divisions() -> Vec<Division> {
        vec![
            division("110000", "北京市", RegionLevel::Province, BEIJING),
            division("410000", "河南省", RegionLevel::Province, (113.75, 34.77)),
            division("440000", "广东省", RegionLevel::Province, (113.27, 23.13)),
            division("410100", "郑州市", RegionLevel::City, (113.62, 34.75)),
            division("411200", "三门峡市", RegionLevel::City, (111.2, 34.77)),
            division("410102", "中原区", RegionLevel::County, (113.61, 34.75)),
            division("410103", "二七区", RegionLevel::County, (113.64, 34.73)),
        ]
    }

    /// Issue 18, finding 3: without tiles the map was a pale rectangle of unlabelled dots.
    #[test]
    fn a_plain_ground_names_places_by_how_far_it_reaches_and_never_overlaps_them() {
        let plain = config("", "wgs84");
        let wide = draw(&plain, &[], None, false, &divisions());
        let names: Vec<&str> = wide.labels.iter().map(|l| l.name.as_str()).collect();
        assert!(
            names.contains(&"河南省") && names.contains(&"广东省"),
            "{names:?}"
        );
        assert!(!names.contains(&"中原区"), "no county on China: {names:?}");
        let zhengzhou = (113.62, 34.75);
        let close = draw(&plain, &[], Some((zhengzhou, 10.0)), true, &divisions());
        let names: Vec<&str> = close.labels.iter().map(|l| l.name.as_str()).collect();
        assert!(
            names.contains(&"中原区") || names.contains(&"二七区"),
            "{names:?}"
        );
        assert!(!names.contains(&"河南省"), "{names:?}");
        for g in [&wide, &close] {
            for (i, a) in g.labels.iter().enumerate() {
                for b in &g.labels[i + 1..] {
                    let half = |l: &Label| GLYPH * l.name.chars().count() as f64 / 2.0;
                    let apart =
                        (a.x - b.x).abs() >= half(a) + half(b) || (a.y - b.y).abs() >= GLYPH * 1.2;
                    assert!(apart, "{} overlaps {}", a.name, b.name);
                }
            }
        }
        let tiled = draw(
            &config("https://t.example/{z}/{x}/{y}", "wgs84"),
            &[],
            None,
            false,
            &divisions(),
        );
        assert!(tiled.labels.is_empty(), "the tiles carry their own names");
    }

    #[test]
    fn a_close_view_is_captioned_with_the_nearest_division() {
        let g = draw(
            &config("", "wgs84"),
            &[Place::activity((113.70, 34.80), 1, "甲")],
            Some(((113.70, 34.80), 2.0)),
            false,
            &divisions(),
        );
        let names: Vec<&str> = g.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["二七区附近"], "{names:?}");
    }

    #[test]
    fn the_scale_bar_measures_what_it_says() {
        let g = draw(&config("", "wgs84"), &[], Some((BEIJING, 30.0)), true, &[]);
        // The 30 km circle's radius in units gives the truth to check the bar against.
        let me = g.me.expect("marked");
        let km: f64 = g.scale.text.trim_end_matches("公里").parse().unwrap();
        let measured = g.scale.length / me.r * 30.0;
        assert!(
            (measured - km).abs() / km < 0.01,
            "{} ~ {measured}",
            g.scale.text
        );
        assert!(g.scale.length <= BAR && g.scale.length >= BAR / 2.5);
        assert_eq!(scale_bar(0.001).text, "100米");
    }

    #[test]
    fn crowded_places_are_one_mark_with_their_count_linking_to_their_list() {
        let places = [
            Place::activity((113.62, 34.75), 1, "甲"),
            Place::activity((113.62, 34.75), 2, "乙"),
            Place::activity((113.63, 34.76), 3, "丙"),
            Place::activity((116.4, 39.9), 4, "丁"),
        ];
        let g = draw(&config("", "wgs84"), &places, None, false, &[]);
        assert_eq!(g.points.len(), 2);
        let crowd = g
            .points
            .iter()
            .find(|d| d.count == 3)
            .expect("one mark for three");
        assert_eq!(crowd.place.name, "此处 3 个活动");
        assert!(
            crowd.place.href.starts_with("/activities?near=113.62"),
            "{}",
            crowd.place.href
        );
        assert!(
            crowd.place.href.contains("&within_km="),
            "{}",
            crowd.place.href
        );
        let alone = g.points.iter().find(|d| d.count == 1).unwrap();
        assert_eq!(alone.place.href, "/activities/4");
    }

    #[test]
    fn with_nothing_to_frame_the_ground_shows_china() {
        let g = draw(
            &config("https://t.example/{z}/{x}/{y}", "wgs84"),
            &[],
            None,
            false,
            &[],
        );
        assert!(!g.tiles.is_empty());
        let zoom = &g.tiles[0].href["https://t.example/".len()..][..1];
        assert!(zoom == "3" || zoom == "4", "China at zoom {zoom}");
        assert!(
            g.tiles
                .iter()
                .all(|t| t.href.starts_with(&format!("https://t.example/{zoom}/")))
        );
    }
}
