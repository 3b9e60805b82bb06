//! The contract on the fake engine, in every run of the lib's tests.

use std::any::Any;
use std::net::IpAddr;
use std::sync::Arc;

use super::{Ending, Program, Subject};
use crate::engine::fake::{End, FakeEngine, Script};
use crate::engine::Engine;

const IMAGE: &str = "contract:1";

struct FakeSubject {
    engine: Arc<FakeEngine>,
    daemon_id: String,
}

/// Holds a port of the fake's host until dropped.
struct Held {
    engine: Arc<FakeEngine>,
    port: u16,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.engine.release_port(self.port);
    }
}

#[async_trait::async_trait]
impl Subject for FakeSubject {
    fn engine(&self) -> &dyn Engine {
        &*self.engine
    }

    fn daemon_id(&self) -> &str {
        &self.daemon_id
    }

    fn image(&self) -> &str {
        IMAGE
    }

    fn command(&self, name: &str, program: &Program) -> Vec<String> {
        let script = Script {
            output: program
                .output
                .iter()
                .map(|(o, line)| (*o, line.as_bytes().to_vec()))
                .collect(),
            end: match program.end {
                Ending::RunOn => End::RunOn,
                Ending::Exit(code) => End::Exit(code),
                Ending::Oom => End::Oom,
            },
        };
        self.engine.script(name, script);
        program.shell()
    }

    fn occupy(&self, _ip: IpAddr, port: u16) -> Box<dyn Any + Send> {
        self.engine.hold_port(port);
        Box::new(Held {
            engine: Arc::clone(&self.engine),
            port,
        })
    }

    async fn unreachable(&self) -> Arc<dyn Engine> {
        let engine = FakeEngine::new();
        engine.set_available(false);
        Arc::new(engine)
    }
}

async fn fake() -> Option<FakeSubject> {
    let engine = FakeEngine::new();
    engine.add_image(IMAGE);
    Some(FakeSubject {
        engine: Arc::new(engine),
        daemon_id: "contract-fake".into(),
    })
}

crate::engine_contract!(fake());
