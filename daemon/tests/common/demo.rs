//! The demo service images (`scripts/images`) and their machine files, for the tests of real
//! services.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const REDIS_IMAGE: &str = "rsrc-demo/redis:7";
pub const POSTGRES_IMAGE: &str = "rsrc-demo/postgres:15";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// Whether the demo images are there, building them (scripts/images, cached) when this runs
/// as root; without them the test skips, unless RSRC_REQUIRE_DOCKER=1.
pub fn demo_images_or_skip() -> bool {
    if !super::docker_or_skip() {
        return false;
    }
    if nix::unistd::geteuid().is_root() {
        let built = Command::new("bash")
            .arg("-c")
            .arg("source scripts/lib.sh && ensure_demo_images")
            .current_dir(repo())
            .status()
            .expect("bash");
        assert!(built.success(), "scripts/images failed");
    }
    let present = |image: &str| super::docker_ok(&["image", "inspect", image]);
    let ok = present(REDIS_IMAGE) && present(POSTGRES_IMAGE);
    if !ok {
        if std::env::var("RSRC_REQUIRE_DOCKER").as_deref() == Ok("1") {
            panic!(
                "{REDIS_IMAGE} or {POSTGRES_IMAGE} is missing, and RSRC_REQUIRE_DOCKER=1 \
                 (build them with scripts/images, as root)"
            );
        }
        eprintln!("skipping: the demo images are missing (scripts/images builds them, as root)");
    }
    ok
}

/// Applies contrib/machines/redis.toml and postgres.toml as `admin`.
pub fn apply_demo_machines(admin: &super::Client) {
    for file in ["redis.toml", "postgres.toml"] {
        let path = repo().join("contrib/machines").join(file);
        admin
            .run(&["machine", "apply", "-f", path.to_str().expect("utf-8 path")])
            .expect_code(0);
    }
}
