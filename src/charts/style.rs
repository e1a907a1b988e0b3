//! Colours, line looks and the embedded font: the same everywhere, so a reader learns them
//! once.

use plotters::style::{FontStyle, RGBColor};
use std::sync::Once;

/// Okabe–Ito, ordered so the first colours differ most in lightness too (they survive
/// grayscale printing); yellow, weak on white, comes last.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// Grid lines: light enough to sit behind the data.
pub const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
/// The shaded warm-up span.
pub const SHADE: RGBColor = RGBColor(0xEF, 0xEF, 0xEF);
/// Titles, labels and ticks.
pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Axes and secondary text.
pub const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
/// A bar drawn behind another for comparison (the bill without commitments): light enough
/// that the bar in front reads as the answer.
pub const GHOST: RGBColor = RGBColor(0xE2, 0xE2, 0xE2);

/// The family every chart asks for (the embedded DejaVu Sans answers it).
pub const FONT: &str = "sans-serif";
/// The title's font size, CSS pixels before plotters' 1.24 em ratio.
pub const TITLE_SIZE: f64 = 20.0;
/// Axis titles and legend entries.
pub const LABEL_SIZE: f64 = 15.0;
/// Tick labels and small notes.
pub const TICK_SIZE: f64 = 13.0;

/// How one series is drawn: colour, dash and marker vary together so series stay apart
/// without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    /// Index into [`PALETTE`] (wrapping).
    pub color: usize,
    /// The line's dash pattern.
    pub dash: Dash,
    /// The shape marking its points.
    pub marker: Marker,
}

/// A line's dash pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// Unbroken.
    Solid,
    /// 8 px on, 5 off.
    Dashed,
    /// 2 px on, 4 off.
    Dotted,
}

/// The shape marking a line's points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// No marks.
    None,
    /// A filled dot.
    Circle,
    /// A filled triangle, point up.
    Triangle,
    /// A filled square.
    Square,
    /// An ×.
    Cross,
}

impl Look {
    /// The i-th look of a chart: colour i, with dash and marker cycling at other periods.
    pub fn nth(i: usize) -> Look {
        const DASHES: [Dash; 3] = [Dash::Solid, Dash::Dashed, Dash::Dotted];
        const MARKERS: [Marker; 5] = [
            Marker::None,
            Marker::Circle,
            Marker::Triangle,
            Marker::Square,
            Marker::Cross,
        ];
        Look {
            color: i % PALETTE.len(),
            dash: DASHES[i % DASHES.len()],
            marker: MARKERS[i % MARKERS.len()],
        }
    }

    /// The look's colour.
    pub fn rgb(&self) -> RGBColor {
        PALETTE[self.color % PALETTE.len()]
    }
}

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/`), so text renders the same on a
/// machine without any system font.
pub(super) static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font under the generic family every chart asks for.
pub fn ensure_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            plotters::style::register_font(FONT, style, FONT_BYTES)
                .unwrap_or_else(|_| panic!("the embedded font parses"));
        }
    });
}

/// A sequential colour scale from pale yellow to dark blue (viridis-like: monotone in
/// lightness, so it reads in grayscale and for colour-blind readers). `t` in [0, 1].
pub fn sequential(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 6] = [
        (0xFD, 0xE7, 0x25),
        (0x7A, 0xD1, 0x51),
        (0x22, 0xA8, 0x84),
        (0x2A, 0x78, 0x8E),
        (0x41, 0x44, 0x87),
        (0x44, 0x01, 0x54),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}
