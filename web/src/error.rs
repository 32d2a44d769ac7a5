//! The errors the `Sim` API throws. Each kind is a small Rust type; at the boundary each
//! becomes a JS `Error` whose `name` says which kind it is, so the page can tell them apart
//! with `e.name` (and never by the words of the message):
//!
//! | `name` | thrown by | extra properties |
//! |---|---|---|
//! | `CommandError` | `command`, `gotoStep` | `field`: the argument at fault (`op`, `node`, `via`, `groups`, `key`, `id`, `step`, ...), when one was |
//! | `OptionsError` | `new Sim(options)` | `field`: the option at fault (absent only when `options` is not an object) |
//! | `ScenarioError` | `Sim.fromScenario` | `line`, `column` (1-based), where the parser knows them |
//! | `FrameError` | `frame` | none |
//!
//! A panic is none of these: it stays a `WebAssembly.RuntimeError`.

use std::fmt;
use wasm_bindgen::JsValue;

/// A command the simulator refused (the run is unchanged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError {
    /// The property of the command at fault (as the page spells it), when one was.
    pub field: Option<String>,
    pub message: String,
}

/// A bad option for a new cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError {
    /// The option at fault (as the page spells it); None only when the options as a whole
    /// are not an object.
    pub field: Option<String>,
    pub message: String,
}

/// A scenario script that does not parse, or whose settings are not a valid cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// 1-based, where the parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The parser's full text (with the source line and a caret under the column).
    pub message: String,
}

/// A bad argument to `frame`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameError {
    pub message: String,
}

/// Any error the API throws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    Command(CommandError),
    Options(OptionsError),
    Scenario(ScenarioError),
    Frame(FrameError),
}

/// A typed error's text. Every conversion of a Rust error into one of these goes through
/// here, so the wasm holds one copy of the formatting code rather than one per caller.
#[inline(never)]
pub fn words(e: &dyn fmt::Display) -> String {
    e.to_string()
}

impl CommandError {
    pub fn new(field: Option<&str>, message: impl Into<String>) -> CommandError {
        CommandError {
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl OptionsError {
    pub fn new(field: Option<&str>, message: impl Into<String>) -> OptionsError {
        OptionsError {
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

impl From<raft_sim::scenario::ParseError> for ScenarioError {
    fn from(e: raft_sim::scenario::ParseError) -> ScenarioError {
        ScenarioError {
            line: Some(e.line),
            column: Some(e.column),
            message: e.to_string(),
        }
    }
}

impl Error {
    /// The JS `name` of the error.
    pub fn name(&self) -> &'static str {
        match self {
            Error::Command(_) => "CommandError",
            Error::Options(_) => "OptionsError",
            Error::Scenario(_) => "ScenarioError",
            Error::Frame(_) => "FrameError",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Command(e) => &e.message,
            Error::Options(e) => &e.message,
            Error::Scenario(e) => &e.message,
            Error::Frame(e) => &e.message,
        }
    }

    /// The extra properties of the JS error, numbers as f64.
    pub fn properties(&self) -> Vec<(&'static str, Prop<'_>)> {
        fn field(f: &Option<String>) -> Vec<(&'static str, Prop<'_>)> {
            f.as_deref()
                .map(|f| ("field", Prop::Str(f)))
                .into_iter()
                .collect()
        }
        match self {
            Error::Command(e) => field(&e.field),
            Error::Options(e) => field(&e.field),
            Error::Scenario(e) => [("line", e.line), ("column", e.column)]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, Prop::Num(v as f64))))
                .collect(),
            Error::Frame(_) => Vec::new(),
        }
    }
}

/// A value of an extra property.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Prop<'a> {
    Str(&'a str),
    Num(f64),
}

macro_rules! display_and_wrap {
    ($($t:ident => $v:ident),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.message)
            }
        }
        impl std::error::Error for $t {}
        impl From<$t> for Error {
            fn from(e: $t) -> Error {
                Error::$v(e)
            }
        }
        impl From<$t> for JsValue {
            fn from(e: $t) -> JsValue {
                Error::$v(e).into()
            }
        }
    )*};
}
display_and_wrap!(CommandError => Command, OptionsError => Options, ScenarioError => Scenario, FrameError => Frame);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// The one place a Rust error becomes a JS one: an `Error` with this message, this `name`
/// and these properties.
impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let js = js_sys::Error::new(e.message());
        js.set_name(e.name());
        for (key, value) in e.properties() {
            let value = match value {
                Prop::Str(s) => JsValue::from_str(s),
                Prop::Num(n) => JsValue::from_f64(n),
            };
            // Setting a property on a fresh Error cannot fail.
            let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &value);
        }
        js.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_name_and_properties() {
        let c: Error = CommandError::new(Some("node"), "node 9 is not in the cluster").into();
        assert_eq!(c.name(), "CommandError");
        assert_eq!(c.properties(), vec![("field", Prop::Str("node"))]);
        assert_eq!(c.to_string(), "node 9 is not in the cluster");
        let none: Error = CommandError::new(None, "no leader").into();
        assert!(
            none.properties().is_empty(),
            "no field when no argument is at fault"
        );

        let o: Error = OptionsError::new(Some("loss"), "loss must be a probability").into();
        assert_eq!(o.name(), "OptionsError");
        assert_eq!(o.properties(), vec![("field", Prop::Str("loss"))]);

        let s: Error = ScenarioError {
            line: Some(2),
            column: Some(1),
            message: "line 2, column 1: ...".into(),
        }
        .into();
        assert_eq!(s.name(), "ScenarioError");
        assert_eq!(
            s.properties(),
            vec![("line", Prop::Num(2.0)), ("column", Prop::Num(1.0))]
        );
        let f: Error = FrameError {
            message: "frame: detail".into(),
        }
        .into();
        assert_eq!((f.name(), f.properties()), ("FrameError", vec![]));
    }

    #[test]
    fn a_parse_error_keeps_its_position_and_full_text() {
        let e = raft_sim::scenario::parse("nodes 3\ncrsh 2\n").unwrap_err();
        let s = ScenarioError::from(e.clone());
        assert_eq!((s.line, s.column), (Some(2), Some(1)));
        assert_eq!(s.message, e.to_string());
        assert!(s.message.contains('^'), "the caret line: {}", s.message);
    }
}
