//! Seed acceptance: the default pipeline on the user's canonical article must produce the
//! graph the brief asks for (the facts are in tests/seed_facts, shared with the accurate
//! preset's test).

mod seed_facts;

seed_facts!(None);
