//! Printers: input syntax, Unicode text, LaTeX.
pub mod input;
