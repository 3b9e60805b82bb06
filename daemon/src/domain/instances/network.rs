//! Users' networks (issue 19 item 15): each user's instances share a Docker bridge network of
//! their own, where they reach each other by instance name; Docker does not route between two
//! bridge networks, so one user's containers cannot reach another's.
//!
//! Docker's default pools hold only about 30 bridge networks, so each network gets a subnet of
//! the configured pool (`[network]`), recorded in the registry so that it stays the user's across
//! restarts. A subnet Docker refuses because another network of the host overlaps it is marked
//! unusable, and the next one is tried. The network is made at the user's first create (or the
//! first recreate of an instance made before networks were), and removed when the account is
//! deleted; reconciliation removes labelled networks whose account is gone.

use std::collections::HashMap;

use crate::clock::now_ms;
use crate::config::{NetworkConfig, Subnet};
use crate::engine::{
    NetworkAttachment, NetworkCreated, NetworkInfo, NetworkSpec, LABEL_DAEMON, LABEL_OWNER,
};
use crate::error::{Error, Result};
use crate::registry::networks::{self as repo, UserNetwork};
use crate::State;

/// Network changes of this process, one at a time: two creates of one user must not both make
/// the network (Docker allows two of a name), and reconciliation must not remove one that a
/// create has recorded but not made yet.
static CHANGES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The Docker name of user `owner_id`'s network.
pub fn network_name(daemon_id: &str, owner_id: i64) -> String {
    format!("rsrc-user{owner_id}-{daemon_id}")
}

/// Where an instance's container joins: its owner's network, found there by the instance's
/// name.
pub fn attachment(network: String, instance_name: &str) -> NetworkAttachment {
    NetworkAttachment {
        network,
        aliases: vec![instance_name.to_string()],
    }
}

/// The first subnet of the pool that overlaps none of `taken`.
pub fn pick(config: &NetworkConfig, taken: &[Subnet]) -> Option<Subnet> {
    (0..config.capacity())
        .filter_map(|i| config.pool.nth(config.prefix, i))
        .find(|candidate| !taken.iter().any(|t| t.overlaps(*candidate)))
}

fn exhausted(config: &NetworkConfig) -> Error {
    Error::QuotaExceeded(format!(
        "no subnet is left for a new user network: network.pool {} holds {} of /{}, and each is \
         a user's or overlaps another network of the host; the operator can widen the pool",
        config.pool,
        config.capacity(),
        config.prefix
    ))
}

/// The user's network as recorded, after recording one with a free subnet if there is none.
async fn assign(state: &State, owner_id: i64) -> Result<UserNetwork> {
    let config = state.config.network;
    let name = network_name(&state.daemon_id, owner_id);
    state
        .registry
        .write_immediate(move |tx| {
            if let Some(network) = repo::of_owner(tx, owner_id)? {
                return Ok(network);
            }
            let taken: Vec<Subnet> = repo::taken(tx)?
                .iter()
                .filter_map(|s| Subnet::parse(s))
                .collect();
            let subnet = pick(&config, &taken).ok_or_else(|| exhausted(&config))?;
            repo::insert(tx, owner_id, &subnet.to_string(), &name, now_ms())?;
            Ok(UserNetwork {
                owner_id,
                subnet: subnet.to_string(),
                name,
                owner_exists: true,
            })
        })
        .await
}

fn labels(state: &State, owner_id: i64) -> HashMap<String, String> {
    HashMap::from([
        (LABEL_DAEMON.to_string(), state.daemon_id.clone()),
        (LABEL_OWNER.to_string(), owner_id.to_string()),
    ])
}

fn is_ours(state: &State, info: &NetworkInfo) -> bool {
    info.labels.get(LABEL_DAEMON) == Some(&state.daemon_id)
}

/// Makes sure user `owner_id`'s network exists in the engine; returns its name.
pub async fn ensure(state: &State, owner_id: i64) -> Result<String> {
    let _one = CHANGES.lock().await;
    // Each round that finds its subnet taken marks it: this ends, at the latest when the pool
    // is used up.
    loop {
        let network = assign(state, owner_id).await?;
        match state.engine.inspect_network(&network.name).await? {
            Some(info) if !is_ours(state, &info) => {
                return Err(Error::conflict(format!(
                    "Docker has a network named {} that rsrc did not make; it must be removed \
                     (or renamed) before this user's instances can be made",
                    network.name
                )))
            }
            Some(info) if info.subnets.contains(&network.subnet) => return Ok(network.name),
            Some(info) => {
                // Ours, on a subnet the registry no longer has for it: made before a crash
                // that lost the row. Made again on the recorded subnet.
                tracing::warn!(network = %network.name, subnets = ?info.subnets,
                    "a user network has another subnet than recorded; making it again");
                state.engine.remove_network(&info.id).await?;
            }
            None => {}
        }
        let spec = NetworkSpec {
            name: network.name.clone(),
            subnet: network.subnet.clone(),
            labels: labels(state, owner_id),
        };
        match state.engine.create_network(spec).await? {
            NetworkCreated::Made(_) => {
                tracing::info!(network = %network.name, subnet = %network.subnet,
                    owner = owner_id, "user network created");
                return Ok(network.name);
            }
            NetworkCreated::SubnetTaken => {
                tracing::warn!(subnet = %network.subnet,
                    "another network of the host overlaps this subnet of network.pool; \
                     marking it unusable and taking the next");
                let subnet = network.subnet.clone();
                state
                    .registry
                    .write(move |tx| repo::mark_unusable(tx, owner_id, &subnet, now_ms()))
                    .await?;
            }
        }
    }
}

/// Removes the network of user `owner_id` (whose instances are all gone) and forgets it. A
/// network with running containers on it is left, as is one without rsrc's labels.
pub async fn remove_of(state: &State, owner_id: i64) -> Result<()> {
    let _one = CHANGES.lock().await;
    let Some(network) = state
        .registry
        .read(move |snap| repo::of_owner(snap, owner_id))
        .await?
    else {
        return Ok(());
    };
    remove(state, &network).await
}

async fn remove(state: &State, network: &UserNetwork) -> Result<()> {
    if let Some(info) = state.engine.inspect_network(&network.name).await? {
        if is_ours(state, &info) {
            state.engine.remove_network(&info.id).await?;
            tracing::info!(network = %network.name, owner = network.owner_id,
                "user network removed");
        }
    }
    let owner_id = network.owner_id;
    state
        .registry
        .write(move |tx| repo::delete(tx, owner_id))
        .await
}

/// After an account is deleted: its network goes, or is left to reconciliation when the engine
/// cannot remove it now.
pub async fn account_deleted(state: &State, owner_id: i64) {
    if let Err(e) = remove_of(state, owner_id).await {
        tracing::warn!(owner = owner_id, error = %e.chain(),
            "cannot remove the network of a deleted account yet; reconciliation will");
    }
}

/// Removes the networks of accounts that are gone, recorded or only labelled (a crash between
/// the account's deletion and the removal), and reports labelled networks that are no user's
/// and still have containers on them.
pub async fn reconcile(state: &State) -> Result<()> {
    let _one = CHANGES.lock().await;
    let recorded = state.registry.read(repo::all).await?;
    for network in recorded.iter().filter(|n| !n.owner_exists) {
        if let Err(e) = remove(state, network).await {
            tracing::warn!(network = %network.name, error = %e.chain(),
                "cannot remove the network of a deleted account");
        }
    }
    let live: HashMap<&str, &UserNetwork> = recorded
        .iter()
        .filter(|n| n.owner_exists)
        .map(|n| (n.name.as_str(), n))
        .collect();
    for listed in state.engine.labelled_networks(&state.daemon_id).await? {
        if live.contains_key(listed.name.as_str()) {
            continue;
        }
        let Some(info) = state.engine.inspect_network(&listed.id).await? else {
            continue;
        };
        if !info.containers.is_empty() {
            tracing::warn!(network = %info.name, containers = info.containers.len(),
                "network carries rsrc's labels but is no user's, and has containers on it");
            continue;
        }
        match state.engine.remove_network(&info.id).await {
            Ok(()) => tracing::info!(network = %info.name, "removed a network of no user"),
            Err(e) => tracing::warn!(network = %info.name, error = %e.chain(),
                "cannot remove a network of no user"),
        }
    }
    Ok(())
}
