//! Inline SVG drawings for the HTML report, drawn on the server so the page needs no
//! script library and no network.

use std::fmt::Write;

use bonafide_core::ActivitySummary;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn offset_label(minutes: i32) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let m = minutes.abs();
    if m % 60 == 0 { format!("UTC{sign}{}", m / 60) } else { format!("UTC{sign}{}:{:02}", m / 60, m % 60) }
}

/// A 24-hour clock of a subject's activity: one bar per hour around the dial, midnight
/// at the top, the claimed working hours (09:00–17:00) shaded. The dial shows claimed
/// local time when the claimed zone is known (so the shading means something), UTC
/// otherwise; the caption gives the inferred and the claimed zone.
pub fn activity_clock(a: &ActivitySummary) -> String {
    let local = !a.local_hours.is_empty();
    let hours: &[u32] = if local { &a.local_hours } else { &a.utc_hours };
    let max = hours.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (cx, cy, r0, r1) = (110.0, 110.0, 38.0, 96.0);
    let point = |hour: f64, r: f64| {
        let a = (hour / 24.0) * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        (cx + r * a.cos(), cy + r * a.sin())
    };
    let mut s = String::new();
    let title = if local {
        format!("activity by local hour in the claimed zone {}", a.claimed_zone.as_deref().unwrap_or(""))
    } else {
        "activity by UTC hour".to_string()
    };
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 220 250" width="220" height="250" role="img" aria-label="{}">"#,
        escape(&title)
    );
    let _ = write!(s, "<title>{}</title>", escape(&title));
    if local {
        // Working hours 09:00 to 17:00 as a shaded sector.
        let (x0, y0) = point(9.0, r1 + 4.0);
        let (x1, y1) = point(17.0, r1 + 4.0);
        let (x2, y2) = point(17.0, r0 - 4.0);
        let (x3, y3) = point(9.0, r0 - 4.0);
        let _ = write!(
            s,
            r##"<path d="M{x0:.1},{y0:.1} A{ro:.1},{ro:.1} 0 0 1 {x1:.1},{y1:.1} L{x2:.1},{y2:.1} A{ri:.1},{ri:.1} 0 0 0 {x3:.1},{y3:.1} Z" fill="#e3f1e6"><title>claimed working hours 09:00–17:00</title></path>"##,
            ro = r1 + 4.0,
            ri = r0 - 4.0
        );
    }
    let _ = write!(s, r##"<circle cx="{cx}" cy="{cy}" r="{r0}" fill="none" stroke="#c4ccd4"/>"##);
    for (h, &n) in hours.iter().enumerate() {
        let len = (r1 - r0) * (n as f64 / max);
        let (xa, ya) = point(h as f64 + 0.5, r0);
        let (xb, yb) = point(h as f64 + 0.5, r0 + len.max(0.5));
        let colour = if local && !(9..17).contains(&h) && h < 6 { "#b3001b" } else { "#0b5cad" };
        let _ = write!(
            s,
            r#"<line x1="{xa:.1}" y1="{ya:.1}" x2="{xb:.1}" y2="{yb:.1}" stroke="{colour}" stroke-width="7" stroke-linecap="butt"><title>{h:02}:00 {n} active periods</title></line>"#
        );
    }
    for (h, label) in [(0.0, "0"), (6.0, "6"), (12.0, "12"), (18.0, "18")] {
        let (x, y) = point(h, r1 + 12.0);
        let _ = write!(
            s,
            r##"<text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#5b6570">{label}</text>"##,
            y + 3.5
        );
    }
    let zone = if local { "local" } else { "UTC" };
    let _ = write!(
        s,
        r##"<text x="{cx}" y="{:.1}" font-size="10" text-anchor="middle" fill="#5b6570">{zone}</text>"##,
        cy + 3.5
    );
    let inferred = match a.inferred_utc_offset_minutes {
        Some(o) => format!("fits {} ({:.0}% sure)", offset_label(o), a.confidence * 100.0),
        None => "no fit".to_string(),
    };
    let claimed = a.claimed_utc_offset_minutes.map(offset_label).unwrap_or_else(|| "no claimed zone".into());
    let _ = write!(
        s,
        r##"<text x="110" y="232" font-size="11" text-anchor="middle" fill="#1b1f24">{}</text>"##,
        escape(&inferred)
    );
    let _ = write!(
        s,
        r##"<text x="110" y="246" font-size="11" text-anchor="middle" fill="#5b6570">claims {}</text>"##,
        escape(&claimed)
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_dial() {
        let a = ActivitySummary {
            events: 10,
            inferred_utc_offset_minutes: Some(480),
            confidence: 0.9,
            claimed_utc_offset_minutes: Some(-300),
            claimed_zone: Some("America/New_York".into()),
            utc_hours: vec![1; 24],
            local_hours: (0..24).collect(),
            ..Default::default()
        };
        let svg = activity_clock(&a);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<line").count(), 24);
        assert!(svg.contains("fits UTC+8") && svg.contains("claims UTC−5"));
        assert!(!svg.contains("<script"));
    }
}
