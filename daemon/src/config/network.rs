//! `[network]`: the pool users' networks take their subnets from, and [`Subnet`], the IPv4
//! CIDR arithmetic the pool, the allocator and the fake engine share.
//!
//! Docker's own default pools (172.17-31.0.0/16 and 192.168.0.0/16 in /20s) hold only about
//! 30 bridge networks; rsrc makes one per user, so it names each subnet itself, from a pool of
//! its own.

use std::fmt;
use std::net::Ipv4Addr;

use serde::Deserialize;

/// An IPv4 network in CIDR notation, its host bits zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subnet {
    base: u32,
    prefix: u8,
}

impl Subnet {
    /// `a.b.c.d/n`; `None` unless n is 0..=32 and the host bits are zero.
    pub fn parse(text: &str) -> Option<Subnet> {
        let (addr, prefix) = text.trim().split_once('/')?;
        let addr: Ipv4Addr = addr.parse().ok()?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32)?;
        let base = u32::from(addr);
        (base & !mask(prefix) == 0).then_some(Subnet { base, prefix })
    }

    pub fn prefix(self) -> u8 {
        self.prefix
    }

    /// How many addresses it spans.
    pub fn size(self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    fn last(self) -> u32 {
        self.base | !mask(self.prefix)
    }

    pub fn overlaps(self, other: Subnet) -> bool {
        self.base <= other.last() && other.base <= self.last()
    }

    /// The `index`th subnet of length `prefix` inside this one, in address order.
    pub fn nth(self, prefix: u8, index: u64) -> Option<Subnet> {
        if prefix < self.prefix || prefix > 32 {
            return None;
        }
        let step = 1u64 << (32 - u32::from(prefix));
        let offset = index.checked_mul(step).filter(|o| *o < self.size())?;
        let base = u32::try_from(u64::from(self.base) + offset).ok()?;
        Some(Subnet { base, prefix })
    }

    /// How many subnets of length `prefix` it holds.
    pub fn count(self, prefix: u8) -> u64 {
        if prefix < self.prefix || prefix > 32 {
            0
        } else {
            1u64 << (prefix - self.prefix)
        }
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

/// `[network]` as checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkConfig {
    pub pool: Subnet,
    /// The length of each user's subnet.
    pub prefix: u8,
}

impl NetworkConfig {
    /// How many users' networks the pool holds.
    pub fn capacity(&self) -> u64 {
        self.pool.count(self.prefix)
    }

    /// Addresses a user's containers can take: less the network, gateway and broadcast ones.
    pub fn hosts_per_user(&self) -> u64 {
        (1u64 << (32 - u32::from(self.prefix))) - 3
    }

    /// What is allowed but likely a mistake, for the log at start: a pool Docker's own
    /// networks may take from, or subnets too small for a user's instances. While an instance
    /// is recreated its old and new containers are both on the network.
    pub fn warnings(&self, max_instances_per_user: i64) -> Vec<String> {
        let mut out = Vec::new();
        let docker = (17..=31)
            .filter_map(|b| Subnet::parse(&format!("172.{b}.0.0/16")))
            .chain(Subnet::parse("192.168.0.0/16"));
        if docker.into_iter().any(|d| d.overlaps(self.pool)) {
            out.push(format!(
                "network.pool {} overlaps Docker's default address pools (172.17.0.0/16 to \
                 172.31.0.0/16, 192.168.0.0/16): Docker's own networks may take its subnets",
                self.pool
            ));
        }
        let wanted = u64::try_from(max_instances_per_user.max(0)).unwrap_or(u64::MAX);
        if self.hosts_per_user() < wanted.saturating_add(1) {
            out.push(format!(
                "network.prefix {} leaves {} addresses per user, fewer than \
                 limits.max_instances_per_user ({wanted}) and one being recreated",
                self.prefix,
                self.hosts_per_user()
            ));
        }
        out
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct FileNetwork {
    pool: String,
    prefix: u8,
}

impl Default for FileNetwork {
    fn default() -> Self {
        FileNetwork {
            pool: "10.213.0.0/16".into(),
            prefix: 27,
        }
    }
}

impl FileNetwork {
    /// The key and what is wrong with it, or the typed config.
    pub(super) fn check(&self) -> Result<NetworkConfig, (&'static str, String)> {
        let pool = Subnet::parse(&self.pool).ok_or_else(|| {
            (
                "network.pool",
                format!(
                    "`{}` is not an IPv4 network in CIDR notation with its host bits zero, \
                     like \"10.213.0.0/16\"",
                    self.pool
                ),
            )
        })?;
        if pool.prefix() < 8 {
            return Err(("network.pool", "must be /8 or longer".into()));
        }
        // A /30 leaves one address after the gateway; a /29 five.
        if !(pool.prefix()..=29).contains(&self.prefix) {
            return Err((
                "network.prefix",
                format!(
                    "must be from {} (the pool's own length) to 29",
                    pool.prefix()
                ),
            ));
        }
        Ok(NetworkConfig {
            pool,
            prefix: self.prefix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_parse_count_and_overlap() {
        let pool = Subnet::parse("10.213.0.0/16").unwrap();
        assert_eq!(pool.count(27), 2048);
        assert_eq!(pool.nth(27, 0).unwrap().to_string(), "10.213.0.0/27");
        assert_eq!(pool.nth(27, 1).unwrap().to_string(), "10.213.0.32/27");
        assert_eq!(pool.nth(27, 2047).unwrap().to_string(), "10.213.255.224/27");
        assert_eq!(pool.nth(27, 2048), None);
        assert_eq!(Subnet::parse("10.213.0.1/16"), None, "host bits set");
        assert_eq!(Subnet::parse("10.213.0.0/33"), None);
        assert_eq!(Subnet::parse("10.213.0.0"), None);
        assert_eq!(Subnet::parse("fd00::/64"), None);
        let a = Subnet::parse("10.213.0.32/27").unwrap();
        assert!(a.overlaps(pool) && pool.overlaps(a));
        assert!(a.overlaps(Subnet::parse("10.213.0.48/28").unwrap()));
        assert!(!a.overlaps(Subnet::parse("10.213.0.64/27").unwrap()));
        assert!(!a.overlaps(Subnet::parse("10.213.0.0/27").unwrap()));
    }

    #[test]
    fn the_pool_is_checked() {
        let check = |pool: &str, prefix: u8| {
            FileNetwork {
                pool: pool.into(),
                prefix,
            }
            .check()
        };
        let ok = check("10.213.0.0/16", 27).unwrap();
        assert_eq!((ok.capacity(), ok.hosts_per_user()), (2048, 29));
        assert_eq!(check("10.213.0.0/16", 28).unwrap().hosts_per_user(), 13);
        assert_eq!(check("10.213.0.1/16", 27).unwrap_err().0, "network.pool");
        assert_eq!(check("nonsense", 27).unwrap_err().0, "network.pool");
        assert_eq!(check("10.0.0.0/7", 27).unwrap_err().0, "network.pool");
        assert!(ok.warnings(10).is_empty(), "{:?}", ok.warnings(10));
        assert_eq!(
            ok.warnings(29).len(),
            1,
            "29 instances and a recreate need 30"
        );
        let docker = check("192.168.8.0/24", 27).unwrap();
        assert_eq!(docker.warnings(10).len(), 1);
        assert!(check("172.16.0.0/16", 27).unwrap().warnings(10).is_empty());
        assert_eq!(check("10.213.0.0/16", 15).unwrap_err().0, "network.prefix");
        assert_eq!(check("10.213.0.0/16", 30).unwrap_err().0, "network.prefix");
    }
}
