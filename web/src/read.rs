//! Reads the plain JS objects the page passes in (options, actions) property by property,
//! without a serde deserializer (serde-wasm-bindgen and the struct deserializers it needs
//! came to some 20 KB of the wasm). An error says what was expected and what came, in the
//! page's words: `nodes: expected a whole number from 0 to 4294967295, got the text "five"`.

use js_sys::{Array, ArrayBuffer, Number, Uint8Array};
use raft_sim::float::Float;
use raft_sim::Target;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A struct of optional properties that `from_js` fills in.
pub trait Fields: Default {
    /// The properties, as the page spells them, in the order they are read.
    const NAMES: &'static [&'static str];
    /// What a value that is not an object at all was expected to be ("an object of options, …").
    const EXPECTED: &'static str;
    /// Reads property `NAMES[i]` from `v` (null and undefined leave it unset); the error is
    /// the message.
    fn read(&mut self, i: usize, v: &JsValue) -> Result<(), String>;
}

/// Implements [`Fields`] for a struct of `Option`s from one list of its fields, each with the
/// property as the page spells it and the reader of its values (a function of this module),
/// in the order they are read:
/// `fields!(Options, "an object of options": nodes "nodes" u32, seed "seed" string);`
macro_rules! fields {
    ($t:ty, $expected:literal: $($field:ident $name:literal $read:ident),* $(,)?) => {
        impl $crate::read::Fields for $t {
            const NAMES: &'static [&'static str] = &[$($name),*];
            const EXPECTED: &'static str = $expected;

            fn read(&mut self, i: usize, v: &wasm_bindgen::JsValue) -> Result<(), String> {
                let mut n = 0;
                $(
                    if i == n {
                        self.$field = $crate::read::opt(v, $crate::read::$read)?;
                    }
                    n += 1;
                )*
                debug_assert!(i < n, "no property {i}");
                Ok(())
            }
        }
    };
}
pub(crate) use fields;

/// A plain JS object read as `T`; on failure, the property at fault (when the value is an
/// object) and the message.
pub fn from_js<T: Fields>(v: &JsValue) -> Result<T, (Option<String>, String)> {
    let mut out = T::default();
    // `read(i, value, into_out)`: reads into `out`, or (to test a value on its own) into a
    // fresh `T`.
    fill(v, T::NAMES, T::EXPECTED, &mut |i, value, into_out| {
        if into_out {
            out.read(i, value)
        } else {
            T::default().read(i, value)
        }
    })?;
    Ok(out)
}

/// The work of `from_js`, once for every `T`.
fn fill(
    v: &JsValue,
    names: &[&str],
    expected: &str,
    read: &mut dyn FnMut(usize, &JsValue, bool) -> Result<(), String>,
) -> Result<(), (Option<String>, String)> {
    let obj = v
        .dyn_ref::<js_sys::Object>()
        .filter(|_| !Array::is_array(v));
    let keys = obj.map(|o| js_sys::Object::keys(o).iter().collect::<Vec<_>>());
    let keys = keys.unwrap_or_default();
    let value = |key: &JsValue| js_sys::Reflect::get(v, key).unwrap_or(JsValue::UNDEFINED);
    // A plain object (an object literal) has no properties but its own keys: those are read
    // once here, and every other name is absent. Any other object (a class's instance, whose
    // prototype may have getters) is asked for each name. An action has fourteen names, and
    // asking for each (a string made in JS, a Reflect.get, each a call across the boundary)
    // took most of a cheap command's time: `heal` 15.6 us a call before, 6.7 after; a client
    // request 44.7 and 34.4 (the page's release build, median of seven rounds of 2,000).
    let plain = obj.is_some_and(is_plain);
    let mut own = vec![None; if plain { names.len() } else { 0 }];
    // A misspelt property would otherwise go unnoticed: look for those first (an undefined
    // value counts as absent).
    let position = |name: &str| names.iter().position(|n| *n == name);
    for key in &keys {
        let name = key.as_string().unwrap_or_default();
        match position(&name) {
            Some(i) if plain => own[i] = Some(value(key)),
            Some(_) => {}
            None if !value(key).is_undefined() => {
                let message = format!("{name:?} is not one of {}", names.join(", "));
                return Err((Some(name), message));
            }
            None => {}
        }
    }
    if !v.is_object() {
        return Err((None, invalid_type(v, expected)));
    }
    // (A plain object's absent names are left unset: what reading undefined does.)
    let error = names.iter().enumerate().find_map(|(i, name)| {
        let value = if plain {
            own[i].take()?
        } else {
            value(&JsValue::from_str(name))
        };
        read(i, &value, true).err()
    });
    let Some(error) = error else {
        return Ok(());
    };
    // The message is that of the first property in `NAMES` order that is wrong; the property
    // named is the first own property, in the object's order, that is wrong on its own.
    let field = keys.iter().find_map(|key| {
        let name = key.as_string()?;
        let i = position(&name)?;
        read(i, &value(key), false).is_err().then_some(name)
    });
    let message = match &field {
        Some(f) => format!("{f}: {error}"),
        None => error,
    };
    Err((field, message))
}

/// Whether `o` is a plain object: its prototype is `Object.prototype` (or none).
fn is_plain(o: &js_sys::Object) -> bool {
    thread_local! {
        static OBJECT_PROTOTYPE: js_sys::Object = js_sys::Object::get_prototype_of(&js_sys::Object::new());
    }
    let proto = js_sys::Object::get_prototype_of(o);
    proto.is_null() || OBJECT_PROTOTYPE.with(|p| js_sys::Object::is(&proto, p))
}

/// `read(v)` unless `v` is null or undefined.
pub fn opt<T>(v: &JsValue, read: fn(&JsValue) -> Result<T, String>) -> Result<Option<T>, String> {
    if v.loose_eq(&JsValue::NULL) {
        Ok(None)
    } else {
        read(v).map(Some)
    }
}

/// A whole number from 0 to 2^53 - 1.
fn safe_unsigned(v: &JsValue) -> Option<u64> {
    if !Number::is_safe_integer(v) {
        return None;
    }
    let x = v.as_f64()? as i64;
    u64::try_from(x).ok()
}

const U32: &str = "a whole number from 0 to 4294967295";
const U64: &str = "a whole number from 0 to 18446744073709551615";
const SEQUENCE: &str = "an array (or another iterable)";

pub fn u32(v: &JsValue) -> Result<u32, String> {
    let n = safe_unsigned(v).ok_or_else(|| invalid_type(v, U32))?;
    u32::try_from(n).map_err(|_| format!("expected {U32}, got {n}"))
}

pub fn u64(v: &JsValue) -> Result<u64, String> {
    if v.is_bigint() {
        return u64::try_from(v.clone())
            .map_err(|_| format!("expected {U64}, got the BigInt {}", js_string(v)));
    }
    safe_unsigned(v).ok_or_else(|| invalid_type(v, U64))
}

/// A node named by its id, or `"leader"`: whoever leads when the command runs, as the
/// scenario language's `crash leader` names it.
pub fn target(v: &JsValue) -> Result<Target, String> {
    if v.as_string().as_deref() == Some("leader") {
        return Ok(Target::Leader);
    }
    if v.is_bigint() {
        return u64(v).map(Target::Node);
    }
    safe_unsigned(v)
        .map(Target::Node)
        .ok_or_else(|| invalid_type(v, "a node id (a whole number) or \"leader\""))
}

pub fn f64(v: &JsValue) -> Result<f64, String> {
    v.as_f64().ok_or_else(|| invalid_type(v, "a number"))
}

pub fn bool(v: &JsValue) -> Result<bool, String> {
    v.as_bool().ok_or_else(|| invalid_type(v, "true or false"))
}

pub fn string(v: &JsValue) -> Result<String, String> {
    v.as_string().ok_or_else(|| invalid_type(v, "a string"))
}

/// Groups of node ids: an array (or any iterable) of arrays (or iterables) of ids.
pub fn groups(v: &JsValue) -> Result<Vec<Vec<u64>>, String> {
    seq(v, |g| seq(g, u64))
}

/// Node ids: an array (or any iterable) of ids.
pub fn ids(v: &JsValue) -> Result<Vec<u64>, String> {
    seq(v, u64)
}

/// The items of an array or any other iterable.
fn seq<T>(v: &JsValue, item: impl Fn(&JsValue) -> Result<T, String>) -> Result<Vec<T>, String> {
    if let Some(array) = v.dyn_ref::<Array>() {
        return array.iter().map(|x| item(&x)).collect();
    }
    // A primitive is no sequence (a string would be asked for its iterator, and JS's
    // `Reflect.get` throws a TypeError on a primitive: its words are no help to the reader).
    if !v.is_object() {
        return Err(invalid_type(v, SEQUENCE));
    }
    match js_sys::try_iter(v) {
        Ok(Some(iter)) => iter
            .map(|x| x.map_err(|e| js_string(&e)).and_then(|x| item(&x)))
            .collect(),
        Ok(None) => Err(invalid_type(v, SEQUENCE)),
        Err(e) => Err(js_string(&e)),
    }
}

#[wasm_bindgen]
extern "C" {
    /// JS `String(value)`: how a thrown error reads ("TypeError: ...").
    #[wasm_bindgen(js_name = String)]
    fn js_string(value: &JsValue) -> String;
}

/// `v` is not what was `expected`: what it is, as a reader would name it.
fn invalid_type(v: &JsValue, expected: &str) -> String {
    let found = if v.is_null() {
        "null".to_string()
    } else if v.is_undefined() {
        "undefined".to_string()
    } else if let Some(b) = v.as_bool() {
        b.to_string()
    } else if let Some(x) = v.as_f64() {
        Float(x).to_string()
    } else if let Some(s) = v.as_string() {
        format!("the text {s:?}")
    } else if v.is_bigint() {
        format!("the BigInt {}", js_string(v))
    } else if v.is_instance_of::<Uint8Array>() || v.is_instance_of::<ArrayBuffer>() {
        "bytes".to_string()
    } else if Array::is_array(v) {
        "an array".to_string()
    } else if v.is_function() {
        "a function".to_string()
    } else if v.is_symbol() {
        "a symbol".to_string()
    } else {
        "an object".to_string()
    };
    format!("expected {expected}, got {found}")
}
