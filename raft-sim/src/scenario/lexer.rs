//! Splits one line of a scenario into tokens, on demand.
//!
//! The lexer is driven by the parser one token at a time rather than run ahead, because a few
//! places (keys and values in `set x=a,b`) read raw text that the ordinary token rules would cut
//! up. Positions are byte offsets into the line; they become character columns only when an
//! error is reported.

use super::error::ParseError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// A run of characters that are not white space or punctuation: keywords, numbers,
    /// durations, message kinds.
    Word(&'a str),
    /// A double-quoted string, escapes resolved.
    Str(String),
    Punct(&'static str),
    /// The end of the line, or a comment.
    End,
}

#[derive(Clone, Debug)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the token.
    pub end: usize,
}

impl Token<'_> {
    /// How the token reads in "found ..." messages.
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Word(w) => quote_for_message(w),
            Tok::Str(_) => "a quoted string".to_string(),
            Tok::Punct(p) => format!("\"{p}\""),
            Tok::End => "end of line".to_string(),
        }
    }

    pub fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    pub fn is_punct(&self, p: &str) -> bool {
        matches!(self.tok, Tok::Punct(q) if q == p)
    }
}

/// `"text"` with escapes, cut short so that a runaway token does not swamp the message.
pub(crate) fn quote_for_message(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut:?}…")
    } else {
        format!("{text:?}")
    }
}

/// Longest first, so that `<=` is not read as `<` then `=`.
const PUNCTS: [&str; 14] = [
    "==", "!=", "<=", ">=", "->", "..", "{", "}", ",", "=", "<", ">", "!", "+",
];

fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '{' | '}' | ',' | '=' | '<' | '>' | '!' | '+' | '"' | '#')
}

pub(crate) struct Line<'a> {
    /// 1-based.
    pub no: usize,
    pub text: &'a str,
    pub pos: usize,
}

impl<'a> Line<'a> {
    pub fn new(no: usize, text: &'a str) -> Line<'a> {
        Line { no, text, pos: 0 }
    }

    /// An error pointing at byte offset `at` of this line. Boxed, as everywhere in the parser:
    /// a one-word error keeps each of the parser's many `?` small (in the wasm, too).
    pub fn error(&self, at: usize, message: impl Into<String>) -> Box<ParseError> {
        let prefix = self.text.get(..at).unwrap_or(self.text);
        Box::new(ParseError {
            line: self.no,
            column: prefix.chars().count() + 1,
            message: message.into(),
            source_line: self.text.to_string(),
        })
    }

    fn rest_from(&self, at: usize) -> &'a str {
        self.text.get(at..).unwrap_or("")
    }

    pub fn skip_space_from(&self, at: usize) -> usize {
        let rest = self.rest_from(at);
        at + (rest.len() - rest.trim_start().len())
    }

    /// The next token, without consuming it.
    pub fn peek(&self) -> Result<Token<'a>, Box<ParseError>> {
        let start = self.skip_space_from(self.pos);
        let rest = self.rest_from(start);
        let Some(first) = rest.chars().next() else {
            // "Found end of line" points just past the last thing on the line.
            return Ok(Token {
                tok: Tok::End,
                start: self.pos,
                end: self.pos,
            });
        };
        if first == '#' {
            return Ok(Token {
                tok: Tok::End,
                start: self.pos,
                end: self.pos,
            });
        }
        if first == '"' {
            return self.string_at(start);
        }
        if let Some(p) = PUNCTS.iter().find(|p| rest.starts_with(**p)) {
            return Ok(Token {
                tok: Tok::Punct(p),
                start,
                end: start + p.len(),
            });
        }
        let mut len = 0;
        for c in rest.chars() {
            let after = self.rest_from(start + len);
            if ends_word(c) || after.starts_with("->") || after.starts_with("..") {
                break;
            }
            len += c.len_utf8();
        }
        let word = rest.get(..len).unwrap_or("");
        Ok(Token {
            tok: Tok::Word(word),
            start,
            end: start + len,
        })
    }

    pub fn next(&mut self) -> Result<Token<'a>, Box<ParseError>> {
        let token = self.peek()?;
        self.pos = token.end;
        Ok(token)
    }

    /// Reads the quoted string opening at byte `start`.
    fn string_at(&self, start: usize) -> Result<Token<'a>, Box<ParseError>> {
        let mut out = String::new();
        // Skip the opening quote.
        let body = start + 1;
        let mut chars = self.rest_from(body).char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    return Ok(Token {
                        tok: Tok::Str(out),
                        start,
                        end: body + i + 1,
                    });
                }
                '\\' => {
                    let escaped = match chars.next() {
                        Some((_, '"')) => '"',
                        Some((_, '\\')) => '\\',
                        Some((_, 'n')) => '\n',
                        Some((_, 'r')) => '\r',
                        Some((_, 't')) => '\t',
                        Some((_, other)) => {
                            return Err(self.error(
                                body + i,
                                format!(
                                    "unknown escape \"\\{}\" in a string; use \\\", \\\\, \\n, \\r or \\t",
                                    other.escape_debug()
                                ),
                            ))
                        }
                        None => break,
                    };
                    out.push(escaped);
                }
                c => out.push(c),
            }
        }
        Err(self.error(start, "unterminated string: missing the closing '\"'"))
    }

    /// Consumes `c` if it is the next character after white space.
    pub fn eat_char(&mut self, c: char) -> bool {
        let at = self.skip_space_from(self.pos);
        let found = self.rest_from(at).starts_with(c);
        if found {
            self.pos = at + c.len_utf8();
        }
        found
    }

    /// Consumes the longest run of characters after any white space that satisfy `keep`,
    /// returning its start and text. Consumes nothing when the run is empty.
    pub fn take_raw(&mut self, keep: impl Fn(char) -> bool) -> (usize, &'a str) {
        let start = self.skip_space_from(self.pos);
        let rest = self.rest_from(start);
        let len = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        if len > 0 {
            self.pos = start + len;
        }
        (start, rest.get(..len).unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Tok<'_>> {
        let mut line = Line::new(1, text);
        let mut out = Vec::new();
        loop {
            let t = line.next().unwrap();
            if t.tok == Tok::End {
                return out;
            }
            out.push(t.tok);
        }
    }

    #[test]
    fn splits_words_and_punctuation() {
        use Tok::*;
        assert_eq!(
            tokens("drop MsgApp 3->1 # x"),
            [
                Word("drop"),
                Word("MsgApp"),
                Word("3"),
                Punct("->"),
                Word("1")
            ]
        );
        assert_eq!(
            tokens("latency 10ms..30ms"),
            [Word("latency"), Word("10ms"), Punct(".."), Word("30ms")]
        );
        assert_eq!(
            tokens("partition {1, 2}{3}"),
            [
                Word("partition"),
                Punct("{"),
                Word("1"),
                Punct(","),
                Word("2"),
                Punct("}"),
                Punct("{"),
                Word("3"),
                Punct("}")
            ]
        );
        assert_eq!(
            tokens("a<=b!=c>d"),
            [
                Word("a"),
                Punct("<="),
                Word("b"),
                Punct("!="),
                Word("c"),
                Punct(">"),
                Word("d")
            ]
        );
        assert_eq!(
            tokens("at +1.5s pre-candidate"),
            [Word("at"), Punct("+"), Word("1.5s"), Word("pre-candidate")]
        );
        assert_eq!(tokens("héllo→x"), [Word("héllo→x")]);
    }

    #[test]
    fn strings_resolve_escapes_and_hide_comments() {
        assert_eq!(
            tokens(r#"pause "a \"b\" # c\\d\n" # e"#),
            [Tok::Word("pause"), Tok::Str("a \"b\" # c\\d\n".into())]
        );
        let e = Line::new(4, "pause \"abc").peek_after_word();
        assert_eq!((e.line, e.column), (4, 7));
        let e = Line::new(1, r#"pause "a\qb""#).peek_after_word();
        assert_eq!(e.column, 9);
        assert!(
            e.message.starts_with("unknown escape \"\\q\""),
            "{}",
            e.message
        );
    }

    impl Line<'_> {
        fn peek_after_word(mut self) -> ParseError {
            self.next().unwrap();
            *self.peek().unwrap_err()
        }
    }

    #[test]
    fn end_of_line_points_past_the_last_token() {
        let mut line = Line::new(1, "crash   # later");
        line.next().unwrap();
        let end = line.next().unwrap();
        assert_eq!(end.tok, Tok::End);
        assert_eq!(line.error(end.start, "x").column, 6);
    }
}
