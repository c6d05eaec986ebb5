//! Per-stage timings: each stage is timed by the clock the caller hands in (wall time by
//! default), in stage order.

use std::cell::Cell;
use std::time::Duration;

use stancegraph_core::{Document, Metadata, Stage, StageError};
use stancegraph_runner::Pipeline;

/// Does nothing.
struct Idle;
impl Stage for Idle {
    fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
        Ok(())
    }
}

/// Sleeps 30 ms.
struct Sleepy;
impl Stage for Sleepy {
    fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
        std::thread::sleep(Duration::from_millis(30));
        Ok(())
    }
}

fn pipeline() -> Pipeline {
    Pipeline::from_stages(vec![
        ("test.idle".into(), Box::new(Idle) as Box<dyn Stage>),
        ("test.sleepy".into(), Box::new(Sleepy)),
    ])
}

#[test]
fn each_stage_is_timed_by_the_given_clock() {
    // A clock that moves one second per reading: two readings per stage.
    let ticks = Cell::new(0u64);
    let clock = || {
        ticks.set(ticks.get() + 1);
        Duration::from_secs(ticks.get())
    };
    let mut doc = Document::new(None, "One sentence.", Metadata::default());
    let timings = pipeline().process_clocked(&mut doc, &clock).unwrap();
    assert_eq!(
        timings,
        vec![
            ("test.idle".to_string(), Duration::from_secs(1)),
            ("test.sleepy".to_string(), Duration::from_secs(1)),
        ]
    );
    assert_eq!(doc.provenance.len(), 2, "both stages recorded");
}

#[test]
fn by_default_stages_are_timed_by_wall_time() {
    let mut doc = Document::new(None, "One sentence.", Metadata::default());
    let wall = pipeline().process_timed(&mut doc).unwrap();
    assert_eq!(wall[0].0, "test.idle");
    assert!(wall[1].1 >= Duration::from_millis(30), "{wall:?}");
}
