//! Matching a request against the route table in `api/mod.rs`: which route, with which path
//! parameters, or why none (404 `unknown_endpoint`, 405 `method_not_allowed`, 400 for a bad
//! escape). It knows nothing of handlers' work, only of paths, methods and access levels.

use futures_util::future::BoxFuture;
use hyper::Response;
use rsrc_shared::api::decode_segment;
use rsrc_shared::api::endpoints::Method;

use super::response::Body;
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};

/// Who may call a route. Everything but `Public` needs a valid session of an enabled account,
/// and its handler gets that `Caller`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed.
    Public,
    /// Any logged-in user.
    User,
    /// A logged-in user whose email is verified.
    Verified,
    /// A logged-in admin.
    Admin,
}

pub type Reply = BoxFuture<'static, Result<Response<Body>>>;

/// A handler; which kind follows from the route's access level (the `route!` macro picks it), so
/// a handler that needs a caller cannot be reached without one.
#[derive(Clone, Copy)]
pub enum Handler {
    Public(fn(Ctx) -> Reply),
    Caller(fn(Ctx, Caller) -> Reply),
}

/// One route: an endpoint of `rsrc_shared::api::endpoints`, who may call it, and its handler.
pub struct Route {
    pub method: Method,
    /// `/v1/...` with `{name}` for a parameter, one whole segment each.
    pub path: &'static str,
    pub access: Access,
    /// Its response is a stream that outlives the handler (and ends at shutdown).
    pub streams: bool,
    /// It takes a request body; for a route without one, a body is refused unread.
    pub body: bool,
    pub handler: Handler,
}

/// One line of the route table, from an endpoint's declaration:
/// `route!(ep::ShowInstance => User, instances::show)`. The handler gets the `Ctx`, the
/// `Caller` (unless `Public`), and the decoded query and body, and returns the typed response,
/// sent with the endpoint's status. With `raw,` before it the handler gets only the `Ctx` (and
/// `Caller`) and builds the response itself: streams, and answers whose status varies.
macro_rules! route {
    ($ep:ty => $access:ident, raw, $handler:path) => {
        $crate::http::api::router::route!(@route $ep, $access,
            $crate::http::api::router::route!(@raw $access, $handler))
    };
    ($ep:ty => $access:ident, $handler:path) => {
        $crate::http::api::router::route!(@route $ep, $access,
            $crate::http::api::router::route!(@typed $ep, $access, $handler))
    };
    (@route $ep:ty, $access:ident, $handler:expr) => {
        $crate::http::api::router::Route {
            method: <$ep as ::rsrc_shared::api::endpoints::Endpoint>::METHOD,
            path: <$ep as ::rsrc_shared::api::endpoints::Endpoint>::PATH,
            access: $crate::http::api::router::Access::$access,
            streams: <$ep as ::rsrc_shared::api::endpoints::Endpoint>::STREAM,
            body: !<<$ep as ::rsrc_shared::api::endpoints::Endpoint>::Request
                as ::rsrc_shared::api::endpoints::Body>::EMPTY,
            handler: $handler,
        }
    };
    (@raw Public, $handler:path) => {
        $crate::http::api::router::Handler::Public(|ctx| Box::pin($handler(ctx)))
    };
    (@raw $access:ident, $handler:path) => {
        $crate::http::api::router::Handler::Caller(|ctx, caller| Box::pin($handler(ctx, caller)))
    };
    (@typed $ep:ty, Public, $handler:path) => {
        $crate::http::api::router::Handler::Public(|ctx| {
            Box::pin(async move {
                let (query, body) = ctx.decode::<$ep>()?;
                let value = $handler(ctx, query, body).await?;
                Ok($crate::http::api::response::typed::<$ep>(&value))
            })
        })
    };
    (@typed $ep:ty, $access:ident, $handler:path) => {
        $crate::http::api::router::Handler::Caller(|ctx, caller| {
            Box::pin(async move {
                let (query, body) = ctx.decode::<$ep>()?;
                let value = $handler(ctx, caller, query, body).await?;
                Ok($crate::http::api::response::typed::<$ep>(&value))
            })
        })
    };
}
pub(crate) use route;

/// The path parameters of a matched route, decoded: (name, value) in path order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `/v1/a/b` → `["a", "b"]`, percent-decoded. Anything outside `/v1` is unknown. The path is
/// split before it is decoded, so an encoded `/` (in an email, say) stays inside its segment.
pub fn split_path(path: &str) -> Result<Vec<String>> {
    let rest = path
        .strip_prefix(rsrc_shared::v1!())
        .filter(|r| r.is_empty() || r.starts_with('/'))
        .ok_or_else(|| Error::UnknownEndpoint(path.to_string()))?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    // An empty segment (`/v1/instances//stop`) is never a name: `rsrc instance stop ""` must
    // not become `rsrc instance ls`.
    rest.split('/')
        .map(|s| match s {
            "" => Err(Error::UnknownEndpoint(path.to_string())),
            s => decode_segment(s).ok_or_else(|| Error::invalid(format!("bad path segment `{s}`"))),
        })
        .collect()
}

/// A route path's segments after `/v1`: `Ok(literal)` or `Err(parameter name)`.
fn pattern(
    path: &'static str,
) -> impl Iterator<Item = std::result::Result<&'static str, &'static str>> {
    path.strip_prefix(rsrc_shared::v1!())
        .unwrap_or(path)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => Err(name),
                None => Ok(s),
            },
        )
}

/// How well `path` fits `segments`: `None` if not at all, else one flag per segment, true for a
/// literal. A greater score is more specific, so `/instances/{ref}/logs` wins over
/// `/instances/{ref}/{action}` for `.../logs`.
fn score(path: &'static str, segments: &[String]) -> Option<Vec<bool>> {
    let mut fit = Vec::with_capacity(segments.len());
    let mut parts = pattern(path);
    for segment in segments {
        match parts.next()? {
            Ok(literal) if literal == segment => fit.push(true),
            Ok(_) => return None,
            Err(_) => fit.push(false),
        }
    }
    parts.next().is_none().then_some(fit)
}

/// Finds the route for `method` on the decoded `segments` of `raw_path`. The most specific path
/// that fits decides: a wrong method on it is 405, even when a vaguer path would take the method.
pub fn find<'r>(
    routes: &'r [Route],
    method: &hyper::Method,
    raw_path: &str,
    segments: &[String],
) -> Result<(&'r Route, Params)> {
    let best = routes
        .iter()
        .filter_map(|r| score(r.path, segments).map(|s| (s, r.path)))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, path)| path)
        .ok_or_else(|| Error::UnknownEndpoint(raw_path.to_string()))?;
    let route = routes
        .iter()
        .find(|r| r.path == best && r.method.as_str() == method.as_str())
        .ok_or_else(|| Error::MethodNotAllowed {
            method: method.to_string(),
            path: raw_path.to_string(),
        })?;
    let params = pattern(route.path)
        .zip(segments)
        .filter_map(|(part, value)| part.err().map(|name| (name, value.clone())))
        .collect();
    Ok((route, Params(params)))
}

#[cfg(test)]
mod tests {
    use hyper::Method as M;
    use rsrc_shared::api::endpoints::{self as ep, Endpoint};

    use super::*;

    /// Paths are built from the declarations, so that each is spelled once.
    fn under_v1(rest: &str) -> String {
        format!("{}{rest}", ep::GetRoot::PATH)
    }

    #[test]
    fn paths_split_under_v1_only() {
        assert_eq!(split_path(ep::GetRoot::PATH).unwrap(), Vec::<String>::new());
        assert_eq!(
            split_path(&ep::PromoteUser::path(&["a+b@c.de"])).unwrap(),
            vec!["admin", "users", "a+b@c.de", "promote"]
        );
        assert_eq!(
            split_path(&ep::ShowMachine::path(&["a/b"])).unwrap(),
            vec!["machines", "a/b"]
        );
        assert!(split_path(&ep::GetVersion::PATH.replace("v1", "v2")).is_err());
        assert!(split_path(&under_v1("x")).is_err());
        assert!(split_path(&under_v1("/%zz")).is_err());
        let instances = ep::ListInstances::PATH;
        assert_eq!(
            split_path(&format!("{instances}/")).unwrap(),
            vec!["instances"]
        );
        assert!(split_path(&format!("{instances}//stop")).is_err());
        assert!(split_path(&under_v1("//instances")).is_err());
    }

    #[test]
    fn patterns_score_literals_above_parameters() {
        let segs = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(score(ep::GetRoot::PATH, &[]), Some(vec![]));
        let version = ep::GetVersion::PATH;
        assert_eq!(score(version, &segs(&["version"])), Some(vec![true]));
        assert_eq!(score(version, &segs(&["versions"])), None);
        assert_eq!(score(version, &segs(&["version", "x"])), None);
        assert_eq!(score(ep::ShowMachine::PATH, &segs(&["machines"])), None);
        assert_eq!(
            score(ep::ShowInstance::PATH, &segs(&["instances", "a"])),
            Some(vec![true, false])
        );
        assert_eq!(
            score(ep::InstanceLogs::PATH, &segs(&["instances", "a", "logs"])),
            Some(vec![true, false, true])
        );
        assert_eq!(
            score(ep::StopInstance::PATH, &segs(&["instances", "a", "logs"])),
            None
        );
    }

    fn matched(method: M, path: &str) -> (&'static Route, Params) {
        let segments = split_path(path).unwrap();
        find(super::super::ROUTES, &method, path, &segments).unwrap()
    }

    #[test]
    fn requests_find_their_route_and_parameters() {
        let (route, params) = matched(M::POST, &ep::PromoteUser::path(&["a+b@c.de"]));
        assert_eq!(route.path, ep::PromoteUser::PATH);
        assert_eq!(route.access, Access::Admin);
        assert_eq!(params.get("email"), Some("a+b@c.de"));
        assert_eq!(params.get("ref"), None);

        let (route, params) = matched(M::GET, &ep::InstanceLogs::path(&["web-1"]));
        assert_eq!(route.path, ep::InstanceLogs::PATH);
        assert_eq!(params.get("ref"), Some("web-1"));
        let (route, params) = matched(M::POST, &ep::WaitInstance::path(&["web-1"]));
        assert_eq!(route.path, ep::WaitInstance::PATH);
        assert_eq!(params.get("ref"), Some("web-1"));

        // An encoded `/` stays inside its segment.
        let (route, params) = matched(M::DELETE, &ep::RemoveVolume::path(&["a/b"]));
        assert_eq!(route.path, ep::RemoveVolume::PATH);
        assert_eq!(params.get("name"), Some("a/b"));

        for (method, path, access) in [
            (M::GET, ep::GetRoot::path(&[]), Access::Public),
            (M::GET, format!("{}/", ep::GetVersion::PATH), Access::Public),
            (M::POST, ep::SignUp::path(&[]), Access::Public),
            (M::POST, ep::LogIn::path(&[]), Access::Public),
            (M::GET, ep::WhoAmI::path(&[]), Access::User),
            (M::DELETE, ep::DeleteProfile::path(&[]), Access::User),
            (M::GET, ep::ListInstances::path(&[]), Access::User),
            (M::POST, ep::CreateInstance::path(&[]), Access::Verified),
            (M::GET, ep::ListVolumes::path(&[]), Access::User),
            (M::GET, ep::ListMachines::path(&[]), Access::User),
            (M::GET, ep::ShowMachine::path(&["web"]), Access::User),
            (M::PUT, ep::ApplyMachine::path(&["web"]), Access::Admin),
            (M::GET, ep::ListOrphans::path(&[]), Access::Admin),
        ] {
            assert_eq!(
                matched(method.clone(), &path).0.access,
                access,
                "{method} {path}"
            );
        }
        let (route, _) = matched(M::POST, ep::PullImage::PATH);
        assert!(route.streams && route.access == Access::Admin);
    }

    #[test]
    fn the_table_is_well_formed() {
        let routes = super::super::ROUTES;
        for (i, r) in routes.iter().enumerate() {
            assert_eq!(
                matches!(r.handler, Handler::Public(_)),
                r.access == Access::Public,
                "{} {}: the handler does not fit the access level",
                r.method,
                r.path
            );
            assert!(
                routes[..i]
                    .iter()
                    .all(|o| (o.path, o.method) != (r.path, r.method)),
                "{} {} is declared twice",
                r.method,
                r.path
            );
        }
        // Every declared endpoint has its route, and nothing else has one.
        assert_eq!(routes.len(), ep::ALL.len());
        for (method, path) in ep::ALL {
            assert!(
                routes
                    .iter()
                    .any(|r| r.method == *method && r.path == *path),
                "{method} {path} has no route"
            );
        }
        assert_eq!(routes.iter().filter(|r| r.streams).count(), 4);
    }

    #[test]
    fn codes_of_failed_matches() {
        let routes = super::super::ROUTES;
        let code = |method: M, path: &str| {
            let segments = match split_path(path) {
                Ok(s) => s,
                Err(e) => return e.code().as_str(),
            };
            match find(routes, &method, path, &segments) {
                Ok(_) => "ok",
                Err(e) => e.code().as_str(),
            }
        };
        let instances = ep::ListInstances::PATH;
        assert_eq!(code(M::GET, &under_v1("/nope")), "unknown_endpoint");
        assert_eq!(
            code(M::GET, &format!("{}/extra", ep::VerifyOtp::PATH)),
            "unknown_endpoint"
        );
        assert_eq!(code(M::GET, "/"), "unknown_endpoint");
        assert_eq!(
            code(M::GET, &format!("{instances}//stop")),
            "unknown_endpoint"
        );
        assert_eq!(code(M::GET, ep::SignUp::PATH), "method_not_allowed");
        assert_eq!(code(M::PUT, ep::GetVersion::PATH), "method_not_allowed");
        assert_eq!(code(M::DELETE, ep::ListUsers::PATH), "method_not_allowed");
        assert_eq!(
            code(M::GET, &format!("{}/%zz", ep::ListMachines::PATH)),
            "invalid_request"
        );
        // The logs path takes GET only, and each action POST only.
        assert_eq!(
            code(M::POST, &ep::InstanceLogs::path(&["a"])),
            "method_not_allowed"
        );
        assert_eq!(
            code(M::GET, &ep::StopInstance::path(&["a"])),
            "method_not_allowed"
        );
        assert_eq!(code(M::POST, &ep::StopInstance::path(&["a"])), "ok");
        // An action that does not exist is no route, as any unknown path.
        assert_eq!(
            code(M::POST, &format!("{instances}/a/explode")),
            "unknown_endpoint"
        );
        assert_eq!(
            code(M::POST, &format!("{}/a/explode", ep::ListUsers::PATH)),
            "unknown_endpoint"
        );
        assert_eq!(code(M::GET, &under_v1("/")), "ok");
    }
}
