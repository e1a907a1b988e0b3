//! Special functions behind the t and normal quantiles.
//!
//! Only the pieces the quantile code needs are implemented, and each is
//! written to stay accurate for very large degrees of freedom, where the
//! textbook `ln_gamma(a) - ln_gamma(a + 0.5)` loses digits to cancellation.

use std::f64::consts::PI;

const EPS: f64 = 1e-15;
const FPMIN: f64 = 1e-300;

/// `ln Γ(a + ½) − ln Γ(a)` for `a > 0`.
///
/// Subtracting two log-gammas of size `a ln a` would throw away about
/// `log10(a ln a)` digits, so the difference is taken analytically from the
/// Stirling series and small `a` is shifted up by the recurrence first.
pub(crate) fn ln_gamma_half_ratio(a: f64) -> f64 {
    let mut z = a;
    let mut correction = 0.0;
    // Γ(z+½)/Γ(z) = [(z−½)/(z−1)] · Γ(z−½)/Γ(z−1), applied in reverse.
    while z < 20.0 {
        correction -= ((z + 0.5) / z).ln();
        z += 1.0;
    }
    let stirling = |z: f64| {
        let z2 = z * z;
        (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * z2)) / z2) / z2) / z
    };
    let asymptotic = z * (0.5 / z).ln_1p() + 0.5 * z.ln() - 0.5 + stirling(z + 0.5) - stirling(z);
    asymptotic + correction
}

/// Natural log of `x` given both `x` and `1 − x`, choosing the form that
/// keeps precision when `x` is close to 1.
fn ln_from_pair(x: f64, one_minus_x: f64) -> f64 {
    if one_minus_x < 0.5 {
        (-one_minus_x).ln_1p()
    } else {
        x.ln()
    }
}

/// Regularised incomplete beta `I_x(a, b)`; the caller passes `y = 1 − x`
/// (computed without cancellation) and `ln B(a, b)`.
pub(crate) fn reg_inc_beta(a: f64, b: f64, x: f64, y: f64, ln_beta: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if y <= 0.0 {
        return 1.0;
    }
    let front = (a * ln_from_pair(x, y) + b * ln_from_pair(y, x) - ln_beta).exp();
    // The continued fraction converges fast only on this side of the mean.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, y) / b
    }
}

/// Continued fraction for the incomplete beta (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let guard = |v: f64| if v.abs() < FPMIN { FPMIN } else { v };
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    // Convergence takes O(sqrt(max(a, b))) terms.
    let max_iter = 200 + (10.0 * a.max(b).sqrt()) as u64;
    for m in 1..=max_iter {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + aa * d);
        c = guard(1.0 + aa / c);
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Upper tail of the standard normal, `P(Z > z)` for `z ≥ 0`, via the
/// regularised upper incomplete gamma `Q(½, z²/2)`.
pub(crate) fn normal_upper_tail(z: f64) -> f64 {
    let x = 0.5 * z * z;
    let a = 0.5;
    let ln_gamma_a = 0.5 * PI.ln();
    let front = (-x + a * x.ln() - ln_gamma_a).exp();
    let q = if x < a + 1.0 {
        // Series for P, then complement; fine because Q ≥ 0.08 here.
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..500 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * EPS {
                break;
            }
        }
        1.0 - sum * front
    } else {
        let guard = |v: f64| if v.abs() < FPMIN { FPMIN } else { v };
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / FPMIN;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..500 {
            let i = i as f64;
            let an = -i * (i - a);
            b += 2.0;
            d = 1.0 / guard(an * d + b);
            c = guard(b + an / c);
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < EPS {
                break;
            }
        }
        front * h
    };
    0.5 * q
}

pub(crate) fn normal_density(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Solves `tail(x) = q` for `x ≥ 0` where `tail` decreases from `tail(0)`
/// towards 0 and `density = −tail'`. Newton steps are kept inside a
/// shrinking bracket so a poor starting guess (or a flat tail) can only cost
/// iterations, never correctness.
pub(crate) fn invert_tail(
    q: f64,
    guess: f64,
    tail: impl Fn(f64) -> f64,
    density: impl Fn(f64) -> f64,
) -> f64 {
    let mut lo = 0.0_f64;
    let mut hi = if guess.is_finite() && guess > 0.0 {
        guess
    } else {
        1.0
    };
    while tail(hi) > q {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    let mut x = if guess.is_finite() && guess > lo && guess <= hi {
        guess
    } else {
        0.5 * (lo + hi)
    };
    for _ in 0..400 {
        let f = tail(x) - q;
        if f > 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let dens = density(x);
        let newton = x + f / dens;
        let next = if dens > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= 1e-14 * x.abs().max(1e-300) || hi - lo <= 1e-15 * hi {
            return next;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_ratio_matches_closed_forms() {
        // Γ(1.5)/Γ(1) = √π/2 and Γ(1)/Γ(0.5) = 1/√π.
        assert!((ln_gamma_half_ratio(1.0) - (PI.sqrt() / 2.0).ln()).abs() < 1e-13);
        assert!((ln_gamma_half_ratio(0.5) + 0.5 * PI.ln()).abs() < 1e-13);
        // Γ(3.5)/Γ(3) = (15√π/8)/2.
        assert!((ln_gamma_half_ratio(3.0) - (15.0 * PI.sqrt() / 16.0).ln()).abs() < 1e-13);
    }

    #[test]
    fn normal_tail_known_values() {
        assert!((normal_upper_tail(0.0) - 0.5).abs() < 1e-14);
        assert!((normal_upper_tail(1.959963984540054) - 0.025).abs() < 1e-14);
        assert!((normal_upper_tail(3.0) / 1.3498980316301e-3 - 1.0).abs() < 1e-10);
    }
}
