//! Named rewrite rules. (Placeholder: being written.)
