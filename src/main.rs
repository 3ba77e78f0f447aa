//! The gradproof command line.
fn main() {}
