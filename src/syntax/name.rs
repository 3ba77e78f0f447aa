//! Interned names: the names of symbols and of free indices.
//!
//! A [`Name`] is a reference to the one copy of its text held by a global, thread-safe
//! interner, so it is `Copy`, cloning it allocates nothing, and equality and hashing look at
//! its id only. Its order is the order of the texts, so sorting by names (and therefore the
//! canonical order of expressions) is the same as it was with `String`s. Names are never freed:
//! a run interns only the names of its input and the fresh names it makes, a few thousand at
//! most.

use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

/// One interned text and its id (the order in which it was first interned).
#[derive(Debug)]
struct Entry {
    id: u32,
    text: &'static str,
}

/// An interned name: `Copy`, compared and hashed by id, ordered by its text.
#[derive(Clone, Copy)]
pub struct Name(&'static Entry);

fn interner() -> &'static Mutex<HashMap<&'static str, &'static Entry>> {
    static TABLE: OnceLock<Mutex<HashMap<&'static str, &'static Entry>>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(HashMap::new()))
}

impl Name {
    /// The name with text `text`, interned on first use.
    pub fn new(text: &str) -> Name {
        // A poisoned lock only means another thread panicked while holding it; the table is
        // never left half-updated (an entry is inserted in one call), so keep using it.
        let mut table = interner()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = table.get(text) {
            return Name(entry);
        }
        let id = u32::try_from(table.len()).expect("fewer than 2^32 distinct names");
        let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
        let entry: &'static Entry = Box::leak(Box::new(Entry { id, text }));
        table.insert(text, entry);
        Name(entry)
    }

    /// The text of the name.
    pub fn as_str(self) -> &'static str {
        self.0.text
    }

    /// The interner's id of the name: equal names, and only they, have equal ids.
    pub fn id(self) -> u32 {
        self.0.id
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}
impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u32(self.0.id);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        if self == other {
            Ordering::Equal
        } else {
            self.0.text.cmp(other.0.text)
        }
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.text
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0.text
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.0.text == other
    }
}
impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.0.text == *other
    }
}
impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.0.text == other.as_str()
    }
}
impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.0.text
    }
}
impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.0.text
    }
}
impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.0.text
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}
impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::new(&text)
    }
}
impl From<&String> for Name {
    fn from(text: &String) -> Name {
        Name::new(text)
    }
}
impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0.text.to_string()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.text)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.text, f)
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_give_the_same_name_and_id() {
        let a = Name::new("s_interned_test");
        let b = Name::from(String::from("s_interned_test"));
        assert_eq!(a, b);
        assert_eq!(a.id(), b.id());
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_ne!(a, Name::new("t_interned_test"));
        assert_ne!(a.id(), Name::new("t_interned_test").id());
    }

    #[test]
    fn order_is_the_order_of_the_texts_whatever_the_interning_order() {
        // Interned in the reverse of their alphabetical order: ids go the other way.
        let z = Name::new("zz_order_test");
        let a = Name::new("aa_order_test");
        assert!(z.id() < a.id());
        assert!(a < z);
        assert_eq!(a.cmp(&a), Ordering::Equal);
        let mut names = [z, a, Name::new("mm_order_test")];
        names.sort();
        let texts: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
        assert_eq!(texts, ["aa_order_test", "mm_order_test", "zz_order_test"]);
    }

    #[test]
    fn prints_compares_and_serialises_as_its_text() {
        let k = Name::new("k");
        assert_eq!(k.to_string(), "k");
        assert_eq!(format!("{k:?}"), "\"k\"");
        assert!(k == "k");
        assert!("k" == k);
        assert!(k == *"k");
        assert!(k != "j");
        assert_eq!(serde_json::to_string(&k).unwrap(), "\"k\"");
        assert_eq!(&*k, "k");
    }

    #[test]
    fn interning_from_many_threads_agrees() {
        let ids: Vec<u32> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| Name::new("threaded_name_test").id()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(ids.windows(2).all(|w| w[0] == w[1]));
    }
}
