//! The PNG backend: plotters' bitmap drawn at a scale (2× by default), with text set by
//! this module.
//!
//! Charts lay out in CSS pixels (960 wide); this backend multiplies every coordinate and
//! stroke by the scale, so a 2× PNG is the same chart with twice the pixels, not a larger
//! chart. Text does not go through plotters' `ab_glyph` path, which places each glyph at
//! the pen's whole-pixel position without the glyph's left side bearing: letters drift by
//! up to a pixel each and "commitment" reads "commitm ent". Here each glyph sits at its
//! exact pen position (advance plus kerning, sub-pixel), sized and anchored as the SVG
//! backend's `<text>` is (em = size / 1.24, baseline 0.76 em below a top anchor, 0.5 ex
//! below a centre one), so a PNG and its SVG agree.

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

/// Half DejaVu Sans's x-height (1,120 of 2,048 units per em), in em: where SVG's `0.5ex`
/// puts the baseline of centred text.
const HALF_EX: f32 = 0.2734;
/// The baseline below a top-anchored text, in em (the SVG backend's `dy="0.76em"`).
const TOP_BASELINE: f32 = 0.76;

/// A backend that draws on `inner`, `scale` times larger in each direction.
pub struct Scaled<B> {
    inner: B,
    scale: f64,
    font: FontRef<'static>,
}

impl<B: DrawingBackend> Scaled<B> {
    /// Draws on `inner` (sized `scale` times the chart) through the chart's coordinates.
    pub fn new(inner: B, scale: f64, font: &'static [u8]) -> Scaled<B> {
        Scaled {
            inner,
            scale,
            font: FontRef::try_from_slice(font)
                .unwrap_or_else(|_| panic!("the embedded font parses")),
        }
    }

    fn at(&self, (x, y): BackendCoord) -> BackendCoord {
        (
            (f64::from(x) * self.scale).round() as i32,
            (f64::from(y) * self.scale).round() as i32,
        )
    }

    fn width(&self, w: u32) -> u32 {
        ((f64::from(w) * self.scale).round() as u32).max(1)
    }
}

/// A stroke `scale` times wider.
struct Stroke {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Stroke {
    fn color(&self) -> BackendColor {
        self.color
    }

    fn stroke_width(&self) -> u32 {
        self.width
    }
}

type Res<B> = Result<(), DrawingErrorKind<<B as DrawingBackend>::ErrorType>>;

impl<B: DrawingBackend> DrawingBackend for Scaled<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.inner.get_size();
        (
            (f64::from(w) / self.scale).round() as u32,
            (f64::from(h) / self.scale).round() as u32,
        )
    }

    fn ensure_prepared(&mut self) -> Res<B> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Res<B> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res<B> {
        let a = self.at(point);
        let b = self.at((point.0 + 1, point.1 + 1));
        self.inner.draw_rect(a, (b.0 - 1, b.1 - 1), &color, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Res<B> {
        let stroke = Stroke {
            color: style.color(),
            width: self.width(style.stroke_width()),
        };
        let (a, b) = (self.at(from), self.at(to));
        self.inner.draw_line(a, b, &stroke)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Res<B> {
        let stroke = Stroke {
            color: style.color(),
            width: self.width(style.stroke_width()),
        };
        let (a, b) = (self.at(upper_left), self.at(bottom_right));
        self.inner.draw_rect(a, b, &stroke, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Res<B> {
        let stroke = Stroke {
            color: style.color(),
            width: self.width(style.stroke_width()),
        };
        let points: Vec<BackendCoord> = path.into_iter().map(|p| self.at(p)).collect();
        self.inner.draw_path(points, &stroke)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Res<B> {
        let stroke = Stroke {
            color: style.color(),
            width: self.width(style.stroke_width()),
        };
        let c = self.at(center);
        let r = self.width(radius);
        self.inner.draw_circle(c, r, &stroke, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Res<B> {
        let points: Vec<BackendCoord> = vert.into_iter().map(|p| self.at(p)).collect();
        self.inner.fill_polygon(points, &style.color())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Res<B> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let em = (style.size() / 1.24 * self.scale) as f32;
        let font = self
            .font
            .as_scaled(self.font.pt_to_px_scale(em).unwrap_or(PxScale::from(em)));
        let glyphs = layout(&font, text);
        let width = glyphs.last().map_or(0.0, |(_, x)| *x);
        let x0 = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let baseline = match style.anchor().v_pos {
            VPos::Top => TOP_BASELINE * em,
            VPos::Center => HALF_EX * em,
            VPos::Bottom => -HALF_EX * em,
        };
        let transform = style.transform();
        let origin = self.at(pos);
        let (w, h) = self.inner.get_size();
        // Glyph pixels' coverage, gathered first so overlapping glyphs do not blend twice.
        let mut ink: Vec<((i32, i32), f32)> = Vec::new();
        for (id, x) in glyphs.iter().take(glyphs.len().saturating_sub(1)) {
            let glyph = id.with_scale_and_position(font.scale(), point(x0 + x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, c| {
                if c > 0.0 {
                    let local = (
                        bounds.min.x as i32 + gx as i32,
                        bounds.min.y as i32 + gy as i32,
                    );
                    ink.push((local, c));
                }
            });
        }
        ink.sort_by_key(|(p, _)| *p);
        let mut i = 0;
        while i < ink.len() {
            let (p, mut c) = ink[i];
            i += 1;
            while i < ink.len() && ink[i].0 == p {
                c = (c + ink[i].1).min(1.0);
                i += 1;
            }
            let (dx, dy) = rotate(&transform, p);
            let (x, y) = (origin.0 + dx, origin.1 + dy);
            if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                let pixel = BackendColor {
                    alpha: color.alpha * f64::from(c.min(1.0)),
                    rgb: color.rgb,
                };
                self.inner.draw_pixel((x, y), pixel)?;
            }
        }
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let em = (style.size() / 1.24) as f32;
        let font = self
            .font
            .as_scaled(self.font.pt_to_px_scale(em).unwrap_or(PxScale::from(em)));
        let width = layout(&font, text).last().map_or(0.0, |(_, x)| *x);
        Ok((width.ceil() as u32, em.ceil() as u32))
    }
}

/// Each glyph with its pen position (advance and kerning from the first), then the end of
/// the text as a last entry.
fn layout<F: Font, S: ScaleFont<F>>(font: &S, text: &str) -> Vec<(GlyphId, f32)> {
    let mut out = Vec::with_capacity(text.len() + 1);
    let mut pen = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        out.push((id, pen));
        pen += font.h_advance(id);
        prev = Some(id);
    }
    out.push((GlyphId(0), pen));
    out
}

/// A point of unrotated text turned as plotters turns text (about the anchor).
fn rotate(t: &FontTransform, (x, y): (i32, i32)) -> (i32, i32) {
    match t {
        FontTransform::None => (x, y),
        FontTransform::Rotate90 => (-y, x),
        FontTransform::Rotate180 => (-x, -y),
        FontTransform::Rotate270 => (y, -x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> FontRef<'static> {
        FontRef::try_from_slice(super::super::style::FONT_BYTES).expect("font")
    }

    /// Issue 37: "commitment" in plotters' PNGs read "commitm ent". Each glyph now starts
    /// where the previous one's advance (plus the pair's kerning) ends, to the sub-pixel,
    /// and the text's width is where the last advance ends.
    #[test]
    fn glyphs_sit_at_the_running_sum_of_advances() {
        let f = font();
        let scaled = f.as_scaled(PxScale::from(20.0));
        let pens = layout(&scaled, "commitment");
        let ids: Vec<GlyphId> = "commitment".chars().map(|c| scaled.glyph_id(c)).collect();
        let mut pen = 0.0f32;
        for (k, id) in ids.iter().enumerate() {
            if k > 0 {
                pen += scaled.kern(ids[k - 1], *id);
            }
            assert_eq!(pens[k], (*id, pen));
            pen += scaled.h_advance(*id);
        }
        assert_eq!(pens[ids.len()].1, pen);
        // "commitment": the 'm' at 3 is wider than the 'i' at 4, so the pens do not step
        // evenly, as whole-pixel cells would.
        assert!(pens[4].1 - pens[3].1 > pens[5].1 - pens[4].1);
    }

    #[test]
    fn rotation_turns_about_the_anchor() {
        // Rotate270 reads bottom to top: a point 10 px along the text goes 10 px up.
        assert_eq!(rotate(&FontTransform::Rotate270, (10, 0)), (0, -10));
        assert_eq!(rotate(&FontTransform::None, (10, 3)), (10, 3));
    }
}
