//! The feed: comments, votes, ratings and feedback on machines.

use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::{CommentsQuery, MachineListQuery, NoQuery};
use rsrc_shared::api::{
    Comment, CommentText, Feedback, Machine, MachineSort, RatingSet, Vote, VoteSet,
};

use super::{Client, ClientError};

pub struct Feed<'a> {
    client: &'a Client,
}

impl<'a> Feed<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Feed { client }
    }

    pub async fn machines_sorted(&self, sort: MachineSort) -> Result<Vec<Machine>, ClientError> {
        self.client
            .call(ep::ListMachines, &[], &MachineListQuery { sort }, &NoBody)
            .await
    }

    pub async fn comment(&self, machine: &str, text: String) -> Result<Comment, ClientError> {
        self.client
            .call(
                ep::PostComment,
                &[machine],
                &NoQuery {},
                &CommentText { text },
            )
            .await
    }

    pub async fn comments(
        &self,
        machine: &str,
        limit: Option<u32>,
        before: Option<i64>,
        after: Option<i64>,
    ) -> Result<Vec<Comment>, ClientError> {
        let query = CommentsQuery {
            limit: limit.map(|n| n.to_string()),
            before: before.map(|n| n.to_string()),
            after: after.map(|n| n.to_string()),
        };
        self.client
            .call(ep::ListComments, &[machine], &query, &NoBody)
            .await
    }

    pub async fn edit(&self, id: i64, text: String) -> Result<Comment, ClientError> {
        self.client
            .call(
                ep::EditComment,
                &[&id.to_string()],
                &NoQuery {},
                &CommentText { text },
            )
            .await
    }

    pub async fn remove(&self, id: i64) -> Result<(), ClientError> {
        self.client
            .call(ep::RemoveComment, &[&id.to_string()], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn vote(&self, machine: &str, vote: Vote) -> Result<Machine, ClientError> {
        self.client
            .call(ep::SetVote, &[machine], &NoQuery {}, &VoteSet { vote })
            .await
    }

    pub async fn unvote(&self, machine: &str) -> Result<Machine, ClientError> {
        self.client
            .call(ep::RemoveVote, &[machine], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn rate(&self, machine: &str, rating: &RatingSet) -> Result<Machine, ClientError> {
        self.client
            .call(ep::SetRating, &[machine], &NoQuery {}, rating)
            .await
    }

    pub async fn unrate(&self, machine: &str) -> Result<Machine, ClientError> {
        self.client
            .call(ep::RemoveRating, &[machine], &NoQuery {}, &NoBody)
            .await
    }

    pub async fn feedback(&self, machine: &str) -> Result<Vec<Feedback>, ClientError> {
        self.client
            .call(ep::ListFeedback, &[machine], &NoQuery {}, &NoBody)
            .await
    }
}
