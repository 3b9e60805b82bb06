//! Instances and the volumes they leave.

use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::{
    AllQuery, InstanceRemoveQuery, LogsQuery, NoQuery, ShowQuery, VolumesQuery, WaitQuery,
};
use rsrc_shared::api::{Instance, InstanceAction, InstanceCreate, InstanceRecreate, Volume};

use super::{Client, ClientError, LogReader};

pub struct Instances<'a> {
    client: &'a Client,
}

impl<'a> Instances<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Instances { client }
    }

    /// The caller's instances; everyone's when `all` (admins only).
    pub async fn list(&self, all: bool) -> Result<Vec<Instance>, ClientError> {
        self.client
            .call(ep::ListInstances, &[], &AllQuery { all }, &NoBody)
            .await
    }

    pub async fn create(&self, req: &InstanceCreate) -> Result<Instance, ClientError> {
        self.client
            .call(ep::CreateInstance, &[], &NoQuery {}, req)
            .await
    }

    /// `reference`: an id, a unique prefix of one, or a name.
    pub async fn show(&self, reference: &str) -> Result<Instance, ClientError> {
        self.show_with(reference, false).await
    }

    /// [`Self::show`]; with `reveal`, the values of the owner's own secret props.
    pub async fn show_with(&self, reference: &str, reveal: bool) -> Result<Instance, ClientError> {
        self.client
            .call(
                ep::ShowInstance,
                &[reference],
                &ShowQuery { reveal },
                &NoBody,
            )
            .await
    }

    pub async fn action(
        &self,
        reference: &str,
        action: InstanceAction,
    ) -> Result<Instance, ClientError> {
        let (client, args, q) = (self.client, &[reference], &NoQuery {});
        match action {
            InstanceAction::Start => client.call(ep::StartInstance, args, q, &NoBody).await,
            InstanceAction::Stop => client.call(ep::StopInstance, args, q, &NoBody).await,
            InstanceAction::Restart => client.call(ep::RestartInstance, args, q, &NoBody).await,
        }
    }

    /// Makes the instance's container again from its machine's current definition.
    pub async fn recreate(
        &self,
        reference: &str,
        req: &InstanceRecreate,
    ) -> Result<Instance, ClientError> {
        self.client
            .call(ep::RecreateInstance, &[reference], &NoQuery {}, req)
            .await
    }

    /// Removes the instance, and its volumes too when `volumes`.
    pub async fn remove(
        &self,
        reference: &str,
        volumes: bool,
        force: bool,
    ) -> Result<(), ClientError> {
        let query = InstanceRemoveQuery { volumes, force };
        self.client
            .call(ep::RemoveInstance, &[reference], &query, &NoBody)
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
        let query = LogsQuery {
            follow,
            tail: tail.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            since,
            until,
            bare,
        };
        self.client
            .open_stream(ep::InstanceLogs, &[reference], &query, &NoBody)
            .await
            .map(LogReader::new)
    }

    /// Waits until its first port accepts connections, at most `timeout_secs`.
    pub async fn wait(&self, reference: &str, timeout_secs: u64) -> Result<Instance, ClientError> {
        let query = WaitQuery {
            timeout: std::time::Duration::from_secs(timeout_secs),
        };
        self.client
            .call(ep::WaitInstance, &[reference], &query, &NoBody)
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
    /// `all`: every user's (admins only); `size`: with their sizes (slow on a big host).
    pub async fn list(&self, all: bool, size: bool) -> Result<Vec<Volume>, ClientError> {
        self.client
            .call(ep::ListVolumes, &[], &VolumesQuery { all, size }, &NoBody)
            .await
    }

    pub async fn remove(&self, name: &str) -> Result<(), ClientError> {
        self.client
            .call(ep::RemoveVolume, &[name], &NoQuery {}, &NoBody)
            .await
    }
}
