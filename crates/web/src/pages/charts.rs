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
}
