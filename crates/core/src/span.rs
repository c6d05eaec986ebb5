use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// A half-open byte range `[start, end)` into a document's text.
///
/// Spans are only created through [`Span::new`] checks against the text (see
/// [`crate::Document::span`]); the raw constructor exists for stages that computed offsets
/// from the text itself, and every span is checked again when a stage returns.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// Byte after the last one.
    pub end: usize,
}

impl Span {
    /// A span without validation. Use [`Span::checked`] for offsets from outside.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// A span validated against `text`: ordered, in range, on char boundaries.
    pub fn checked(text: &str, start: usize, end: usize) -> Result<Self, CoreError> {
        let span = Span { start, end };
        span.validate(text)?;
        Ok(span)
    }

    /// Checks that the span is ordered, lies within `text` and on char boundaries.
    pub fn validate(&self, text: &str) -> Result<(), CoreError> {
        if self.start > self.end {
            return Err(CoreError::InvalidSpan {
                start: self.start,
                end: self.end,
                reason: "start is after end".into(),
            });
        }
        if self.end > text.len() {
            return Err(CoreError::InvalidSpan {
                start: self.start,
                end: self.end,
                reason: format!("end is past the text ({} bytes)", text.len()),
            });
        }
        if !text.is_char_boundary(self.start) || !text.is_char_boundary(self.end) {
            return Err(CoreError::InvalidSpan {
                start: self.start,
                end: self.end,
                reason: "not on a UTF-8 character boundary".into(),
            });
        }
        Ok(())
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for an empty range.
    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// True when `other` lies entirely inside `self`.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest span covering both.
    pub fn cover(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Implemented by every annotation type: applies `f` to each span it holds, so that a
/// whole document can be converted between byte and code point offsets (or validated) in
/// one walk. Adding a span field to a layer type means adding it here too.
pub trait MapSpans {
    /// Applies `f` to every span this value holds, replacing each with the result.
    fn map_spans(
        &mut self,
        f: &mut dyn FnMut(Span) -> Result<Span, CoreError>,
    ) -> Result<(), CoreError>;
}

impl MapSpans for Span {
    fn map_spans(
        &mut self,
        f: &mut dyn FnMut(Span) -> Result<Span, CoreError>,
    ) -> Result<(), CoreError> {
        *self = f(*self)?;
        Ok(())
    }
}

impl<T: MapSpans> MapSpans for Option<T> {
    fn map_spans(
        &mut self,
        f: &mut dyn FnMut(Span) -> Result<Span, CoreError>,
    ) -> Result<(), CoreError> {
        if let Some(inner) = self {
            inner.map_spans(f)?;
        }
        Ok(())
    }
}

impl<T: MapSpans> MapSpans for Vec<T> {
    fn map_spans(
        &mut self,
        f: &mut dyn FnMut(Span) -> Result<Span, CoreError>,
    ) -> Result<(), CoreError> {
        for item in self.iter_mut() {
            item.map_spans(f)?;
        }
        Ok(())
    }
}
