//! Reading logs piece by piece: a page reads a large file in chunks (to report progress and
//! keep memory to one chunk of text at a time), and a chunk may end in the middle of a
//! line. The reader keeps that unfinished line per input until the next chunk (or the end)
//! completes it, and turns every whole line into a `Read` (or a `Skipped`) at once, so
//! what it holds between chunks is the events, not the text.
//!
//! The hot path is one call per line: the envelope is read without copying (`read_line`),
//! the raft message is matched in place, and only what the event itself owns is allocated.
//! A channel's name is shared by every line of that channel.

use super::envelope;
use super::fabric_chain;
use super::raft_line::{self, Ids};
use super::story::{BlockWritten, Read, Skipped, Story};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// An input index `push` was given that `add_input` did not hand out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownInput(pub usize);

impl fmt::Display for UnknownInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no input {} was added", self.0)
    }
}

impl std::error::Error for UnknownInput {}

/// One input being read: its name, the lines read so far, and a line a chunk cut short.
struct Pending {
    name: String,
    lines: usize,
    partial: String,
    /// The pieces of a CRI pod log line so far (`P` lines), joined to the next whole one.
    cri_pieces: String,
    /// The pieces of a Docker json-file line so far (records whose `log` has no newline).
    docker_pieces: String,
    /// Whether its first text came (and was looked at: see `NOT_TEXT`), and whether it
    /// turned out not to be text (the rest of it is passed over).
    begun: bool,
    not_text: bool,
    /// NUL bytes passed over in a text log (see `looks_binary`).
    nuls: u64,
    /// The node its lines read so far name, while they name one only (a member's own
    /// log): a line that names none (etcd's `found conflict at index ...`) is that node's.
    one_node: OneNode,
}

/// The nodes an input's lines name: none yet, one, or several (a file of every node's
/// lines, where a line that names none cannot be placed).
#[derive(Clone, Copy, Default)]
enum OneNode {
    #[default]
    None,
    One(raft_core::types::NodeId),
    Several,
}

/// Why an input whose first chunk looks binary is not read (see `looks_binary`): the
/// "lines" of a binary would fill the list of lines not read with noise. (Only the first
/// chunk is looked at: a log's head says what it is.)
const NOT_TEXT: &str =
    "not a text log: it holds NUL bytes (compressed other than with gzip, UTF-16 text, or a binary?)";

/// A tar archive (a support bundle's `logs.tar.gz`, once gunzipped) is the likeliest
/// non-text input an operator adds; its header says so ("ustar" at byte 257), and the
/// remedy differs: the logs are inside it.
const TAR: &str = "a tar archive, not a text log: unpack it and add the logs inside";

/// Whether a first chunk holding a NUL is no text log. A run of NULs in a text log is what
/// a log truncated in place leaves (logrotate's copytruncate: the writer goes on at its old
/// offset, so the file begins with a hole read as NULs; a crash mid-write leaves some too):
/// those are passed over. A binary shows other bytes no text holds (controls, bytes that
/// are not UTF-8); UTF-16 text, a NUL beside every other character.
fn looks_binary(first: &str) -> bool {
    if first.find("ustar").is_some_and(|i| i < 1024) {
        return true;
    }
    let mut runs = 0;
    let mut in_run = false;
    for c in first.chars() {
        if c == '\0' {
            runs += usize::from(!in_run);
        }
        in_run = c == '\0';
    }
    let odd = first
        .chars()
        .filter(|&c| c != '\0')
        .take(4096)
        .filter(|&c| {
            c == '\u{fffd}'
                || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{1b}' | '\u{c}'))
        })
        .count();
    odd > 2 || (runs > 16 && runs * 16 > first.len())
}

/// What a first chunk holding a NUL is (see `NOT_TEXT`).
fn not_text(first: &str) -> &'static str {
    // Searched near the header's place rather than at it: the decoder may have widened an
    // invalid byte before it into three (U+FFFD).
    match first.find("ustar") {
        Some(i) if i < 1024 => TAR,
        _ => NOT_TEXT,
    }
}

/// Reads several inputs chunk by chunk into a `Story` (see the module's notes).
pub struct Reader {
    channel: Option<String>,
    ids: Ids,
    inputs: Vec<Pending>,
    story: Story,
    /// The channel names seen, each allocated once.
    channel_names: Vec<Arc<str>>,
    /// Bytes taken so far, for a progress bar.
    bytes: u64,
    /// Every line read so far is a Fabric orderer's.
    all_fabric: bool,
}

impl Reader {
    /// A reader that keeps `channel`'s lines when given (Fabric), with node ids in `ids`.
    pub fn new(channel: Option<&str>, ids: Ids) -> Reader {
        Reader {
            channel: channel.map(str::to_string),
            ids,
            inputs: Vec::new(),
            story: Story::default(),
            channel_names: Vec::new(),
            bytes: 0,
            all_fabric: true,
        }
    }

    /// Starts an input (a file, a pasted block); its index names it in `push` and in the
    /// story's `Read::input` and `Skipped::input`.
    pub fn add_input(&mut self, name: &str) -> usize {
        self.inputs.push(Pending {
            name: name.to_string(),
            lines: 0,
            partial: String::new(),
            cri_pieces: String::new(),
            docker_pieces: String::new(),
            begun: false,
            not_text: false,
            nuls: 0,
            one_node: OneNode::None,
        });
        self.inputs.len() - 1
    }

    /// The next chunk of input `input`'s text: any length, cut anywhere (a line split
    /// between two chunks is read once whole). A chunk is text: bytes are decoded by the
    /// caller, with a streaming decoder where a character may straddle two chunks.
    pub fn push(&mut self, input: usize, chunk: &str) -> Result<(), UnknownInput> {
        if input >= self.inputs.len() {
            return Err(UnknownInput(input));
        }
        self.bytes += chunk.len() as u64;
        let pending = &mut self.inputs[input];
        if !pending.begun && !chunk.is_empty() {
            pending.begun = true;
            if chunk.contains('\0') && looks_binary(chunk) {
                pending.not_text = true;
                self.story
                    .not_text
                    .push((input, not_text(chunk).to_string()));
            }
        }
        if pending.not_text {
            return Ok(());
        }
        let cleaned;
        let mut rest = chunk;
        if chunk.contains('\0') {
            cleaned = chunk.replace('\0', "");
            pending.nuls += (chunk.len() - cleaned.len()) as u64;
            rest = &cleaned;
        }
        // First finish the line the previous chunk cut short.
        if !self.inputs[input].partial.is_empty() {
            match rest.find('\n') {
                Some(k) => {
                    let mut line = std::mem::take(&mut self.inputs[input].partial);
                    line.push_str(&rest[..k]);
                    rest = &rest[k + 1..];
                    self.take(input, &line);
                }
                None => {
                    self.inputs[input].partial.push_str(rest);
                    return Ok(());
                }
            }
        }
        while let Some(k) = rest.find('\n') {
            self.take(input, &rest[..k]);
            rest = &rest[k + 1..];
        }
        self.inputs[input].partial.push_str(rest);
        Ok(())
    }

    /// Bytes pushed so far (over every input).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Lines taken so far (read or not), over every input.
    pub fn lines(&self) -> usize {
        self.inputs.iter().map(|p| p.lines).sum()
    }

    /// The story of everything pushed (each input's last line need not end in a newline).
    pub fn finish(mut self) -> Story {
        for k in 0..self.inputs.len() {
            let last = std::mem::take(&mut self.inputs[k].partial);
            if !last.is_empty() {
                self.take(k, &last);
            }
            // A CRI line's pieces with no end: read as they are.
            let pieces = std::mem::take(&mut self.inputs[k].cri_pieces);
            if !pieces.is_empty() {
                self.take(k, &pieces);
            }
            let mut pieces = std::mem::take(&mut self.inputs[k].docker_pieces);
            if !pieces.is_empty() {
                pieces.push('\n'); // whole now: not taken for a piece again
                self.take(k, &envelope::docker_record(&pieces, None));
            }
        }
        let mut story = self.story;
        story.channel_chosen = self.channel;
        story.nuls = (self.inputs.iter().enumerate())
            .filter(|(_, p)| p.nuls > 0)
            .map(|(k, p)| (k, p.nuls))
            .collect();
        story.ids = Some(self.ids);
        story.fabric_names = self.all_fabric && !story.read.is_empty();
        story.inputs = self.inputs.into_iter().map(|p| p.name).collect();
        story.settle();
        story
    }

    /// One whole line of input `input`.
    fn take(&mut self, input: usize, line: &str) {
        self.inputs[input].lines += 1;
        let number = self.inputs[input].lines;
        // A byte-order mark (a file saved by a Windows editor) is not the line's.
        let line = if number == 1 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        // A CRI pod log line cut in pieces (`P`) is read once whole, with the last piece's
        // time.
        let joined;
        let mut line = line;
        if let Some((head, piece, content)) = envelope::cri(line) {
            let pieces = &mut self.inputs[input].cri_pieces;
            if piece {
                pieces.push_str(content);
                return;
            }
            if !pieces.is_empty() {
                pieces.push_str(content);
                joined = format!("{head} F {}", std::mem::take(pieces));
                line = &joined;
            }
        }
        // So is a Docker json-file line cut in pieces (records of 16 KiB), with the last
        // piece's time. (Parsed here only when it may be a piece or ends some.)
        let whole;
        let maybe_pieces = envelope::docker_maybe_piece(line)
            .is_some_and(|piece| piece || !self.inputs[input].docker_pieces.is_empty());
        if let Some((log, piece, time)) =
            maybe_pieces.then(|| envelope::docker_piece(line)).flatten()
        {
            let pieces = &mut self.inputs[input].docker_pieces;
            if piece {
                pieces.push_str(&log);
                return;
            }
            if !pieces.is_empty() {
                pieces.push_str(&log);
                whole = envelope::docker_record(&std::mem::take(pieces), time.as_deref());
                line = &whole;
            }
        }
        if line.trim().is_empty() {
            return;
        }
        // Colour codes are rare (a terminal's copy): only then is the line copied.
        let clean: Cow<str> = if line.contains('\u{1b}') {
            Cow::Owned(envelope::strip_ansi(line))
        } else {
            Cow::Borrowed(line)
        };
        let skip = |why: String| Skipped {
            input,
            line: number,
            why: excerpt(why),
        };
        let rec = match envelope::read_line(&clean) {
            Ok(r) => r,
            Err(e) => {
                self.story.skipped.push(skip(e.to_string()));
                return;
            }
        };
        if let Some(z) = &rec.unknown_zone {
            if !self.story.unknown_zones.contains_key(z.as_ref()) {
                self.story.unknown_zones.insert(z.to_string(), input);
            }
        }
        let channel = rec.channel.as_deref().map(|c| self.channel_name(c));
        if let (Some(want), Some(c)) = (&self.channel, rec.channel.as_deref()) {
            if want != c {
                return;
            }
        }
        let hint = rec.node.or(match self.inputs[input].one_node {
            OneNode::One(n) => Some(n),
            _ => None,
        });
        match raft_line::parse_from(&rec.text, self.ids, hint) {
            Some(event) => {
                let one = &mut self.inputs[input].one_node;
                *one = match *one {
                    OneNode::None => OneNode::One(event.node),
                    OneNode::One(n) if n == event.node => OneNode::One(n),
                    _ => OneNode::Several,
                };
                self.all_fabric &= rec.form == envelope::Form::Fabric;
                self.story.read.push(Read {
                    input,
                    line: number,
                    time_us: rec.time_us,
                    channel,
                    event,
                })
            }
            // Another component's line (gossip, the server starting): counted.
            None if rec.source == envelope::Source::Other => self.story.other_lines += 1,
            // Fabric's chain, under the raft module's name (a block written): counted, and
            // the blocks kept for the ledger's progress.
            None if rec.form == envelope::Form::Fabric
                && rec.source == envelope::Source::Raft
                && fabric_chain::is_chain(&rec.text) =>
            {
                self.story.chain_lines += 1;
                if let (Some(w), Some(node)) = (fabric_chain::written(&rec.text), rec.node) {
                    self.story.blocks.push(BlockWritten {
                        input,
                        line: number,
                        time_us: rec.time_us,
                        channel,
                        node,
                        block: w.block,
                        index: w.index,
                    });
                }
            }
            None => self.story.skipped.push(skip(format!(
                "not a raft message this reads: {}",
                rec.text.trim()
            ))),
        }
    }

    /// The shared name of channel `c`, recorded among the story's channels when new.
    fn channel_name(&mut self, c: &str) -> Arc<str> {
        // Lines of one channel come in runs: the last name seen is checked first.
        if let Some(n) = self.channel_names.iter().rev().find(|n| &***n == c) {
            return n.clone();
        }
        self.story.channels.insert(c.to_string());
        let n: Arc<str> = Arc::from(c);
        self.channel_names.push(n.clone());
        n
    }
}

/// The most characters of a line's text said back in why it was not read: enough to know
/// it, and a line of megabytes (a dump, a binary's run without a newline) is not copied
/// into the summary and the page's list.
const EXCERPT_CHARS: usize = 300;

/// `why` cut to [`EXCERPT_CHARS`], saying how much was left out.
fn excerpt(why: String) -> String {
    match why.char_indices().nth(EXCERPT_CHARS) {
        None => why,
        Some((cut, _)) => {
            let more = why[cut..].chars().count();
            format!("{}… ({more} more characters)", &why[..cut])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_core::event::What;

    /// etcd writes a few lines that name no node (its log's `found conflict at index ...`,
    /// the automatic leave of a joint configuration): read as the node a member's own file
    /// names, or a Fabric line's `node=`; left unread in a file of several nodes' lines.
    #[test]
    fn a_line_that_names_no_node_is_read_as_its_files_node() {
        let zap = |msg: &str| {
            format!("{{\"level\":\"info\",\"ts\":\"2023-05-10T09:00:00.000Z\",\"logger\":\"raft\",\"msg\":\"{msg}\"}}\n")
        };
        let conflict = "found conflict at index 3 [existing term: 1, conflicting term: 2]";
        let leave = "initiating automatic transition out of joint configuration voters=(a b c)&&(a) autoleave";
        let own = [
            zap("b became follower at term 2"),
            zap(conflict),
            zap(leave),
        ]
        .concat();
        let mut r = Reader::new(None, Ids::Hex);
        let k = r.add_input("b.log");
        r.push(k, &own).unwrap();
        let story = r.finish();
        assert!(story.skipped.is_empty(), "{:?}", story.skipped);
        let whats: Vec<(u64, &What)> = story
            .read
            .iter()
            .map(|x| (x.event.node, &x.event.what))
            .collect();
        assert_eq!(whats.len(), 3);
        assert_eq!(
            whats[1],
            (
                11,
                &What::FoundConflict {
                    index: 3,
                    existing_term: 1,
                    conflicting_term: 2
                }
            )
        );
        assert!(matches!(whats[2], (11, What::AutoLeaveJoint { .. })));
        // A file of two nodes' lines: which one wrote it is not known.
        let mixed = [
            zap("b became follower at term 2"),
            zap("c became follower at term 2"),
            zap(conflict),
        ]
        .concat();
        let mut r = Reader::new(None, Ids::Hex);
        let k = r.add_input("all.log");
        r.push(k, &mixed).unwrap();
        let story = r.finish();
        assert_eq!((story.read.len(), story.skipped.len()), (2, 1));
        // Fabric names the orderer on every line.
        let fabric = format!("2024-01-01 00:00:00.000 UTC 0001 INFO [orderer.consensus.etcdraft] maybeAppend -> {conflict} channel=c node=2\n");
        let mut r = Reader::new(None, Ids::Hex);
        let k = r.add_input("o2.log");
        r.push(k, &fabric).unwrap();
        let story = r.finish();
        assert_eq!(story.read.len(), 1);
        assert_eq!(story.read[0].event.node, 2);
    }

    #[test]
    fn a_long_line_not_read_is_said_back_in_part() {
        let long = format!("{} end", "é".repeat(100_000));
        let mut r = Reader::new(None, Ids::Hex);
        let k = r.add_input("x");
        r.push(k, &long).unwrap();
        let s = r.finish();
        let why = &s.skipped[0].why;
        assert!(
            why.starts_with("not a raft message this reads: éé"),
            "{why}"
        );
        // 31 characters say why, 269 are the line's; 99,735 are left (" end" too).
        assert!(why.ends_with("é… (99735 more characters)"), "{why}");
        assert!(why.chars().count() < EXCERPT_CHARS + 40);
    }

    #[test]
    fn a_line_cut_between_chunks_is_read_once_whole() {
        let text = "1 became candidate at term 1\n1 became leader at term 1\nnonsense here\n2 became follower at term 1";
        for cut in 0..=text.len() {
            let mut r = Reader::new(None, Ids::Hex);
            let k = r.add_input("x");
            r.push(k, &text[..cut]).unwrap();
            r.push(k, &text[cut..]).unwrap();
            let s = r.finish();
            assert_eq!(s.read.len(), 3, "cut at {cut}");
            assert_eq!(s.skipped.len(), 1);
            assert_eq!(s.skipped[0].line, 3);
            assert_eq!(s.read[2].line, 4);
            assert_eq!(s.inputs, ["x"]);
        }
        let mut r = Reader::new(None, Ids::Hex);
        assert_eq!(r.push(3, "x"), Err(UnknownInput(3)));
    }

    #[test]
    fn a_docker_line_in_pieces_is_read_once_whole() {
        // Docker cuts a line past 16 KiB into records; only the last one's `log` ends in a
        // newline. Here a zap line, escaped inside Docker's, cut in three.
        let text = concat!(
            r#"{"log":"{\"level\":\"info\",\"ts\":\"2024-01-01T00:00:01Z\",","stream":"stderr","time":"2024-01-01T00:00:05.1Z"}"#,
            "\n",
            r#"{"log":"\"msg\":\"1 became leader ","stream":"stderr","time":"2024-01-01T00:00:05.2Z"}"#,
            "\n",
            r#"{"log":"at term 1\"}\n","stream":"stderr","time":"2024-01-01T00:00:05.3Z"}"#,
            "\n",
            r#"{"log":"2 became follower at term 1\n","stream":"stderr","time":"2024-01-01T00:00:06Z"}"#,
            "\n",
        );
        for cut in [0, 60, 170, text.len()] {
            let mut r = Reader::new(None, Ids::Hex);
            let k = r.add_input("container-json.log");
            r.push(k, &text[..cut]).unwrap();
            r.push(k, &text[cut..]).unwrap();
            let s = r.finish();
            assert!(s.skipped.is_empty(), "{:?}", s.skipped);
            let got: Vec<_> = s.read.iter().map(|x| (x.line, x.time_us)).collect();
            // The joined line has zap's own time; the plain one Docker's.
            assert_eq!(
                got,
                [
                    (3, Some(1_704_067_201_000_000)),
                    (4, Some(1_704_067_206_000_000))
                ]
            );
        }
        // Pieces with no end are read as they are: here a whole bare line without Docker's
        // newline.
        let mut r = Reader::new(None, Ids::Hex);
        let k = r.add_input("container-json.log");
        r.push(
            k,
            r#"{"log":"2 became follower at term 1","time":"2024-01-01T00:00:06Z"}"#,
        )
        .unwrap();
        assert_eq!(r.finish().read.len(), 1);
    }

    #[test]
    fn a_cri_line_in_pieces_is_read_once_whole() {
        let text = concat!(
            "2024-01-01T00:00:00.1Z stderr F {\"ts\":\"2024-01-01T00:00:00Z\",\"msg\":\"1 became candidate at term 1\"}\n",
            "2024-01-01T00:00:00.2Z stderr P {\"ts\":\"2024-01-01T00:00:01Z\",\n",
            "2024-01-01T00:00:00.3Z stderr P \"msg\":\"1 became leader \n",
            "2024-01-01T00:00:00.4Z stderr F at term 1\"}\n",
            "2024-01-01T00:00:00.5Z stdout P 2 became follower",
        );
        for cut in [0, 40, 150, text.len()] {
            let mut r = Reader::new(None, Ids::Hex);
            let k = r.add_input("pod.log");
            r.push(k, &text[..cut]).unwrap();
            r.push(k, &text[cut..]).unwrap();
            r.push(k, "\n2024-01-01T00:00:00.6Z stdout F  at term 1\n")
                .unwrap();
            let s = r.finish();
            assert!(s.skipped.is_empty(), "{:?}", s.skipped);
            let mut got: Vec<_> = s.read.iter().map(|x| (x.line, x.time_us)).collect();
            got.sort();
            assert_eq!(
                got,
                [
                    (1, Some(1_704_067_200_000_000)),
                    (4, Some(1_704_067_201_000_000)),
                    (6, Some(1_704_067_200_600_000)),
                ]
            );
        }
        // Pieces with no end are read as they are.
        let mut r = Reader::new(None, Ids::Hex);
        let k = r.add_input("pod.log");
        r.push(
            k,
            "2024-01-01T00:00:00.5Z stdout P 2 became follower at term 1\n",
        )
        .unwrap();
        assert_eq!(r.finish().read.len(), 1);
    }

    #[test]
    fn an_input_that_begins_with_a_nul_is_not_text_and_is_passed_over_whole() {
        let mut r = Reader::new(None, Ids::Hex);
        let bin = r.add_input("blob.bin");
        let log = r.add_input("node-1.log");
        r.push(bin, "").unwrap(); // nothing yet: not looked at
        r.push(
            bin,
            "\u{1f}\u{fffd}\u{8}\0\u{fffd}\n1 became leader at term 1\n",
        )
        .unwrap();
        r.push(bin, "1 became follower at term 2\n").unwrap();
        // A NUL after the first chunk is one line not read.
        r.push(log, "1 became candidate at term 1\n").unwrap();
        r.push(log, "x\0y\n1 became leader at term 1\n").unwrap();
        let s = r.finish();
        assert_eq!(s.not_text, [(bin, NOT_TEXT.to_string())]);
        assert_eq!(s.read.len(), 2, "only node-1.log's raft lines");
        assert!(s.read.iter().all(|x| x.input == log));
        assert_eq!(s.skipped.len(), 1);
        assert_eq!((s.skipped[0].input, s.skipped[0].line), (log, 2));
        assert!(s
            .summary()
            .contains(&format!("blob.bin: not read: {NOT_TEXT}")));
    }

    /// A log truncated in place (copytruncate) begins with a hole read as NULs, or holds a
    /// run of them where a crash cut a write: passed over, said once, the lines read.
    #[test]
    fn nul_runs_in_a_text_log_are_passed_over_and_said() {
        let mut r = Reader::new(None, Ids::Hex);
        let rotated = r.add_input("node-1.log");
        let crashed = r.add_input("node-2.log");
        let utf16 = r.add_input("node-3.log");
        r.push(rotated, &"\0".repeat(4096)).unwrap();
        r.push(
            rotated,
            // (The hole runs straight into the first line written after it.)
            &format!(
                "{}1 became candidate at term 1\n1 became leader at term 1\n",
                "\0\0"
            ),
        )
        .unwrap();
        r.push(
            crashed,
            &format!(
                "2 became follower at term 1\n{}2 became follower at term 2\n",
                "\0".repeat(64)
            ),
        )
        .unwrap();
        let wide: String = "3 became leader at term 1\n"
            .chars()
            .flat_map(|c| [c, '\0'])
            .collect();
        r.push(utf16, &wide).unwrap();
        let s = r.finish();
        assert_eq!(s.read.iter().filter(|x| x.input == rotated).count(), 2);
        assert_eq!(s.read.iter().filter(|x| x.input == crashed).count(), 2);
        assert!(s.skipped.is_empty(), "{:?}", s.skipped);
        assert_eq!(s.nuls, [(rotated, 4098), (crashed, 64)]);
        assert_eq!(
            s.not_text,
            [(utf16, NOT_TEXT.to_string())],
            "UTF-16 is not read as text"
        );
        let summary = s.summary();
        assert!(
            summary
                .contains("node-1.log: 4098 NUL bytes passed over (what a log truncated in place"),
            "{summary}"
        );
    }

    #[test]
    fn a_tar_archive_is_named_as_one() {
        let mut r = Reader::new(None, Ids::Hex);
        let tar = r.add_input("logs.tar.gz");
        // A tar header: the member's name padded with NULs, octal fields, "ustar" at 257.
        let mut head = String::from("orderer1.log");
        head.push_str(&"\0".repeat(100 - head.len()));
        head.push_str("0000644\0");
        head.push_str(&"\0".repeat(257 - head.len()));
        head.push_str("ustar\u{0}00");
        head.push_str(&"\0".repeat(512 - head.len()));
        head.push_str("1 became leader at term 1\n");
        r.push(tar, &head).unwrap();
        let s = r.finish();
        assert_eq!(s.not_text, [(tar, TAR.to_string())]);
        assert!(s.read.is_empty());
        assert!(s.summary().contains("logs.tar.gz: not read: a tar archive"));
    }
}
