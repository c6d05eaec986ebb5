//! Test support shared by stancegraph's test suites (a dev-dependency only).
#![deny(missing_docs)]
