//! Inline SVG charts (no script, no external resource): one stacked bar per
//! row, scaled by a `viewBox` so that they fit any width. Each chart comes
//! with its text alternative: an `aria-label`, and its numbers as a table.

use std::fmt::Write as _;

use super::esc;

/// One series of a stacked bar chart: its legend label and CSS class (the
/// class colours both the SVG segment and the legend swatch).
pub struct Series<'a> {
    pub label: &'a str,
    pub class: &'a str,
}

/// A chart: a title, the series, and one row of values per label.
pub struct Stacked<'a> {
    pub title: &'a str,
    /// One sentence on what the bars show, shown under the title.
    pub caption: &'a str,
    pub series: &'a [Series<'a>],
    /// `(row label, values in series order)`.
    pub rows: Vec<(String, Vec<usize>)>,
    /// What a row's total counts ("accounts", "findings").
    pub unit: &'a str,
}

const WIDTH: usize = 300;
const ROW: usize = 34;

/// A stacked bar, `values` scaled to `width` SVG units: `(x, w)` per non-zero
/// value, integers that add up to `width` (the last segment takes the rest).
pub fn segments(values: &[usize], width: usize) -> Vec<(usize, usize, usize)> {
    let total: usize = values.iter().sum();
    let mut out = Vec::new();
    if total == 0 {
        return out;
    }
    let mut done = 0;
    let mut x = 0;
    for (i, &v) in values.iter().enumerate() {
        if v == 0 {
            continue;
        }
        done += v;
        let end = (done * width + total / 2) / total;
        out.push((i, x, end - x));
        x = end;
    }
    out
}

/// The chart as a `<figure>`: SVG bars, an HTML legend, and the numbers in a
/// folded table.
pub fn stacked(chart: &Stacked) -> String {
    let height = chart.rows.len().max(1) * ROW;
    let mut alt = Vec::new();
    let mut svg = String::new();
    for (r, (label, values)) in chart.rows.iter().enumerate() {
        let y = r * ROW;
        let total: usize = values.iter().sum();
        let parts: Vec<String> = chart
            .series
            .iter()
            .zip(values)
            .filter(|(_, v)| **v > 0)
            .map(|(s, v)| format!("{v} {}", s.label))
            .collect();
        alt.push(format!(
            "{label}: {}",
            if parts.is_empty() {
                "none".to_owned()
            } else {
                parts.join(", ")
            }
        ));
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" class=\"lbl\">{}</text><text x=\"{WIDTH}\" y=\"{}\" class=\"lbl end\">{total} {}</text>",
            y + 11,
            esc(label),
            y + 11,
            esc(chart.unit)
        );
        let _ = write!(
            svg,
            "<rect x=\"0\" y=\"{}\" width=\"{WIDTH}\" height=\"12\" class=\"track\"/>",
            y + 16
        );
        // (A value without a series is not drawn; the caller gives one per value.)
        for (i, x, w) in segments(values, WIDTH)
            .into_iter()
            .filter(|(i, _, _)| *i < chart.series.len())
        {
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"12\" class=\"{}\"><title>{}: {} {}</title></rect>",
                y + 16,
                chart.series[i].class,
                esc(label),
                values[i],
                esc(chart.series[i].label)
            );
        }
    }
    let legend: String = chart
        .series
        .iter()
        .map(|s| format!("<li><i class=\"sw {}\"></i>{}</li>", s.class, esc(s.label)))
        .collect();
    let head: String = chart
        .series
        .iter()
        .map(|s| format!("<th class=\"n\">{}</th>", esc(s.label)))
        .collect();
    let body: String = chart
        .rows
        .iter()
        .map(|(label, values)| {
            let cells: String = values
                .iter()
                .map(|v| format!("<td class=\"n\">{v}</td>"))
                .collect();
            format!("<tr><th>{}</th>{cells}</tr>", esc(label))
        })
        .collect();
    format!(
        "<figure class=\"chart\"><figcaption><b>{}</b> <span class=\"muted\">{}</span></figcaption>\
<svg viewBox=\"0 -2 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">{svg}</svg>\
<ul class=\"legend\">{legend}</ul>\
<details class=\"numbers\"><summary>The numbers</summary><div class=\"scroll\"><table><tr><th></th>{head}</tr>{body}</table></div></details></figure>",
        esc(chart.title),
        esc(chart.caption),
        esc(&format!("{}: {}", chart.title, alt.join("; "))),
    )
}

/// A one-line bar of `parts` (`(value, class)`), for the readiness of one member.
pub fn bar(parts: &[(usize, &str)], label: &str) -> String {
    let values: Vec<usize> = parts.iter().map(|(v, _)| *v).collect();
    let rects: String = segments(&values, 100)
        .into_iter()
        .map(|(i, x, w)| {
            format!(
                "<rect x=\"{x}\" y=\"0\" width=\"{w}\" height=\"6\" class=\"{}\"/>",
                parts[i].1
            )
        })
        .collect();
    format!(
        "<svg class=\"bar\" viewBox=\"0 0 100 6\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"0\" y=\"0\" width=\"100\" height=\"6\" class=\"track\"/>{rects}</svg>",
        esc(label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_fill_the_width_exactly() {
        assert!(segments(&[0, 0], 300).is_empty());
        let s = segments(&[1, 0, 2], 300);
        assert_eq!(s, [(0, 0, 100), (2, 100, 200)]);
        let s = segments(&[1, 1, 1], 100);
        assert_eq!(s.iter().map(|(_, _, w)| w).sum::<usize>(), 100);
        assert_eq!(s.last().map(|(_, x, w)| x + w), Some(100));
    }

    #[test]
    fn charts_escape_labels_and_say_their_numbers() {
        let series = [
            Series {
                label: "weak",
                class: "s0",
            },
            Series {
                label: "strong",
                class: "s4",
            },
        ];
        let html = stacked(&Stacked {
            title: "Strength",
            caption: "per member",
            series: &series,
            rows: vec![
                ("<b>x</b>".into(), vec![2, 1]),
                ("empty".into(), vec![0, 0]),
            ],
            unit: "accounts",
        });
        assert!(!html.contains("<b>x</b>"));
        assert!(
            html.contains("&lt;b&gt;x&lt;/b&gt;: 2 weak, 1 strong"),
            "{html}"
        );
        assert!(html.contains("empty: none"));
        assert!(html.contains("<td class=\"n\">2</td><td class=\"n\">1</td>"));
        assert!(html.contains("width=\"200\" height=\"12\" class=\"s0\""));
        // A value without a series is counted in the total, never drawn (no panic).
        let extra = stacked(&Stacked {
            title: "t",
            caption: "c",
            series: &series,
            rows: vec![("m".into(), vec![1, 1, 1])],
            unit: "u",
        });
        assert!(extra.contains("3 u</text>"), "{extra}");
        let b = bar(&[(5, "ok"), (1, "bad")], "5 of 6 <saved>");
        assert!(b.contains("aria-label=\"5 of 6 &lt;saved&gt;\""));
        assert!(b.contains("x=\"83\" y=\"0\" width=\"17\""), "{b}");
    }
}
