//! Handlers for the feed: comments, votes, ratings and feedback (`crate::domain::feed`).

use rsrc_shared::api::endpoints::NoBody;
use rsrc_shared::api::query::{CommentsQuery, NoQuery};
use rsrc_shared::api::{Comment, CommentText, Feedback, Machine, RatingSet, VoteSet};

use super::Ctx;
use crate::domain::accounts::Caller;
use crate::domain::feed;
use crate::error::{Error, Result};

fn machine(ctx: &Ctx) -> Result<String> {
    ctx.param("name").map(str::to_string)
}

fn comment_id(ctx: &Ctx) -> Result<i64> {
    let id = ctx.param("id")?;
    id.parse::<i64>()
        .map_err(|_| Error::invalid(format!("id: `{id}` is not a comment id")))
}

pub async fn post_comment(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    req: CommentText,
) -> Result<Comment> {
    feed::comment(&ctx.state, &caller, machine(&ctx)?, &req.text).await
}

pub async fn list_comments(
    ctx: Ctx,
    _caller: Caller,
    query: CommentsQuery,
    _: NoBody,
) -> Result<Vec<Comment>> {
    feed::comments(&ctx.state, machine(&ctx)?, query).await
}

pub async fn edit_comment(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    req: CommentText,
) -> Result<Comment> {
    feed::edit_comment(&ctx.state, &caller, comment_id(&ctx)?, &req.text).await
}

pub async fn remove_comment(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<()> {
    feed::remove_comment(&ctx.state, &caller, comment_id(&ctx)?).await
}

pub async fn vote(ctx: Ctx, caller: Caller, _: NoQuery, req: VoteSet) -> Result<Machine> {
    feed::vote(&ctx.state, &caller, machine(&ctx)?, req.vote).await
}

pub async fn unvote(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Machine> {
    feed::unvote(&ctx.state, &caller, machine(&ctx)?).await
}

pub async fn rate(ctx: Ctx, caller: Caller, _: NoQuery, req: RatingSet) -> Result<Machine> {
    feed::rate(&ctx.state, &caller, machine(&ctx)?, req).await
}

pub async fn unrate(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Machine> {
    feed::unrate(&ctx.state, &caller, machine(&ctx)?).await
}

pub async fn feedback(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Vec<Feedback>> {
    feed::feedback(&ctx.state, &caller, machine(&ctx)?).await
}
