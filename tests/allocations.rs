//! The event loop allocates nothing per event once warm: doubling a run's length adds
//! hundreds of thousands of events and no more than a handful of allocations (amortized
//! growth of the task slab and the event heap to their peak sizes).
//!
//! A separate test binary, because it installs a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn scenario(hours: u32, strategy: &str) -> ecsim::model::SimConfig {
    let text = format!(
        r#"
horizon = "{hours}h"
timing = {{ instant = true }}
[[instance_types]]
name = "one-slot"
vcpu = 1
memory_gib = 2
[[cluster.pools]]
name = "servers"
instance_type = "one-slot"
count = 20
[[taskDefinitions]]
family = "work"
cpu = 1024
memory = 512
[[jobs]]
name = "queued"
taskDefinition = "work"
capacityProviderStrategy = [{{ capacityProvider = "servers", weight = 1 }}]
placementStrategy = {strategy}
arrival = {{ type = "poisson", rate_per_s = 0.3 }}
duration = {{ type = "exponential", mean = 60 }}
[[jobs]]
name = "runtask"
taskDefinition = "work"
launchType = "EC2"
arrival = {{ type = "poisson", rate_per_s = 0.02 }}
duration = {{ type = "exponential", mean = 30 }}
"#
    );
    ecsim::scenario::load_str(&text, Path::new("alloc.toml"), &[])
        .unwrap()
        .config
}

/// Allocations made by the run itself (config built beforehand).
fn allocations_of(config: &ecsim::model::SimConfig) -> (u64, u64) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let summary = ecsim::sim::run(config, &mut ecsim::metrics::NullRecorder);
    (
        ALLOCATIONS.load(Ordering::Relaxed) - before,
        summary.events_processed,
    )
}

#[test]
fn a_longer_run_costs_events_not_allocations() {
    for strategy in [
        "[]",
        r#"[{ type = "binpack", field = "cpu" }]"#,
        r#"[{ type = "spread", field = "attribute:ecs.availability-zone" }, { type = "spread", field = "instanceId" }]"#,
    ] {
        let (short_allocs, short_events) = allocations_of(&scenario(100, strategy));
        let (long_allocs, long_events) = allocations_of(&scenario(200, strategy));
        let extra_events = long_events - short_events;
        assert!(extra_events > 100_000, "{extra_events}");
        // Amortized doubling of a few tables may add a few more; per-event allocation
        // would add at least one per extra event.
        assert!(
            long_allocs <= short_allocs + 16,
            "{strategy}: {short_allocs} allocations for {short_events} events, {long_allocs} for {long_events}"
        );
    }
}
