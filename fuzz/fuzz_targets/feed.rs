//! Fuzzes the feed reader: any bytes must give events, never a panic.
#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use stancegraph_ingest::{Format, IngestConfig, Ingestor};

fuzz_target!(|data: &[u8]| {
    let config = IngestConfig { max_bytes: 1 << 20, ..IngestConfig::default() };
    let Ok(ingestor) = Ingestor::new(config) else { return };
    let _ = ingestor.read_bytes("fuzz", Format::Feed, data, &mut |_event| ControlFlow::Continue(()));
});
