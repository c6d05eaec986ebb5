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
const IDEAL: f64 = 90.0;
/// Most nodes of one grid cell that a node is compared with.
const CELL_SAMPLE: usize = 40;
/// Space kept between the discs of two nodes (room for a label line).
const MARGIN: f64 = 14.0;
/// Pull of every node toward the centre (constant, as in ForceAtlas2), so that separate
/// components stay close without squeezing a large graph into a dense core.
const GRAVITY: f64 = 2.0;

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

/// Diameter of a node in page pixels: the page draws nodes this size (see `report.js`).
pub(crate) fn diameter(score: f64, max_score: f64) -> f64 {
    12.0 + 38.0 * (score.max(0.0) / max_score.max(1.0)).sqrt()
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
    springs.sort_by_key(|&(a, b, _)| (a, b));

    let n = order.len();
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let mut pos: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let r = IDEAL * 0.8 * (i as f64 + 0.5).sqrt();
            let a = i as f64 * golden;
            [r * a.cos(), r * a.sin()]
        })
        .collect();
    // Work per iteration is about nodes × 9 cells × sample; very large graphs (a whole
    // corpus) get fewer iterations and smaller samples (22,430 BBC nodes: ≈10 s → ≈3 s).
    // The page shows the most prominent few hundred nodes first, and those sit in
    // the middle of the initial spiral, already close to where they settle.
    let (iterations, cell_sample) = match n {
        0..=1500 => (250, CELL_SAMPLE),
        1501..=5000 => (120, CELL_SAMPLE),
        _ => (60, CELL_SAMPLE / 2),
    };
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
                    // A crowded cell (the dense core of a large graph) is sampled, each
                    // sample standing for `stride` nodes: cost stays linear in nodes.
                    let stride = (members.len() / cell_sample).max(1);
                    for &j in members.iter().step_by(stride) {
                        if j == i {
                            continue;
                        }
                        let (dx, dy, dist) = delta(*p, pos[j], i, j);
                        if dist < cell {
                            let force = stride as f64 * IDEAL * IDEAL / dist * (1.0 - dist / cell);
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
            let from_centre = (p[0] * p[0] + p[1] * p[1]).sqrt().max(1.0);
            d[0] -= p[0] / from_centre * GRAVITY;
            d[1] -= p[1] / from_centre * GRAVITY;
            let length = (d[0] * d[0] + d[1] * d[1]).sqrt();
            if length > 1e-9 {
                let moved = length.min(temperature);
                p[0] += d[0] / length * moved;
                p[1] += d[1] / length * moved;
            }
        }
    }
    let max_score = score.values().copied().fold(1.0, f64::max);
    let radius: Vec<f64> = order
        .iter()
        .map(|node| diameter(score.get(node.id()).copied().unwrap_or(0.0), max_score) / 2.0)
        .collect();
    remove_overlaps(&mut pos, &radius, cell);
    order
        .iter()
        .zip(pos)
        .map(|(node, [x, y])| (node.id().to_string(), [round1(x), round1(y)]))
        .collect()
}

/// Pushes apart nodes whose discs (plus [`MARGIN`]) overlap; the force phase treats nodes
/// as points, but the page draws prominent ones up to 50 px wide.
fn remove_overlaps(pos: &mut [[f64; 2]], radius: &[f64], cell: f64) {
    for _ in 0..30 {
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        let cell_of = |p: [f64; 2]| ((p[0] / cell).floor() as i64, (p[1] / cell).floor() as i64);
        for (i, p) in pos.iter().enumerate() {
            grid.entry(cell_of(*p)).or_default().push(i);
        }
        let mut moved = false;
        for i in 0..pos.len() {
            let (cx, cy) = cell_of(pos[i]);
            for gx in cx - 1..=cx + 1 {
                for gy in cy - 1..=cy + 1 {
                    let Some(members) = grid.get(&(gx, gy)) else {
                        continue;
                    };
                    let stride = (members.len() / CELL_SAMPLE).max(1);
                    for &j in members.iter().step_by(stride).filter(|&&j| j > i) {
                        let need = radius[i] + radius[j] + MARGIN;
                        let (dx, dy, dist) = delta(pos[i], pos[j], i, j);
                        if dist < need {
                            let push = (need - dist) / 2.0;
                            pos[i][0] += dx / dist * push;
                            pos[i][1] += dy / dist * push;
                            pos[j][0] -= dx / dist * push;
                            pos[j][1] -= dy / dist * push;
                            moved = true;
                        }
                    }
                }
            }
        }
        if !moved {
            break;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Two triangles of actors joined by one edge, plus an isolated actor.
    fn view() -> GraphView {
        let actor = |i: usize| {
            json!({"kind": "actor", "id": format!("per:a{i}"), "label": format!("A{i}"),
                   "type": "PER", "mentions": 1 + i})
        };
        let link = |a: usize, b: usize| {
            json!({"source": format!("per:a{a}"), "target": format!("per:a{b}"), "key": "k",
                   "kind": "interaction", "label": "meet", "polarity": "support",
                   "confidence": 0.5, "weight": 1, "evidence": []})
        };
        serde_json::from_value(json!({
            "directed": true, "multigraph": true, "graph": {},
            "nodes": (0..7).map(actor).collect::<Vec<_>>(),
            "links": [link(0, 1), link(1, 2), link(2, 0), link(3, 4), link(4, 5), link(5, 3), link(2, 3)],
        }))
        .expect("view")
    }

    #[test]
    fn positions_are_deterministic_finite_and_apart() {
        let view = view();
        let first = positions(&view);
        assert_eq!(first, positions(&view));
        assert_eq!(first.len(), 7);
        let points: Vec<[f64; 2]> = first.values().copied().collect();
        for (i, a) in points.iter().enumerate() {
            assert!(a[0].is_finite() && a[1].is_finite());
            for b in points.iter().skip(i + 1) {
                let dist = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
                assert!(dist >= 2.0 * 6.0 + MARGIN - 0.5, "nodes overlap: {first:?}");
            }
        }
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones() {
        let view = view();
        let at = positions(&view);
        let dist = |a: usize, b: usize| {
            let (p, q) = (at[&format!("per:a{a}")], at[&format!("per:a{b}")]);
            ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
        };
        let within = (dist(0, 1) + dist(1, 2) + dist(3, 4) + dist(4, 5)) / 4.0;
        let across = (dist(0, 4) + dist(1, 5) + dist(0, 5) + dist(1, 4)) / 4.0;
        assert!(within < across, "within {within:.1}, across {across:.1}");
    }
}
