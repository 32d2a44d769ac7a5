//! [`NodeMap`] and [`NodeSet`]: what a node keeps per other node (progress, votes), keyed by
//! node id, and sets of node ids (the voters, the learners of a configuration).

use crate::types::NodeId;
use alloc::vec::Vec;

/// A map keyed by node id, iterated in id order (so nothing depends on the order entries
/// were added in), with the interface of a `BTreeMap<NodeId, V>`.
///
/// It is one vector of `(id, value)` sorted by id: these maps are small (a cluster has at
/// most [`crate::MAX_NODES`] nodes), built with every node and read on every message a
/// leader receives, and a vector is several times cheaper to build, search and drop than a
/// `BTreeMap` of that size (building and dropping a five-entry `BTreeMap` of progress costs
/// about five times what the vector does, which showed in the election benchmark). Entries
/// are found by id only; no caller ever sees a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeMap<V> {
    entries: Vec<(NodeId, V)>,
}

impl<V> Default for NodeMap<V> {
    fn default() -> Self {
        NodeMap {
            entries: Vec::new(),
        }
    }
}

impl<V> NodeMap<V> {
    pub fn new() -> NodeMap<V> {
        NodeMap::default()
    }

    pub fn with_capacity(n: usize) -> NodeMap<V> {
        NodeMap {
            entries: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `id` is (Ok) or would go (Err) in the sorted entries.
    fn search(&self, id: NodeId) -> Result<usize, usize> {
        // Ids are usually 1..=n, so `id` is usually at id - 1: look there before searching;
        // and maps are built in id order, so a new id usually goes at the end.
        let guess = id.wrapping_sub(1) as usize;
        if self.entries.get(guess).is_some_and(|e| e.0 == id) {
            return Ok(guess);
        }
        if self.entries.last().is_none_or(|e| e.0 < id) {
            return Err(self.entries.len());
        }
        self.entries.binary_search_by_key(&id, |e| e.0)
    }

    pub fn contains_key(&self, id: NodeId) -> bool {
        self.search(id).is_ok()
    }

    pub fn get(&self, id: NodeId) -> Option<&V> {
        let i = self.search(id).ok()?;
        Some(&self.entries[i].1)
    }

    pub fn get_mut(&mut self, id: NodeId) -> Option<&mut V> {
        let i = self.search(id).ok()?;
        Some(&mut self.entries[i].1)
    }

    /// Sets `id`'s value; returns the one it replaces.
    pub fn insert(&mut self, id: NodeId, value: V) -> Option<V> {
        // Maps are mostly built in id order: a new id usually goes at the end.
        if self.entries.last().is_none_or(|&(last, _)| last < id) {
            self.entries.push((id, value));
            return None;
        }
        match self.search(id) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (id, value));
                None
            }
        }
    }

    /// `id`'s value, after setting it to `value` if it had none.
    pub fn get_or_insert(&mut self, id: NodeId, value: V) -> &mut V {
        let i = match self.search(id) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (id, value));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn remove(&mut self, id: NodeId) -> Option<V> {
        let i = self.search(id).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// Removes every entry (keeping the memory for the next ones).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Keeps only the entries whose id passes `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(NodeId) -> bool) {
        self.entries.retain(|e| keep(e.0));
    }

    /// The entries, by id.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (NodeId, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(id, v)| (*id, v))
    }

    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (NodeId, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(id, v)| (*id, v))
    }

    /// The ids, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = NodeId> + ExactSizeIterator + '_ {
        self.entries.iter().map(|e| e.0)
    }

    /// The values, by id.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.1)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|e| &mut e.1)
    }
}

impl<V> FromIterator<(NodeId, V)> for NodeMap<V> {
    /// The map of the entries, in any order; of two with the same id the last stays.
    fn from_iter<I: IntoIterator<Item = (NodeId, V)>>(iter: I) -> NodeMap<V> {
        let entries: Vec<(NodeId, V)> = iter.into_iter().collect();
        // Maps are built in id order (every node builds its progress so): then the entries
        // are the map as they come, without a search per entry.
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return NodeMap { entries };
        }
        // Otherwise one at a time (no sort: a sort's code, made for every kind of value, cost
        // the page's wasm 9 KiB).
        let mut map = NodeMap::with_capacity(entries.len());
        for (id, v) in entries {
            map.insert(id, v);
        }
        map
    }
}

/// A set of node ids, in id order: one sorted vector, like [`NodeMap`], with the interface
/// of a `BTreeSet<NodeId>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet {
    ids: Vec<NodeId>,
}

impl NodeSet {
    pub fn new() -> NodeSet {
        NodeSet::default()
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, id: NodeId) -> bool {
        self.ids.binary_search(&id).is_ok()
    }

    /// Adds `id`; false when it was there already.
    pub fn insert(&mut self, id: NodeId) -> bool {
        // Sets are built in id order: a new id usually goes at the end.
        if self.ids.last().is_none_or(|&last| last < id) {
            self.ids.push(id);
            return true;
        }
        match self.ids.binary_search(&id) {
            Ok(_) => false,
            Err(i) => {
                self.ids.insert(i, id);
                true
            }
        }
    }

    /// Takes `id` out; false when it was not there.
    pub fn remove(&mut self, id: NodeId) -> bool {
        match self.ids.binary_search(&id) {
            Ok(i) => {
                self.ids.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Removes every id (keeping the memory for the next ones).
    pub fn clear(&mut self) {
        self.ids.clear();
    }

    /// The ids, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = NodeId> + ExactSizeIterator + '_ {
        self.ids.iter().copied()
    }

    /// The ids, in order.
    pub fn as_slice(&self) -> &[NodeId] {
        &self.ids
    }
}

impl FromIterator<NodeId> for NodeSet {
    fn from_iter<I: IntoIterator<Item = NodeId>>(iter: I) -> NodeSet {
        let ids: Vec<NodeId> = iter.into_iter().collect();
        // Usually given in order (a configuration's voters): taken as they come, without a
        // search per id.
        if ids.windows(2).all(|w| w[0] < w[1]) {
            return NodeSet { ids };
        }
        let mut set = NodeSet {
            ids: Vec::with_capacity(ids.len()),
        };
        for id in ids {
            set.insert(id);
        }
        set
    }
}

impl<const N: usize> From<[NodeId; N]> for NodeSet {
    fn from(ids: [NodeId; N]) -> NodeSet {
        ids.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_id_and_kept_in_id_order() {
        let mut m: NodeMap<&str> = [(5, "e"), (2, "b"), (9, "i")].into_iter().collect();
        assert_eq!(m.keys().collect::<Vec<_>>(), [2, 5, 9]);
        assert_eq!(m.get(5), Some(&"e"));
        assert_eq!(m.get(1), None);
        assert_eq!(m.get(3), None, "position 2 holds id 9, not 3");
        assert_eq!(m.insert(1, "a"), None);
        assert_eq!(m.insert(5, "E"), Some("e"));
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [(1, &"a"), (2, &"b"), (5, &"E"), (9, &"i")]
        );
        assert_eq!(*m.get_or_insert(2, "x"), "b", "an existing value stays");
        assert_eq!(*m.get_or_insert(7, "g"), "g");
        assert_eq!(m.remove(2), Some("b"));
        assert!(!m.contains_key(2) && m.contains_key(7));
        assert_eq!(m.keys().collect::<Vec<_>>(), [1, 5, 7, 9]);
        *m.get_mut(9).unwrap() = "I";
        assert_eq!(
            m.values().copied().collect::<Vec<_>>(),
            ["a", "E", "g", "I"]
        );
        m.clear();
        assert!(m.is_empty());

        let m: NodeMap<&str> = [(3, "c"), (1, "a"), (3, "x"), (2, "b")]
            .into_iter()
            .collect();
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [(1, &"a"), (2, &"b"), (3, &"x")]
        );
    }

    #[test]
    fn a_set_keeps_each_id_once_in_order() {
        let mut s: NodeSet = [5, 1, 3, 1].into_iter().collect();
        assert_eq!(s.as_slice(), [1, 3, 5]);
        assert!(s.contains(3) && !s.contains(2));
        assert!(s.insert(2));
        assert!(!s.insert(2));
        assert!(s.remove(1));
        assert!(!s.remove(1));
        assert_eq!(s.iter().collect::<Vec<_>>(), [2, 3, 5]);
        assert_eq!(s.len(), 3);
        assert_eq!(NodeSet::from([2, 1]).as_slice(), [1, 2]);
        assert!(NodeSet::new().is_empty());
    }

    #[test]
    fn ids_one_to_n_are_found_where_they_are_expected() {
        let m: NodeMap<u64> = (1..=5).map(|id| (id, id * 10)).collect();
        for id in 1..=5 {
            assert_eq!(m.get(id), Some(&(id * 10)));
        }
        assert_eq!(m.get(0), None);
        assert_eq!(m.get(6), None);
    }
}
