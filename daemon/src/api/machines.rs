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
pub async fn update(_ctx: Ctx, _n: &str) -> Result<Response<Body>> {
    todo()
}
pub async fn apply(_ctx: Ctx, _n: &str) -> Result<Response<Body>> {
    todo()
}
pub async fn remove(_ctx: Ctx, _n: &str) -> Result<Response<Body>> {
    todo()
}
pub async fn pull(_ctx: Ctx) -> Result<Response<Body>> {
    todo()
}
