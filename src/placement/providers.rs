//! Capacity provider strategy: which provider the next task goes to.
//!
//! ECS documents the rule (the provider with a base gets tasks until it holds `base`;
//! after that tasks split by weight) but not how remainders round. Our rule, stated in
//! `scenarios/README.md`: each next task goes to the weighted provider furthest below its
//! share of the tasks beyond the base; ties go to the provider listed first.

use crate::model::ProviderShare;

/// Index into `shares` of the provider for the next task, given how many tasks each
/// provider already holds (same order as `shares`). `None` if every weight is zero and the
/// base is met (ECS rejects such a strategy; validation should have caught it).
pub fn next_provider(shares: &[ProviderShare], counts: &[u32]) -> Option<usize> {
    // One provider (the usual strategy) takes every task its rule allows.
    if let ([only], [count]) = (shares, counts) {
        return (*count < only.base || only.weight > 0).then_some(0);
    }
    if let Some(i) = shares.iter().zip(counts).position(|(s, c)| *c < s.base) {
        return Some(i);
    }
    let total_weight: u64 = shares.iter().map(|s| u64::from(s.weight)).sum();
    if total_weight == 0 {
        return None;
    }
    let beyond_base: u64 = shares
        .iter()
        .zip(counts)
        .map(|(s, c)| u64::from(c.saturating_sub(s.base)))
        .sum();
    let after = beyond_base + 1;
    // deficit_i = w_i/W × after − beyond_i, compared exactly as w_i×after − W×beyond_i.
    shares
        .iter()
        .zip(counts)
        .enumerate()
        .filter(|(_, (s, _))| s.weight > 0)
        .map(|(i, (s, c))| {
            let want = i128::from(s.weight) * i128::from(after);
            let have = i128::from(total_weight) * i128::from(c.saturating_sub(s.base));
            (want - have, i)
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provider;

    fn split(shares: &[ProviderShare], tasks: usize) -> Vec<u32> {
        let mut counts = vec![0; shares.len()];
        for _ in 0..tasks {
            let next = next_provider(shares, &counts).unwrap();
            counts[next] += 1;
        }
        counts
    }

    fn share(provider: Provider, base: u32, weight: u32) -> ProviderShare {
        ProviderShare {
            provider,
            base,
            weight,
        }
    }

    #[test]
    fn reference_worked_example_base_then_weight() {
        // FARGATE base 2 weight 1, FARGATE_SPOT weight 3, ten tasks: 4 and 6.
        let shares = [
            share(Provider::Fargate, 2, 1),
            share(Provider::FargateSpot, 0, 3),
        ];
        assert_eq!(split(&shares, 10), vec![4, 6]);
        assert_eq!(split(&shares, 2), vec![2, 0]);
    }

    #[test]
    fn remainders_go_to_the_provider_furthest_below_its_share() {
        let shares = [
            share(Provider::Fargate, 0, 1),
            share(Provider::FargateSpot, 0, 1),
        ];
        assert_eq!(split(&shares, 3), vec![2, 1]);
        let shares = [
            share(Provider::Fargate, 0, 2),
            share(Provider::FargateSpot, 0, 1),
        ];
        assert_eq!(split(&shares, 4), vec![3, 1]);
        assert_eq!(split(&shares, 300), vec![200, 100]);
    }

    #[test]
    fn zero_weights_take_nothing_beyond_base() {
        let shares = [
            share(Provider::Fargate, 1, 0),
            share(Provider::FargateSpot, 0, 0),
        ];
        let mut counts = vec![0, 0];
        assert_eq!(next_provider(&shares, &counts), Some(0));
        counts[0] = 1;
        assert_eq!(next_provider(&shares, &counts), None);
    }
}
