//! Parsing: the expression grammar and the `.deriv` file format (nom).
//! (Placeholder: being written.)
