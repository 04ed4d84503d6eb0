//! A deterministic force-directed layout (Fruchterman–Reingold, 1991) for
//! drawing small networks: nodes repel each other, edges pull their ends
//! together (harder for heavier edges), and a weak gravity keeps separate
//! components in view.
//!
//! Starting positions come from a fixed-seed SplitMix64 generator and the
//! loops use only `+ - * / sqrt`, so the same graph gives the same
//! coordinates, bit for bit, on every run and platform. Drawing is left to
//! [`super::svg`]. Cost is O(n² · iterations): meant for the few hundred
//! nodes a readable picture can hold, not for whole graphs.

/// A position in the unit square.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// 0 (left) to 1 (right).
    pub x: f64,
    /// 0 (top) to 1 (bottom).
    pub y: f64,
}

/// Layout settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutOptions {
    /// Simulation steps (default 400).
    pub iterations: usize,
    /// Seed of the starting positions (default a fixed constant).
    pub seed: u64,
    /// Pull towards the centre, relative to the spring length (default 0.6).
    pub gravity: f64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            iterations: 400,
            seed: 0x00c0_3e57_1011,
            gravity: GRAVITY,
        }
    }
}

const GRAVITY: f64 = 3.0;

/// SplitMix64: a tiny, well-known generator, good enough for start positions.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Lays out `n` nodes joined by weighted `edges` (`(a, b, weight)`, indices
/// below `n`, weight > 0) and returns one position per node, scaled so that
/// the drawing fills the unit square (keeping its aspect ratio, centred).
///
/// ```
/// use comention::report::layout::{layout, LayoutOptions};
/// let edges = [(0, 1, 3.0), (1, 2, 1.0)];
/// let a = layout(3, &edges, &LayoutOptions::default());
/// assert_eq!(a, layout(3, &edges, &LayoutOptions::default()));
/// assert!(a.iter().all(|p| (0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y)));
/// ```
pub fn layout(n: usize, edges: &[(usize, usize, f64)], options: &LayoutOptions) -> Vec<Point> {
    match n {
        0 => return Vec::new(),
        1 => return vec![Point { x: 0.5, y: 0.5 }],
        _ => {}
    }
    let mut rng = SplitMix64(options.seed);
    let mut pos: Vec<(f64, f64)> = (0..n).map(|_| (rng.next_unit(), rng.next_unit())).collect();
    // Spring length for a unit square shared by n nodes.
    let k = (1.0 / n as f64).sqrt();
    let k2 = k * k;
    let max_weight = edges.iter().map(|e| e.2).fold(1.0, f64::max);
    // Hubs repel more (mass 1 + degree share, as in ForceAtlas2), so the
    // centre of a dense graph does not pile up.
    let mut degree = vec![0usize; n];
    for &(a, b, _) in edges {
        if a != b {
            degree[a] += 1;
            degree[b] += 1;
        }
    }
    let mean_degree = (2 * edges.len()) as f64 / n as f64;
    let mass: Vec<f64> = degree
        .iter()
        .map(|&d| (1.0 + d as f64 / mean_degree.max(1.0)).sqrt())
        .collect();
    let mut disp = vec![(0.0f64, 0.0f64); n];
    let start_temperature = 0.1;
    for step in 0..options.iterations {
        let temperature =
            start_temperature * (1.0 - step as f64 / options.iterations as f64) + 0.001;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            for j in i + 1..n {
                let (mut dx, mut dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let mut d2 = dx * dx + dy * dy;
                if d2 < 1e-12 {
                    // Coincident nodes: push apart along a fixed direction.
                    dx = 1e-3 * (1.0 + i as f64);
                    dy = 1e-3;
                    d2 = dx * dx + dy * dy;
                }
                // Repulsion k²/d along the unit vector: k²/d² times (dx, dy).
                let f = k2 * mass[i] * mass[j] / d2;
                disp[i].0 += dx * f;
                disp[i].1 += dy * f;
                disp[j].0 -= dx * f;
                disp[j].1 -= dy * f;
            }
        }
        for &(a, b, w) in edges {
            if a == b {
                continue;
            }
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt();
            // Attraction d²/k along the unit vector, heavier edges pull
            // harder; the square root keeps many light edges from
            // collapsing a dense graph into a ball.
            let strength = (w / max_weight).sqrt();
            let f = d / k * strength;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for (p, d) in pos.iter_mut().zip(&mut disp) {
            d.0 -= (p.0 - 0.5) * options.gravity;
            d.1 -= (p.1 - 0.5) * options.gravity;
            let len = (d.0 * d.0 + d.1 * d.1).sqrt();
            if len > 0.0 {
                let step = len.min(temperature);
                p.0 += d.0 / len * step;
                p.1 += d.1 / len * step;
            }
        }
    }
    fit(&pos)
}

/// Scales positions into the unit square, centred, keeping the aspect ratio.
fn fit(pos: &[(f64, f64)]) -> Vec<Point> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    pos.iter()
        .map(|&(x, y)| Point {
            x: 0.5 + (x - cx) / span,
            y: 0.5 + (y - cy) / span,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(n: usize) -> Vec<(usize, usize, f64)> {
        (0..n).map(|i| (i, (i + 1) % n, 1.0 + i as f64)).collect()
    }

    #[test]
    fn same_input_same_bits() {
        let edges = ring(30);
        let a = layout(30, &edges, &LayoutOptions::default());
        let b = layout(30, &edges, &LayoutOptions::default());
        let bits = |v: &[Point]| -> Vec<(u64, u64)> {
            v.iter().map(|p| (p.x.to_bits(), p.y.to_bits())).collect()
        };
        assert_eq!(bits(&a), bits(&b));
        // Another seed gives another picture.
        let c = layout(
            30,
            &edges,
            &LayoutOptions {
                seed: 7,
                ..LayoutOptions::default()
            },
        );
        assert_ne!(bits(&a), bits(&c));
    }

    #[test]
    fn fills_the_unit_square_without_stacking_nodes() {
        let edges = ring(12);
        let p = layout(12, &edges, &LayoutOptions::default());
        assert!(p
            .iter()
            .all(|p| (0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y)));
        let spread = |f: fn(&Point) -> f64| {
            p.iter().map(f).fold(f64::MIN, f64::max) - p.iter().map(f).fold(f64::MAX, f64::min)
        };
        assert!((spread(|p| p.x) - 1.0).abs() < 1e-9 || (spread(|p| p.y) - 1.0).abs() < 1e-9);
        for i in 0..p.len() {
            for j in i + 1..p.len() {
                let d = ((p[i].x - p[j].x).powi(2) + (p[i].y - p[j].y).powi(2)).sqrt();
                assert!(d > 0.05, "nodes {i} and {j} are {d} apart");
            }
        }
    }

    #[test]
    fn linked_nodes_sit_closer_than_unlinked_ones() {
        // Two triangles joined by nothing: within-triangle distances are short.
        let edges = [
            (0, 1, 5.0),
            (1, 2, 5.0),
            (0, 2, 5.0),
            (3, 4, 5.0),
            (4, 5, 5.0),
            (3, 5, 5.0),
        ];
        let p = layout(6, &edges, &LayoutOptions::default());
        let d = |a: usize, b: usize| ((p[a].x - p[b].x).powi(2) + (p[a].y - p[b].y).powi(2)).sqrt();
        assert!(d(0, 1) < d(0, 4) && d(3, 4) < d(2, 5), "{p:?}");
    }

    #[test]
    fn tiny_graphs() {
        assert!(layout(0, &[], &LayoutOptions::default()).is_empty());
        assert_eq!(
            layout(1, &[], &LayoutOptions::default()),
            [Point { x: 0.5, y: 0.5 }]
        );
        assert_eq!(
            layout(2, &[(0, 1, 1.0)], &LayoutOptions::default()).len(),
            2
        );
    }
}
