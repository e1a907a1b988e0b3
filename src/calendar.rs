//! Proleptic Gregorian calendar arithmetic for wall-clock dates in inputs (AWS timestamps
//! and `registeredAt` dates): days since 1970-01-01 and back, after Howard Hinnant's
//! `days_from_civil` / `civil_from_days`: whole 400-year eras, then the day within the era
//! counted from March so the leap day comes last.

/// Days since 1970-01-01 of `year-month-day` (month 1–12); negative before 1970.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Gregorian rule: every fourth year, except centuries not divisible by 400 (1900 is not,
/// 2000 is).
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// 28–31 for `month` 1–12; any other `month` gets 31, so callers validate the month first
/// (the CloudWatch timestamp parser uses this to reject a day such as 02-30).
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        // 1970..2000: 30 × 365 + 7 leap days (1972..=1996).
        assert_eq!(days_from_civil(2000, 1, 1), 10_957);
        // 2000 is a leap year (divisible by 400): March 1 is day 31 + 29 later.
        assert_eq!(days_from_civil(2000, 3, 1), 10_957 + 60);
    }

    #[test]
    fn round_trips_across_four_centuries() {
        for days in (-146_097..146_097).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=days_in_month(y, m)).contains(&d));
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
