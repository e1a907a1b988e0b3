//! The benchmark scenarios README's performance figures come from stay valid and describe
//! what README says they do.

use ecsim::time::SimTime;
use std::path::Path;

#[test]
fn the_scale_run_is_fifty_thousand_instances_over_four_months() {
    let scenario = ecsim::scenario::load(Path::new("benches/scale/scale.toml"), &[]).unwrap();
    let config = &scenario.config;
    let instances: u32 = config.pools.iter().map(|p| p.count).sum();
    assert_eq!(instances, 50_000);
    assert_eq!(
        config.horizon,
        SimTime::ZERO + ecsim::time::SimDuration::from_secs(120 * 86_400)
    );
    assert_eq!(config.services.len(), 10);
    let autoscaled = config
        .services
        .iter()
        .filter(|s| s.scaling.auto_scaling.is_some())
        .count();
    assert_eq!(autoscaled, 2);
    assert!(config.pools.iter().all(|p| p.instance_failure.is_some()));
    assert!(config.pools.iter().any(|p| p.managed_scaling.is_some()));
}

#[test]
fn the_peer_queue_is_m_m_10() {
    let scenario = ecsim::scenario::load(Path::new("benches/peers/mmc.toml"), &[]).unwrap();
    let config = &scenario.config;
    assert_eq!(config.pools.iter().map(|p| p.count).sum::<u32>(), 10);
    assert_eq!(config.jobs.len(), 1);
}
