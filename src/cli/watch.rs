//! `--watch`: run again whenever a file changes. It polls the files' modification times every
//! [`POLL`]: a handful of `stat` calls, no dependency, and it works on every file system
//! (network mounts and editors that replace files included).

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How often the files are looked at.
pub const POLL: Duration = Duration::from_millis(300);

/// The modification times of `files` (None where a file cannot be read at the moment).
fn stamps(files: &[String]) -> Vec<Option<SystemTime>> {
    files
        .iter()
        .map(|f| Path::new(f).metadata().and_then(|m| m.modified()).ok())
        .collect()
}

/// Calls `run` now and after every change of one of `files`, forever (until the process is
/// interrupted). A line on stderr marks each re-run.
pub fn watch(files: &[String], mut run: impl FnMut()) {
    let mut seen = stamps(files);
    run();
    eprintln!("watching {} file(s); Ctrl-C stops", files.len());
    loop {
        std::thread::sleep(POLL);
        let now = stamps(files);
        if now != seen {
            seen = now;
            eprintln!("── changed: running again ──");
            run();
        }
    }
}
