//! Charts drawn on the server as SVG: readable without JavaScript, printable, and testable by
//! reading the markup. Each bar carries its label and value as text, so the numbers are in
//! the chart itself and not only in its shape.

use std::fmt::Write;

/// One bar: its label and its value.
pub type Bar = (String, i64);

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart titled `title`; bars in the order given. Empty when no bars.
pub fn bars(title: &str, rows: &[Bar]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    // Sized so that the text reads at 13 px or more on a phone (the picture is drawn
    // about 330 pixels wide there) and the picture stays modest on a desktop.
    let row_h = 30;
    let label_w = 130;
    let bar_w = 170;
    let width = label_w + bar_w + 70;
    let height = row_h * rows.len() + 8;
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 4 + i * row_h;
        // Long names are shortened on the chart; the table beside it has them whole.
        let shown: String = if label.chars().count() > 10 {
            label.chars().take(9).chain(['…']).collect()
        } else {
            label.clone()
        };
        let w = usize::try_from((*value).max(0) * i64::try_from(bar_w).unwrap_or(170) / max)
            .unwrap_or(0);
        let _ = write!(
            svg,
            r##"<g class="bar" data-label="{l}" data-value="{value}"><text x="{lx}" y="{ty}" text-anchor="end" font-size="16">{shown}</text><rect x="{label_w}" y="{y}" width="{w}" height="{bh}" rx="3" fill="#1f6feb"></rect><text x="{vx}" y="{ty}" font-size="16">{value}</text></g>"##,
            l = escape(label),
            shown = escape(&shown),
            lx = label_w - 6,
            ty = y + 19,
            bh = row_h - 8,
            vx = label_w + w + 6,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A progress bar for a quota: `count` of `target`, capped at full.
pub fn progress(label: &str, count: i64, target: i64) -> String {
    let percent = domain::stats::completion_percent(count, target);
    format!(
        r##"<svg class="progress" role="img" aria-label="{l}：{count}/{target}" viewBox="0 0 300 20" width="100%" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="2" width="300" height="16" rx="8" fill="#e6e9ef"></rect><rect x="0" y="2" width="{w}" height="16" rx="8" fill="{fill}"></rect></svg>"##,
        l = escape(label),
        w = percent * 3,
        fill = if count >= target {
            "#1a7f37"
        } else {
            "#1f6feb"
        },
    )
}

/// One row of a strip chart: its label, its values on 0–100 (each with the note its dot
/// carries), and the mark drawn across it (the row's mean).
pub struct Strip {
    /// The row's name.
    pub label: String,
    /// (value, note) per dot.
    pub points: Vec<(f64, String)>,
    /// Where the mark goes.
    pub mark: Option<f64>,
}

/// A strip chart titled `title`: one row per `Strip`, a dot per value on a 0–100 scale and
/// a red mark at the row's mean; rows in the order given. Empty when no rows.
pub fn strips(title: &str, rows: &[Strip]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let (row_h, label_w, plot_w, top) = (34.0, 96.0, 250.0, 26.0);
    let width = label_w + plot_w + 14.0;
    let height = top + row_h * rows.len() as f64 + 6.0;
    let x_of = |v: f64| label_w + v.clamp(0.0, 100.0) * plot_w / 100.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart strips" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            svg,
            r##"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#e6e9ef"></line><text x="{x}" y="16" font-size="13" text-anchor="middle" fill="#5b6472">{v}</text>"##,
            x = x_of(v),
            y1 = top - 4.0,
            y2 = height - 4.0,
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + row_h * i as f64 + row_h / 2.0;
        let shown: String = if row.label.chars().count() > 6 {
            row.label.chars().take(5).chain(['…']).collect()
        } else {
            row.label.clone()
        };
        let _ = write!(
            svg,
            r##"<g class="strip" data-label="{l}"><text x="{lx}" y="{ty}" text-anchor="end" font-size="15">{shown}</text><line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#c9ced6"></line>"##,
            l = escape(&row.label),
            shown = escape(&shown),
            lx = label_w - 8.0,
            ty = y + 5.0,
            x0 = x_of(0.0),
            x1 = x_of(100.0),
        );
        for (v, note) in &row.points {
            let _ = write!(
                svg,
                r##"<circle cx="{cx:.1}" cy="{y}" r="6" fill="#1f6feb" fill-opacity="0.5" data-value="{v:.2}"><title>{n}</title></circle>"##,
                cx = x_of(*v),
                n = escape(note),
            );
        }
        if let Some(m) = row.mark {
            let _ = write!(
                svg,
                r##"<line class="mean" x1="{x:.1}" y1="{y1}" x2="{x:.1}" y2="{y2}" stroke="#b42318" stroke-width="3" data-value="{m:.2}"></line>"##,
                x = x_of(m),
                y1 = y - 12.0,
                y2 = y + 12.0,
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// One division on a [`symbol_map`]: where it is, how much it holds (the symbol's area),
/// the percentage that colours it (none: grey), and where a click leads.
pub struct Symbol {
    /// Its name.
    pub name: String,
    /// (longitude, latitude) of its representative point.
    pub point: (f64, f64),
    /// What the symbol's area is proportional to.
    pub value: i64,
    /// 0–100, or none.
    pub percent: Option<i64>,
    /// What the colour means for this division, in words (`完成任务指标 80%`).
    pub colour_says: String,
    /// The page a click opens (drill-down).
    pub href: String,
}

/// The colour steps of a percentage, lightest first, with their legend.
const STEPS: [(i64, &str, &str); 5] = [
    (0, "#fde0c5", "0–39%"),
    (40, "#facba6", "40–59%"),
    (60, "#f59e72", "60–79%"),
    (80, "#e5694f", "80–99%"),
    (100, "#b3261e", "100%及以上"),
];

fn step_colour(percent: Option<i64>) -> &'static str {
    match percent {
        None => "#c8cdd3",
        Some(p) => STEPS
            .iter()
            .rev()
            .find(|(from, _, _)| p >= *from)
            .map_or(STEPS[0].1, |s| s.1),
    }
}

/// The legend of a [`symbol_map`]'s colours, as HTML (swatches with their words).
pub fn symbol_legend(what: &str) -> String {
    let mut out = format!(r#"<span class="legend-title">{}</span>"#, escape(what));
    for (_, colour, words) in
        STEPS
            .iter()
            .map(|(a, b, c)| (a, *b, *c))
            .chain([(&0, "#c8cdd3", "未下达")])
    {
        let _ = write!(
            out,
            r##" <span class="swatch"><svg class="chip" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{colour}" stroke="#5b616e"></rect></svg>{w}</span>"##,
            w = escape(words)
        );
    }
    out
}

/// A map drawn on the server: a proportional symbol at each division's point (area by
/// `value`), coloured by its percentage, each a link to that division (drill-down); the
/// ten largest named. No tiles and no script: the divisions' own places orient it, and the
/// table beside it holds every number.
pub fn symbol_map(title: &str, symbols: &[Symbol]) -> String {
    if symbols.is_empty() {
        return String::new();
    }
    // Drawn about 320 px wide on a phone: 15-unit names read at 13 px there.
    let (width, height, margin) = (360.0_f64, 290.0_f64, 24.0_f64);
    let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
    for s in symbols {
        lo = (lo.0.min(s.point.0), lo.1.min(s.point.1));
        hi = (hi.0.max(s.point.0), hi.1.max(s.point.1));
    }
    // Equirectangular, east–west shrunk by the middle latitude's cosine.
    let squeeze = ((lo.1 + hi.1) / 2.0).to_radians().cos().max(0.2);
    let span_x = ((hi.0 - lo.0) * squeeze).max(0.05);
    let span_y = (hi.1 - lo.1).max(0.05);
    let scale = ((width - 2.0 * margin) / span_x).min((height - 2.0 * margin) / span_y);
    let at = |(lon, lat): (f64, f64)| {
        (
            margin + (lon - lo.0) * squeeze * scale + (width - 2.0 * margin - span_x * scale) / 2.0,
            margin + (hi.1 - lat) * scale,
        )
    };
    let max = symbols.iter().map(|s| s.value).max().unwrap_or(0).max(1) as f64;
    let radius = |v: i64| 3.0 + 16.0 * ((v.max(0) as f64) / max).sqrt();
    let mut order: Vec<&Symbol> = symbols.iter().collect();
    // The largest drawn first, so that small ones stay clickable on top.
    order.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.name.cmp(&b.name)));
    let named: Vec<&str> = order.iter().take(10).map(|s| s.name.as_str()).collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart symbol-map" role="group" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for s in &order {
        let (x, y) = at(s.point);
        let r = radius(s.value);
        let label = format!("{}：{}项，{}", s.name, s.value, s.colour_says);
        let _ = write!(
            svg,
            r##"<a href="{href}" class="symbol" data-name="{n}" data-value="{v}" aria-label="{l}"><title>{l}</title><circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{c}" fill-opacity="0.85" stroke="#5b616e" stroke-width="1"></circle></a>"##,
            href = escape(&s.href),
            n = escape(&s.name),
            v = s.value,
            l = escape(&label),
            c = step_colour(s.percent),
        );
        if named.contains(&s.name.as_str()) {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{ty:.1}" text-anchor="middle" font-size="15" aria-hidden="true">{n}</text>"#,
                ty = y + r + 14.0,
                n = escape(&s.name)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bar_says_its_label_and_value_and_scales_to_the_largest() {
        let svg = bars(
            "按板块",
            &[("展览".to_owned(), 10), ("报告<讲座>".to_owned(), 5)],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"data-label="展览" data-value="10""#));
        assert!(svg.contains("报告&lt;讲座&gt;"));
        assert!(svg.contains(r#"width="170""#));
        assert!(svg.contains(r#"width="85""#));
        assert_eq!(bars("空", &[]), "");
    }

    #[test]
    fn a_quota_bar_fills_to_its_completion() {
        assert!(progress("三门峡市", 1, 2).contains(r#"width="150""#));
        assert!(
            progress("三门峡市", 5, 2)
                .contains(r##"width="300" height="16" rx="8" fill="#1a7f37""##)
        );
    }

    #[test]
    fn strips_draw_a_dot_per_value_and_a_mark_per_row_with_names_escaped() {
        let rows = vec![
            Strip {
                label: "严<评审>".to_owned(),
                points: vec![
                    (40.0, "作品 1：40.0".to_owned()),
                    (120.0, "作品 2".to_owned()),
                ],
                mark: Some(80.0),
            },
            Strip {
                label: "尚未评分的专家".to_owned(),
                points: Vec::new(),
                mark: None,
            },
        ];
        let svg = strips("校正前", &rows);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("class=\"mean\"").count(), 1);
        assert!(svg.contains("data-label=\"严&lt;评审&gt;\""));
        assert!(!svg.contains("<评审>"));
        // Values beyond the scale are drawn at its end (x = 96 + 250), their value kept.
        assert!(svg.contains(
            r##"cx="346.0" cy="43" r="6" fill="#1f6feb" fill-opacity="0.5" data-value="120.00""##
        ));
        assert!(
            svg.contains("尚未评分的…"),
            "long names are shortened on the chart"
        );
        assert_eq!(strips("空", &[]), "");
    }
}
