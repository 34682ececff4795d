//! SeaORM entities: one file per table of `DATA-MODEL.md`. Rows only — the
//! rules live in `domain`, the use cases in `services`. Enum-like columns
//! are the domain's enums (`domain::kinds`/`status`/`roles`), stored as
//! their wire names in text (`db::types`).

/// One audit-log entry; outlives its release.
pub mod activity;
/// A team API token for scripts; the secret is stored hashed.
pub mod api_token;
/// An approval or rejection of moving a release's version into a status.
pub mod approval;
/// A Markdown comment on a release.
pub mod comment;
/// A deployment reported by CI.
pub mod deployment;
/// Releases that roll out together, in order or in waves.
pub mod deployment_group;
/// A single-use emailed link (verify an address, reset a password), hashed.
pub mod email_token;
/// A time no release moves into an environment: once, until lifted, or weekly.
pub mod freeze;
/// A freeze window's start or end that Slack was told about.
pub mod freeze_notice;
/// An invitation to join a team with a role; the token is stored hashed.
pub mod invitation;
/// An email waiting to be sent (body encrypted, emptied once sent).
pub mod mail_outbox;
/// A user's OAuth connection to Jira or GitHub; tokens encrypted.
pub mod oauth_connection;
/// A pending OAuth authorisation; `id` is the SHA-256 of the `state` value.
pub mod oauth_state;
/// A single-sign-on sign-in in flight; `id` is the SHA-256 of its `state`.
pub mod oidc_state;
/// A durable side effect (a Slack message) waiting to be sent.
pub mod outbox;
/// A release of a service: the card on the board.
pub mod release;
/// `release_id` depends on `depends_on_id`.
pub mod release_dependency;
/// A Jira ticket or GitHub pull request linked to a release, with cached state.
pub mod release_item;
/// An account event of the security log (sign-in, reset, …).
pub mod security_event;
/// A deployable service of a team.
pub mod service;
/// A signed-in browser session; the cookie token is stored hashed.
pub mod session;
/// A time-boxed iteration.
pub mod sprint;
/// A team: the multi-tenant root. Owns everything else.
pub mod team;
/// A user's membership of a team, with a role.
pub mod team_member;
/// A person with a self-hosted account.
pub mod user;
/// An account's identity at an OpenID Connect provider.
pub mod user_identity;
/// An outgoing webhook subscription; its secret encrypted.
pub mod webhook;
/// An inbound webhook delivery already processed (replays are refused).
pub mod webhook_delivery;
