//! How long building one frame snapshot takes natively (the page builds one per animation
//! frame): `cargo run --release -p raft-web --example frame_cost`.

use raft_sim::{Command, KvOp};
use raft_web::options::Options;
use raft_web::Sim;
use std::time::Instant;

fn main() {
    for nodes in [5u32, 9, 51] {
        let opts = Options {
            nodes: Some(nodes),
            seed: Some("1".into()),
            ..Options::default()
        };
        let mut sim = Sim::from_options(&opts).expect("valid");
        sim.timeline_mut().run_until(2_000_000);
        for i in 0..200 {
            let _ = sim.act(Command::Request {
                via: None,
                op: KvOp::Set {
                    key: format!("k{}", i % 7),
                    value: i.to_string(),
                },
            });
            sim.timeline_mut().advance(20_000);
        }
        let n = 2_000;
        let t = Instant::now();
        let mut sink = 0usize;
        for _ in 0..n {
            let f = raft_web::view::frame(sim.timeline().cluster(), 0, u64::MAX, true);
            sink += f.messages.len() + f.nodes.len();
        }
        let per = t.elapsed().as_secs_f64() / n as f64 * 1e6;
        let t = Instant::now();
        for _ in 0..n {
            sim.timeline_mut().advance(16_667);
        }
        let adv = t.elapsed().as_secs_f64() / n as f64 * 1e6;
        println!("{nodes:>2} nodes: frame {per:.1} us, advance(1 frame at 1x) {adv:.1} us ({sink} items)");
    }
}
