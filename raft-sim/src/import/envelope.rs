//! The envelope around a raft message in a real log line: Hyperledger Fabric's orderer
//! format (1.4 and 2.x, colour codes or not), etcd's zap JSON (3.4 and later), etcd's older
//! capnslog text, or nothing (a bare raft line). Any of these may come wrapped as a
//! container platform stores it: a CRI pod log (`TIME stderr F LINE`, a `P` piece joined to
//! the next by the reader), `kubectl logs --timestamps` (`TIME LINE`), Docker's json-file
//! (`{"log":"LINE\n","stream":…,"time":…}`) or journald's short output
//! (`Jan 01 00:00:00 host etcd[123]: LINE`); the wrapper is taken off and its time used
//! where the line inside has none. What comes out is the raft message itself, and what the
//! envelope says about it: when, at which level, and for Fabric the channel and the node.
//!
//! ```text
//! 2019-08-30 10:05:41.123 UTC [orderer.consensus.etcdraft] Step -> INFO 048 3 is starting a new election at term 1 channel=mychannel node=3
//! 2021-09-15 08:32:03.519 UTC 001a INFO [orderer.consensus.etcdraft] becomeFollower -> 1 became follower at term 0 channel=mychannel node=1
//! {"level":"info","ts":"2021-06-01T10:05:41.123Z","logger":"raft","caller":"etcdserver/zap_raft.go:77","msg":"3 became leader at term 2"}
//! 2018-05-02 15:38:34.123456 I | raft: 3 became leader at term 2
//! 3 became leader at term 2
//! ```
//!
//! A Fabric line's zone is read into the instant: UTC and GMT, a numeric offset (`+0100`),
//! and the common abbreviations (`CET`, `CEST`, `PST`, `EDT`, `IST` as India's, …); an
//! abbreviation not known (or an ambiguous one, `CST`) is read as UTC, which keeps the
//! differences between one file's lines right.

use raft_core::types::NodeId;
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// One line read out of its envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Microseconds since the Unix epoch (UTC), when the envelope says.
    pub time_us: Option<i64>,
    /// The level as the line spells it (`INFO`, `info`, `I`).
    pub level: Option<String>,
    /// Fabric's `channel=` (several channels of one network share a log).
    pub channel: Option<String>,
    /// Fabric's `node=`: the orderer that logged the line.
    pub node: Option<NodeId>,
    /// The raft message: `3 became leader at term 2`.
    pub text: String,
    pub form: Form,
}

/// Which envelope a line came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Fabric,
    ZapJson,
    Capnslog,
    Bare,
}

/// Which part of the program wrote a line, where the envelope says: a whole orderer's or
/// member's log is mostly other components' lines (blocks written, gossip, the server's
/// start), which are counted, not listed among the raft lines not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// etcd's raft (zap's `"logger":"raft"`, a `raft/` caller; capnslog's `raft`
    /// package) or Fabric's `orderer.consensus.etcdraft`.
    Raft,
    /// Another logger, module or package.
    Other,
    /// The line does not say (a bare line).
    Unknown,
}

/// Why a line could not be read (the line is counted and listed, never fatal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable(pub String);

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Removes terminal colour codes (`ESC [ … m`), as Fabric writes them to a terminal.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters, then one final letter.
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads one line out of whichever envelope it has.
pub fn read(line: &str) -> Result<Record, Unreadable> {
    let clean = strip_ansi(line.trim_end_matches(['\r', '\n']));
    let p = parts(&clean)?;
    Ok(Record {
        time_us: p.time_us,
        level: p.level.map(Cow::into_owned),
        channel: p.channel.map(Cow::into_owned),
        node: p.node,
        text: p.text.into_owned(),
        form: p.form,
    })
}

/// What the incremental reader keeps of a line: its time, channel and raft message,
/// borrowed from the line where the envelope allows (a JSON string with escapes is
/// unescaped into its own text). `line` must hold no colour codes (`strip_ansi` first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub time_us: Option<i64>,
    /// A time zone the line names and this reader does not know (its time read as UTC).
    pub unknown_zone: Option<Cow<'a, str>>,
    pub channel: Option<Cow<'a, str>>,
    /// Fabric's `node=`.
    pub node: Option<NodeId>,
    pub text: Cow<'a, str>,
    pub source: Source,
    pub form: Form,
}

/// `read` without copying: the reader's hot path, one call per line of a large file.
pub fn read_line(line: &str) -> Result<Line<'_>, Unreadable> {
    let p = parts(line.trim_end_matches(['\r', '\n']))?;
    Ok(Line {
        time_us: p.time_us,
        unknown_zone: p.unknown_zone,
        channel: p.channel,
        node: p.node,
        text: p.text,
        source: p.source,
        form: p.form,
    })
}

/// The fields of a line, borrowed from it where they can be.
struct Parts<'a> {
    time_us: Option<i64>,
    /// A time zone the line names and this reader does not know (its time read as UTC).
    unknown_zone: Option<Cow<'a, str>>,
    level: Option<Cow<'a, str>>,
    channel: Option<Cow<'a, str>>,
    node: Option<NodeId>,
    text: Cow<'a, str>,
    form: Form,
    source: Source,
}

impl Parts<'_> {
    fn into_owned(self) -> Parts<'static> {
        Parts {
            time_us: self.time_us,
            unknown_zone: self.unknown_zone.map(|z| Cow::Owned(z.into_owned())),
            level: self.level.map(|l| Cow::Owned(l.into_owned())),
            channel: self.channel.map(|c| Cow::Owned(c.into_owned())),
            node: self.node,
            text: Cow::Owned(self.text.into_owned()),
            form: self.form,
            source: self.source,
        }
    }

    /// The wrapper's time where the line inside has none.
    fn timed(mut self, wrapper: Option<i64>) -> Self {
        self.time_us = self.time_us.or(wrapper);
        self
    }
}

/// How many wrappers deep a line is looked into (a Docker line inside journald's, …).
const MAX_WRAPS: u8 = 3;

fn parts(clean: &str) -> Result<Parts<'_>, Unreadable> {
    parts_in(clean, 0)
}

fn parts_in(clean: &str, depth: u8) -> Result<Parts<'_>, Unreadable> {
    let t = clean.trim();
    if t.is_empty() {
        return Err(Unreadable("an empty line".into()));
    }
    if depth < MAX_WRAPS {
        if let Some(inner) = source_prefix(t) {
            return parts_in(inner, depth + 1);
        }
    }
    if t.starts_with('{') {
        // `"log"` (closing quote included) is no part of a zap line's keys (`"logger"`).
        if depth < MAX_WRAPS && t.contains("\"log\"") {
            if let Some(r) = docker_json(t, depth) {
                return r;
            }
        }
        return zap(t);
    }
    if depth < MAX_WRAPS {
        if let Some((wrapper_time, inner)) = wrapper(t) {
            return Ok(parts_in(inner, depth + 1)?.timed(wrapper_time));
        }
    }
    if let Some(r) = fabric(t) {
        return Ok(r);
    }
    if let Some(r) = capnslog(t) {
        return Ok(r);
    }
    Ok(Parts {
        time_us: None,
        unknown_zone: None,
        level: None,
        channel: None,
        node: None,
        text: Cow::Borrowed(t),
        form: Form::Bare,
        source: Source::Unknown,
    })
}

// ----- container platforms' wrappers -----

/// A CRI pod log line (`/var/log/pods/…`): `TIME STREAM TAG CONTENT`, TAG `F` for a whole
/// line or `P` for a piece of one that the next line continues. Gives the time and stream
/// (`2024-01-01T00:00:00.123456789Z stderr`), whether it is a piece, and the content.
pub fn cri(line: &str) -> Option<(&str, bool, &str)> {
    let b = line.as_bytes();
    // Cheap first: a date and a `T` (one call per line of every input).
    if b.len() < 20 || !b[0].is_ascii_digit() || b[10] != b'T' {
        return None;
    }
    let (ts, rest) = line.split_once(' ')?;
    let (stream, rest) = rest.split_once(' ')?;
    if !matches!(stream, "stdout" | "stderr") {
        return None;
    }
    let (tag, content) = match rest.split_once(' ') {
        Some(x) => x,
        None => (rest, ""),
    };
    let partial = match tag {
        "P" => true,
        "F" => false,
        _ => return None,
    };
    iso8601(ts)?;
    Some((&line[..ts.len() + 1 + stream.len()], partial, content))
}

/// The line after the name of what wrote it, as tools that gather several containers'
/// logs print it: `docker compose logs` (`orderer1.example.com  | LINE`, the service's name
/// padded to a column) and `kubectl logs --prefix` (`[pod/etcd-0/etcd] LINE`).
fn source_prefix(t: &str) -> Option<&str> {
    if let Some(rest) = t.strip_prefix("[pod/") {
        return Some(rest.split_once("] ")?.1);
    }
    // Cheap first: a name's character (not a zap line's `{`, nor a bare line's digit).
    if !t.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let (name, rest) = t.split_once(' ')?;
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return None;
    }
    Some(rest.trim_start_matches(' ').strip_prefix('|')?.trim_start())
}

/// A line some platform wrapped: its time and the line inside (`t` trimmed, not JSON).
/// A CRI pod log line, `kubectl logs --timestamps` (an RFC 3339 time and a space) and
/// journald's `short`/`short-iso` output (`Jan 01 00:00:00 host etcd[123]: LINE`).
fn wrapper(t: &str) -> Option<(Option<i64>, &str)> {
    let first = t.as_bytes()[0];
    if first.is_ascii_digit() {
        if let Some((head, _, content)) = cri(t) {
            let ts = head.split_once(' ')?.0;
            return Some((iso8601(ts), content));
        }
        let (ts, rest) = t.split_once(' ')?;
        if ts.len() < 19 || ts.as_bytes()[10] != b'T' {
            return None;
        }
        let time = iso8601(ts)?;
        // journald's short-iso: the host and `ident[pid]:` follow the time.
        let inner = journal_ident(rest, true).unwrap_or(rest);
        return Some((Some(time), inner));
    }
    if first.is_ascii_uppercase() {
        // journald's short: `Mon DD HH:MM:SS` with no year, so its time is not used.
        let (month, rest) = t.split_once(' ')?;
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        if !MONTHS.contains(&month) {
            return None;
        }
        let rest = rest.trim_start(); // a day below 10 is padded with a space
        let (day, rest) = rest.split_once(' ')?;
        let (hms, rest) = rest.split_once(' ')?;
        if day.parse::<u8>().is_err()
            || hms.len() < 8
            || !hms.split(':').all(|x| x.parse::<u8>().is_ok())
        {
            return None;
        }
        return Some((None, journal_ident(rest, false)?));
    }
    None
}

/// journald's `host ident[pid]: LINE` (or `host ident: LINE`, unless `pid` is asked for):
/// the line.
fn journal_ident(rest: &str, pid: bool) -> Option<&str> {
    let (_host, rest) = rest.split_once(' ')?;
    let (ident, line) = rest.split_once(' ')?;
    let ok = if pid {
        ident.ends_with("]:") && ident.contains('[')
    } else {
        ident.ends_with(':')
    };
    ok.then_some(line)
}

/// Whether a Docker json-file record is a piece (see `docker_piece`), told from its text
/// without parsing it: `Some(false)` when its `log` ends in an escaped newline, as every
/// whole line's does; `Some(true)` when it may not (`docker_piece` then says for sure);
/// `None` when the line is no such record. A Docker log is read with one JSON parse a
/// line, not two: a whole record, with no pieces before it, goes to `read_line` as it is.
pub fn docker_maybe_piece(line: &str) -> Option<bool> {
    let value = line.strip_prefix("{\"log\":\"")?.as_bytes();
    let mut i = 0;
    let mut ends_in_newline = false;
    while i < value.len() {
        match value[i] {
            b'"' => return Some(!ends_in_newline),
            b'\\' => {
                ends_in_newline = value.get(i + 1) == Some(&b'n');
                i += 2;
            }
            _ => {
                ends_in_newline = false;
                i += 1;
            }
        }
    }
    None // no end to the string: `read_line` says what is wrong
}

/// A Docker json-file record's line and time, and whether it is a piece: Docker cuts a
/// line longer than 16 KiB into records whose `log` has no final newline, the last piece
/// ending in one. `None` when the line is not such a record. (Docker writes `log` first.)
pub fn docker_piece(line: &str) -> Option<(String, bool, Option<String>)> {
    if !line.starts_with("{\"log\":") {
        return None;
    }
    let fields = flat_json(line.trim_end()).ok()?;
    let mut log = None;
    let mut time = None;
    for (k, v) in fields {
        match (k.as_str(), v) {
            ("log", Json::Str(s)) => log = Some(s),
            ("time", Json::Str(s)) => time = Some(s),
            _ => {}
        }
    }
    let log = log?;
    let partial = !log.ends_with('\n');
    Some((log, partial, time))
}

/// A Docker json-file record holding `log` (a line joined from its pieces) at `time`, to
/// be read as any record is.
pub fn docker_record(log: &str, time: Option<&str>) -> String {
    let mut out = String::with_capacity(log.len() + 64);
    out.push_str("{\"log\":");
    push_json_string(&mut out, log);
    if let Some(t) = time {
        out.push_str(",\"time\":");
        push_json_string(&mut out, t);
    }
    out.push('}');
    out
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Docker's json-file log: `{"log":"LINE\n","stream":"stderr","time":"…"}`; the line inside
/// (colour codes taken off) is read, with Docker's time where it has none. `None` when
/// the object is not one (a zap line).
fn docker_json(t: &str, depth: u8) -> Option<Result<Parts<'static>, Unreadable>> {
    let fields = flat_json(t).ok()?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    let log = match (get("log"), get("msg")) {
        (Some(Json::Str(s)), None) => s,
        _ => return None,
    };
    let time = match get("time") {
        Some(Json::Str(s)) => iso8601(s),
        _ => None,
    };
    let inner = strip_ansi(log.trim_end_matches(['\n', '\r']));
    Some(parts_in(&inner, depth + 1).map(|p| p.into_owned().timed(time)))
}

// ----- Fabric -----

/// Fabric 1.4: `DATE TIME ZONE [module] function -> LEVEL seq MESSAGE [channel=C] [node=N]`;
/// Fabric 2.x: `DATE TIME ZONE seq LEVEL [module] function -> MESSAGE [channel=C] [node=N]`.
fn fabric(t: &str) -> Option<Parts<'_>> {
    let (date, rest) = t.split_once(' ')?;
    let (time, rest) = rest.split_once(' ')?;
    let (zone, rest) = rest.split_once(' ')?;
    let (seq, level, module, message) = if let Some(rest) = rest.strip_prefix('[') {
        let (module, rest) = rest.split_once("] ")?;
        let (_function, rest) = rest.split_once(" -> ")?;
        let (level, rest) = rest.trim_start().split_once(' ')?;
        let (seq, message) = rest.trim_start().split_once(' ')?;
        (seq, level, module, message)
    } else {
        let (seq, rest) = rest.split_once(' ')?;
        let (level, rest) = rest.trim_start().split_once(' ')?;
        let rest = rest.trim_start().strip_prefix('[')?;
        let (module, rest) = rest.split_once("] ")?;
        let (_function, message) = rest.split_once(" ->")?;
        (seq, level, module, message)
    };
    if seq.is_empty() || !seq.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let time_us = date_time(date, time, Some(zone));
    let message = message.trim_start();
    // Trailing key=value fields (Fabric's structured context), last first.
    let mut text = message.trim();
    let (mut channel, mut node) = (None, None);
    while let Some((head, last)) = text.rsplit_once(' ') {
        if let Some(c) = last.strip_prefix("channel=") {
            channel = Some(Cow::Borrowed(c));
        } else if let Some(n) = last.strip_prefix("node=") {
            node = n.parse().ok();
        } else {
            break;
        }
        text = head.trim_end();
    }
    Some(Parts {
        time_us,
        unknown_zone: zone_offset_s(zone).is_none().then_some(Cow::Borrowed(zone)),
        level: Some(Cow::Borrowed(level)),
        channel,
        node,
        text: Cow::Borrowed(text),
        form: Form::Fabric,
        source: if module.ends_with(".etcdraft") {
            Source::Raft
        } else {
            Source::Other
        },
    })
}

// ----- capnslog -----

/// `DATE TIME L | package: MESSAGE` (etcd before 3.4).
fn capnslog(t: &str) -> Option<Parts<'_>> {
    let (date, rest) = t.split_once(' ')?;
    let (time, rest) = rest.split_once(' ')?;
    let (level, rest) = rest.split_once(" | ")?;
    if level.len() != 1 {
        return None;
    }
    let (package, message) = rest.split_once(": ")?;
    let time_us = date_time(date, time, None);
    time_us?;
    Some(Parts {
        time_us,
        unknown_zone: None,
        level: Some(Cow::Borrowed(level)),
        channel: None,
        node: None,
        text: Cow::Borrowed(message.trim()),
        form: Form::Capnslog,
        source: if package == "raft" {
            Source::Raft
        } else {
            Source::Other
        },
    })
}

// ----- zap JSON -----

/// `{"level":…,"ts":…,"msg":…}`: one flat JSON object (etcd 3.4 and later).
fn zap(t: &str) -> Result<Parts<'_>, Unreadable> {
    let fields =
        flat_json(t).map_err(|e| Unreadable(format!("a JSON line that does not read: {e}")))?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v);
    let msg = match get("msg") {
        Some(Json::Str(s)) => s.clone(),
        _ => return Err(Unreadable("a JSON line without \"msg\"".into())),
    };
    let time_us = match get("ts") {
        Some(Json::Str(s)) => iso8601(s),
        // zap's epoch form: seconds as a float.
        Some(Json::Num(n)) => n.parse::<f64>().ok().map(|x| (x * 1e6).round() as i64),
        _ => None,
    };
    let level = match get("level") {
        Some(Json::Str(s)) => Some(Cow::Owned(s.clone())),
        _ => None,
    };
    // etcd 3.5 names the raft logger; 3.4's raft lines say only their caller.
    let source = match (get("logger"), get("caller")) {
        (Some(Json::Str(l)), _) if l == "raft" => Source::Raft,
        (_, Some(Json::Str(c))) if c.starts_with("raft/") || c.contains("/raft/") => Source::Raft,
        (None, None) => Source::Unknown,
        _ => Source::Other,
    };
    Ok(Parts {
        time_us,
        unknown_zone: None,
        level,
        channel: None,
        node: None,
        text: Cow::Owned(msg),
        form: Form::ZapJson,
        source,
    })
}

#[derive(Clone, Debug, PartialEq)]
enum Json {
    Str(String),
    /// The number's text.
    Num(String),
    Other,
}

/// The fields of one flat JSON object; nested objects and arrays are skipped over.
fn flat_json(t: &str) -> Result<Vec<(String, Json)>, String> {
    let b = t.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    ws(&mut i);
    if b.get(i) != Some(&b'{') {
        return Err("no opening brace".into());
    }
    i += 1;
    let mut out = Vec::new();
    loop {
        ws(&mut i);
        match b.get(i) {
            Some(b'}') => return Ok(out),
            Some(b',') => {
                i += 1;
                continue;
            }
            Some(b'"') => {}
            _ => return Err(format!("expected a key at byte {i}")),
        }
        let key = string(t, &mut i)?;
        ws(&mut i);
        if b.get(i) != Some(&b':') {
            return Err(format!("expected ':' at byte {i}"));
        }
        i += 1;
        ws(&mut i);
        let value = match b.get(i) {
            Some(b'"') => Json::Str(string(t, &mut i)?),
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                Json::Num(t[start..i].to_string())
            }
            Some(b'{') | Some(b'[') => {
                skip_nested(t, &mut i)?;
                Json::Other
            }
            Some(_) => {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                Json::Other
            }
            None => return Err("the line ends inside the object".into()),
        };
        out.push((key, value));
    }
}

/// A JSON string at byte `i` (its opening quote), unescaped; `i` moves past it.
fn string(t: &str, i: &mut usize) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = t[*i + 1..].char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => {
                *i += 1 + k + 1;
                return Ok(out);
            }
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 'b')) => out.push('\u{8}'),
                Some((_, 'f')) => out.push('\u{c}'),
                Some((_, 'u')) => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    let code = u32::from_str_radix(&hex, 16).map_err(|_| "a bad \\u escape")?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                Some((_, c)) => out.push(c),
                None => break,
            },
            c => out.push(c),
        }
    }
    Err("a string that does not end".into())
}

fn skip_nested(t: &str, i: &mut usize) -> Result<(), String> {
    let b = t.as_bytes();
    let mut depth = 0usize;
    while *i < b.len() {
        match b[*i] {
            b'"' => {
                string(t, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    *i += 1;
                    return Ok(());
                }
            }
            _ => {}
        }
        *i += 1;
    }
    Err("a nested value that does not end".into())
}

// ----- times -----

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2019-08-30` and `10:05:41.123` (any number of fraction digits) in `zone` (see
/// `zone_offset_s`; UTC when none or not known), µs since the epoch.
fn date_time(date: &str, time: &str, zone: Option<&str>) -> Option<i64> {
    let mut d = date.split(['-', '/']);
    let (y, m, day) = (d.next()?, d.next()?, d.next()?);
    let (y, m, day): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let (hms, frac) = time.split_once(['.', ',']).unwrap_or((time, ""));
    let mut p = hms.split(':');
    let (h, mi, s): (i64, i64, i64) = (
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
    );
    if h > 23 || mi > 59 || s > 60 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // The first six fraction digits, padded with zeros (no allocation: one call per line).
    let mut micros: i64 = 0;
    for k in 0..6 {
        micros = micros * 10 + frac.as_bytes().get(k).map_or(0, |d| i64::from(d - b'0'));
    }
    let secs = days_from_civil(y, m, day) * 86_400 + h * 3600 + mi * 60 + s
        - zone.and_then(zone_offset_s).unwrap_or(0);
    Some(secs * 1_000_000 + micros)
}

/// A zone as Go's `MST` layout writes it (Fabric's log times): an abbreviation, or a
/// numeric offset where the zone has none (`+0100`, `-03`, `+05:30`). Seconds east of UTC;
/// `None` for an abbreviation not known here or one that names two zones (`CST`: China's
/// or North America's).
pub fn zone_offset_s(zone: &str) -> Option<i64> {
    if let Some(digits) = zone.strip_prefix(['+', '-']) {
        let neg = zone.starts_with('-');
        let digits: String = digits.chars().filter(|c| *c != ':').collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
            return None;
        }
        let h: i64 = digits[..2].parse().ok()?;
        let m: i64 = if digits.len() == 4 {
            digits[2..].parse().ok()?
        } else {
            0
        };
        if h > 14 || m > 59 {
            return None;
        }
        let off = h * 3600 + m * 60;
        return Some(if neg { -off } else { off });
    }
    let hours = |h: f64| Some((h * 3600.0) as i64);
    match zone {
        "UTC" | "GMT" | "Z" | "UT" | "WET" => hours(0.0),
        "CET" | "MET" | "WEST" | "BST" | "WAT" => hours(1.0),
        "CEST" | "MEST" | "EET" | "SAST" | "CAT" => hours(2.0),
        "EEST" | "MSK" | "EAT" | "TRT" => hours(3.0),
        "IST" => hours(5.5),
        "PKT" => hours(5.0),
        "ICT" | "WIB" => hours(7.0),
        "HKT" | "SGT" | "AWST" | "PHT" | "WITA" => hours(8.0),
        "JST" | "KST" | "WIT" => hours(9.0),
        "ACST" => hours(9.5),
        "AEST" => hours(10.0),
        "ACDT" => hours(10.5),
        "AEDT" => hours(11.0),
        "NZST" => hours(12.0),
        "NZDT" => hours(13.0),
        "EDT" => hours(-4.0),
        "EST" | "CDT" => hours(-5.0),
        "MDT" => hours(-6.0),
        "MST" | "PDT" => hours(-7.0),
        "PST" | "AKDT" => hours(-8.0),
        "AKST" | "HDT" => hours(-9.0),
        "HST" => hours(-10.0),
        _ => None,
    }
}

/// ISO 8601 as zap writes it: `2021-06-01T10:05:41.123Z` or with an offset `+08:00`/`+0800`.
fn iso8601(s: &str) -> Option<i64> {
    let (date, rest) = s.split_once('T')?;
    let (time, offset_us) = if let Some(t) = rest.strip_suffix('Z') {
        (t, 0)
    } else if let Some(k) = rest.rfind(['+', '-']) {
        let (t, off) = rest.split_at(k);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits: String = off[1..].chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() != 4 {
            return None;
        }
        let (oh, om): (i64, i64) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
        (t, sign * (oh * 3600 + om * 60) * 1_000_000)
    } else {
        (rest, 0)
    };
    Some(date_time(date, time, None)? - offset_us)
}

// ----- writing: the same envelopes, for a run of the simulator -----

/// `us` (µs since the Unix epoch) as a civil date and time of day, UTC.
fn civil(us: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let secs = us.div_euclid(1_000_000);
    let micros = us.rem_euclid(1_000_000);
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, sod / 3600, sod / 60 % 60, sod % 60, micros)
}

/// One raft message as a Fabric orderer logs it (`seq`: its running number).
pub fn write_fabric(time_us: i64, seq: u64, text: &str, channel: &str, node: NodeId) -> String {
    let (y, mo, d, h, mi, s, us) = civil(time_us);
    format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:03} UTC [orderer.consensus.etcdraft] Infof -> INFO {seq:03x} {text} channel={channel} node={node}",
        us / 1000
    )
}

/// One raft message as etcd 3.4 and later logs it (zap JSON).
pub fn write_zap(time_us: i64, text: &str) -> String {
    let (y, mo, d, h, mi, s, us) = civil(time_us);
    let mut msg = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => msg.push_str("\\\""),
            '\\' => msg.push_str("\\\\"),
            c if (c as u32) < 0x20 => msg.push_str(&format!("\\u{:04x}", c as u32)),
            c => msg.push(c),
        }
    }
    format!(
        "{{\"level\":\"info\",\"ts\":\"{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{us:06}Z\",\"logger\":\"raft\",\"caller\":\"raft/raft.go\",\"msg\":\"{msg}\"}}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_docker_piece_is_told_without_parsing_and_agrees_with_the_parse() {
        let cases = [
            (
                r#"{"log":"1 became leader at term 1\n","stream":"stderr"}"#,
                Some(false),
            ),
            (
                r#"{"log":"1 became leader ","stream":"stderr"}"#,
                Some(true),
            ),
            // An escaped backslash then "n" is no newline; an escaped quote ends nothing.
            (r#"{"log":"path C:\\n","stream":"stderr"}"#, Some(true)),
            (
                r#"{"log":"say \"hi\"\n","time":"2024-01-01T00:00:00Z"}"#,
                Some(false),
            ),
            (r#"{"log":"","stream":"stderr"}"#, Some(true)),
            // A newline written as \u000a: maybe a piece, so parsed, and the parse says whole.
            (r#"{"log":"x\u000a","stream":"stderr"}"#, Some(true)),
            (r#"{"log":"never ends"#, None),
            (r#"{"level":"info","msg":"x"}"#, None),
            ("2024-01-01T00:00:00Z stderr F x", None),
        ];
        for (line, want) in cases {
            assert_eq!(docker_maybe_piece(line), want, "{line}");
            // Where it says whole, the parse agrees.
            if want == Some(false) {
                assert!(!docker_piece(line).unwrap().1, "{line}");
            }
        }
        assert!(
            !docker_piece(r#"{"log":"x\u000a","stream":"stderr"}"#)
                .unwrap()
                .1
        );
        assert!(
            docker_piece(r#"{"log":"path C:\\n","stream":"stderr"}"#)
                .unwrap()
                .1
        );
    }

    #[test]
    fn a_fabric_line_with_and_without_colours() {
        let plain = "2019-08-30 10:05:41.123 UTC [orderer.consensus.etcdraft] Step -> INFO 048 3 is starting a new election at term 1 channel=mychannel node=3";
        let coloured = "\u{1b}[36m2019-08-30 10:05:41.123 UTC [orderer.consensus.etcdraft] Step -> INFO 048\u{1b}[0m 3 is starting a new election at term 1 channel=mychannel node=3";
        for line in [plain, coloured] {
            let r = read(line).unwrap();
            assert_eq!(r.form, Form::Fabric);
            assert_eq!(r.text, "3 is starting a new election at term 1");
            assert_eq!(r.channel.as_deref(), Some("mychannel"));
            assert_eq!(r.node, Some(3));
            assert_eq!(r.level.as_deref(), Some("INFO"));
            // 2019-08-30 10:05:41.123 UTC.
            assert_eq!(r.time_us, Some(1_567_159_541_123_000));
        }
    }

    #[test]
    fn a_fabric_2x_line_with_and_without_colours() {
        let plain = "2021-09-15 08:32:03.519 UTC 001a INFO [orderer.consensus.etcdraft] becomeFollower -> 1 became follower at term 0 channel=mychannel node=1";
        let coloured = "\u{1b}[34m2021-09-15 08:32:03.519 UTC 001a INFO\u{1b}[0m [orderer.consensus.etcdraft] becomeFollower -> 1 became follower at term 0 channel=mychannel node=1";
        for line in [plain, coloured] {
            let r = read(line).unwrap();
            assert_eq!(r.form, Form::Fabric);
            assert_eq!(r.text, "1 became follower at term 0");
            assert_eq!(r.channel.as_deref(), Some("mychannel"));
            assert_eq!(r.node, Some(1));
            assert_eq!(r.level.as_deref(), Some("INFO"));
            // 2021-09-15 08:32:03.519 UTC.
            assert_eq!(r.time_us, Some(1_631_694_723_519_000));
        }
        // A message with brackets of its own, and the hot path's reading.
        let l = "2024-11-09 03:44:21.804 UTC 001b INFO [orderer.consensus.etcdraft] newRaft -> newRaft 1 [peers: [], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0] channel=channel node=1";
        let r = read_line(l).unwrap();
        assert_eq!(
            r.text,
            "newRaft 1 [peers: [], term: 0, commit: 0, applied: 0, lastindex: 0, lastterm: 0]"
        );
        assert_eq!(r.channel.as_deref(), Some("channel"));
        // Not a sequence number: not Fabric's (read as a bare line).
        let r = read("2021-09-15 08:32:03.519 UTC xyz INFO [m] f -> 1 became follower at term 0")
            .unwrap();
        assert_eq!(r.form, Form::Bare);
    }

    #[test]
    fn a_fabric_zone_is_read_into_the_instant() {
        let at = |zone: &str| {
            read(&format!("2024-01-01 01:00:00.000 {zone} [orderer.consensus.etcdraft] Infof -> INFO 001 1 became follower at term 0 channel=c node=1")).unwrap().time_us.unwrap()
        };
        let utc = at("UTC");
        let h = 3_600_000_000;
        assert_eq!(utc, 1_704_070_800_000_000);
        assert_eq!(at("GMT"), utc);
        assert_eq!(at("CET"), utc - h);
        assert_eq!(at("CEST"), utc - 2 * h);
        assert_eq!(at("+0100"), utc - h);
        assert_eq!(at("+01:00"), utc - h);
        assert_eq!(at("-0330"), utc + 3 * h + h / 2);
        assert_eq!(at("PST"), utc + 8 * h);
        assert_eq!(at("PDT"), utc + 7 * h);
        assert_eq!(at("EST"), utc + 5 * h);
        assert_eq!(at("EDT"), utc + 4 * h);
        assert_eq!(at("IST"), utc - 5 * h - h / 2);
        // Not known (or ambiguous): as written, as if UTC.
        assert_eq!(at("XYZT"), utc);
        assert_eq!(at("CST"), utc);
        assert_eq!(at("+99"), utc);
        // Fabric 2.x too.
        let r = read("2024-01-01 01:00:00.000 CET 0001 INFO [orderer.consensus.etcdraft] Infof -> 1 became follower at term 0").unwrap();
        assert_eq!(r.time_us, Some(utc - h));
        assert_eq!(zone_offset_s("CEST"), Some(7200));
        assert_eq!(zone_offset_s("nope"), None);
    }

    #[test]
    fn container_wrappers_are_taken_off() {
        let zap = r#"{"level":"info","ts":"2024-01-01T00:00:00.011323Z","logger":"raft","caller":"raft/raft.go","msg":"1 became follower at term 0"}"#;
        let inner_t = Some(1_704_067_200_011_323);
        let wrapper_t = Some(1_704_067_205_000_000);
        // CRI pod log, kubectl --timestamps, journald short and short-iso: the inner time.
        for line in [
            format!("2024-01-01T00:00:05.000000123Z stderr F {zap}"),
            format!("2024-01-01T00:00:05.000000Z {zap}"),
            format!("Jan 01 00:00:05 host3 etcd[1234]: {zap}"),
            format!("Jan  1 00:00:05 host3 etcd: {zap}"),
            format!("2024-01-01T00:00:05+0000 host3 etcd[1234]: {zap}"),
        ] {
            let r = read(&line).unwrap();
            assert_eq!(
                (r.form, r.text.as_str(), r.time_us),
                (Form::ZapJson, "1 became follower at term 0", inner_t),
                "{line}"
            );
        }
        // The wrapper's time where the line inside has none.
        for line in [
            "2024-01-01T00:00:05.000000123Z stdout F 1 became follower at term 0",
            "2024-01-01T00:00:05Z 1 became follower at term 0",
            "2024-01-01T05:30:05+05:30 1 became follower at term 0",
        ] {
            let r = read(line).unwrap();
            assert_eq!(
                (r.form, r.text.as_str(), r.time_us),
                (Form::Bare, "1 became follower at term 0", wrapper_t),
                "{line}"
            );
        }
        // journald's short output has no year: no time from it.
        let r = read("Jan 01 00:00:05 host3 etcd[1234]: 1 became follower at term 0").unwrap();
        assert_eq!(
            (r.text.as_str(), r.time_us),
            ("1 became follower at term 0", None)
        );
        let r = read("Jan 01 00:00:05 host3 etcd[1234]: 2024-01-01 00:00:00.000000 I | raft: 3 became follower at term 0").unwrap();
        assert_eq!(
            (r.form, r.text.as_str(), r.time_us),
            (
                Form::Capnslog,
                "3 became follower at term 0",
                Some(1_704_067_200_000_000)
            )
        );
        // Docker's json-file, a coloured Fabric 2.x line inside; its time, then Docker's.
        let r = read(r#"{"log":"\u001b[34m2024-11-09 03:44:22.823 UTC 0020 INFO\u001b[0m [orderer.consensus.etcdraft] becomeLeader -> 1 became leader at term 2 channel=channel node=1\n","stream":"stderr","time":"2024-11-09T03:44:22.823000153Z"}"#).unwrap();
        assert_eq!(
            (r.form, r.text.as_str(), r.channel.as_deref(), r.node),
            (
                Form::Fabric,
                "1 became leader at term 2",
                Some("channel"),
                Some(1)
            )
        );
        assert_eq!(r.time_us, Some(1_731_123_862_823_000));
        let r = read_line(r#"{"log":"1 became leader at term 2\n","stream":"stderr","time":"2024-11-09T03:44:22.823000153Z"}"#).unwrap();
        assert_eq!(
            (r.text.as_ref(), r.time_us),
            ("1 became leader at term 2", Some(1_731_123_862_823_000))
        );
        // Docker wrapping etcd's JSON (escaped inside the string).
        let r = read(r#"{"log":"{\"level\":\"info\",\"ts\":\"2024-01-01T00:00:00.011323Z\",\"msg\":\"1 became follower at term 0\"}\n","stream":"stderr","time":"2024-01-01T00:00:05Z"}"#).unwrap();
        assert_eq!(
            (r.form, r.text.as_str(), r.time_us),
            (Form::ZapJson, "1 became follower at term 0", inner_t)
        );
        assert!(read(r#"{"log":"\n","stream":"stderr"}"#).is_err());
        // A zap line with a `logger` is still zap.
        assert_eq!(read(zap).unwrap().form, Form::ZapJson);
        // The CRI parts, for the reader's joining of pieces.
        assert_eq!(
            cri("2024-01-01T00:00:05.1Z stderr P {\"level\""),
            Some(("2024-01-01T00:00:05.1Z stderr", true, "{\"level\""))
        );
        assert_eq!(cri("2024-01-01T00:00:05.1Z other F x"), None);
        assert_eq!(cri("3 became leader at term 2"), None);
    }

    #[test]
    fn a_zap_json_line_iso_or_epoch_and_escapes() {
        let r = read(r#"{"level":"info","ts":"2021-06-01T10:05:41.123Z","logger":"raft","caller":"etcdserver/zap_raft.go:77","msg":"3 became leader at term 2"}"#).unwrap();
        assert_eq!(
            (r.form, r.text.as_str()),
            (Form::ZapJson, "3 became leader at term 2")
        );
        assert_eq!(r.time_us, Some(1_622_541_941_123_000));
        let r = read(
            r#"{"level":"info","ts":1622541941.5,"msg":"a \"quoted\" \u0041","extra":{"a":[1,2]}}"#,
        )
        .unwrap();
        assert_eq!(r.text, "a \"quoted\" A");
        assert_eq!(r.time_us, Some(1_622_541_941_500_000));
        let r = read(r#"{"ts":"2021-06-01T18:05:41.123+08:00","msg":"x"}"#).unwrap();
        assert_eq!(
            r.time_us,
            Some(1_622_541_941_123_000),
            "the offset is taken off"
        );
        assert!(read(r#"{"level":"info","msg":"unterminated}"#).is_err());
        assert!(read(r#"{"level":"info"}"#).is_err());
    }

    #[test]
    fn a_capnslog_line_and_a_bare_one() {
        let r = read("2018-05-02 15:38:34.123456 I | raft: 3 became leader at term 2").unwrap();
        assert_eq!(
            (r.form, r.text.as_str()),
            (Form::Capnslog, "3 became leader at term 2")
        );
        assert_eq!(r.level.as_deref(), Some("I"));
        let r =
            read("2018-05-02 15:38:34.123456 I | raft: raft.node: 3 elected leader 3 at term 2")
                .unwrap();
        assert_eq!(r.text, "raft.node: 3 elected leader 3 at term 2");
        let r = read("  3 became leader at term 2\r\n").unwrap();
        assert_eq!(
            (r.form, r.text.as_str()),
            (Form::Bare, "3 became leader at term 2")
        );
        assert!(read("   ").is_err());
    }

    #[test]
    fn what_is_written_reads_back() {
        let t = 1_704_067_201_234_567; // 2024-01-01 00:00:01.234567 UTC
        assert_eq!(civil(t), (2024, 1, 1, 0, 0, 1, 234_567));
        let f = write_fabric(t, 0x2a, "3 became leader at term 2", "sim", 3);
        assert_eq!(f, "2024-01-01 00:00:01.234 UTC [orderer.consensus.etcdraft] Infof -> INFO 02a 3 became leader at term 2 channel=sim node=3");
        let r = read(&f).unwrap();
        assert_eq!(
            (r.text.as_str(), r.node, r.time_us),
            ("3 became leader at term 2", Some(3), Some(t / 1000 * 1000))
        );
        let z = write_zap(t, "a \"quoted\" \\ line");
        let r = read(&z).unwrap();
        assert_eq!(
            (r.text.as_str(), r.time_us),
            ("a \"quoted\" \\ line", Some(t))
        );
    }

    #[test]
    fn the_component_that_wrote_a_line_and_the_name_a_gathering_tool_puts_before_it() {
        let source = |l: &str| read_line(l).unwrap().source;
        let fabric = "2023-01-01 00:00:00.000 UTC [orderer.consensus.etcdraft] Step -> INFO 0a1 1 x channel=c node=1";
        assert_eq!(source(fabric), Source::Raft);
        assert_eq!(source("2023-01-01 00:00:00.000 UTC 0a1 INFO [orderer.common.server] Main -> Starting orderer"), Source::Other);
        assert_eq!(
            source(
                r#"{"level":"info","logger":"raft","caller":"etcdserver/zap_raft.go:77","msg":"x"}"#
            ),
            Source::Raft
        );
        assert_eq!(
            source(r#"{"level":"info","caller":"raft/raft.go:923","msg":"x"}"#),
            Source::Raft
        );
        assert_eq!(
            source(
                r#"{"level":"info","caller":"etcdserver/server.go:2042","msg":"published local member"}"#
            ),
            Source::Other
        );
        assert_eq!(source(r#"{"level":"info","msg":"x"}"#), Source::Unknown);
        assert_eq!(
            source("2018-05-02 15:38:34.123456 I | raft: 3 became leader at term 2"),
            Source::Raft
        );
        assert_eq!(
            source("2018-05-02 15:38:34.123456 I | etcdserver: published"),
            Source::Other
        );
        assert_eq!(source("3 became leader at term 2"), Source::Unknown);
        // `docker compose logs` and `kubectl logs --prefix`: the line after the name.
        let compose = format!("orderer1.example.com  | {fabric}");
        let compose = read_line(&compose).unwrap();
        assert_eq!(
            (compose.text.as_ref(), compose.channel.as_deref()),
            ("1 x", Some("c"))
        );
        let zap = r#"{"level":"info","ts":"2024-01-01T00:00:01Z","logger":"raft","msg":"1 became leader at term 2"}"#;
        for l in [
            format!("[pod/etcd-0/etcd] {zap}"),
            format!("etcd-1 | {zap}"),
        ] {
            let r = read_line(&l).unwrap();
            assert_eq!(
                (r.text.as_ref(), r.time_us.is_some()),
                ("1 became leader at term 2", true),
                "{l}"
            );
        }
        // A bare raft line is not taken for a name and a bar.
        assert_eq!(
            read_line("1 became leader at term 2").unwrap().text,
            "1 became leader at term 2"
        );
    }

    #[test]
    fn any_bytes_read_without_a_panic() {
        // A cheap fuzz: every prefix of some lines, and lines of random printable bytes.
        let lines = [
            r#"{"level":"info","ts":"2021-06-01T10:05:41.123Z","msg":"3 became leader"}"#,
            "2019-08-30 10:05:41.123 UTC [orderer.consensus.etcdraft] Step -> INFO 048 3 x channel=c node=3",
            "2018-05-02 15:38:34.123456 I | raft: 3 became leader at term 2",
            "2021-09-15 08:32:03.519 +0100 001a INFO [orderer.consensus.etcdraft] Step -> 3 x channel=c node=3",
            "2024-01-01T00:00:05.000000123Z stderr F 2019-08-30 10:05:41.123 CET [m] Step -> INFO 048 3 x",
            "Jan 01 00:00:05 host3 etcd[1234]: {\"log\":\"2024-01-01T00:00:05Z {\\\"msg\\\":\\\"x\\\"}\\n\",\"time\":\"2024-01-01T00:00:05Z\"}",
        ];
        for l in lines {
            for k in 0..=l.len() {
                if l.is_char_boundary(k) {
                    let _ = read(&l[..k]);
                }
            }
        }
        let alphabet = b" {}[]\":,\\-0123456789.TZ+|abcdeu[]\x1bFPJan>log";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let n = (x % 90) as usize;
            let s: String = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    alphabet[(x % alphabet.len() as u64) as usize] as char
                })
                .collect();
            let _ = read(&s);
        }
    }
}
