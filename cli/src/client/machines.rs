//! Machines: listing for everyone, the rest for admins. Image pulls are [`Client::pull`].

use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::{DryRunQuery, ForceQuery, MachineListQuery, NoQuery};
use rsrc_shared::api::{ApplyResult, Machine, MachineSpec, MachineUpdate};

use super::{Client, ClientError};

pub struct Machines<'a> {
    client: &'a Client,
}

impl<'a> Machines<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Machines { client }
    }

    pub async fn list(&self) -> Result<Vec<Machine>, ClientError> {
        self.client
            .call(ep::ListMachines, &[], &MachineListQuery::default(), &NoBody)
            .await
    }

    pub async fn show(&self, name: &str) -> Result<Machine, ClientError> {
        self.client
            .call(ep::ShowMachine, &[name], &NoQuery {}, &NoBody)
            .await
    }

    /// Creates the machine; with `dry_run`, only checks it (nothing is written or pulled).
    pub async fn create(&self, spec: &MachineSpec, dry_run: bool) -> Result<Machine, ClientError> {
        self.client
            .call(ep::CreateMachine, &[], &DryRunQuery { dry_run }, spec)
            .await
    }

    /// Creates or updates the machine to match `spec`; with `dry_run`, only says which.
    pub async fn apply(
        &self,
        spec: &MachineSpec,
        dry_run: bool,
    ) -> Result<ApplyResult, ClientError> {
        self.client
            .call(
                ep::ApplyMachine,
                &[&spec.name],
                &DryRunQuery { dry_run },
                spec,
            )
            .await
    }

    pub async fn update(&self, name: &str, update: &MachineUpdate) -> Result<Machine, ClientError> {
        self.client
            .call(ep::UpdateMachine, &[name], &NoQuery {}, update)
            .await
    }

    /// Removes the machine; with `force`, also while instances of it exist.
    pub async fn remove(&self, name: &str, force: bool) -> Result<(), ClientError> {
        self.client
            .call(ep::RemoveMachine, &[name], &ForceQuery { force }, &NoBody)
            .await
    }
}
