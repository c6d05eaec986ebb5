//! Node positions for the HTML report, computed at export time.
//!
//! Why here and not in the browser: force-directed layout in JavaScript (cytoscape's
//! `cose`/`fcose`) takes seconds for a few hundred nodes and minutes for thousands, while
//! this Fruchterman–Reingold variant with grid-limited repulsion is linear per iteration
//! and lays out thousands of nodes in well under a second. The page draws these positions
//! directly and keeps them while filters change (a stable map); it can still re-run a
//! browser layout on what is shown.

use std::collections::{BTreeMap, HashMap};

use crate::model::{GraphView, Node};

/// Ideal distance between linked nodes, in page pixels at zoom 1.
const IDEAL: f64 = 60.0;
/// Pull of every node toward the centre, so that separate components stay close.
const GRAVITY: f64 = 0.04;

/// Prominence of a node: mentions plus the evidence on its edges (documents count their
/// edges only). The page ranks nodes the same way.
pub(crate) fn prominence(view: &GraphView) -> HashMap<&str, f64> {
    let mut score: HashMap<&str, f64> = view
        .nodes
        .iter()
        .map(|n| {
            let mentions = match n {
                Node::Actor(a) => a.mentions,
                Node::Issue(i) => i.mentions,
                Node::Document(_) => 0,
            };
            (n.id(), mentions as f64)
        })
        .collect();
    for edge in &view.links {
        for end in [edge.source.as_str(), edge.target.as_str()] {
            if let Some(s) = score.get_mut(end) {
                *s += edge.weight.max(1) as f64;
            }
        }
    }
    score
}

/// Positions `[x, y]` for every node, by id. Deterministic: the same view always gives the
/// same positions.
pub(crate) fn positions(view: &GraphView) -> BTreeMap<String, [f64; 2]> {
    let score = prominence(view);
    // Most prominent first: they start in the middle of the spiral and stay central.
    let mut order: Vec<&Node> = view.nodes.iter().collect();
    order.sort_by(|a, b| {
        let of = |n: &Node| score.get(n.id()).copied().unwrap_or(0.0);
        of(b)
            .partial_cmp(&of(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.id().cmp(b.id()))
    });
    let index: HashMap<&str, usize> = order.iter().enumerate().map(|(i, n)| (n.id(), i)).collect();
    let mut springs: HashMap<(usize, usize), f64> = HashMap::new();
    for edge in &view.links {
        if let (Some(&a), Some(&b)) = (
            index.get(edge.source.as_str()),
            index.get(edge.target.as_str()),
        ) {
            if a != b {
                *springs.entry((a.min(b), a.max(b))).or_default() += edge.weight.max(1) as f64;
            }
        }
    }
    // Heavier ties pull harder, but only logarithmically.
    let mut springs: Vec<(usize, usize, f64)> = springs
        .into_iter()
        .map(|((a, b), w)| (a, b, (1.0 + w.ln()).min(3.0)))
        .collect();
    springs.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));

    let n = order.len();
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let mut pos: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let r = IDEAL * 0.8 * (i as f64 + 0.5).sqrt();
            let a = i as f64 * golden;
            [r * a.cos(), r * a.sin()]
        })
        .collect();
    let iterations = if n > 1500 { 120 } else { 250 };
    let cell = 2.0 * IDEAL;
    let mut disp = vec![[0.0f64; 2]; n];
    for step in 0..iterations {
        let temperature = IDEAL * 2.0 * (1.0 - step as f64 / iterations as f64) + IDEAL * 0.02;
        disp.iter_mut().for_each(|d| *d = [0.0, 0.0]);
        // Repulsion from nodes in the same and neighbouring grid cells only.
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        let cell_of = |p: [f64; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
        for (i, p) in pos.iter().enumerate() {
            grid.entry(cell_of(*p)).or_default().push(i);
        }
        for (i, p) in pos.iter().enumerate() {
            let (cx, cy) = cell_of(*p);
            for gx in cx - 1..=cx + 1 {
                for gy in cy - 1..=cy + 1 {
                    let Some(members) = grid.get(&(gx, gy)) else {
                        continue;
                    };
                    for &j in members {
                        if j == i {
                            continue;
                        }
                        let (dx, dy, dist) = delta(*p, pos[j], i, j);
                        if dist < cell {
                            let force = IDEAL * IDEAL / dist * (1.0 - dist / cell);
                            disp[i][0] += dx / dist * force;
                            disp[i][1] += dy / dist * force;
                        }
                    }
                }
            }
        }
        for &(a, b, w) in &springs {
            let (dx, dy, dist) = delta(pos[a], pos[b], a, b);
            let force = dist * dist / IDEAL * w;
            disp[a][0] -= dx / dist * force;
            disp[a][1] -= dy / dist * force;
            disp[b][0] += dx / dist * force;
            disp[b][1] += dy / dist * force;
        }
        for (p, d) in pos.iter_mut().zip(disp.iter_mut()) {
            d[0] -= p[0] * GRAVITY;
            d[1] -= p[1] * GRAVITY;
            let length = (d[0] * d[0] + d[1] * d[1]).sqrt();
            if length > 1e-9 {
                let moved = length.min(temperature);
                p[0] += d[0] / length * moved;
                p[1] += d[1] / length * moved;
            }
        }
    }
    order
        .iter()
        .zip(pos)
        .map(|(node, [x, y])| (node.id().to_string(), [round1(x), round1(y)]))
        .collect()
}

/// Difference `a - b`, its length (never zero: coincident nodes are pushed apart in a
/// direction that depends on their indices).
fn delta(a: [f64; 2], b: [f64; 2], i: usize, j: usize) -> (f64, f64, f64) {
    let (mut dx, mut dy) = (a[0] - b[0], a[1] - b[1]);
    let mut dist = (dx * dx + dy * dy).sqrt();
    if !dist.is_finite() || dist < 0.01 {
        let angle =
            (i.wrapping_mul(31).wrapping_add(j) % 360) as f64 * std::f64::consts::PI / 180.0;
        let sign = if i < j { 1.0 } else { -1.0 };
        dx = angle.cos() * 0.01 * sign;
        dy = angle.sin() * 0.01 * sign;
        dist = 0.01;
    }
    (dx, dy, dist)
}

fn round1(value: f64) -> f64 {
    if value.is_finite() {
        (value * 10.0).round() / 10.0
    } else {
        0.0
    }
}
