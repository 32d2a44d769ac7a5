//! Lines of Hyperledger Fabric's etcdraft chain: the orderer code around the raft library
//! (`orderer/consensus/etcdraft`, chain and node) logs under the same module name as the
//! library's own lines (`[orderer.consensus.etcdraft]`), so the module alone does not tell
//! them apart. Its messages are sentences (`Writing block [7] (Raft index: 9) to ledger`,
//! "Raft leader changed: 1 -> 3"), where the library's begin with a node id, `raft.node:`
//! or `newRaft`, in lower case: a line of that module that is not a raft message this
//! reads and begins with a capital letter is the chain's. Those are counted, not listed
//! among the lines not read (a whole orderer log is mostly blocks written), and the one
//! that tells the ledger's progress is read: each block written, with its Raft index (the
//! log entry it was committed as), which is Fabric's `committed_block_number` gauge.

/// A block the chain wrote to its ledger: Fabric's block number and the Raft log index of
/// the entry that carried it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    pub block: u64,
    pub index: u64,
}

/// Whether `text` (a line of the etcdraft module, not read as a raft message) is one of
/// the chain's own sentences.
pub fn is_chain(text: &str) -> bool {
    text.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
}

/// The block a `Writing block [N] (Raft index: I) to ledger` line names.
pub fn written(text: &str) -> Option<Written> {
    let rest = text.trim().strip_prefix("Writing block [")?;
    let (block, rest) = rest.split_once(']')?;
    let rest = rest.strip_prefix(" (Raft index: ")?;
    let (index, rest) = rest.split_once(')')?;
    if rest != " to ledger" {
        return None;
    }
    Some(Written {
        block: block.parse().ok()?,
        index: index.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_written_is_read_with_its_raft_index() {
        assert_eq!(
            written("Writing block [12] (Raft index: 15) to ledger"),
            Some(Written {
                block: 12,
                index: 15
            })
        );
        for not in [
            "Writing block [x] (Raft index: 15) to ledger",
            "Writing block [12] (Raft index: 15)",
            "Writing block [12] to ledger",
            "Created block [12], there are 1 blocks in flight",
        ] {
            assert_eq!(written(not), None, "{not}");
        }
    }

    #[test]
    fn the_chains_sentences_are_told_from_the_librarys_lines() {
        for chain in [
            "Writing block [1] (Raft index: 3) to ledger",
            "Raft leader changed: 0 -> 2",
            "Start accepting requests as Raft leader at block [0]",
            "Restarting raft node",
        ] {
            assert!(is_chain(chain), "{chain}");
        }
        for library in [
            "1 became leader at term 2",
            "a [term: 3] received a MsgHeartbeat message with higher term from b [term: 4]",
            "raft.node: 1 elected leader 1 at term 2",
            "newRaft 1 [peers: [], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0]",
            "",
        ] {
            assert!(!is_chain(library), "{library}");
        }
    }
}
