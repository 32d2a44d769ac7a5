//! wasm-bindgen tests: they run in headless Chromium (`wasm-pack test --headless --chrome`)
//! and exercise the API exactly as the page calls it.
#![cfg(target_arch = "wasm32")]

use raft_web::{reference_run, Sim, REFERENCE_HASH};
use wasm_bindgen::{JsCast, JsValue};
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

/// The `name`, `message` and `field` of a thrown error.
fn thrown(err: JsValue) -> (String, String, JsValue) {
    let e = js_sys::Error::from(err.clone());
    (
        e.name().as_string().unwrap(),
        e.message().as_string().unwrap(),
        get(&err, "field"),
    )
}

#[wasm_bindgen_test]
fn commands_change_the_cluster_and_refused_ones_throw_a_command_error() {
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
    assert!(err.is_instance_of::<js_sys::Error>());
    let (name, msg, field) = thrown(err);
    assert_eq!(name, "CommandError");
    assert!(msg.contains("node 9 is not in the cluster"), "{msg}");
    assert_eq!(field.as_string().as_deref(), Some("node"));
    // A node already down is the node's fault too.
    let err = sim
        .command(obj(&[("op", "crash".into()), ("node", leader.into())]))
        .unwrap_err();
    assert_eq!(
        thrown(err).2.as_string().as_deref(),
        Some("node"),
        "already down"
    );
}

#[wasm_bindgen_test]
fn a_malformed_command_names_the_property_at_fault() {
    let mut sim = Sim::new(obj(&[("seed", "3".into())])).unwrap();
    sim.advance(1_000_000.0);
    let cases: [(JsValue, &str); 7] = [
        (obj(&[("op", "explode".into())]), "op"),
        (obj(&[("node", 1.into())]), "op"),
        (
            obj(&[("op", "crash".into()), ("node", "one".into())]),
            "node",
        ),
        (
            obj(&[
                ("op", "crash".into()),
                ("node", 1.into()),
                ("nod", 2.into()),
            ]),
            "nod",
        ),
        (obj(&[("op", "crash".into())]), "node"),
        (
            obj(&[("op", "request".into()), ("key", "1x".into())]),
            "key",
        ),
        (
            obj(&[("op", "partition".into()), ("groups", 3.into())]),
            "groups",
        ),
    ];
    for (action, want) in cases {
        let (name, msg, field) = thrown(sim.command(action).unwrap_err());
        assert_eq!(name, "CommandError", "{msg}");
        assert_eq!(field.as_string().as_deref(), Some(want), "{msg}");
    }
    // No leader to send a request to: nothing the page gave was wrong.
    for id in 1..=3 {
        let _ = sim.command(obj(&[("op", "crash".into()), ("node", id.into())]));
    }
    let err = sim
        .command(obj(&[("op", "request".into()), ("key", "x".into())]))
        .unwrap_err();
    let (name, msg, field) = thrown(err);
    assert_eq!(name, "CommandError");
    assert!(field.is_undefined(), "{msg}");
}

#[wasm_bindgen_test]
fn an_action_is_read_from_a_literal_and_from_any_other_object() {
    let mut sim = Sim::new(obj(&[("seed", "3".into())])).unwrap();
    sim.advance(1_500_000.0);
    // A literal: its own properties.
    sim.command(obj(&[
        ("op", "request".into()),
        ("key", "a".into()),
        ("value", "1".into()),
    ]))
    .unwrap();
    // An object whose properties come from its prototype (a class's getters, say): read too.
    let proto: js_sys::Object =
        obj(&[("op", "request".into()), ("key", "b".into())]).unchecked_into();
    let action = js_sys::Object::create(&proto);
    js_sys::Reflect::set(&action, &"value".into(), &"2".into()).unwrap();
    sim.command(action.into()).unwrap();
    let script = sim.export_script();
    assert!(script.contains("request set a=1"), "{script}");
    assert!(script.contains("request set b=2"), "{script}");
    // A misspelt property is still named.
    let bad = obj(&[("op", "request".into()), ("kee", "c".into())]);
    let (_, msg, field) = thrown(sim.command(bad).unwrap_err());
    assert_eq!(field.as_string().as_deref(), Some("kee"), "{msg}");
    // An undefined property counts as absent, in a literal as before.
    sim.command(obj(&[
        ("op", "request".into()),
        ("key", "d".into()),
        ("via", JsValue::UNDEFINED),
    ]))
    .unwrap();
}

#[wasm_bindgen_test]
fn normal_calls_do_not_throw() {
    let mut sim = Sim::new(JsValue::UNDEFINED).unwrap();
    sim.advance(1_500_000.0);
    sim.command(obj(&[
        ("op", "request".into()),
        ("key", "x".into()),
        ("value", "1".into()),
    ]))
    .unwrap();
    sim.command(obj(&[("op", "heal".into()), ("note", JsValue::UNDEFINED)]))
        .unwrap();
    sim.command(obj(&[
        ("op", "network".into()),
        ("latencyMinMs", 5.into()),
        ("latencyMaxMs", 20.into()),
        ("loss", 0.into()),
    ]))
    .unwrap();
    sim.advance(500_000.0);
    let f = sim.frame(0.0, JsValue::TRUE).unwrap();
    let requests = get(&f, "requests");
    assert_eq!(get(&requests, "committed").as_f64(), Some(1.0));
    assert_eq!(get(&requests, "timedOut").as_f64(), Some(0.0));
    let nodes = js_sys::Array::from(&get(&f, "nodes"));
    for n in nodes.iter() {
        let held = get(&n, "committedHeld").as_f64().unwrap();
        assert!(held >= get(&n, "commit").as_f64().unwrap());
    }
    assert!(sim.prometheus().contains("# HELP raftsim_messages_sent "));
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
}

#[wasm_bindgen_test]
fn bad_options_throw_an_options_error_naming_the_option() {
    let cases: [(JsValue, &str, &str); 5] = [
        (
            obj(&[("nodes", 0.into())]),
            "nodes",
            "nodes must be between 1 and 51",
        ),
        (obj(&[("nodes", "five".into())]), "nodes", "nodes"),
        (
            obj(&[("seed", "1".into()), ("nodez", 3.into())]),
            "nodez",
            "nodez",
        ),
        (
            obj(&[("loss", 2.into())]),
            "loss",
            "loss must be a probability",
        ),
        (
            obj(&[("electionMs", 100.into()), ("heartbeatMs", 100.into())]),
            "heartbeatMs",
            "shorter",
        ),
    ];
    for (options, want, text) in cases {
        let (name, msg, field) = thrown(Sim::new(options).err().unwrap());
        assert_eq!(name, "OptionsError", "{msg}");
        assert_eq!(field.as_string().as_deref(), Some(want), "{msg}");
        assert!(msg.contains(text), "{msg}");
    }
    let (name, _, field) = thrown(Sim::new(JsValue::from(5)).err().unwrap());
    assert_eq!(name, "OptionsError");
    assert!(field.is_undefined(), "not an object: no option to name");
}

#[wasm_bindgen_test]
fn a_bad_script_throws_a_scenario_error_with_its_position() {
    let err = Sim::from_scenario("nodes 3\ncrsh 2\n").err().unwrap();
    let (name, msg, _) = thrown(err.clone());
    assert_eq!(name, "ScenarioError");
    assert!(msg.starts_with("line 2, column 1: "), "{msg}");
    assert!(msg.ends_with("  ^"), "the caret line: {msg}");
    assert_eq!(get(&err, "line").as_f64(), Some(2.0));
    assert_eq!(get(&err, "column").as_f64(), Some(1.0));
    let mut sim = Sim::from_scenario("nodes 3\nrun 100ms\npause \"one\"\n").unwrap();
    let (name, _, field) = thrown(sim.goto_step(2).unwrap_err());
    assert_eq!(
        (name.as_str(), field.as_string().as_deref()),
        ("CommandError", Some("step"))
    );
    sim.goto_step(1).unwrap();
}

#[wasm_bindgen_test]
fn a_bad_frame_detail_throws_a_frame_error() {
    let sim = Sim::new(obj(&[("seed", "3".into())])).unwrap();
    let (name, msg, _) = thrown(sim.frame(0.0, JsValue::from_str("all")).unwrap_err());
    assert_eq!(name, "FrameError");
    assert!(msg.contains("detail must be"), "{msg}");
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

#[wasm_bindgen_test]
fn a_value_of_the_wrong_type_says_what_was_expected() {
    let big = js_sys::BigInt::from(u64::MAX).into();
    let big = js_sys::Reflect::apply(
        &js_sys::Function::new_with_args("b", "return b * 2n"),
        &JsValue::NULL,
        &js_sys::Array::of1(&big),
    )
    .unwrap();
    let options: [(JsValue, Option<&str>, &str); 8] = [
        (
            obj(&[("nodes", "five".into())]),
            Some("nodes"),
            "nodes: expected a whole number from 0 to 4294967295, got the text \"five\"",
        ),
        (
            obj(&[("nodes", 3.5.into())]),
            Some("nodes"),
            "nodes: expected a whole number from 0 to 4294967295, got 3.5",
        ),
        (
            obj(&[("snapshotEvery", (-5).into())]),
            Some("snapshotEvery"),
            "snapshotEvery: expected a whole number from 0 to 4294967295, got -5",
        ),
        (
            obj(&[("nodes", JsValue::from_f64(4_294_967_296.0))]),
            Some("nodes"),
            "nodes: expected a whole number from 0 to 4294967295, got 4294967296",
        ),
        (
            obj(&[("prevote", JsValue::from_f64(f64::NAN))]),
            Some("prevote"),
            "prevote: expected true or false, got NaN",
        ),
        (
            obj(&[("electionMs", 0.1.into())]),
            Some("electionMs"),
            "electionMs must be between 10 and 60000 ms, got 0.1",
        ),
        (
            JsValue::from(5),
            None,
            "expected an object of options, such as {nodes: 5, seed: \"1\"}, got 5",
        ),
        (
            // The message is that of the first bad option in the order they are read; the
            // option named is the first bad one in the object.
            obj(&[("loss", "y".into()), ("nodes", "x".into())]),
            Some("loss"),
            "loss: expected a whole number from 0 to 4294967295, got the text \"x\"",
        ),
    ];
    for (options, field, want) in options {
        let (name, msg, got) = thrown(Sim::new(options).err().unwrap());
        assert_eq!(name, "OptionsError");
        assert_eq!((got.as_string().as_deref(), msg.as_str()), (field, want));
    }
    let mut sim = Sim::new(obj(&[("seed", "3".into())])).unwrap();
    let actions: [(JsValue, Option<&str>, &str); 8] = [
        (
            JsValue::NULL,
            None,
            "expected an action, an object such as {op: \"crash\", node: 1}, got null",
        ),
        (
            // A node is an id or "leader", nothing else.
            obj(&[("op", "remove".into()), ("node", "lead".into())]),
            Some("node"),
            "node: expected a node id (a whole number) or \"leader\", got the text \"lead\"",
        ),
        (
            obj(&[("op", "crash".into()), ("node", big)]),
            Some("node"),
            "node: expected a whole number from 0 to 18446744073709551615, got the BigInt 36893488147419103230",
        ),
        (
            obj(&[("op", "partition".into()), ("groups", obj(&[]))]),
            Some("groups"),
            "groups: expected an array (or another iterable), got an object",
        ),
        (
            obj(&[
                ("op", "partition".into()),
                (
                    "groups",
                    js_sys::Array::of1(&js_sys::Array::of1(&"x".into())).into(),
                ),
            ]),
            Some("groups"),
            "groups: expected a whole number from 0 to 18446744073709551615, got the text \"x\"",
        ),
        (
            obj(&[("op", "partition".into()), ("groups", "x".into())]),
            Some("groups"),
            "groups: expected an array (or another iterable), got the text \"x\"",
        ),
        (
            obj(&[
                ("op", "partition".into()),
                ("groups", js_sys::Array::of1(&"12".into()).into()),
            ]),
            Some("groups"),
            "groups: expected an array (or another iterable), got the text \"12\"",
        ),
        (
            obj(&[("op", "drop".into()), ("id", (-3).into())]),
            Some("id"),
            "id: expected a whole number from 0 to 18446744073709551615, got -3",
        ),
    ];
    for (action, field, want) in actions {
        let (name, msg, got) = thrown(sim.command(action).unwrap_err());
        assert_eq!(name, "CommandError");
        assert_eq!((got.as_string().as_deref(), msg.as_str()), (field, want));
    }
    // Groups may be any iterable of iterables.
    let set = js_sys::Set::new(&js_sys::Array::of2(&1.into(), &2.into()));
    let groups = js_sys::Array::of2(&set, &js_sys::Array::of1(&3.into()));
    sim.command(obj(&[
        ("op", "partition".into()),
        ("groups", groups.into()),
    ]))
    .unwrap();
}
