//! Seed acceptance with the accurate preset: `stancegraph run --config configs/accurate.toml`
//! (whatever stages that file lists) must produce the same golden facts on the user's
//! canonical article as the default pipeline (tests/seed_facts).

mod seed_facts;

seed_facts!(Some("accurate.toml"));
