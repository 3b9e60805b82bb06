//! Every endpoint of the `/v1` API, declared once: method, path template, query, request and
//! response types. The daemon's route table (`rsrcd::http::api`) and the CLI's client
//! (`Client::call`) are both built from these declarations, so a path is spelled here and
//! nowhere else.
//!
//! A path template has `{name}` for a parameter, one whole segment each; [`Endpoint::path`]
//! fills them in order, percent-encoded, so `/`, `?` or `%` in a name never change the route.

use serde::de::{DeserializeOwned, Deserializer, IgnoredAny};
use serde::{Deserialize, Serialize, Serializer};

use super::query::{
    AllQuery, CommentsQuery, DryRunQuery, EventsQuery, ForceQuery, InstanceRemoveQuery, LogsQuery,
    MachineListQuery, NoQuery, ShowQuery, UptimeQuery, VolumesQuery, WaitQuery,
};
use super::*;
use super::{encode_segment, query};

/// `/v1` and, given one, a path below it: the one place the API's prefix is spelled. Tests
/// that send paths the declarations do not build (malformed ones, say) write them with it too.
#[macro_export]
macro_rules! v1 {
    () => {
        "/v1"
    };
    ($rest:literal) => {
        concat!($crate::v1!(), $rest)
    };
}

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A request or response body. `EMPTY` bodies are not sent, and the daemon refuses them unread.
pub trait Body: Serialize + DeserializeOwned + Send + 'static {
    const EMPTY: bool = false;
}

/// No request body: the client sends none, and the daemon refuses one (400) without reading it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoBody;

impl Serialize for NoBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for NoBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| NoBody)
    }
}

impl Body for NoBody {
    const EMPTY: bool = true;
}

/// `POST /v1/login`: a password, or a code from `POST /v1/login/code`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LoginRequest {
    Code(super::CodeLogin),
    Password(super::Login),
}

/// One endpoint. `STATUS` is the status of a success (the daemon may pick another where the
/// declaration says so, e.g. a dry run's 200 instead of 201); 204 carries no body.
pub trait Endpoint: Copy + Send + Sync + 'static {
    const METHOD: Method;
    /// `/v1/...`, with `{name}` for a parameter.
    const PATH: &'static str;
    /// A streamed response: `Response` is the type of one line (or frame) of it.
    const STREAM: bool = false;
    const STATUS: u16 = 200;
    type Query: Serialize + DeserializeOwned + Default + Send + 'static;
    type Request: Body;
    type Response: Serialize + DeserializeOwned + Send + 'static;

    /// The path with `args` in place of the parameters, in order, each percent-encoded.
    fn path(args: &[&str]) -> String {
        fill(Self::PATH, args)
    }

    /// The path and, when any field is set, `?query`.
    fn uri(args: &[&str], query: &Self::Query) -> Result<String, String> {
        Ok(format!("{}{}", Self::path(args), query::encode(query)?))
    }
}

/// The names of a template's parameters, in order.
pub fn params(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
}

fn fill(template: &str, args: &[&str]) -> String {
    let mut args = args.iter();
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                encode_segment(args.next().copied().unwrap_or_default())
            } else {
                segment.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

macro_rules! bodies {
    ($($ty:ty),* $(,)?) => {$(impl Body for $ty {})*};
}

bodies!(
    Signup,
    LoginRequest,
    LoginCodeRequest,
    ProfileUpdate,
    ProfileDelete,
    PasswordChange,
    OtpVerify,
    PhoneVerify,
    MachineSpec,
    MachineUpdate,
    CommentText,
    VoteSet,
    RatingSet,
    ImagePull,
    InstanceCreate,
    InstanceRecreate,
    exec::ExecRequest,
);

macro_rules! endpoints {
    ($(
        $(#[$doc:meta])*
        $name:ident: $method:ident $path:expr, $query:ty, $request:ty => $response:ty
            $(, status $status:literal)? $(, stream = $stream:literal)?;
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, Default)]
            pub struct $name;

            impl Endpoint for $name {
                const METHOD: Method = Method::$method;
                const PATH: &'static str = $path;
                $(const STATUS: u16 = $status;)?
                $(const STREAM: bool = $stream;)?
                type Query = $query;
                type Request = $request;
                type Response = $response;
            }
        )*

        /// Every endpoint as (method, path template), in declaration order.
        pub const ALL: &[(Method, &str)] = &[$((Method::$method, $path)),*];
    };
}

endpoints! {
    /// The same as `GET /v1/version`.
    GetRoot: Get v1!(), NoQuery, NoBody => VersionInfo;
    /// Needs no login.
    GetVersion: Get v1!("/version"), NoQuery, NoBody => VersionInfo;
    /// Without a login 401: the public part is `GET /v1/version`.
    GetStatus: Get v1!("/status"), NoQuery, NoBody => Status;
    /// The same answer whether or not the address had an account.
    SignUp: Post v1!("/signup"), NoQuery, Signup => SignupAccepted, status 202;
    LogIn: Post v1!("/login"), NoQuery, LoginRequest => LoginResponse;
    /// The same answer whether or not the address has an account.
    RequestLoginCode: Post v1!("/login/code"), NoQuery, LoginCodeRequest => LoginCodeSent, status 202;
    LogOut: Post v1!("/logout"), NoQuery, NoBody => (), status 204;
    WhoAmI: Get v1!("/whoami"), NoQuery, NoBody => User;
    ShowProfile: Get v1!("/profile"), NoQuery, NoBody => User;
    UpdateProfile: Patch v1!("/profile"), NoQuery, ProfileUpdate => User;
    DeleteProfile: Delete v1!("/profile"), NoQuery, ProfileDelete => (), status 204;
    ChangePassword: Post v1!("/password"), NoQuery, PasswordChange => (), status 204;
    SendOtp: Post v1!("/otp/send"), NoQuery, NoBody => OtpSent, status 202;
    VerifyOtp: Post v1!("/otp/verify"), NoQuery, OtpVerify => User;
    VerifyPhone: Post v1!("/phone/verify"), NoQuery, PhoneVerify => User;
    ListUsers: Get v1!("/admin/users"), NoQuery, NoBody => Vec<User>;
    PromoteUser: Post v1!("/admin/users/{email}/promote"), NoQuery, NoBody => User;
    DemoteUser: Post v1!("/admin/users/{email}/demote"), NoQuery, NoBody => User;
    DisableUser: Post v1!("/admin/users/{email}/disable"), NoQuery, NoBody => User;
    EnableUser: Post v1!("/admin/users/{email}/enable"), NoQuery, NoBody => User;
    ListOrphans: Get v1!("/admin/orphans"), NoQuery, NoBody => Vec<Orphan>;
    ListMachines: Get v1!("/machines"), MachineListQuery, NoBody => Vec<Machine>;
    /// A dry run answers 200, and writes or pulls nothing.
    CreateMachine: Post v1!("/machines"), DryRunQuery, MachineSpec => Machine, status 201;
    ShowMachine: Get v1!("/machines/{name}"), NoQuery, NoBody => Machine;
    UpdateMachine: Patch v1!("/machines/{name}"), NoQuery, MachineUpdate => Machine;
    /// Creates or updates; a dry run says which.
    ApplyMachine: Put v1!("/machines/{name}"), DryRunQuery, MachineSpec => ApplyResult;
    RemoveMachine: Delete v1!("/machines/{name}"), ForceQuery, NoBody => (), status 204;
    /// Oldest first.
    ListComments: Get v1!("/machines/{name}/comments"), CommentsQuery, NoBody => Vec<Comment>;
    PostComment: Post v1!("/machines/{name}/comments"), NoQuery, CommentText => Comment, status 201;
    /// The author only.
    EditComment: Patch v1!("/comments/{id}"), NoQuery, CommentText => Comment;
    /// The author or an admin.
    RemoveComment: Delete v1!("/comments/{id}"), NoQuery, NoBody => (), status 204;
    SetVote: Put v1!("/machines/{name}/vote"), NoQuery, VoteSet => Machine;
    RemoveVote: Delete v1!("/machines/{name}/vote"), NoQuery, NoBody => Machine;
    SetRating: Put v1!("/machines/{name}/rating"), NoQuery, RatingSet => Machine;
    RemoveRating: Delete v1!("/machines/{name}/rating"), NoQuery, NoBody => Machine;
    /// A user sees their own.
    ListFeedback: Get v1!("/machines/{name}/feedback"), NoQuery, NoBody => Vec<Feedback>;
    /// NDJSON, one `PullProgress` a line; the last has `done` or `error`.
    PullImage: Post v1!("/images/pull"), NoQuery, ImagePull => PullProgress, stream = true;
    /// `?all`: everyone's (admins).
    ListInstances: Get v1!("/instances"), AllQuery, NoBody => Vec<Instance>;
    CreateInstance: Post v1!("/instances"), NoQuery, InstanceCreate => Instance, status 201;
    /// `{ref}`: an id, a unique prefix of one, or a name.
    ShowInstance: Get v1!("/instances/{ref}"), ShowQuery, NoBody => Instance;
    RemoveInstance: Delete v1!("/instances/{ref}"), InstanceRemoveQuery, NoBody => (), status 204;
    /// Frames of `api::logs` (not JSON).
    InstanceLogs: Get v1!("/instances/{ref}/logs"), LogsQuery, NoBody => NoBody, stream = true;
    InstanceUptime: Get v1!("/instances/{ref}/uptime"), UptimeQuery, NoBody => Uptime;
    StartInstance: Post v1!("/instances/{ref}/start"), NoQuery, NoBody => Instance;
    StopInstance: Post v1!("/instances/{ref}/stop"), NoQuery, NoBody => Instance;
    RestartInstance: Post v1!("/instances/{ref}/restart"), NoQuery, NoBody => Instance;
    /// Until its first port accepts connections; 504 with log lines when it does not in time.
    WaitInstance: Post v1!("/instances/{ref}/wait"), WaitQuery, NoBody => Instance;
    /// The container made again from the machine's current definition.
    RecreateInstance: Post v1!("/instances/{ref}/recreate"), NoQuery, InstanceRecreate => Instance;
    /// Answered `101 Switching Protocols`; the connection then carries the frames of
    /// `api::exec` both ways.
    ExecInstance: Post v1!("/instances/{ref}/exec"), NoQuery, exec::ExecRequest => NoBody, stream = true;
    /// NDJSON, one `Event` a line.
    ListEvents: Get v1!("/events"), EventsQuery, NoBody => Event, stream = true;
    /// `?all`: everyone's (admins).
    ListVolumes: Get v1!("/volumes"), VolumesQuery, NoBody => Vec<Volume>;
    RemoveVolume: Delete v1!("/volumes/{name}"), NoQuery, NoBody => (), status 204;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_one_encoded_segment_each() {
        assert_eq!(ShowInstance::path(&["my db"]), v1!("/instances/my%20db"));
        assert_eq!(ShowInstance::path(&["../x"]), v1!("/instances/..%2Fx"));
        assert_eq!(
            ShowInstance::path(&["a?all=true"]),
            v1!("/instances/a%3Fall%3Dtrue")
        );
        assert_eq!(ShowMachine::path(&["100%"]), v1!("/machines/100%25"));
        assert_eq!(RemoveVolume::path(&["v#1"]), v1!("/volumes/v%231"));
        assert_eq!(StopInstance::path(&["ü"]), v1!("/instances/%C3%BC/stop"));
        assert_eq!(
            PromoteUser::path(&["a+b@example.com"]),
            v1!("/admin/users/a%2Bb%40example.com/promote")
        );
        assert_eq!(
            DisableUser::path(&["x/../y@example.com"]),
            v1!("/admin/users/x%2F..%2Fy%40example.com/disable")
        );
        assert_eq!(EditComment::path(&["12"]), v1!("/comments/12"));
        assert_eq!(GetVersion::path(&[]), v1!("/version"));
    }

    #[test]
    fn queries_leave_out_what_is_off() {
        assert_eq!(
            ListInstances::uri(&[], &AllQuery { all: false }).unwrap(),
            v1!("/instances")
        );
        assert_eq!(
            ListInstances::uri(&[], &AllQuery { all: true }).unwrap(),
            v1!("/instances?all=true")
        );
        assert_eq!(
            ListVolumes::uri(
                &[],
                &VolumesQuery {
                    all: false,
                    size: true
                }
            )
            .unwrap(),
            v1!("/volumes?size=true")
        );
        assert_eq!(
            CreateMachine::uri(&[], &DryRunQuery { dry_run: true }).unwrap(),
            v1!("/machines?dry_run=true")
        );
        let sorted = MachineListQuery {
            sort: MachineSort::Rating,
        };
        assert_eq!(
            ListMachines::uri(&[], &sorted).unwrap(),
            v1!("/machines?sort=rating")
        );
        assert_eq!(
            ListMachines::uri(&[], &MachineListQuery::default()).unwrap(),
            v1!("/machines")
        );
        let remove = InstanceRemoveQuery {
            volumes: true,
            force: true,
        };
        assert_eq!(
            RemoveInstance::uri(&["abc"], &remove).unwrap(),
            v1!("/instances/abc?volumes=true&force=true")
        );
        assert_eq!(
            ShowInstance::uri(&["abc"], &ShowQuery { reveal: true }).unwrap(),
            v1!("/instances/abc?reveal=true")
        );
        assert_eq!(
            ShowInstance::uri(&["abc"], &ShowQuery::default()).unwrap(),
            v1!("/instances/abc")
        );
        let wait = WaitQuery {
            timeout: std::time::Duration::from_secs(5),
        };
        assert_eq!(
            WaitInstance::uri(&["abc123"], &wait).unwrap(),
            v1!("/instances/abc123/wait?timeout=5")
        );
        let logs = LogsQuery {
            follow: true,
            since: Some(1_500_000_000),
            ..Default::default()
        };
        assert_eq!(
            InstanceLogs::uri(&["web"], &logs).unwrap(),
            v1!("/instances/web/logs?follow=true&since=1.500000000")
        );
        let page = CommentsQuery {
            limit: Some("5".into()),
            after: Some("7".into()),
            ..Default::default()
        };
        assert_eq!(
            ListComments::uri(&["a b"], &page).unwrap(),
            v1!("/machines/a%20b/comments?limit=5&after=7")
        );
        let events = EventsQuery {
            instance: Some("x y+z".into()),
            follow: true,
            ..Default::default()
        };
        assert_eq!(
            ListEvents::uri(&[], &events).unwrap(),
            v1!("/events?instance=x%20y%2Bz&follow=true")
        );
    }

    #[test]
    fn the_declarations_are_well_formed() {
        for (i, (method, path)) in ALL.iter().enumerate() {
            assert!(
                *path == v1!() || path.starts_with(v1!("/")),
                "{path} is outside /v1"
            );
            assert!(!path.ends_with('/') && !path.contains("//"), "{path}");
            assert!(
                ALL[..i].iter().all(|o| o != &(*method, *path)),
                "{method} {path} is declared twice"
            );
        }
        assert_eq!(ALL.len(), 52);
        assert_eq!(params(RemoveInstance::PATH).collect::<Vec<_>>(), ["ref"]);
    }
}
