//! wasm-bindgen tests: they run in headless Chromium (`wasm-pack test --headless --chrome`)
//! and exercise the API exactly as the page calls it.
#![cfg(target_arch = "wasm32")]

use raft_web::{reference_run, Sim, REFERENCE_HASH};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn wasm_and_native_give_the_same_trace_hash() {
    // REFERENCE_HASH was computed by the native build (see the native test of the same run).
    assert_eq!(reference_run().0, REFERENCE_HASH);
}

#[wasm_bindgen_test]
fn a_cluster_elects_a_leader_and_the_frame_shows_it() {
    let mut sim = Sim::new(obj(&[("nodes", 5.into()), ("seed", "7".into())])).unwrap();
    sim.advance(2_000_000.0);
    let f = sim.frame(0.0, JsValue::UNDEFINED).unwrap();
    let leader = get(&f, "leader").as_f64().unwrap();
    assert!(leader >= 1.0);
    let nodes = js_sys::Array::from(&get(&f, "nodes"));
    assert_eq!(nodes.length(), 5);
    let roles: Vec<String> = nodes
        .iter()
        .map(|n| get(&n, "role").as_string().unwrap())
        .collect();
    assert_eq!(roles.iter().filter(|r| *r == "leader").count(), 1);
    assert!(js_sys::Array::from(&get(&f, "lines")).length() > 10);
}

#[wasm_bindgen_test]
fn commands_change_the_cluster_and_bad_ones_throw_with_a_message() {
    let mut sim = Sim::new(obj(&[("seed", "3".into())])).unwrap();
    sim.advance(2_000_000.0);
    let leader = get(&sim.frame(0.0, JsValue::UNDEFINED).unwrap(), "leader")
        .as_f64()
        .unwrap();
    sim.command(obj(&[("op", "crash".into()), ("node", leader.into())]))
        .unwrap();
    sim.advance(2_000_000.0);
    let f = sim.frame(0.0, JsValue::UNDEFINED).unwrap();
    assert_ne!(get(&f, "leader").as_f64().unwrap(), leader);
    let err = sim
        .command(obj(&[("op", "crash".into()), ("node", 9.into())]))
        .unwrap_err();
    let msg = js_sys::Error::from(JsValue::from(err))
        .message()
        .as_string()
        .unwrap();
    assert!(msg.contains("node 9 is not in the cluster"), "{msg}");
}

#[wasm_bindgen_test]
fn a_frame_carries_the_logs_it_is_asked_for() {
    let mut sim = Sim::new(obj(&[("seed", "3".into())])).unwrap();
    sim.advance(2_000_000.0);
    let log_len = |f: &JsValue, i: u32| {
        let nodes = js_sys::Array::from(&get(f, "nodes"));
        js_sys::Array::from(&get(&nodes.get(i), "log")).length()
    };
    let all = sim.frame(0.0, JsValue::TRUE).unwrap();
    assert!((0..5).all(|i| log_len(&all, i) > 0), "every node's log");
    let none = sim.frame(0.0, JsValue::FALSE).unwrap();
    assert!((0..5).all(|i| log_len(&none, i) == 0), "no log at all");
    let some = sim
        .frame(0.0, js_sys::Array::of2(&2.into(), &4.into()).into())
        .unwrap();
    let lens: Vec<u32> = (0..5).map(|i| log_len(&some, i)).collect();
    assert!(lens[1] > 0 && lens[3] > 0, "nodes 2 and 4: {lens:?}");
    assert!(
        lens[0] == 0 && lens[2] == 0 && lens[4] == 0,
        "only nodes 2 and 4: {lens:?}"
    );
    assert!(sim.frame(0.0, JsValue::from_str("all")).is_err());
}

#[wasm_bindgen_test]
fn bad_options_throw_with_a_message() {
    let err = Sim::new(obj(&[("nodes", 0.into())])).err().unwrap();
    let msg = js_sys::Error::from(JsValue::from(err))
        .message()
        .as_string()
        .unwrap();
    assert!(msg.contains("nodes must be between 1 and 51"), "{msg}");
}

#[wasm_bindgen_test]
fn seeking_back_and_forth_reproduces_the_run() {
    let mut sim = Sim::new(obj(&[("seed", "5".into())])).unwrap();
    sim.advance(3_000_000.0);
    let hash = sim.trace_hash();
    sim.seek(1_000_000.0);
    assert_eq!(sim.now(), 1_000_000.0);
    sim.seek(3_000_000.0);
    assert_eq!(sim.trace_hash(), hash);
}
