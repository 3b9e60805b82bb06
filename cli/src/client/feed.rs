//! The feed: comments, votes, ratings and feedback on machines.

use rsrc_shared::api::{
    paths, Comment, CommentText, Feedback, Machine, MachineSort, RatingSet, Vote, VoteSet,
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
        self.client.get(&paths::machines_sorted(sort)).await
    }

    pub async fn comment(&self, machine: &str, text: String) -> Result<Comment, ClientError> {
        self.client
            .post(&paths::machine_comments(machine), &CommentText { text })
            .await
    }

    pub async fn comments(
        &self,
        machine: &str,
        limit: Option<u32>,
        before: Option<i64>,
        after: Option<i64>,
    ) -> Result<Vec<Comment>, ClientError> {
        self.client
            .get(&paths::machine_comments_page(machine, limit, before, after))
            .await
    }

    pub async fn edit(&self, id: i64, text: String) -> Result<Comment, ClientError> {
        self.client
            .patch(&paths::comment(id), &CommentText { text })
            .await
    }

    pub async fn remove(&self, id: i64) -> Result<(), ClientError> {
        self.client.delete(&paths::comment(id)).await
    }

    pub async fn vote(&self, machine: &str, vote: Vote) -> Result<Machine, ClientError> {
        self.client
            .put(&paths::machine_vote(machine), &VoteSet { vote })
            .await
    }

    pub async fn unvote(&self, machine: &str) -> Result<Machine, ClientError> {
        self.client.delete_json(&paths::machine_vote(machine)).await
    }

    pub async fn rate(&self, machine: &str, rating: &RatingSet) -> Result<Machine, ClientError> {
        self.client
            .put(&paths::machine_rating(machine), rating)
            .await
    }

    pub async fn unrate(&self, machine: &str) -> Result<Machine, ClientError> {
        self.client
            .delete_json(&paths::machine_rating(machine))
            .await
    }

    pub async fn feedback(&self, machine: &str) -> Result<Vec<Feedback>, ClientError> {
        self.client.get(&paths::machine_feedback(machine)).await
    }
}
