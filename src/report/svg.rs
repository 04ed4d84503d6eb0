//! Draws a [`Network`] as an inline SVG element: node area by size, colour by
//! entity type, stroke width by edge weight, labels with a white halo so
//! they stay readable over edges. Positions come from [`super::layout`].
//!
//! Labels and ids are escaped; every node links to `#e-<anchor(id)>` (the
//! entity table of the HTML report). Coordinates are rounded to 0.1 px so
//! the output is byte-for-byte stable.

use std::fmt::Write as _;

use super::escape::{anchor, html};
use super::layout::{layout, LayoutOptions};
use super::{type_color, type_slot, Network};

/// Drawing settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvgOptions {
    /// Width of the drawing in px (default 1000).
    pub width: f64,
    /// Height of the drawing in px (default 720).
    pub height: f64,
    /// At most this many labels are drawn, largest node first, and only
    /// where they overlap no other label or node; every node shows its
    /// label on hover (default 40).
    pub max_labels: usize,
    /// Layout settings.
    pub layout: LayoutOptions,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            width: 1000.0,
            height: 720.0,
            max_labels: 40,
            layout: LayoutOptions::default(),
        }
    }
}

/// Renders `network` as an `<svg>` element (no XML prologue; meant to be
/// embedded in HTML).
///
/// ```
/// use comention::report::{Network, NetworkNode, NetworkEdge, svg::{render, SvgOptions}};
/// let node = |id: &str, size| NetworkNode { id: id.into(), label: id.into(), kind: "COUNTRY".into(), size };
/// let net = Network {
///     nodes: vec![node("kz", 5.0), node("<ru>", 3.0)],
///     edges: vec![NetworkEdge { source: 0, target: 1, weight: 2.0 }],
///     description: String::new(),
/// };
/// let svg = render(&net, &SvgOptions::default());
/// assert!(svg.starts_with("<svg") && svg.contains("&lt;ru&gt;") && !svg.contains("<ru>"));
/// ```
pub fn render(network: &Network, options: &SvgOptions) -> String {
    let (w, h) = (options.width, options.height);
    let mut out = String::new();
    write!(
        out,
        r#"<svg class="network" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="co-mention network">"#
    )
    .expect("writing to a String cannot fail");
    if network.nodes.is_empty() {
        write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle" class="empty">no co-mentions to draw</text></svg>"#,
            w / 2.0,
            h / 2.0
        )
        .expect("writing to a String cannot fail");
        return out;
    }
    let edges: Vec<(usize, usize, f64)> = network
        .edges
        .iter()
        .filter(|e| e.source < network.nodes.len() && e.target < network.nodes.len())
        .map(|e| (e.source, e.target, e.weight.max(0.0)))
        .collect();
    let points = layout(network.nodes.len(), &edges, &options.layout);
    let max_size = network
        .nodes
        .iter()
        .map(|n| n.size)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let max_weight = edges.iter().map(|e| e.2).fold(0.0f64, f64::max).max(1e-9);
    // Room for the largest circle and for labels at the edges.
    let margin_x = 150.0;
    let margin_y = 40.0;
    let px = |i: usize| {
        (
            round1(margin_x + points[i].x * (w - 2.0 * margin_x)),
            round1(margin_y + points[i].y * (h - 2.0 * margin_y)),
        )
    };
    let radius = |size: f64| round1(4.0 + 22.0 * (size.max(0.0) / max_size).sqrt());

    // Edges: light first, so heavy ones are drawn on top.
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&a, &b| edges[a].2.total_cmp(&edges[b].2).then(a.cmp(&b)));
    out.push_str(r#"<g class="edges">"#);
    for i in order {
        let (a, b, weight) = edges[i];
        let ((x1, y1), (x2, y2)) = (px(a), px(b));
        let share = weight / max_weight;
        write!(
            out,
            r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{}" stroke-opacity="{}"><title>{} – {}: {}</title></line>"#,
            round1(0.8 + 7.0 * share),
            round2(0.25 + 0.5 * share),
            html(&network.nodes[a].label),
            html(&network.nodes[b].label),
            weight
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("</g>");

    // Nodes: small first, so large ones stay visible; labels above all.
    let mut by_size: Vec<usize> = (0..network.nodes.len()).collect();
    by_size.sort_by(|&a, &b| {
        network.nodes[a]
            .size
            .total_cmp(&network.nodes[b].size)
            .then(a.cmp(&b))
    });
    out.push_str(r#"<g class="nodes">"#);
    for &i in &by_size {
        let node = &network.nodes[i];
        let (x, y) = px(i);
        write!(
            out,
            r##"<a href="#e-{}"><circle cx="{x}" cy="{y}" r="{}" fill="{}" class="k{}"><title>{} ({}, {}): {} mentions</title></circle></a>"##,
            anchor(&node.id),
            radius(node.size),
            type_color(&node.kind),
            type_slot(&node.kind),
            html(&node.label),
            html(&node.kind),
            html(&node.id),
            node.size
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("</g>");
    out.push_str(r#"<g class="labels">"#);
    // Greedy placement, largest node first: right of the node, else left,
    // above or below, else no label (the tooltip still has it). Label boxes
    // are estimated from the character count.
    let mut placed: Vec<(f64, f64, f64, f64)> = Vec::new();
    let mut labelled = 0;
    for &i in by_size.iter().rev() {
        if labelled == options.max_labels {
            break;
        }
        let node = &network.nodes[i];
        let (x, y) = px(i);
        let r = radius(node.size);
        let size = round1(12.0 + 5.0 * (node.size.max(0.0) / max_size).sqrt());
        let width = node.label.chars().count() as f64 * size * 0.6 + 4.0;
        // Candidate boxes: right, left, above, below (x0, top, x1, bottom, anchor).
        let half = width / 2.0;
        let candidates = [
            (
                x + r + 3.0,
                y - size * 0.6,
                x + r + 3.0 + width,
                y + size * 0.45,
                "start",
            ),
            (
                x - r - 3.0 - width,
                y - size * 0.6,
                x - r - 3.0,
                y + size * 0.45,
                "end",
            ),
            (
                x - half,
                y - r - 3.0 - size * 1.05,
                x + half,
                y - r - 3.0,
                "middle",
            ),
            (
                x - half,
                y + r + 2.0,
                x + half,
                y + r + 2.0 + size * 1.05,
                "middle",
            ),
        ];
        // Labels may cross edges and other circles (the white halo keeps
        // them readable) but not each other.
        let fits = |b: &(f64, f64, f64, f64, &str)| {
            b.0 >= 2.0
                && b.2 <= w - 2.0
                && b.1 >= 2.0
                && b.3 <= h - 2.0
                && placed
                    .iter()
                    .all(|p| b.2 < p.0 || b.0 > p.2 || b.3 < p.1 || b.1 > p.3)
        };
        let Some(&(x0, top, x1, bottom, anchor)) = candidates.iter().find(|b| fits(b)) else {
            continue;
        };
        placed.push((x0, top, x1, bottom));
        labelled += 1;
        let (tx, attr) = match anchor {
            "start" => (x0, ""),
            "end" => (x1, r#" text-anchor="end""#),
            _ => ((x0 + x1) / 2.0, r#" text-anchor="middle""#),
        };
        write!(
            out,
            r#"<text x="{}" y="{}" font-size="{size}"{attr}>{}</text>"#,
            round1(tx),
            round1(bottom - size * 0.22),
            html(&node.label)
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("</g></svg>");
    out
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{NetworkEdge, NetworkNode};

    fn network() -> Network {
        let node = |id: &str, kind: &str, size| NetworkNode {
            id: id.into(),
            label: format!("{id}<script>alert(1)</script>"),
            kind: kind.into(),
            size,
        };
        Network {
            nodes: vec![
                node("a\"onmouseover=\"x", "COUNTRY", 10.0),
                node("b", "PERSON", 3.0),
                node("c", "<ORG>", 1.0),
            ],
            edges: vec![
                NetworkEdge {
                    source: 0,
                    target: 1,
                    weight: 4.0,
                },
                NetworkEdge {
                    source: 1,
                    target: 2,
                    weight: 1.0,
                },
            ],
            description: String::new(),
        }
    }

    #[test]
    fn deterministic_and_escaped() {
        let a = render(&network(), &SvgOptions::default());
        assert_eq!(a, render(&network(), &SvgOptions::default()));
        assert!(!a.contains("<script"), "{a}");
        assert!(!a.contains("\"onmouseover"), "{a}");
        assert!(!a.contains("<ORG>"), "{a}");
        assert_eq!(a.matches("<circle").count(), 3);
        assert_eq!(a.matches("<line").count(), 2);
        assert_eq!(a.matches("<text").count(), 3);
    }

    #[test]
    fn label_cap_and_empty_network() {
        let options = SvgOptions {
            max_labels: 1,
            ..SvgOptions::default()
        };
        let a = render(&network(), &options);
        assert_eq!(a.matches("<text").count(), 1);
        assert!(
            a.contains(">a&quot;onmouseover"),
            "the largest node keeps its label"
        );
        let empty = render(&Network::default(), &SvgOptions::default());
        assert!(empty.contains("no co-mentions"));
    }
}
