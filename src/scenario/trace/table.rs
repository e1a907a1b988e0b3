//! A trace CSV read one row at a time: columns found by name in its header, each value
//! checked and every problem said in the trace's own terms (file, line, column, what is
//! allowed), never in the CSV library's.

use super::super::duration::LONGEST_MS;
use super::super::error::FieldError;
use super::super::io_words;
use std::fmt;
use std::io::Read;

/// A problem in a trace file, by its own line.
#[derive(Debug, PartialEq)]
pub struct RowError {
    /// The trace file, as the scenario names it.
    pub file: String,
    /// The row's line in the trace file, 1-based.
    pub line: u64,
    /// Empty when the problem is the whole row or file, not one value.
    pub column: String,
    /// What is wrong, in the user's words.
    pub message: String,
    /// What the column accepts, when there is a short answer.
    pub allowed: Option<String>,
}

impl RowError {
    pub(super) fn new(file: &str, line: u64, message: impl Into<String>) -> RowError {
        RowError {
            file: file.into(),
            line,
            column: String::new(),
            message: message.into(),
            allowed: None,
        }
    }

    pub(super) fn allowed(mut self, allowed: impl Into<String>) -> RowError {
        self.allowed = Some(allowed.into());
        self
    }

    /// The error as the scenario reports it: on the trace entry's `path`, the CSV place in
    /// the message.
    pub(super) fn at(self, trace: &str) -> FieldError {
        let allowed = self.allowed.clone();
        let e = FieldError::new(format!("{trace}.path"), self.to_string());
        match allowed {
            Some(a) => e.allowed(a),
            None => e,
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if !self.column.is_empty() {
            write!(f, "column `{}`: ", self.column)?;
        }
        f.write_str(&self.message)
    }
}

/// A CSV file with a header, read row by row so a trace of any length is never held whole.
pub(super) struct Table<'f, R> {
    file: &'f str,
    header: Vec<String>,
    reader: csv::Reader<R>,
    record: csv::ByteRecord,
    /// The line of the last row read (1, the header, before any).
    line: u64,
}

impl<'f, R: Read> Table<'f, R> {
    pub(super) fn new(input: R, file: &'f str, required: &[&str]) -> Result<Self, RowError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(input);
        let wanted = || format!("a header line naming {}", required.join(", "));
        let header = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(file, 1, &e, &[])),
        };
        if header.iter().all(<[u8]>::is_empty) {
            return Err(RowError::new(file, 1, "the file is empty").allowed(wanted()));
        }
        let header = header
            .iter()
            .map(|h| std::str::from_utf8(h).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                RowError::new(file, 1, "the header is not UTF-8 text").allowed(wanted())
            })?;
        for need in required {
            if !header.iter().any(|h| h == need) {
                return Err(RowError {
                    column: need.to_string(),
                    ..RowError::new(file, 1, "missing from the header").allowed(wanted())
                });
            }
        }
        Ok(Table {
            file,
            header,
            reader,
            record: csv::ByteRecord::new(),
            line: 1,
        })
    }

    pub(super) fn has_column(&self, name: &str) -> bool {
        self.header.iter().any(|h| h == name)
    }

    /// The next row, or None after the last.
    pub(super) fn next_row(&mut self) -> Result<Option<Row<'_>>, RowError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                self.line = self.record.position().map_or(self.line + 1, |p| p.line());
                Ok(Some(Row {
                    line: self.line,
                    record: &self.record,
                    header: &self.header,
                    file: self.file,
                }))
            }
            Err(e) => Err(csv_error(self.file, self.line + 1, &e, &self.header)),
        }
    }
}

/// A CSV reading error in words: the row's length, the file unreadable.
fn csv_error(file: &str, next_line: u64, e: &csv::Error, header: &[String]) -> RowError {
    let line = e.position().map_or(next_line, |p| p.line());
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => RowError::new(
            file,
            line,
            format!("the row has {len} value(s), but the header names {expected_len} column(s)"),
        )
        .allowed(format!(
            "one value for each column of the header ({})",
            header.join(",")
        )),
        csv::ErrorKind::Io(io) => RowError::new(
            file,
            line,
            format!("cannot read the file: {}", io_words(io)),
        ),
        csv::ErrorKind::Utf8 { .. } => RowError::new(file, line, "the row is not UTF-8 text"),
        // Seeking, serializing and typed records are never used here.
        _ => RowError::new(file, line, "the row cannot be read as CSV"),
    }
}

pub(super) struct Row<'t> {
    pub(super) line: u64,
    record: &'t csv::ByteRecord,
    header: &'t [String],
    file: &'t str,
}

/// Seconds from the trace's start: whole thousands of years are surely a unit mistake, and
/// a bound keeps every later sum of times far from overflowing.
pub(super) const SECONDS: &str = "seconds, 0 to 31536000000 (a thousand years)";

impl<'t> Row<'t> {
    /// The value in `column` (empty if the header lacks it).
    pub(super) fn text(&self, column: &str) -> Result<&'t str, RowError> {
        let Some(bytes) = self
            .header
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
        else {
            return Ok("");
        };
        std::str::from_utf8(bytes)
            .map_err(|_| self.error(column, "is not UTF-8 text".into(), "text"))
    }

    pub(super) fn error(&self, column: &str, message: String, allowed: &str) -> RowError {
        RowError {
            column: column.into(),
            ..RowError::new(self.file, self.line, message).allowed(allowed)
        }
    }

    /// A finite number ≥ 0 (negative values are errors, not rejections: the file is wrong).
    pub(super) fn number(&self, column: &str, allowed: &str) -> Result<f64, RowError> {
        let text = self.text(column)?;
        let not = |what: &str| Err(self.error(column, format!("`{text}` is {what}"), allowed));
        if text.is_empty() {
            return Err(self.error(column, "is empty".into(), allowed));
        }
        let Ok(value) = text.parse::<f64>() else {
            return not("not a number");
        };
        if value.is_nan() {
            return not("not a number");
        }
        if value.is_infinite() {
            return not("not a finite number");
        }
        if value < 0.0 {
            return not("negative");
        }
        Ok(value)
    }

    /// A number ≥ 0, or None when the cell is empty.
    pub(super) fn optional(&self, column: &str, allowed: &str) -> Result<Option<f64>, RowError> {
        if self.text(column)?.is_empty() {
            Ok(None)
        } else {
            self.number(column, allowed).map(Some)
        }
    }

    /// A time in seconds from the trace's start, in milliseconds.
    pub(super) fn seconds(&self, column: &str) -> Result<u64, RowError> {
        self.seconds_of(column, self.number(column, SECONDS)?)
    }

    /// `value` seconds (read from `column`) in milliseconds, within a thousand years.
    pub(super) fn seconds_of(&self, column: &str, value: f64) -> Result<u64, RowError> {
        let ms = (value * 1000.0).round();
        if ms > LONGEST_MS as f64 {
            // 1e300 written out would be 301 digits.
            let shown = if value < 1e15 {
                value.to_string()
            } else {
                format!("{value:.1e}")
            };
            return Err(self.error(
                column,
                format!("{shown} s is longer than a thousand years"),
                SECONDS,
            ));
        }
        Ok(ms as u64)
    }

    /// An optional whole GPU count (empty or absent = 0).
    pub(super) fn whole_gpus(&self, column: &str) -> Result<u32, RowError> {
        let allowed = "a whole number of GPUs, 0 to 64 (empty = 0)";
        match self.optional(column, allowed)? {
            None => Ok(0),
            Some(n) if n.fract() == 0.0 && n <= 64.0 => Ok(n as u32),
            Some(n) => Err(self.error(column, format!("{n} is not a whole GPU count"), allowed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first error reading every row of `text`, in the words a user sees.
    fn first_error(text: &[u8]) -> String {
        let run = || -> Result<(), RowError> {
            let mut table = Table::new(text, "t.csv", &["a", "b"])?;
            while let Some(row) = table.next_row()? {
                row.number("a", "a number")?;
                row.seconds("b")?;
            }
            Ok(())
        };
        let e = run().unwrap_err();
        format!(
            "{e} (allowed: {})",
            e.allowed.as_deref().unwrap_or_default()
        )
    }

    #[test]
    fn every_problem_is_said_with_its_line_and_column() {
        // Issue 32 item 16: these were "column ``: not a CSV row: CSV error: record 2 (line:
        // 3, byte: 43) ...", "nan is negative" and "inf is negative".
        let cases: &[(&[u8], &str)] = &[
            (
                b"a,b\n1,2\n1,2,3\n",
                "t.csv:3: the row has 3 value(s), but the header names 2 column(s) (allowed: one value for each column of the header (a,b))",
            ),
            (
                b"a,b\nnan,1\n",
                "t.csv:2: column `a`: `nan` is not a number (allowed: a number)",
            ),
            (
                b"a,b\n1,inf\n",
                "t.csv:2: column `b`: `inf` is not a finite number (allowed: seconds, 0 to 31536000000 (a thousand years))",
            ),
            (
                b"a,b\n1,1e400\n",
                "t.csv:2: column `b`: `1e400` is not a finite number (allowed: seconds, 0 to 31536000000 (a thousand years))",
            ),
            // A thousand years and a second: 31,536,000,001 s.
            (
                b"a,b\n1,1e300\n",
                "t.csv:2: column `b`: 1.0e300 s is longer than a thousand years (allowed: seconds, 0 to 31536000000 (a thousand years))",
            ),
            (
                b"a,b\n1,31536000001\n",
                "t.csv:2: column `b`: 31536000001 s is longer than a thousand years (allowed: seconds, 0 to 31536000000 (a thousand years))",
            ),
            (
                b"a,b\n-0.5,1\n",
                "t.csv:2: column `a`: `-0.5` is negative (allowed: a number)",
            ),
            (
                b"a,b\n,1\n",
                "t.csv:2: column `a`: is empty (allowed: a number)",
            ),
            (
                b"a,b\n1,2\n\xff,1\n",
                "t.csv:3: column `a`: is not UTF-8 text (allowed: text)",
            ),
            (
                b"",
                "t.csv:1: the file is empty (allowed: a header line naming a, b)",
            ),
            (
                b"a,c\n",
                "t.csv:1: column `b`: missing from the header (allowed: a header line naming a, b)",
            ),
        ];
        for &(text, says) in cases {
            assert_eq!(first_error(text), says, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn rows_are_numbered_by_their_line_in_the_file() {
        // A quoted value spanning two lines: the next row starts on line 4.
        let text = "a,b\n\"1\n\",2\n3,4\n";
        let mut table = Table::new(text.as_bytes(), "t.csv", &["a"]).unwrap();
        let mut lines = Vec::new();
        while let Some(row) = table.next_row().unwrap() {
            lines.push((row.line, row.text("b").unwrap().to_string()));
        }
        assert_eq!(lines, vec![(2, "2".to_string()), (4, "4".to_string())]);
    }
}
