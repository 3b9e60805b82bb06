//! Reconciliation of the registry with Docker.
use crate::State;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(_state: Arc<State>, mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.changed().await;
}
