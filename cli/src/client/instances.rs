//! Instances and the volumes they leave.

use rsrc_shared::api::{paths, Instance, InstanceCreate, Volume};

use super::{Client, ClientError, LogReader};

/// What `POST /v1/instances/{ref}/{action}` does to an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceAction {
    Start,
    Stop,
    Restart,
}

impl InstanceAction {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceAction::Start => "start",
            InstanceAction::Stop => "stop",
            InstanceAction::Restart => "restart",
        }
    }
}

pub struct Instances<'a> {
    client: &'a Client,
}

impl<'a> Instances<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Instances { client }
    }

    /// The caller's instances; everyone's when `all` (admins only).
    pub async fn list(&self, all: bool) -> Result<Vec<Instance>, ClientError> {
        self.client.get(&paths::instances(all)).await
    }

    pub async fn create(&self, req: &InstanceCreate) -> Result<Instance, ClientError> {
        self.client.post(&paths::instances(false), req).await
    }

    /// `reference`: an id, a unique prefix of one, or a name.
    pub async fn show(&self, reference: &str) -> Result<Instance, ClientError> {
        self.client.get(&paths::instance(reference)).await
    }

    pub async fn action(
        &self,
        reference: &str,
        action: InstanceAction,
    ) -> Result<Instance, ClientError> {
        self.client
            .post_empty(&paths::instance_action(reference, action.as_str()))
            .await
    }

    /// Makes the instance's container again from its machine's current definition.
    pub async fn recreate(
        &self,
        reference: &str,
        req: &rsrc_shared::api::InstanceRecreate,
    ) -> Result<Instance, ClientError> {
        self.client
            .post(&paths::instance_recreate(reference), req)
            .await
    }

    /// Removes the instance, and its volumes too when `volumes`.
    pub async fn remove(
        &self,
        reference: &str,
        volumes: bool,
        force: bool,
    ) -> Result<(), ClientError> {
        self.client
            .delete(&paths::instance_remove(reference, volumes, force))
            .await
    }

    /// Its output, as a stream of frames (see [`LogReader`]). Times are Unix nanoseconds.
    /// `bare`: we need no timestamps, the daemon may leave them out (and say so per frame).
    pub async fn logs(
        &self,
        reference: &str,
        follow: bool,
        tail: Option<u64>,
        since: Option<i128>,
        until: Option<i128>,
        bare: bool,
    ) -> Result<LogReader, ClientError> {
        let path = paths::instance_logs(reference, follow, tail, since, until);
        let path = paths::flag(path, "bare", bare);
        self.client.open_stream(&path).await.map(LogReader::new)
    }

    /// Waits until its first port accepts connections, at most `timeout_secs`.
    pub async fn wait(&self, reference: &str, timeout_secs: u64) -> Result<Instance, ClientError> {
        self.client
            .post_empty(&paths::instance_wait(reference, timeout_secs))
            .await
    }
}

pub struct Volumes<'a> {
    client: &'a Client,
}

impl<'a> Volumes<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Volumes { client }
    }

    /// The volumes of the caller's instances, also of removed ones.
    /// `all`: every user's (admins only).
    pub async fn list(&self, all: bool) -> Result<Vec<Volume>, ClientError> {
        self.client.get(&paths::volumes(all)).await
    }

    pub async fn remove(&self, name: &str) -> Result<(), ClientError> {
        self.client.delete(&paths::volume(name)).await
    }
}
