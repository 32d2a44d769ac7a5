//! The error a malformed scenario produces.

use std::fmt;

/// Where a scenario stops making sense, and why.
///
/// `Display` prints `line L, column C: message`, then the source line and a caret under the
/// column, ready to show to the author as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters (not bytes) of the source line; one past its end when something is
    /// missing at the end of the line.
    pub column: usize,
    /// What was expected and what was found instead.
    pub message: String,
    /// The text of the offending line, without its line terminator.
    pub source_line: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )?;
        writeln!(f, "  {}", self.source_line)?;
        // Tabs are copied so that the caret lines up however wide the terminal draws them.
        let pad: String = self
            .source_line
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "  {pad}^")
    }
}

impl std::error::Error for ParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_line_and_a_caret() {
        let e = ParseError {
            line: 3,
            column: 8,
            message: "expected a node id (1..=5) or \"leader\", found \"x\"".into(),
            source_line: "\tcrash x".into(),
        };
        assert_eq!(
            e.to_string(),
            "line 3, column 8: expected a node id (1..=5) or \"leader\", found \"x\"\n  \tcrash x\n  \t      ^"
        );
    }
}
