//! A strict well-formedness check of an XML document, for the tests of the SVG export: one
//! root element, properly nested and closed tags, quoted and unrepeated attributes, only
//! XML's own entities and character references, and nothing but whitespace, comments and
//! an XML declaration outside the root. Not a parser of all of XML: no DTD, no CDATA (the
//! export writes neither, and this refuses them).

/// Why a document is not well-formed, with the byte offset where that was found.
#[derive(Debug, PartialEq, Eq)]
pub struct NotWellFormed {
    pub at: usize,
    pub why: String,
}

fn fail<T>(at: usize, why: impl Into<String>) -> Result<T, NotWellFormed> {
    Err(NotWellFormed {
        at,
        why: why.into(),
    })
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '-' || c == '.'
}

/// Checks `doc`; on success, the names of its elements in document order.
pub fn check(doc: &str) -> Result<Vec<String>, NotWellFormed> {
    let b = doc.as_bytes();
    let mut i = 0;
    let mut open: Vec<String> = Vec::new();
    let mut elements = Vec::new();
    let mut root_done = false;
    if doc.starts_with("<?xml") {
        match doc.find("?>") {
            Some(end) => i = end + 2,
            None => return fail(0, "unterminated XML declaration"),
        }
    }
    while i < b.len() {
        if b[i] != b'<' {
            let end = doc[i..].find('<').map_or(b.len(), |e| i + e);
            let text = &doc[i..end];
            if open.is_empty() && !text.trim().is_empty() {
                return fail(i, "text outside the root element");
            }
            check_text(text, i)?;
            i = end;
            continue;
        }
        let rest = &doc[i..];
        if rest.starts_with("<!--") {
            let Some(end) = rest.find("-->") else {
                return fail(i, "unterminated comment");
            };
            if rest[4..end].contains("--") {
                return fail(i, "-- inside a comment");
            }
            i += end + 3;
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            return fail(i, "a declaration or instruction this check does not allow");
        } else if let Some(close) = rest.strip_prefix("</") {
            let len = close
                .find(|c: char| !is_name_char(c))
                .unwrap_or(close.len());
            let name = &close[..len];
            let after = close[len..].trim_start();
            if !after.starts_with('>') {
                return fail(i, format!("malformed end tag </{name}"));
            }
            match open.pop() {
                Some(o) if o == name => {}
                Some(o) => return fail(i, format!("</{name}> closes <{o}>")),
                None => return fail(i, format!("</{name}> closes nothing")),
            }
            if open.is_empty() {
                root_done = true;
            }
            i += rest.len() - after.len() + 1;
        } else {
            if root_done || (open.is_empty() && !elements.is_empty()) {
                return fail(i, "a second root element");
            }
            let (name, empty, used) = start_tag(rest, i)?;
            elements.push(name.clone());
            if empty {
                if open.is_empty() {
                    root_done = true;
                }
            } else {
                open.push(name);
            }
            i += used;
        }
    }
    if let Some(o) = open.last() {
        return fail(b.len(), format!("<{o}> is never closed"));
    }
    if elements.is_empty() {
        return fail(0, "no root element");
    }
    Ok(elements)
}

/// A start tag at the beginning of `s`: its name, whether it is empty (`/>`) and its length.
fn start_tag(s: &str, at: usize) -> Result<(String, bool, usize), NotWellFormed> {
    let body = &s[1..];
    if !body.starts_with(is_name_start) {
        return fail(at, "a tag without a name");
    }
    let len = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
    let name = body[..len].to_string();
    let mut j = 1 + len;
    let mut seen: Vec<&str> = Vec::new();
    loop {
        let ws = s[j..].len() - s[j..].trim_start().len();
        j += ws;
        let rest = &s[j..];
        if rest.starts_with("/>") {
            return Ok((name, true, j + 2));
        }
        if rest.starts_with('>') {
            return Ok((name, false, j + 1));
        }
        if ws == 0 || !rest.starts_with(is_name_start) {
            return fail(at + j, format!("malformed attribute in <{name}>"));
        }
        let alen = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let attr = &rest[..alen];
        if seen.contains(&attr) {
            return fail(at + j, format!("attribute {attr} twice in <{name}>"));
        }
        seen.push(attr);
        let after = rest[alen..].trim_start();
        let Some(after) = after.strip_prefix('=') else {
            return fail(at + j, format!("attribute {attr} without a value"));
        };
        let after = after.trim_start();
        let quote = match after.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => return fail(at + j, format!("attribute {attr} unquoted")),
        };
        let Some(end) = after[1..].find(quote) else {
            return fail(at + j, format!("attribute {attr} unterminated"));
        };
        let value = &after[1..1 + end];
        if value.contains('<') {
            return fail(at + j, format!("< in attribute {attr}"));
        }
        check_text(value, at + j)?;
        j = s.len() - after[1 + end + 1..].len();
    }
}

/// Character data: every `&` starts a known entity or a character reference.
fn check_text(text: &str, at: usize) -> Result<(), NotWellFormed> {
    let mut rest = text;
    while let Some(p) = rest.find('&') {
        let after = &rest[p + 1..];
        let Some(semi) = after.find(';') else {
            return fail(at, "& without ;");
        };
        let entity = &after[..semi];
        let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || entity
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return fail(at, format!("unknown entity &{entity};"));
        }
        rest = &after[semi + 1..];
    }
    if text.contains("]]>") {
        return fail(at, "]]> in text");
    }
    Ok(())
}

#[test]
fn the_check_refuses_what_is_not_well_formed() {
    assert!(check("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/><c>t &amp; &#8594;</c></a>\n").is_ok());
    for bad in [
        "",
        "<a>",
        "<a></b>",
        "<a><b></a></b>",
        "<a x=1/>",
        "<a x=\"1\" x=\"2\"/>",
        "<a/><b/>",
        "text<a/>",
        "<a>&nbsp;</a>",
        "<a>& </a>",
        "<a y=\"<\"/>",
        "<a x=\"1\"y=\"2\"/>",
        "<!DOCTYPE a><a/>",
    ] {
        assert!(check(bad).is_err(), "{bad:?} passed");
    }
}
