//! Background workers that run beside the web server in the same process:
//! the outbox sender (Slack messages with retries and back-off), the
//! periodic sync of linked Jira tickets and GitHub pull requests, the check
//! that ends live streams of revoked sessions and members, Slack's notices
//! of freeze windows opening and closing, and the purge of expired rows. Jobs keep their state in the database, so several app
//! servers can share the work.

pub mod freeze_notices;
pub mod item_sync;
pub mod mail;
pub mod outbox;
pub mod purge;
pub mod stream_check;
