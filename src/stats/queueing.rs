//! Closed-form M/M/c results, used to validate the simulator against theory
//! (a cluster with c identical slots and Poisson arrivals is an M/M/c queue).

/// Erlang B blocking probability for `servers` servers and `offered_load`
/// A = λ/μ erlangs.
///
/// Uses the recurrence B(k) = A·B(k−1) / (k + A·B(k−1)), which stays in
/// [0, 1] throughout instead of forming A^c/c! (overflows past c ≈ 170).
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    if offered_load.is_nan() || offered_load < 0.0 {
        return f64::NAN;
    }
    let mut b = 1.0;
    for k in 1..=servers {
        let ab = offered_load * b;
        b = ab / (k as f64 + ab);
    }
    b
}

/// Erlang C: probability an arrival has to wait, for `servers` servers and
/// `offered_load` A = λ/μ. Derived from Erlang B so it shares its stability.
/// When A ≥ c the queue is unstable and every arrival eventually waits, so
/// this returns 1.
pub fn erlang_c(servers: u32, offered_load: f64) -> f64 {
    if offered_load.is_nan() || offered_load < 0.0 {
        return f64::NAN;
    }
    let c = servers as f64;
    if offered_load >= c {
        return 1.0;
    }
    let b = erlang_b(servers, offered_load);
    c * b / (c - offered_load * (1.0 - b))
}

/// Validated (λ, μ, c) with λ < cμ, or None.
fn stable(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    let valid = lambda.is_finite() && mu.is_finite() && lambda >= 0.0 && mu > 0.0 && servers > 0;
    let load = lambda / mu;
    (valid && load < servers as f64).then_some(load)
}

/// Mean time in queue Wq for M/M/c with arrival rate `lambda` and per-server
/// service rate `mu` (same time unit). None when the system is unstable
/// (λ ≥ cμ) or the parameters are invalid.
pub fn mmc_mean_wait(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    let load = stable(lambda, mu, servers)?;
    Some(erlang_c(servers, load) / (servers as f64 * mu - lambda))
}

/// Mean number waiting Lq = λ·Wq (Little's law).
pub fn mmc_mean_queue_length(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    Some(lambda * mmc_mean_wait(lambda, mu, servers)?)
}

/// Mean sojourn time W = Wq + 1/μ.
pub fn mmc_mean_response(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    Some(mmc_mean_wait(lambda, mu, servers)? + 1.0 / mu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_b_textbook() {
        assert!((erlang_b(10, 5.0) - 0.018385).abs() < 1e-6);
        assert!((erlang_b(1, 1.0) - 0.5).abs() < 1e-15);
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_b(5, 0.0), 0.0);
        // Large c must neither overflow nor drift: B(1000, 950) computed exactly in rational
        // arithmetic (the same recursion over fractions, printed to 40 digits) is
        // 0.0036492936889424098550806161359847797; a thousand f64 steps may lose a few ulps
        // each, so 1e-12 relative is far tighter than any use here and far looser than the error.
        let exact = 0.003_649_293_688_942_41;
        let b = erlang_b(1000, 950.0);
        assert!(((b - exact) / exact).abs() < 1e-12, "B(1000, 950) = {b}");
    }

    #[test]
    fn erlang_c_textbook() {
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        // M/M/1: P(wait) = ρ.
        assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
        assert_eq!(erlang_c(3, 3.0), 1.0);
    }

    #[test]
    fn mm1_wait_matches_closed_form() {
        let (lambda, mu) = (0.8, 1.0);
        let rho = lambda / mu;
        let wq = mmc_mean_wait(lambda, mu, 1).unwrap();
        assert!((wq - rho / (mu - lambda)).abs() < 1e-12);
        let lq = mmc_mean_queue_length(lambda, mu, 1).unwrap();
        assert!((lq - rho * rho / (1.0 - rho)).abs() < 1e-12);
        assert!((mmc_mean_response(lambda, mu, 1).unwrap() - 1.0 / (mu - lambda)).abs() < 1e-12);
    }

    #[test]
    fn mm2_wait() {
        // λ=1, μ=1, c=2: C=1/3, Wq = (1/3)/(2−1) = 1/3.
        assert!((mmc_mean_wait(1.0, 1.0, 2).unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn unstable_or_invalid_is_none() {
        assert_eq!(mmc_mean_wait(2.0, 1.0, 2), None);
        assert_eq!(mmc_mean_wait(1.0, 0.0, 2), None);
        assert_eq!(mmc_mean_wait(1.0, 1.0, 0), None);
        assert_eq!(mmc_mean_queue_length(f64::NAN, 1.0, 2), None);
        assert_eq!(mmc_mean_wait(0.0, 1.0, 2), Some(0.0));
    }
}
