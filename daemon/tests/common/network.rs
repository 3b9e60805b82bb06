//! Users' networks in tests: a subnet pool for each test daemon.

use std::sync::atomic::{AtomicU16, Ordering};

/// `[network]` keys for one daemon: a /20 of 10.214.0.0/15 (by process id and a counter), in
/// /26s, so that daemons of tests running at the same time mostly take different subnets. Where
/// two meet, Docker refuses the second and its daemon takes the next subnet, as in production.
pub fn network_pool() -> String {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let slot =
        (std::process::id() as u64 * 7 + u64::from(NEXT.fetch_add(1, Ordering::SeqCst))) % 32;
    // 10.214.0.0 + slot * 4096 addresses.
    let (b, c) = (214 + slot / 16, (slot % 16) * 16);
    format!("pool = \"10.{b}.{c}.0/20\"\nprefix = 26\n")
}
