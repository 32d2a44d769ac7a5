//! Majority arithmetic: vote tallies and the commit index a quorum has reached.

use crate::types::Index;
use alloc::vec::Vec;

/// The size of a majority of `n` voters.
pub fn majority(n: usize) -> usize {
    n / 2 + 1
}

/// The outcome of an election as far as the votes received tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    Won,
    Lost,
    Pending,
}

/// Decides an election from `granted` and `rejected` votes among `n` voters.
pub fn vote_result(n: usize, granted: usize, rejected: usize) -> VoteResult {
    let q = majority(n);
    if granted >= q {
        VoteResult::Won
    } else if n - rejected < q {
        // Even if every outstanding voter said yes, no majority is possible any more.
        VoteResult::Lost
    } else {
        VoteResult::Pending
    }
}

/// The highest index replicated on a majority: the (majority)-th largest of the match
/// indexes. `scratch` is reused to avoid an allocation per call on the leader's hot path.
pub fn committed_index(matches: impl Iterator<Item = Index>, scratch: &mut Vec<Index>) -> Index {
    scratch.clear();
    scratch.extend(matches);
    if scratch.is_empty() {
        return 0;
    }
    let n = scratch.len();
    // Sort descending position k = majority-1: at least `majority` nodes have >= that index.
    let k = majority(n) - 1;
    let (_, kth, _) = scratch.select_nth_unstable_by(k, |a, b| b.cmp(a));
    *kth
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_of_cluster_sizes() {
        assert_eq!(majority(1), 1);
        assert_eq!(majority(2), 2);
        assert_eq!(majority(3), 2);
        assert_eq!(majority(4), 3);
        assert_eq!(majority(5), 3);
        assert_eq!(majority(51), 26);
    }

    #[test]
    fn election_is_won_by_a_majority_and_lost_when_one_is_impossible() {
        assert_eq!(vote_result(5, 3, 0), VoteResult::Won);
        assert_eq!(vote_result(5, 2, 2), VoteResult::Pending);
        assert_eq!(vote_result(5, 2, 3), VoteResult::Lost);
        assert_eq!(vote_result(1, 1, 0), VoteResult::Won);
        assert_eq!(vote_result(4, 2, 2), VoteResult::Lost);
    }

    #[test]
    fn commit_index_is_the_highest_index_on_a_majority() {
        let mut s = Vec::new();
        assert_eq!(committed_index([5, 3, 4, 1, 2].into_iter(), &mut s), 3);
        assert_eq!(committed_index([7].into_iter(), &mut s), 7);
        assert_eq!(committed_index([7, 2].into_iter(), &mut s), 2);
        assert_eq!(committed_index([9, 9, 1, 1].into_iter(), &mut s), 1);
    }
}
