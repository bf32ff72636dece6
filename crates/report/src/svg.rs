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

const CLOCK_W: f64 = 244.0;

/// Below this confidence the rhythm names no zone worth reading; F1's default needs 0.5.
const NO_RHYTHM_BELOW: f64 = 0.2;
const WEAK_BELOW: f64 = 0.5;

/// The inferred zone in words. A rhythm places a zone to within an hour or two at best,
/// so the caption rounds to the hour (`report.json` keeps the minutes); a fit too weak
/// to read is not given a zone at all.
fn inferred_caption(a: &ActivitySummary) -> String {
    let sure = (a.confidence * 100.0).round();
    match a.inferred_utc_offset_minutes {
        None => "no daily rhythm (too little activity)".to_string(),
        Some(_) if a.confidence < NO_RHYTHM_BELOW => format!("no clear daily rhythm ({sure:.0}% sure)"),
        Some(o) => {
            let hours = ((f64::from(o) / 60.0).round() as i32) * 60;
            let how = if a.confidence < WEAK_BELOW { "weakly fits" } else { "fits" };
            format!("{how} about {} ({sure:.0}% sure)", offset_label(hours))
        }
    }
}

/// A 24-hour clock of a subject's activity: one bar per hour around the dial, midnight
/// at the top, the claimed working hours (09:00–17:00) shaded. The dial shows claimed
/// local time when the claimed zone is known (so the shading means something), UTC
/// otherwise; the caption gives the inferred and the claimed zone.
pub fn activity_clock(a: &ActivitySummary) -> String {
    let local = !a.local_hours.is_empty();
    let hours: &[u32] = if local { &a.local_hours } else { &a.utc_hours };
    let max = hours.iter().copied().max().unwrap_or(0).max(1) as f64;
    // The hour labels sit 12 px outside the bars; the margin keeps `0` and `18` whole.
    let (cx, cy, r0, r1) = (CLOCK_W / 2.0, 124.0, 38.0, 96.0);
    let point = |hour: f64, r: f64| {
        let a = (hour / 24.0) * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        (cx + r * a.cos(), cy + r * a.sin())
    };
    let mut s = String::new();
    let height = if a.commits_timed_by_committer > 0 { 306 } else { 292 };
    let title = if local {
        format!("activity by local hour in the claimed zone {}", a.claimed_zone.as_deref().unwrap_or(""))
    } else {
        "activity by UTC hour".to_string()
    };
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CLOCK_W} {height}" width="{CLOCK_W}" height="{height}" role="img" aria-label="{}">"#,
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
    // The legend: what the colours mean, in words (not colour alone).
    let mut y = cy + r1 + 28.0;
    let key = |s: &mut String, x: f64, colour: &str, text: &str| {
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="8" height="8" fill="{colour}"/><text x="{:.1}" y="{y:.1}" font-size="9" fill="#5b6570">{text}</text>"##,
            y - 7.5,
            x + 11.0
        );
    };
    if local {
        key(&mut s, 8.0, "#b3001b", "00–06 local");
        key(&mut s, 84.0, "#0b5cad", "other hours");
        key(&mut s, 160.0, "#e3f1e6", "09–17 claimed");
    } else {
        key(&mut s, 70.0, "#0b5cad", "activity per UTC hour");
    }
    y += 16.0;
    let _ = write!(
        s,
        r##"<text x="{cx}" y="{y:.1}" font-size="11" text-anchor="middle" fill="#1b1f24">{}</text>"##,
        escape(&inferred_caption(a))
    );
    y += 14.0;
    let claimed = a.claimed_utc_offset_minutes.map(offset_label).unwrap_or_else(|| "no claimed zone".into());
    let _ = write!(
        s,
        r##"<text x="{cx}" y="{y:.1}" font-size="11" text-anchor="middle" fill="#5b6570">claims {}</text>"##,
        escape(&claimed)
    );
    if a.commits_timed_by_committer > 0 {
        y += 14.0;
        let _ = write!(
            s,
            r##"<text x="{cx}" y="{y:.1}" font-size="9" text-anchor="middle" fill="#5b6570">{} commits timed by their committer left out</text>"##,
            a.commits_timed_by_committer
        );
    }
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
        assert!(svg.contains("fits about UTC+8 (90% sure)") && svg.contains("claims UTC−5"));
        assert!(svg.contains("00–06 local") && svg.contains("09–17 claimed"), "a legend in words");
        // Every hour label lies inside the drawing (`18` used to be centred at x=2, cut
        // in half, and `0` at the top edge).
        for label in ["0", "6", "12", "18"] {
            let at = svg.find(&format!(">{label}</text>")).unwrap();
            let text = &svg[svg[..at].rfind("<text").unwrap()..at];
            let num = |attr: &str| -> f64 {
                text.split(&format!("{attr}=\"")).nth(1).and_then(|r| r.split('"').next()).unwrap().parse().unwrap()
            };
            let (x, y) = (num("x"), num("y"));
            assert!((8.0..=CLOCK_W - 8.0).contains(&x) && y >= 10.0, "{label} at {x},{y}");
        }
        let weak =
            activity_clock(&ActivitySummary { inferred_utc_offset_minutes: Some(645), confidence: 0.3, ..a.clone() });
        assert!(weak.contains("weakly fits about UTC+11 (30% sure)"), "{weak}");
        let none =
            activity_clock(&ActivitySummary { inferred_utc_offset_minutes: Some(645), confidence: 0.004, ..a.clone() });
        assert!(none.contains("no clear daily rhythm (0% sure)") && !none.contains("UTC+10:45"), "{none}");
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("timed by their committer"));
        let merged = ActivitySummary { commits_timed_by_committer: 3, ..a };
        let svg = activity_clock(&merged);
        assert!(svg.contains("3 commits timed by their committer left out") && svg.contains(r#"height="306""#));
    }
}

/// One subject of a cluster drawing: label, name and score band (the colour), and where
/// its circle links to (empty: nowhere).
pub struct GraphSubject {
    pub label: String,
    pub name: String,
    pub band: String,
    pub href: String,
}

fn band_colour(band: &str) -> &'static str {
    match band {
        "critical" => "#b3261e",
        "high" => "#e8710a",
        "medium" => "#f2c94c",
        _ => "#7a8a99",
    }
}

/// Longest kind label under a satellite, in characters; the full kind and value are in
/// its tooltip.
const SATELLITE_LABEL: usize = 22;

/// A cluster as a graph, the one drawing the HTML report and the web UI's cluster page
/// share: subjects on an inner circle (coloured by band), one satellite point per shared
/// identifier value ([`crate::present::shared_values`]) on an outer circle, joined to
/// every member who holds it and placed at the mean angle of its holders, so that what
/// they share sits between them. Drawing the stored pairwise links instead made a star
/// around whichever member the graph joined first. The layout depends only on the order
/// of the inputs, so the same cluster draws the same in every run.
pub fn cluster_graph(subjects: &[GraphSubject], idents: &[crate::present::SharedValue]) -> String {
    let n = subjects.len().max(1);
    let size = if n + idents.len() > 12 { 420.0 } else { 320.0 };
    let (cx, cy) = (size / 2.0, size / 2.0);
    let (r_in, r_out) = (size * 0.22, size * 0.40);
    let angle = |i: usize| (i as f64 / n as f64) * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
    let pos: Vec<(f64, f64)> =
        (0..subjects.len()).map(|i| (cx + r_in * angle(i).cos(), cy + r_in * angle(i).sin())).collect();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" aria-label="cluster graph: members and the identifiers they share"><title>members and the identifiers they share</title>"#
    );
    // Satellites: at the mean of the holders' positions on the unit circle, pushed out to
    // the outer ring when the holders sit together and pulled to the centre when they
    // surround it (a value every member shares); nudged round when two coincide.
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for (k, id) in idents.iter().enumerate() {
        let (mut vx, mut vy) = (0.0, 0.0);
        for &h in &id.holders {
            vx += angle(h).cos();
            vy += angle(h).sin();
        }
        let len = id.holders.len().max(1) as f64;
        let spread = (vx / len).hypot(vy / len);
        let mut a =
            if spread < 1e-6 { (k as f64 / idents.len().max(1) as f64) * std::f64::consts::TAU } else { vy.atan2(vx) };
        let mut r = r_out * spread.clamp(0.0, 1.0);
        let mut p = (cx + r * a.cos(), cy + r * a.sin());
        let mut tries = 0;
        while placed.iter().any(|q| (q.0 - p.0).hypot(q.1 - p.1) < 26.0) && tries < 24 {
            a += 0.6;
            r = (r + 12.0).min(r_out);
            p = (cx + r * a.cos(), cy + r * a.sin());
            tries += 1;
        }
        placed.push(p);
        for &h in &id.holders {
            if let Some(q) = pos.get(h) {
                let _ = write!(
                    s,
                    r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#9aa5b1" stroke-width="1.2"/>"##,
                    q.0, q.1, p.0, p.1
                );
            }
        }
    }
    for (id, p) in idents.iter().zip(&placed) {
        let holders: Vec<&str> = id.holders.iter().filter_map(|h| subjects.get(*h)).map(|x| x.label.as_str()).collect();
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="14" height="14" rx="3" fill="#dfe7ef" stroke="#5b6b7b"><title>{}: {} (held by {})</title></rect>"##,
            p.0 - 7.0,
            p.1 - 7.0,
            escape(&id.kind),
            escape(&id.value),
            escape(&holders.join(", "))
        );
        let mut short: String = id.kind.chars().take(SATELLITE_LABEL).collect();
        if id.kind.chars().count() > SATELLITE_LABEL {
            short.push('…');
        }
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#3d4a57">{}</text>"##,
            p.0,
            p.1 + 18.0,
            escape(&short)
        );
    }
    for (sub, p) in subjects.iter().zip(&pos) {
        if !sub.href.is_empty() {
            let _ = write!(s, r#"<a href="{}">"#, escape(&sub.href));
        }
        let who = if sub.name.is_empty() { sub.label.clone() } else { format!("{} · {}", sub.label, sub.name) };
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="11" fill="{}" stroke="#fff" stroke-width="2"><title>{} ({})</title></circle>"##,
            p.0,
            p.1,
            band_colour(&sub.band),
            escape(&who),
            escape(&sub.band)
        );
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#1d2733">{}</text>"##,
            p.0,
            p.1 - 15.0,
            escape(&sub.label)
        );
        if !sub.href.is_empty() {
            s.push_str("</a>");
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod cluster_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::present::{ClusterLink, shared_values};

    fn subject(label: &str, band: &str) -> GraphSubject {
        GraphSubject { label: label.into(), name: String::new(), band: band.into(), href: String::new() }
    }

    #[test]
    fn cluster_graphs_are_deterministic_and_escaped() {
        let subjects = vec![subject("E1", "critical"), subject("E<2>", "low")];
        let link = ClusterLink { a: "E1", b: "E<2>", kind: "shipping_address", value: "9 FARM RD", indicator: "C2" };
        let idents = shared_values(&["E1", "E<2>"], [link]);
        let a = cluster_graph(&subjects, &idents);
        assert_eq!(a, cluster_graph(&subjects, &idents));
        assert!(a.starts_with("<svg") && a.ends_with("</svg>"));
        assert!(a.contains("E&lt;2&gt;") && !a.contains("E<2>"));
        assert_eq!(a.matches("<line").count(), 2, "one edge per holder");
        assert_eq!(a.matches("<circle").count(), 2);
        assert!(a.contains(">shipping address</text>") && !a.contains("shipping_address"), "kinds in words");
    }

    /// A value four members share, stored as the pairs the graph joined (a star around
    /// E1), draws as one point joined to all four; and a bank account's fingerprint is
    /// not shown (the raw number never reaches the drawing: it is not in the link).
    #[test]
    fn a_value_shared_by_many_is_one_point_not_a_star() {
        let ids = ["E1", "E2", "E3", "E4"];
        let subjects: Vec<GraphSubject> = ids.iter().map(|i| subject(i, "high")).collect();
        let value = "bank account ****2465 (fp:0a1b2c3d)";
        let links =
            ["E2", "E3", "E4"].map(|b| ClusterLink { a: "E1", b, kind: "bank_account", value, indicator: "G3" });
        let idents = shared_values(&ids, links);
        assert_eq!(idents.len(), 1);
        assert_eq!(idents[0].holders, vec![0, 1, 2, 3]);
        let svg = cluster_graph(&subjects, &idents);
        assert_eq!(svg.matches("<rect").count(), 1, "one point per shared value");
        assert_eq!(svg.matches("<line").count(), 4, "joined to every holder");
        assert!(svg.contains("bank account: bank account ****2465 (held by E1, E2, E3, E4)"), "{svg}");
        assert!(!svg.contains("fp:"));
    }

    #[test]
    fn subjects_link_where_the_sink_asks() {
        let mut s = subject("E1", "critical");
        s.href = "/subjects/E1".into();
        s.name = "Ann Lee".into();
        let svg = cluster_graph(&[s, subject("E2", "low")], &[]);
        assert!(svg.contains(r#"<a href="/subjects/E1"><circle"#) && svg.contains("E1 · Ann Lee"));
        assert_eq!(svg.matches("<a ").count(), 1);
    }
}
