//! The replicated state machine: a small key-value store. Commands travel in log entries as
//! text, prefixed by the client request id so the simulator can tell when a request is done.

use raft_core::types::{Bytes, Index};
use std::fmt;

/// A client command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvOp {
    Set { key: String, value: String },
    Del { key: String },
}

impl fmt::Display for KvOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvOp::Set { key, value } => write!(f, "set {key}={value}"),
            KvOp::Del { key } => write!(f, "del {key}"),
        }
    }
}

/// The bytes of a log entry carrying request `id`: "<id>:<op>".
pub fn encode(id: u64, op: &KvOp) -> Bytes {
    Bytes::from(format!("{id}:{op}").as_str())
}

/// Splits entry bytes into (request id, command text). None for a no-op or foreign data.
pub fn decode(data: &[u8]) -> Option<(u64, &str)> {
    let s = std::str::from_utf8(data).ok()?;
    let (id, op) = s.split_once(':')?;
    Some((id.parse().ok()?, op))
}

/// The command text of an entry, for display ("" for a no-op).
pub fn describe(data: &[u8]) -> String {
    match decode(data) {
        Some((_, op)) => op.to_string(),
        None if data.is_empty() => String::new(),
        None => String::from_utf8_lossy(data).into_owned(),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kv {
    /// The pairs, sorted by key, each key once. A sorted vector rather than a `BTreeMap`: a
    /// store holds a handful of keys, and the map's code is a sizeable part of the wasm.
    pub map: Vec<(String, String)>,
    /// The index of the last entry applied (or restored from a snapshot).
    pub applied: Index,
    /// The client commands applied, those in a snapshot restored included: Fabric's block
    /// height (an orderer writes a block for each entry carrying one, none for a leader's
    /// empty entry or a membership change), its `committed_block_number`.
    pub blocks: u64,
}

impl Kv {
    /// The value of `key`, if it has one.
    pub fn get(&self, key: &str) -> Option<&str> {
        let i = self.find(key).ok()?;
        self.map.get(i).map(|(_, v)| v.as_str())
    }

    /// Where `key` is in `map`, or where it would go.
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.map.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    fn set(&mut self, key: String, value: String) {
        match self.find(&key) {
            Ok(i) => {
                if let Some(pair) = self.map.get_mut(i) {
                    pair.1 = value;
                }
            }
            Err(i) => self.map.insert(i, (key, value)),
        }
    }

    /// Applies one entry's command; no-ops and malformed commands change nothing.
    pub fn apply(&mut self, index: Index, data: &[u8]) {
        self.applied = index;
        let Some((_, op)) = decode(data) else { return };
        self.blocks += 1;
        if let Some(rest) = op.strip_prefix("set ") {
            if let Some((k, v)) = rest.split_once('=') {
                self.set(k.to_string(), v.to_string());
            }
        } else if let Some(k) = op.strip_prefix("del ") {
            if let Ok(i) = self.find(k) {
                self.map.remove(i);
            }
        }
    }

    /// The state as snapshot bytes: the block count and `;`, then length-prefixed key/value
    /// pairs.
    pub fn encode(&self) -> Bytes {
        let mut out = format!("{};", self.blocks);
        for (k, v) in &self.map {
            out.push_str(&format!("{}:{}{}:{}", k.len(), k, v.len(), v));
        }
        Bytes::from(out.as_str())
    }

    /// The blocks a snapshot's bytes count (0 for none: a snapshot given by a scenario's
    /// settings carries no state).
    pub fn blocks_in(data: &[u8]) -> u64 {
        Self::split(data).0
    }

    fn split(data: &[u8]) -> (u64, &str) {
        let s = std::str::from_utf8(data).unwrap_or("");
        match s.split_once(';') {
            Some((n, rest)) => (n.parse().unwrap_or(0), rest),
            None => (0, s),
        }
    }

    pub fn decode(index: Index, data: &[u8]) -> Kv {
        let (blocks, mut rest) = Self::split(data);
        let mut kv = Kv {
            map: Vec::new(),
            applied: index,
            blocks,
        };
        let take = |rest: &mut &str| -> Option<String> {
            let (len, tail) = rest.split_once(':')?;
            let len: usize = len.parse().ok()?;
            let item = tail.get(..len)?.to_string();
            *rest = tail.get(len..)?;
            Some(item)
        };
        while !rest.is_empty() {
            let (Some(k), Some(v)) = (take(&mut rest), take(&mut rest)) else {
                break;
            };
            kv.set(k, v);
        }
        kv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_through_entries_and_snapshots() {
        let mut kv = Kv::default();
        let set = KvOp::Set {
            key: "x".into(),
            value: "a:b=c".into(),
        };
        kv.apply(1, encode(7, &set).as_slice());
        kv.apply(
            2,
            encode(
                8,
                &KvOp::Set {
                    key: "y".into(),
                    value: "2".into(),
                },
            )
            .as_slice(),
        );
        kv.apply(3, encode(9, &KvOp::Del { key: "y".into() }).as_slice());
        assert_eq!(kv.get("x"), Some("a:b=c"));
        assert_eq!(kv.get("y"), None);
        // A leader's empty entry and a membership change are no blocks.
        kv.apply(4, b"");
        kv.apply(5, b"v4 / v1 v2 v3");
        assert_eq!((kv.applied, kv.blocks), (5, 3));
        let back = Kv::decode(5, kv.encode().as_slice());
        assert_eq!(back, kv);
        assert_eq!(Kv::blocks_in(kv.encode().as_slice()), 3);
        assert_eq!(
            Kv::blocks_in(b""),
            0,
            "a scenario's snapshot carries no state"
        );
        assert_eq!(decode(encode(7, &set).as_slice()), Some((7, "set x=a:b=c")));
        assert_eq!(describe(b""), "");
    }

    #[test]
    fn keys_stay_sorted_and_a_set_replaces_the_value() {
        let mut kv = Kv::default();
        for (i, (key, value)) in [("m", "1"), ("b", "2"), ("z", "3"), ("m", "4")]
            .iter()
            .enumerate()
        {
            let op = KvOp::Set {
                key: key.to_string(),
                value: value.to_string(),
            };
            kv.apply(i as Index + 1, encode(i as u64, &op).as_slice());
        }
        let pairs: Vec<(&str, &str)> = kv
            .map
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(pairs, [("b", "2"), ("m", "4"), ("z", "3")]);
        kv.apply(5, encode(5, &KvOp::Del { key: "q".into() }).as_slice());
        assert_eq!(kv.map.len(), 3, "deleting a missing key changes nothing");
    }
}
