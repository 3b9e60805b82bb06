//! Handlers for the feed: comments, votes, ratings and feedback (`crate::domain::feed`).

use hyper::Response;
use rsrc_shared::api::{CommentText, RatingSet, VoteSet};

use super::response::{self, Body};
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::domain::feed::{self, PageQuery};
use crate::error::{Error, Result};

fn machine(ctx: &Ctx) -> Result<String> {
    ctx.param("name").map(str::to_string)
}

fn comment_id(ctx: &Ctx) -> Result<i64> {
    let id = ctx.param("id")?;
    id.parse::<i64>()
        .map_err(|_| Error::invalid(format!("id: `{id}` is not a comment id")))
}

pub async fn post_comment(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: CommentText = ctx.json()?;
    let comment = feed::comment(&ctx.state, &caller, machine(&ctx)?, &req.text).await?;
    Ok(response::created(&comment))
}

pub async fn list_comments(ctx: Ctx, _caller: Caller) -> Result<Response<Body>> {
    let query: PageQuery = ctx.query()?;
    let page = feed::comments(&ctx.state, machine(&ctx)?, query).await?;
    Ok(response::ok(&page))
}

pub async fn edit_comment(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: CommentText = ctx.json()?;
    let comment = feed::edit_comment(&ctx.state, &caller, comment_id(&ctx)?, &req.text).await?;
    Ok(response::ok(&comment))
}

pub async fn remove_comment(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    feed::remove_comment(&ctx.state, &caller, comment_id(&ctx)?).await?;
    Ok(response::no_content())
}

pub async fn vote(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: VoteSet = ctx.json()?;
    let machine = feed::vote(&ctx.state, &caller, machine(&ctx)?, req.vote).await?;
    Ok(response::ok(&machine))
}

pub async fn unvote(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let machine = feed::unvote(&ctx.state, &caller, machine(&ctx)?).await?;
    Ok(response::ok(&machine))
}

pub async fn rate(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: RatingSet = ctx.json()?;
    let machine = feed::rate(&ctx.state, &caller, machine(&ctx)?, req).await?;
    Ok(response::ok(&machine))
}

pub async fn unrate(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let machine = feed::unrate(&ctx.state, &caller, machine(&ctx)?).await?;
    Ok(response::ok(&machine))
}

pub async fn feedback(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let list = feed::feedback(&ctx.state, &caller, machine(&ctx)?).await?;
    Ok(response::ok(&list))
}
