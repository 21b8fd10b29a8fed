//! One copy of each text a report repeats (issue 15): member names, the
//! plan's reasons and step texts, the drill's chain steps. At 200,000
//! accounts, 75,000 plan items say one of a few hundred step texts and the
//! drill's 600,000 chain steps are 100,000 distinct ones. Each is held as
//! an `Arc<str>` (serialised as the string; serde's `rc` feature).

use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;

/// The texts held so far; [`SharedText::get`] gives the one copy.
#[derive(Debug, Default)]
pub struct SharedText(HashSet<Arc<str>>);

impl SharedText {
    /// The shared copy of `text` (made on first use).
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.0.get(text) {
            return t.clone();
        }
        let t: Arc<str> = Arc::from(text);
        self.0.insert(t.clone());
        t
    }

    /// The shared copy of `text`: `text` itself when it is the first.
    pub fn share(&mut self, text: &Arc<str>) -> Arc<str> {
        if let Some(t) = self.0.get(&**text) {
            return t.clone();
        }
        self.0.insert(text.clone());
        text.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_one_copy() {
        let mut shared = SharedText::default();
        let a = shared.get("lower stakes");
        let b = shared.get(&String::from("lower stakes"));
        let c = shared.get("weak");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(&*c, "weak");
        let d: Arc<str> = Arc::from("weak");
        assert!(
            Arc::ptr_eq(&shared.share(&d), &c),
            "an equal text is the first copy"
        );
        let e: Arc<str> = Arc::from("new");
        assert!(
            Arc::ptr_eq(&shared.share(&e), &e),
            "a new text is kept as it is"
        );
        assert!(Arc::ptr_eq(&shared.get("new"), &e));
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"lower stakes\"");
    }
}
