//! Membership changes, in the manner of etcd raft's `ConfChangeV2` and `confchange/`: what a
//! change is, how it travels in a log entry, and how the next configuration is built from
//! the current one (refusing what is unsafe).
//!
//! A [`ConfChange`] is a list of single changes (add a voter, add a learner, remove a node;
//! adding a voter that is a learner promotes it) and a [`Transition`]:
//! - a change that alters at most one voter is applied directly ("simple", the paper's
//!   single-server change, thesis §4.1) when the transition is [`Transition::Auto`];
//! - anything else enters joint consensus (paper §6, C_old,new): the incoming voters are the
//!   changed set, the outgoing ones the old set, and both majorities must agree on elections
//!   and commitment until the joint configuration is left;
//! - an empty change leaves joint consensus (C_new). With [`Transition::Auto`] and
//!   [`Transition::Implicit`] the leader proposes it itself as soon as the joint
//!   configuration is applied; with [`Transition::Explicit`] someone must ask for it.
//!
//! When a change takes effect is the node's business (`node.rs`): on apply, as etcd does.

use crate::nodemap::NodeSet;
use crate::quorum::{JointConfig, MajorityConfig};
use crate::tracker::Configuration;
use crate::types::{Bytes, NodeId};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// One change to one node (etcd's `ConfChangeSingle`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfChangeSingle {
    /// Make the node a voter (promotes a learner).
    AddVoter(NodeId),
    /// Make the node a learner (demotes a voter, through joint consensus).
    AddLearner(NodeId),
    /// Take the node out of the configuration.
    RemoveNode(NodeId),
}

impl ConfChangeSingle {
    pub fn node(self) -> NodeId {
        match self {
            ConfChangeSingle::AddVoter(id)
            | ConfChangeSingle::AddLearner(id)
            | ConfChangeSingle::RemoveNode(id) => id,
        }
    }
}

/// How a change moves through joint consensus (etcd's `ConfChangeTransition`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Transition {
    /// Joint consensus only when more than one voter changes; left automatically.
    #[default]
    Auto,
    /// Always joint consensus, left automatically.
    Implicit,
    /// Always joint consensus, left only when asked (an empty change).
    Explicit,
}

/// A membership change (etcd's `ConfChangeV2`). No changes at all means "leave joint
/// consensus".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfChange {
    pub transition: Transition,
    pub changes: Vec<ConfChangeSingle>,
}

/// Why a change cannot be applied to a configuration (etcd's `confchange` errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfChangeError {
    /// Entering joint consensus while joint already.
    AlreadyJoint,
    /// Leaving joint consensus while not joint.
    NotJoint,
    /// A change without joint consensus that alters more than one voter.
    MoreThanOneVoter,
    /// A change that leaves no voter.
    RemovedAllVoters,
    /// A joint configuration needs voters to start from.
    ZeroVoterJoint,
    /// Node id 0 stands for "none".
    ReservedId,
}

impl fmt::Display for ConfChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfChangeError::AlreadyJoint => "config is already joint",
            ConfChangeError::NotJoint => "can't leave a non-joint config",
            ConfChangeError::MoreThanOneVoter => {
                "more than one voter changed without entering joint config"
            }
            ConfChangeError::RemovedAllVoters => "removed all voters",
            ConfChangeError::ZeroVoterJoint => "can't make a zero-voter config joint",
            ConfChangeError::ReservedId => "node id 0 is reserved for \"none\"",
        })
    }
}

impl core::error::Error for ConfChangeError {}

impl ConfChange {
    /// A change left automatically (joint consensus only when more than one voter changes).
    pub fn new(changes: impl IntoIterator<Item = ConfChangeSingle>) -> ConfChange {
        ConfChange {
            transition: Transition::Auto,
            changes: changes.into_iter().collect(),
        }
    }

    /// The change that leaves joint consensus.
    pub fn leave_joint() -> ConfChange {
        ConfChange::default()
    }

    pub fn is_leave_joint(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether applying it enters joint consensus (etcd's `EnterJoint`): for an explicit or
    /// implicit transition, or when more than one change is asked for. (etcd, too, decides
    /// by the number of changes, not by how many voters they touch.)
    pub fn enters_joint(&self) -> bool {
        !self.changes.is_empty() && (self.transition != Transition::Auto || self.changes.len() > 1)
    }

    /// The bytes a configuration entry carries: etcd's short form of the changes
    /// (`v4 l5 r3`: add voter 4, add learner 5, remove 3), after `implicit ` or `explicit `
    /// when the transition is not automatic. Empty: leave joint consensus.
    pub fn encode(&self) -> Bytes {
        Bytes::from(alloc::format!("{self}").as_str())
    }

    /// Reads what [`ConfChange::encode`] wrote; None for anything else.
    pub fn decode(data: &[u8]) -> Option<ConfChange> {
        let text = core::str::from_utf8(data).ok()?;
        let mut cc = ConfChange::default();
        for word in text.split_ascii_whitespace() {
            match word {
                "implicit" => cc.transition = Transition::Implicit,
                "explicit" => cc.transition = Transition::Explicit,
                _ => {
                    let (op, id) = word.split_at(1);
                    let id: NodeId = id.parse().ok()?;
                    cc.changes.push(match op {
                        "v" => ConfChangeSingle::AddVoter(id),
                        "l" => ConfChangeSingle::AddLearner(id),
                        "r" => ConfChangeSingle::RemoveNode(id),
                        _ => return None,
                    });
                }
            }
        }
        Some(cc)
    }

    /// The configuration that follows `cfg` once this change is applied.
    pub fn apply_to(&self, cfg: &Configuration) -> Result<Configuration, ConfChangeError> {
        if self.is_leave_joint() {
            return leave_joint(cfg);
        }
        if self.changes.iter().any(|c| c.node() == 0) {
            return Err(ConfChangeError::ReservedId);
        }
        if self.enters_joint() {
            let auto_leave = self.transition != Transition::Explicit;
            enter_joint(cfg, auto_leave, &self.changes)
        } else {
            simple(cfg, &self.changes)
        }
    }
}

impl fmt::Display for ConfChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        match self.transition {
            Transition::Auto => {}
            Transition::Implicit => {
                f.write_str("implicit")?;
                sep = " ";
            }
            Transition::Explicit => {
                f.write_str("explicit")?;
                sep = " ";
            }
        }
        for c in &self.changes {
            let (op, id) = match *c {
                ConfChangeSingle::AddVoter(id) => ('v', id),
                ConfChangeSingle::AddLearner(id) => ('l', id),
                ConfChangeSingle::RemoveNode(id) => ('r', id),
            };
            write!(f, "{sep}{op}{id}")?;
            sep = " ";
        }
        Ok(())
    }
}

/// Applies changes that alter at most one voter, without joint consensus.
fn simple(
    cfg: &Configuration,
    changes: &[ConfChangeSingle],
) -> Result<Configuration, ConfChangeError> {
    if cfg.voters.is_joint() {
        return Err(ConfChangeError::AlreadyJoint);
    }
    let mut next = cfg.clone();
    let mut incoming = next.voters.incoming().clone();
    apply_changes(&mut incoming, &mut next, changes)?;
    let before = cfg.voters.incoming();
    let changed = before.ids().filter(|&id| !incoming.contains(id)).count()
        + incoming.ids().filter(|&id| !before.contains(id)).count();
    if changed > 1 {
        return Err(ConfChangeError::MoreThanOneVoter);
    }
    next.voters = JointConfig::new(incoming);
    Ok(next)
}

/// Enters joint consensus: the outgoing voters are the current ones, the incoming ones the
/// current ones changed.
fn enter_joint(
    cfg: &Configuration,
    auto_leave: bool,
    changes: &[ConfChangeSingle],
) -> Result<Configuration, ConfChangeError> {
    if cfg.voters.is_joint() {
        return Err(ConfChangeError::AlreadyJoint);
    }
    if cfg.voters.incoming().is_empty() {
        return Err(ConfChangeError::ZeroVoterJoint);
    }
    let mut next = cfg.clone();
    let outgoing = cfg.voters.incoming().clone();
    let mut incoming = outgoing.clone();
    next.voters = JointConfig::joint(incoming.clone(), outgoing.clone());
    apply_changes(&mut incoming, &mut next, changes)?;
    next.voters = JointConfig::joint(incoming, outgoing);
    next.auto_leave = auto_leave;
    Ok(next)
}

/// Leaves joint consensus: the incoming voters alone decide, the learners to be become
/// learners.
fn leave_joint(cfg: &Configuration) -> Result<Configuration, ConfChangeError> {
    if !cfg.voters.is_joint() {
        return Err(ConfChangeError::NotJoint);
    }
    let mut next = cfg.clone();
    for id in cfg.learners_next.iter() {
        next.learners.insert(id);
    }
    next.learners_next = NodeSet::new();
    next.voters = JointConfig::new(cfg.voters.incoming().clone());
    next.auto_leave = false;
    Ok(next)
}

/// Applies `changes` to the incoming voters `incoming` and to `next`'s learners. A node that
/// is an outgoing voter and becomes a learner is a learner only once the joint configuration
/// is left (`learners_next`): a node is never a voter and a learner at once.
fn apply_changes(
    incoming: &mut MajorityConfig,
    next: &mut Configuration,
    changes: &[ConfChangeSingle],
) -> Result<(), ConfChangeError> {
    let mut voters: NodeSet = incoming.ids().collect();
    for &c in changes {
        match c {
            ConfChangeSingle::AddVoter(id) => {
                voters.insert(id);
                next.learners.remove(id);
                next.learners_next.remove(id);
            }
            ConfChangeSingle::AddLearner(id) => {
                voters.remove(id);
                next.learners.remove(id);
                next.learners_next.remove(id);
                if next.voters.outgoing().contains(id) {
                    next.learners_next.insert(id);
                } else {
                    next.learners.insert(id);
                }
            }
            ConfChangeSingle::RemoveNode(id) => {
                voters.remove(id);
                next.learners.remove(id);
                next.learners_next.remove(id);
            }
        }
    }
    if voters.is_empty() {
        return Err(ConfChangeError::RemovedAllVoters);
    }
    *incoming = MajorityConfig::new(voters.iter());
    Ok(())
}

/// The bytes of a configuration entry: the change ([`ConfChange::encode`]) and, after ` / `,
/// the configuration it was proposed at (`v` incoming voters, `o` outgoing voters, `l`
/// learners, `n` learners to be, `auto` for auto-leave: `v4 / v1 v2 v3`).
///
/// Where we differ from etcd: etcd writes a new cluster's members into its log as
/// configuration entries at bootstrap, so a node replaying the log from index 1 rebuilds
/// every configuration. Our initial configuration is given ([`crate::Config::peers`]) and the
/// log starts empty, so that a cluster that never changes its membership runs exactly as it
/// would without membership changes; a node that joins with no configuration, replaying the
/// log from index 1, takes the configuration each entry records when it has none itself.
pub fn encode_entry(cc: &ConfChange, base: &Configuration) -> Bytes {
    use fmt::Write;
    let mut s = alloc::format!("{cc} /");
    let sets = [
        ('v', base.voters.incoming().ids().collect::<Vec<_>>()),
        ('o', base.voters.outgoing().ids().collect()),
        ('l', base.learners.iter().collect()),
        ('n', base.learners_next.iter().collect()),
    ];
    for (op, ids) in sets {
        for id in ids {
            let _ = write!(s, " {op}{id}");
        }
    }
    if base.auto_leave {
        s.push_str(" auto");
    }
    Bytes::with_kind(s.as_bytes(), crate::types::EntryKind::ConfChange)
}

/// Reads what [`encode_entry`] wrote: the change and the configuration it was proposed at.
pub fn decode_entry(data: &[u8]) -> Option<(ConfChange, Configuration)> {
    let text = core::str::from_utf8(data).ok()?;
    let (cc, base) = text.split_once('/')?;
    let cc = ConfChange::decode(cc.as_bytes())?;
    let (mut v, mut o) = (NodeSet::new(), NodeSet::new());
    let mut cfg = Configuration::default();
    for word in base.split_ascii_whitespace() {
        if word == "auto" {
            cfg.auto_leave = true;
            continue;
        }
        let (op, id) = word.split_at(1);
        let id: NodeId = id.parse().ok()?;
        match op {
            "v" => v.insert(id),
            "o" => o.insert(id),
            "l" => cfg.learners.insert(id),
            "n" => cfg.learners_next.insert(id),
            _ => return None,
        };
    }
    cfg.voters = JointConfig::joint(MajorityConfig::new(v.iter()), MajorityConfig::new(o.iter()));
    Some((cc, cfg))
}

/// The ids of a set as etcd prints a majority config: `(1 2 3)`.
pub(crate) fn write_ids(f: &mut impl fmt::Write, ids: impl Iterator<Item = NodeId>) -> fmt::Result {
    f.write_char('(')?;
    let mut sep = "";
    for id in ids {
        write!(f, "{sep}{id}")?;
        sep = " ";
    }
    f.write_char(')')
}

/// A configuration in etcd's words (its tracker's `Config.String`):
/// `voters=(1 2 3)&&(1 2) learners=(4) learners_next=(2) autoleave`.
pub fn describe(cfg: &Configuration) -> String {
    let mut s = String::new();
    let _ = write_config(&mut s, cfg);
    s
}

fn write_config(f: &mut impl fmt::Write, cfg: &Configuration) -> fmt::Result {
    f.write_str("voters=")?;
    write_ids(f, cfg.voters.incoming().ids())?;
    if cfg.voters.is_joint() {
        f.write_str("&&")?;
        write_ids(f, cfg.voters.outgoing().ids())?;
    }
    if !cfg.learners.is_empty() {
        f.write_str(" learners=")?;
        write_ids(f, cfg.learners.iter())?;
    }
    if !cfg.learners_next.is_empty() {
        f.write_str(" learners_next=")?;
        write_ids(f, cfg.learners_next.iter())?;
    }
    if cfg.auto_leave {
        f.write_str(" autoleave")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConfChangeSingle::*;

    fn cfg(voters: &[NodeId]) -> Configuration {
        Configuration::new(voters.iter().copied())
    }

    #[test]
    fn a_single_voter_change_is_applied_without_joint_consensus() {
        let next = ConfChange::new([AddVoter(4)])
            .apply_to(&cfg(&[1, 2, 3]))
            .unwrap();
        assert_eq!(describe(&next), "voters=(1 2 3 4)");
        let next = ConfChange::new([RemoveNode(1)]).apply_to(&next).unwrap();
        assert_eq!(describe(&next), "voters=(2 3 4)");
    }

    #[test]
    fn adding_a_voter_that_is_a_learner_promotes_it() {
        let with_learner = ConfChange::new([AddLearner(4)])
            .apply_to(&cfg(&[1, 2, 3]))
            .unwrap();
        assert_eq!(describe(&with_learner), "voters=(1 2 3) learners=(4)");
        let promoted = ConfChange::new([AddVoter(4)])
            .apply_to(&with_learner)
            .unwrap();
        assert_eq!(describe(&promoted), "voters=(1 2 3 4)");
    }

    #[test]
    fn more_than_one_change_enters_joint_consensus_and_leaves_it() {
        let joint = ConfChange::new([AddVoter(4), RemoveNode(1)])
            .apply_to(&cfg(&[1, 2, 3]))
            .unwrap();
        assert_eq!(describe(&joint), "voters=(2 3 4)&&(1 2 3) autoleave");
        assert_eq!(
            ConfChange::new([AddVoter(5)]).apply_to(&joint),
            Err(ConfChangeError::AlreadyJoint)
        );
        let left = ConfChange::leave_joint().apply_to(&joint).unwrap();
        assert_eq!(describe(&left), "voters=(2 3 4)");
        assert_eq!(
            ConfChange::leave_joint().apply_to(&left),
            Err(ConfChangeError::NotJoint)
        );
    }

    #[test]
    fn an_explicit_transition_is_joint_even_for_one_change_and_not_left_automatically() {
        let cc = ConfChange {
            transition: Transition::Explicit,
            changes: alloc::vec![AddVoter(4)],
        };
        let joint = cc.apply_to(&cfg(&[1, 2, 3])).unwrap();
        assert_eq!(describe(&joint), "voters=(1 2 3 4)&&(1 2 3)");
    }

    #[test]
    fn a_voter_demoted_while_joint_is_a_learner_only_once_joint_is_left() {
        let joint = ConfChange::new([AddLearner(3), AddVoter(4)])
            .apply_to(&cfg(&[1, 2, 3]))
            .unwrap();
        assert_eq!(
            describe(&joint),
            "voters=(1 2 4)&&(1 2 3) learners_next=(3) autoleave"
        );
        let left = ConfChange::leave_joint().apply_to(&joint).unwrap();
        assert_eq!(describe(&left), "voters=(1 2 4) learners=(3)");
    }

    #[test]
    fn unsafe_changes_are_refused() {
        // Replacing a voter in one step without joint consensus changes two voters.
        assert_eq!(
            simple(&cfg(&[1, 2, 3]), &[AddVoter(4), RemoveNode(1)]),
            Err(ConfChangeError::MoreThanOneVoter)
        );
        assert_eq!(
            ConfChange::new([RemoveNode(1)]).apply_to(&cfg(&[1])),
            Err(ConfChangeError::RemovedAllVoters)
        );
        assert_eq!(
            ConfChange::new([AddVoter(1), AddVoter(2)]).apply_to(&Configuration::default()),
            Err(ConfChangeError::ZeroVoterJoint)
        );
    }

    #[test]
    fn an_entry_records_the_configuration_it_was_proposed_at() {
        let mut base = ConfChange::new([AddVoter(4), AddLearner(3)])
            .apply_to(&cfg(&[1, 2, 3]))
            .unwrap();
        base.learners.insert(9);
        let cc = ConfChange::leave_joint();
        let data = encode_entry(&cc, &base);
        assert_eq!(data.as_slice(), b" / v1 v2 v4 o1 o2 o3 l9 n3 auto");
        assert_eq!(decode_entry(data.as_slice()), Some((cc, base)));
    }

    #[test]
    fn a_change_travels_in_etcds_short_form() {
        let cc = ConfChange {
            transition: Transition::Explicit,
            changes: alloc::vec![AddVoter(4), AddLearner(5), RemoveNode(3)],
        };
        assert_eq!(cc.encode().as_slice(), b"explicit v4 l5 r3");
        assert_eq!(ConfChange::decode(cc.encode().as_slice()), Some(cc));
        assert_eq!(ConfChange::decode(b""), Some(ConfChange::leave_joint()));
        assert_eq!(ConfChange::decode(b"x4"), None);
    }
}
