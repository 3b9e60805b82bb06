use hyper::Response;

use super::response::Body;
use super::Ctx;
use crate::error::{Error, Result};

fn todo() -> Result<Response<Body>> {
    Err(Error::internal("not implemented yet"))
}
pub async fn list(_ctx: Ctx) -> Result<Response<Body>> {
    todo()
}
pub async fn create(_ctx: Ctx) -> Result<Response<Body>> {
    todo()
}
pub async fn show(_ctx: Ctx, _n: &str) -> Result<Response<Body>> {
    todo()
}
pub async fn remove(_ctx: Ctx, _n: &str) -> Result<Response<Body>> {
    todo()
}
pub async fn logs(_ctx: Ctx, _n: &str) -> Result<Response<Body>> {
    todo()
}
pub async fn action(_ctx: Ctx, _n: &str, _a: &str) -> Result<Response<Body>> {
    todo()
}
pub async fn orphans(_ctx: Ctx) -> Result<Response<Body>> {
    todo()
}
pub async fn list_volumes(_ctx: Ctx) -> Result<Response<Body>> {
    todo()
}
pub async fn remove_volume(_ctx: Ctx, _n: &str) -> Result<Response<Body>> {
    todo()
}
