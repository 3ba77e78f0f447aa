//! What is computed about a finished derivation before anything is printed: the normal form that
//! decides `expect`, the cancellation report, and the data behind the figures.

pub mod blog_data;
pub mod builtin_probability;
pub mod cancellation;
pub mod cancellation_below;
pub mod figures;
pub mod normal;
pub mod notes;
pub mod sweep;
