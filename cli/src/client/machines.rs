//! Machines: listing for everyone, the rest for admins. Image pulls are [`Client::pull`].

use rsrc_shared::api::{paths, ApplyResult, Machine, MachineSpec, MachineUpdate};

use super::{Client, ClientError};

pub struct Machines<'a> {
    client: &'a Client,
}

impl<'a> Machines<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Machines { client }
    }

    pub async fn list(&self) -> Result<Vec<Machine>, ClientError> {
        self.client.get(&paths::machines()).await
    }

    pub async fn show(&self, name: &str) -> Result<Machine, ClientError> {
        self.client.get(&paths::machine(name)).await
    }

    /// Creates the machine; with `dry_run`, only checks it (nothing is written or pulled).
    pub async fn create(&self, spec: &MachineSpec, dry_run: bool) -> Result<Machine, ClientError> {
        self.client
            .post(&paths::machine_create(dry_run), spec)
            .await
    }

    /// Creates or updates the machine to match `spec`; with `dry_run`, only says which.
    pub async fn apply(
        &self,
        spec: &MachineSpec,
        dry_run: bool,
    ) -> Result<ApplyResult, ClientError> {
        self.client
            .put(&paths::machine_apply(&spec.name, dry_run), spec)
            .await
    }

    pub async fn update(&self, name: &str, update: &MachineUpdate) -> Result<Machine, ClientError> {
        self.client.patch(&paths::machine(name), update).await
    }

    /// Removes the machine; with `force`, also while instances of it exist.
    pub async fn remove(&self, name: &str, force: bool) -> Result<(), ClientError> {
        self.client
            .delete(&paths::machine_remove(name, force))
            .await
    }
}
