//! A simulator earns trust where a configuration is a textbook queue: an M/M/c scenario
//! must reproduce Erlang C's mean wait and the loss variant Erlang B's blocking
//! probability. Each check runs independent replications (different master seeds) and
//! asserts that theory lies inside the replications' 95% t-interval.

use super::common::{config, mmc_scenario, run};
use ecsim::metrics::Summary;
use ecsim::stats::{ConfidenceInterval, erlang_b, mmc_mean_wait};

const REPLICATIONS: u64 = 12;

/// The 95% interval of `metric` over independent replications (seeds `first_seed`…).
fn replicate(
    servers: u32,
    lambda: f64,
    mean_service: f64,
    waiting: bool,
    first_seed: u64,
    metric: impl Fn(&Summary) -> f64,
) -> ConfidenceInterval {
    let samples: Vec<f64> = (0..REPLICATIONS)
        .map(|i| {
            let scenario = mmc_scenario(servers, lambda, mean_service, waiting, 25, first_seed + i);
            metric(&run(&config(&scenario)))
        })
        .collect();
    ConfidenceInterval::from_samples_95(&samples).unwrap()
}

#[test]
fn mmc_mean_wait_matches_erlang_c() {
    let (servers, mean_service, rho) = (5u32, 60.0, 0.8);
    let lambda = rho * f64::from(servers) / mean_service;
    let theory = mmc_mean_wait(lambda, 1.0 / mean_service, servers).unwrap();
    let ci = replicate(servers, lambda, mean_service, true, 100, |s| {
        assert_eq!(s.tasks.rejected, 0, "a waiting queue never rejects");
        s.pending_time_s.started.mean
    });
    assert!(
        !ci.excludes(theory),
        "Erlang C mean wait {theory:.3} s outside the 95% CI [{:.3}, {:.3}]",
        ci.lower,
        ci.upper
    );
    // The interval must be informative, not wide enough to contain anything.
    assert!(ci.half_width < 0.25 * theory, "{ci:?}");
}

#[test]
fn loss_system_blocking_matches_erlang_b() {
    let (servers, mean_service, offered) = (8u32, 30.0, 6.0);
    let lambda = offered / mean_service;
    let theory = erlang_b(servers, offered);
    let ci = replicate(servers, lambda, mean_service, false, 200, |s| {
        s.tasks.rejected as f64 / (s.tasks.rejected + s.tasks.started) as f64
    });
    assert!(
        !ci.excludes(theory),
        "Erlang B blocking {theory:.4} outside the 95% CI [{:.4}, {:.4}]",
        ci.lower,
        ci.upper
    );
    assert!(ci.half_width < 0.15 * theory, "{ci:?}");
}

#[test]
fn littles_law_holds_for_the_queue() {
    // L = λW over the busy servers: mean reserved CPU fraction × c = λ × mean service time.
    let (servers, mean_service, rho) = (4u32, 120.0, 0.7);
    let lambda = rho * f64::from(servers) / mean_service;
    let ci = replicate(servers, lambda, mean_service, true, 300, |s| {
        s.utilization.cpu_reserved_mean * f64::from(servers)
    });
    let theory = lambda * mean_service;
    assert!(!ci.excludes(theory), "L = λS = {theory:.3} outside {ci:?}");
}
