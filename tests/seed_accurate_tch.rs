//! Seed acceptance with the accurate preset on libtorch (configs/accurate-tch.toml, feature
//! `bert`): the golden facts of tests/seed_facts, as tests/seed_accurate.rs checks them on
//! candle.
#![cfg(feature = "bert")]

mod seed_facts;

seed_facts!(Some("accurate-tch.toml"));
