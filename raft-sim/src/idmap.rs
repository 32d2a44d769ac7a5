//! `IdMap`: values by a `u64` id, in id order, for the cluster's messages in flight and
//! its clients' requests.
//!
//! A sorted vector rather than a `BTreeMap`: ids are handed out in increasing order, so an
//! insertion is a push, and removals (mostly of the oldest ids) leave a hole that is swept
//! out once holes outnumber values. Each `BTreeMap` instantiation costs several KB of the
//! browser's WebAssembly; iteration order is the same (by id), so runs are unchanged.

/// Values by id, iterated in id order.
#[derive(Clone, Debug)]
pub struct IdMap<V> {
    /// (id, value), sorted by id; a removed value leaves `None` until the next sweep.
    slots: Vec<(u64, Option<V>)>,
    /// `slots[..start]` are all removed; `slots[start]`, if any, holds a value.
    start: usize,
    /// How many slots hold a value.
    len: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> IdMap<V> {
    pub const fn new() -> Self {
        Self {
            slots: Vec::new(),
            start: 0,
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn find(&self, id: u64) -> Result<usize, usize> {
        match self.slots[self.start..].binary_search_by_key(&id, |s| s.0) {
            Ok(i) => Ok(self.start + i),
            Err(i) => Err(self.start + i),
        }
    }

    /// Puts `value` under `id`, replacing what was there.
    pub fn insert(&mut self, id: u64, value: V) {
        match self.slots.last() {
            Some(last) if last.0 >= id => match self.find(id) {
                Ok(i) => {
                    if self.slots[i].1.replace(value).is_none() {
                        self.len += 1;
                    }
                }
                Err(i) => {
                    self.slots.insert(i, (id, Some(value)));
                    self.len += 1;
                }
            },
            _ => {
                self.slots.push((id, Some(value)));
                self.len += 1;
            }
        }
    }

    /// Takes the value under `id` out, if there is one.
    pub fn remove(&mut self, id: u64) -> Option<V> {
        let i = self.find(id).ok()?;
        let value = self.slots[i].1.take()?;
        self.len -= 1;
        while self.slots.get(self.start).is_some_and(|s| s.1.is_none()) {
            self.start += 1;
        }
        let holes = self.slots.len() - self.len;
        if self.len == 0 {
            self.slots.clear();
            self.start = 0;
        } else if holes > self.len + 16 {
            self.slots.retain(|s| s.1.is_some());
            self.start = 0;
        }
        Some(value)
    }

    /// The value with the lowest id.
    pub fn first(&self) -> Option<&V> {
        self.slots.get(self.start).and_then(|s| s.1.as_ref())
    }

    /// Takes the value with the lowest id out.
    pub fn pop_first(&mut self) -> Option<V> {
        let id = self.slots.get(self.start)?.0;
        self.remove(id)
    }

    /// The values, by id.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.slots[self.start..].iter().filter_map(|s| s.1.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::IdMap;
    use std::collections::BTreeMap;

    /// The same operations on an `IdMap` and a `BTreeMap` leave the same contents.
    #[test]
    fn matches_a_btreemap() {
        let mut m = IdMap::new();
        let mut b = BTreeMap::new();
        let mut x: u64 = 12345;
        let mut next = 0;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            match x % 5 {
                0 | 1 => {
                    m.insert(next, next * 3);
                    b.insert(next, next * 3);
                    next += 1;
                }
                2 => {
                    let id = x % (next + 1);
                    m.insert(id, id + 1);
                    b.insert(id, id + 1);
                }
                3 => {
                    let id = (x >> 8) % (next + 1);
                    assert_eq!(m.remove(id), b.remove(&id));
                }
                _ => assert_eq!(m.pop_first(), b.pop_first().map(|(_, v)| v)),
            }
            assert_eq!(m.len(), b.len());
            assert_eq!(m.first(), b.values().next());
        }
        assert!(m.values().eq(b.values()));
    }
}
