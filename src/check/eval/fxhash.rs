//! The hash map of the evaluator's memo tables.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast non-cryptographic hasher for the memo tables (the Fx hash of rustc): the keys are
/// small integers, and SipHash dominated the evaluator's profile.
#[derive(Default)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time: index tuples are hashed as one byte slice.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut b = [0; 8];
            b.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(b));
        }
        words
            .remainder()
            .iter()
            .for_each(|b| self.write_u64(u64::from(*b)));
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`FxHasher`].
pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
