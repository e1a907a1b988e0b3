//! Student-t confidence intervals for replication means and for the
//! difference between two configurations (paired via common random numbers,
//! or independent via Welch).

use super::{StatsError, Welford, student_t_quantile};

/// Two-sided level of every interval the sweep tables print (and record in their JSON).
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// A two-sided Student-t interval `mean ± half_width`, in the units of the samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfidenceInterval {
    /// Observations behind it: samples, pairs, or for [`welch_difference`] both samples
    /// together.
    pub n: usize,
    /// Point estimate: the sample mean, or the mean difference.
    pub mean: f64,
    /// `t × standard error`; 0 when every observation is equal.
    pub half_width: f64,
    /// `mean − half_width`.
    pub lower: f64,
    /// `mean + half_width`.
    pub upper: f64,
    /// Sample standard deviation of the observations, or of the paired
    /// differences; for [`welch_difference`] the standard error instead.
    pub std_dev: f64,
    /// The level it was built at, strictly between 0 and 1 (0.95 for 95 %).
    pub confidence: f64,
}

impl ConfidenceInterval {
    /// Interval for the mean of `samples` at `confidence` (e.g. 0.95). Errors on fewer than
    /// two samples, a non-finite sample, or a level outside (0, 1).
    pub fn from_samples(samples: &[f64], confidence: f64) -> Result<Self, StatsError> {
        let stats = summarize(samples, confidence)?;
        let t = student_t_quantile(0.5 + confidence / 2.0, stats.count() - 1);
        Ok(Self::build(
            samples.len(),
            stats.mean(),
            t * stats.std_dev() / (samples.len() as f64).sqrt(),
            stats.std_dev(),
            confidence,
        ))
    }

    /// [`from_samples`](Self::from_samples) at [`DEFAULT_CONFIDENCE`].
    pub fn from_samples_95(samples: &[f64]) -> Result<Self, StatsError> {
        Self::from_samples(samples, DEFAULT_CONFIDENCE)
    }

    /// Whether the interval excludes `value`, i.e. the difference from it is
    /// significant at this interval's level.
    pub fn excludes(&self, value: f64) -> bool {
        value < self.lower || value > self.upper
    }

    /// Half-width as a fraction of |mean|: the usual stopping rule for
    /// sequential replication. Infinite when the mean is 0.
    pub fn relative_half_width(&self) -> f64 {
        self.half_width / self.mean.abs()
    }

    fn build(n: usize, mean: f64, half_width: f64, std_dev: f64, confidence: f64) -> Self {
        Self {
            n,
            mean,
            half_width,
            lower: mean - half_width,
            upper: mean + half_width,
            std_dev,
            confidence,
        }
    }
}

/// Interval for the mean of `a[i] − b[i]`. Use when both configurations ran
/// with the same seeds: the pairing cancels shared noise, so this is much
/// tighter than [`welch_difference`] on the same data.
pub fn paired_difference(
    a: &[f64],
    b: &[f64],
    confidence: f64,
) -> Result<ConfidenceInterval, StatsError> {
    if a.len() != b.len() {
        return Err(StatsError::LengthMismatch {
            left: a.len(),
            right: b.len(),
        });
    }
    check_confidence(confidence)?;
    if a.len() < 2 {
        return Err(StatsError::TooFewSamples {
            needed: 2,
            got: a.len(),
        });
    }
    let diffs: Welford = a.iter().zip(b).map(|(x, y)| x - y).collect();
    if !diffs.mean().is_finite() || !diffs.variance().is_finite() {
        return Err(StatsError::NonFinite);
    }
    let t = student_t_quantile(0.5 + confidence / 2.0, diffs.count() - 1);
    Ok(ConfidenceInterval::build(
        a.len(),
        diffs.mean(),
        t * diffs.std_dev() / (a.len() as f64).sqrt(),
        diffs.std_dev(),
        confidence,
    ))
}

/// Interval for `mean(a) − mean(b)` from independent samples with possibly
/// unequal variances. Welch–Satterthwaite degrees of freedom are fractional;
/// they are rounded down, which widens the interval slightly (conservative).
/// `n` is `a.len() + b.len()`; `std_dev` is the standard error of the
/// difference, since no single sample standard deviation describes it.
pub fn welch_difference(
    a: &[f64],
    b: &[f64],
    confidence: f64,
) -> Result<ConfidenceInterval, StatsError> {
    let sa = summarize(a, confidence)?;
    let sb = summarize(b, confidence)?;
    let va = sa.variance() / sa.count() as f64;
    let vb = sb.variance() / sb.count() as f64;
    let se = (va + vb).sqrt();
    let df = if va + vb == 0.0 {
        // Both samples constant: any df gives a zero-width interval.
        sa.count() + sb.count() - 2
    } else {
        let welch = (va + vb).powi(2)
            / (va * va / (sa.count() - 1) as f64 + vb * vb / (sb.count() - 1) as f64);
        (welch.floor() as u64).max(1)
    };
    let t = student_t_quantile(0.5 + confidence / 2.0, df);
    Ok(ConfidenceInterval::build(
        a.len() + b.len(),
        sa.mean() - sb.mean(),
        t * se,
        se,
        confidence,
    ))
}

fn check_confidence(confidence: f64) -> Result<(), StatsError> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(StatsError::InvalidConfidence(confidence))
    }
}

fn summarize(samples: &[f64], confidence: f64) -> Result<Welford, StatsError> {
    check_confidence(confidence)?;
    if samples.len() < 2 {
        return Err(StatsError::TooFewSamples {
            needed: 2,
            got: samples.len(),
        });
    }
    if samples.iter().any(|x| !x.is_finite()) {
        return Err(StatsError::NonFinite);
    }
    Ok(samples.iter().copied().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_of_small_sample() {
        // mean 5, s = 2.13809, n = 8, t(0.975, 7) = 2.364624
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let ci = ConfidenceInterval::from_samples_95(&xs).unwrap();
        assert_eq!(ci.n, 8);
        assert!((ci.mean - 5.0).abs() < 1e-12);
        let expected = 2.364624 * (32.0f64 / 7.0).sqrt() / 8.0f64.sqrt();
        assert!((ci.half_width - expected).abs() < 1e-5);
        assert!((ci.lower - (5.0 - expected)).abs() < 1e-5);
        assert!(!ci.excludes(5.0));
    }

    #[test]
    fn paired_cancels_common_noise() {
        let a = [10.0, 20.0, 30.0, 40.0];
        let b = [9.0, 19.2, 28.9, 39.1];
        let paired = paired_difference(&a, &b, 0.95).unwrap();
        let welch = welch_difference(&a, &b, 0.95).unwrap();
        assert!((paired.mean - welch.mean).abs() < 1e-12);
        assert!(paired.half_width < welch.half_width / 10.0);
        assert!(paired.excludes(0.0));
        assert!(!welch.excludes(0.0));
    }

    #[test]
    fn welch_textbook() {
        // Equal n and variance: Welch df = 2n − 2 = 8; t(0.975, 8) = 2.306004.
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [2.0, 3.0, 4.0, 5.0, 6.0];
        let ci = welch_difference(&a, &b, 0.95).unwrap();
        assert!((ci.mean + 1.0).abs() < 1e-12);
        assert!((ci.half_width - 2.306004 * 1.0).abs() < 1e-5);
    }

    #[test]
    fn errors() {
        assert_eq!(
            paired_difference(&[1.0, 2.0], &[1.0], 0.95),
            Err(StatsError::LengthMismatch { left: 2, right: 1 })
        );
        assert_eq!(
            ConfidenceInterval::from_samples(&[1.0], 0.95),
            Err(StatsError::TooFewSamples { needed: 2, got: 1 })
        );
        assert!(matches!(
            ConfidenceInterval::from_samples(&[1.0, 2.0], 1.0),
            Err(StatsError::InvalidConfidence(_))
        ));
        assert_eq!(
            ConfidenceInterval::from_samples(&[1.0, f64::NAN], 0.9),
            Err(StatsError::NonFinite)
        );
    }
}
