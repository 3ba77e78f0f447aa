//! The text being parsed, with a line table to turn byte offsets into [`Pos`] in `O(log n)` plus
//! the length of one line, so that reporting never rescans the whole input. The last position
//! computed is remembered, so that positions asked for left to right along one long line (the
//! letters of an `index` line) cost time linear in the line, not quadratic.

use super::error::{ErrorKind, PErr, ParseError};
use crate::syntax::problem::Pos;
use std::cell::Cell;

/// The whole input and where its lines start.
pub(crate) struct Source<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// The last byte offset converted and its position.
    last: Cell<(usize, Pos)>,
}

impl<'a> Source<'a> {
    /// Indexes the lines of `text`.
    pub fn new(text: &'a str) -> Source<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let first = Pos { line: 1, column: 1 };
        Source {
            text,
            line_starts,
            last: Cell::new((0, first)),
        }
    }

    /// The byte offset of `rest` in the text; `rest` must be a sub-slice of it (anything else
    /// is clamped to the text's bounds).
    pub fn offset_of(&self, rest: &str) -> usize {
        let start = self.text.as_ptr() as usize;
        (rest.as_ptr() as usize)
            .saturating_sub(start)
            .min(self.text.len())
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn pos(&self, offset: usize) -> Pos {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let (mut start, mut column) = (self.line_starts[line - 1], 1);
        let (last_offset, last_pos) = self.last.get();
        if last_pos.line == line && last_offset <= offset {
            (start, column) = (last_offset, last_pos.column);
        }
        let between = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        let pos = Pos {
            line,
            column: column + between,
        };
        self.last.set((offset, pos));
        pos
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let text = self
            .text
            .get(start..end)
            .expect("line starts are char boundaries: a line is a slice of the text");
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// The error `kind` at byte `offset`, with its source line.
    pub fn error(&self, offset: usize, kind: ErrorKind) -> ParseError {
        let pos = self.pos(offset);
        ParseError::new(pos, kind, self.line_text(pos.line))
    }

    /// The error `kind` at the start of the sub-slice `at`.
    pub fn error_at(&self, at: &str, kind: ErrorKind) -> ParseError {
        self.error(self.offset_of(at), kind)
    }
}

/// The public error for a nom error of the grammar; `end` names the end of the parsed text.
pub(crate) fn from_nom(e: nom::Err<PErr<'_>>, source: &Source<'_>, end: &str) -> ParseError {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.into_error(source, end),
        nom::Err::Incomplete(_) => source.error(
            source.text.len(),
            ErrorKind::Syntax {
                expected: "more input".to_string(),
                found: end.to_string(),
            },
        ),
    }
}
