//! CSV rows written field by field into one large buffer: the bytes the `csv` crate wrote
//! before (quotes only where a field needs them, `\n` line ends), at a fraction of the cost.
//! `tasks.csv` has a row per task, so its writer runs as often as the simulation's own
//! event handlers; formatting through `format!` and a per-field `String` made writing it
//! cost more than the simulation it recorded.

use std::io::{self, Write};

/// Bytes kept before they go to the file: large enough that writes are rare, small enough
/// to stay in cache.
const FLUSH_AT: usize = 64 * 1024;

pub(super) struct CsvRows<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> CsvRows<W> {
    pub fn new(out: W) -> CsvRows<W> {
        CsvRows {
            out,
            buf: Vec::with_capacity(FLUSH_AT + 1024),
        }
    }

    /// Text as it is, or in double quotes (inner quotes doubled) when it holds a comma, a
    /// quote or a line break: names come from the user's scenario.
    pub fn text(&mut self, field: &str) {
        let bytes = field.as_bytes();
        if bytes
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        {
            self.buf.push(b'"');
            for &b in bytes {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(bytes);
        }
        self.buf.push(b',');
    }

    /// One of the program's own words (a status, a launch type), which never needs
    /// quotes: no scan.
    pub fn word(&mut self, word: &'static str) {
        debug_assert!(!word.contains([',', '"', '\n', '\r']), "{word}");
        self.buf.extend_from_slice(word.as_bytes());
        self.buf.push(b',');
    }

    pub fn int(&mut self, value: u64) {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
        self.buf.push(b',');
    }

    pub fn empty(&mut self) {
        self.buf.push(b',');
    }

    /// Milliseconds as seconds with three decimals, as [`super::seconds`] writes them.
    pub fn seconds(&mut self, ms: u64) {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(ms / 1000).as_bytes());
        let frac = ms % 1000;
        self.buf.extend_from_slice(&[
            b'.',
            digit(frac / 100),
            digit(frac / 10 % 10),
            digit(frac % 10),
            b',',
        ]);
    }

    /// [`Self::seconds`], or an empty field.
    pub fn opt_seconds(&mut self, ms: Option<u64>) {
        match ms {
            Some(ms) => self.seconds(ms),
            None => self.empty(),
        }
    }

    /// `value` with `places` decimals, exactly as `format!("{value:.places$}")` writes it.
    pub fn fixed(&mut self, value: f64, places: u32) {
        push_fixed(&mut self.buf, value, places);
        self.buf.push(b',');
    }

    /// Ends the row; hands a full buffer to the file.
    pub fn end_row(&mut self) -> io::Result<()> {
        if self.buf.last() == Some(&b',') {
            self.buf.pop();
        }
        self.buf.push(b'\n');
        if self.buf.len() >= FLUSH_AT {
            self.write_out()?;
        }
        Ok(())
    }

    fn write_out(&mut self) -> io::Result<()> {
        let result = self.out.write_all(&self.buf);
        self.buf.clear();
        result
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.write_out()?;
        self.out.flush()
    }
}

fn digit(d: u64) -> u8 {
    b'0' + d as u8
}

/// Writes `value` rounded to `places` (at most 6) decimals, half to even on its exact
/// binary value, as Rust's `{:.N}` does, with integer arithmetic: the value is
/// `mantissa × 2^exp`, so `value × 10^places` is `mantissa × 10^places` shifted by `exp`,
/// which fits a `u128` for every value up to about 10^27. Others (and NaN, infinities)
/// take the standard formatter.
fn push_fixed(buf: &mut Vec<u8>, value: f64, places: u32) {
    debug_assert!(places <= 6);
    let bits = value.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exp) = match biased {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, biased - 1075),
    };
    // `mantissa × 10^6` < 2^73, so a left shift up to 2^40 still fits in 128 bits.
    if biased == 0x7ff || exp > 40 {
        let _ = write!(buf, "{value:.*}", places as usize);
        return;
    }
    // A lookup: `10u128.pow` squares in a loop, a fifth of this function's work.
    const POWERS_OF_TEN: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    let scale = POWERS_OF_TEN[places as usize];
    let scaled = mantissa as u128 * scale as u128;
    let units = if exp >= 0 {
        scaled << exp
    } else {
        let shift = exp.unsigned_abs();
        if shift >= 128 {
            // Below 2^73 / 2^128: far under half a unit.
            0
        } else {
            let whole = scaled >> shift;
            let rest = scaled - (whole << shift);
            let half = 1u128 << (shift - 1);
            if rest > half || (rest == half && whole & 1 == 1) {
                whole + 1
            } else {
                whole
            }
        }
    };
    if bits >> 63 == 1 {
        buf.push(b'-');
    }
    // Every value a run writes (shares, dollars, task counts) has units below 2^64; 128-bit
    // division and 128-bit digit formatting cost several times the 64-bit ones.
    match u64::try_from(units) {
        Ok(units) => push_units(buf, units / scale, units % scale, places),
        Err(_) => push_units(buf, units / scale as u128, units % scale as u128, places),
    }
}

fn push_units<I: itoa::Integer>(buf: &mut Vec<u8>, whole: I, decimals: I, places: u32) {
    let mut digits = itoa::Buffer::new();
    buf.extend_from_slice(digits.format(whole).as_bytes());
    if places > 0 {
        buf.push(b'.');
        let decimals = digits.format(decimals).as_bytes();
        buf.extend(std::iter::repeat_n(b'0', places as usize - decimals.len()));
        buf.extend_from_slice(decimals);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed(value: f64, places: u32) -> String {
        let mut buf = Vec::new();
        push_fixed(&mut buf, value, places);
        String::from_utf8(buf).unwrap()
    }

    fn row(fill: impl FnOnce(&mut CsvRows<&mut Vec<u8>>)) -> String {
        let mut file = Vec::new();
        let mut rows = CsvRows::new(&mut file);
        fill(&mut rows);
        rows.end_row().unwrap();
        rows.flush().unwrap();
        String::from_utf8(file).unwrap()
    }

    #[test]
    fn exact_ties_round_half_to_even() {
        // 1/128 = 0.0078125 exactly: the seventh decimal is a tie, and 2 is even.
        assert_eq!(fixed(0.0078125, 6), "0.007812");
        assert_eq!(fixed(0.0234375, 6), "0.023438"); // 3/128: 7 is odd, up to 8
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(3.5, 0), "4");
        assert_eq!(fixed(0.125, 2), "0.12");
        // 0.1 is a little above 1/10 in binary, 0.15 a little below 15/100.
        assert_eq!(fixed(0.15, 1), "0.1");
        assert_eq!(fixed(0.1, 6), "0.100000");
    }

    #[test]
    fn signs_and_extremes_read_as_the_standard_formatter() {
        assert_eq!(fixed(-0.0, 6), "-0.000000");
        assert_eq!(fixed(-1e-9, 6), "-0.000000");
        assert_eq!(fixed(-12.3456789, 4), "-12.3457");
        // Scaled to units, these pass 2^64 (about 1.8e19) and take the 128-bit path.
        assert_eq!(fixed(18_446_744_073_709.6, 6), "18446744073709.601562");
        assert_eq!(fixed(-1e15 - 0.5, 6), "-1000000000000000.500000");
        assert_eq!(fixed(2f64.powi(52) + 1.0, 6), "4503599627370497.000000");
        assert_eq!(fixed(f64::MIN_POSITIVE / 4.0, 6), "0.000000");
        assert_eq!(fixed(f64::NAN, 6), "NaN");
        assert_eq!(fixed(f64::NEG_INFINITY, 2), "-inf");
        assert_eq!(fixed(1e300, 1), format!("{:.1}", 1e300));
        // 2^80 takes the integer path (a left shift), 2^100 the standard formatter.
        assert_eq!(fixed(2f64.powi(80), 6), "1208925819614629174706176.000000");
        assert_eq!(fixed(2f64.powi(100), 0), "1267650600228229401496703205376");
    }

    proptest! {
        #[test]
        fn any_value_matches_format(bits in any::<u64>(), places in 0u32..=6) {
            let value = f64::from_bits(bits);
            prop_assert_eq!(fixed(value, places), format!("{value:.*}", places as usize));
        }

        #[test]
        fn money_sized_values_match_format(cents in 0u64..10_000_000_000, noise in -4i64..=4, places in 0u32..=6) {
            // Values near decimal boundaries, where rounding is decided.
            let value = f64::from_bits((cents as f64 / 1e4).to_bits().wrapping_add_signed(noise));
            prop_assert_eq!(fixed(value, places), format!("{value:.*}", places as usize));
        }

        #[test]
        fn dyadic_ties_match_format(k in 0u64..1 << 40, shift in 0u32..30, places in 0u32..=6) {
            let value = k as f64 / (1u64 << shift) as f64;
            prop_assert_eq!(fixed(value, places), format!("{value:.*}", places as usize));
        }
    }

    #[test]
    fn fields_are_quoted_only_when_they_need_it() {
        let line = row(|r| {
            r.text("plain");
            r.text("a,b");
            r.text("say \"hi\"");
            r.text("two\nlines");
            r.text("cr\r");
            r.text("");
            r.int(42);
            r.seconds(61_005);
            r.seconds(999_999);
            r.opt_seconds(None);
            r.fixed(0.5, 6);
        });
        assert_eq!(
            line,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,42,61.005,999.999,,0.500000\n"
        );
    }

    #[test]
    fn a_row_ending_in_an_empty_field_keeps_it() {
        assert_eq!(
            row(|r| {
                r.int(1);
                r.empty();
            }),
            "1,\n"
        );
    }

    #[test]
    fn rows_match_the_csv_crate() {
        let fields = ["web", "a,b", "\"q\"", "", "x\ny", "z\r", " padded "];
        let mut expected = csv::Writer::from_writer(Vec::new());
        expected.write_record(fields).unwrap();
        expected.write_record(fields).unwrap();
        let expected = String::from_utf8(expected.into_inner().unwrap()).unwrap();
        let mut file = Vec::new();
        let mut rows = CsvRows::new(&mut file);
        for _ in 0..2 {
            for f in fields {
                rows.text(f);
            }
            rows.end_row().unwrap();
        }
        rows.flush().unwrap();
        assert_eq!(String::from_utf8(file).unwrap(), expected);
    }
}
