//! Background workers that run beside the web server in the same process:
//! the outbox sender (Slack messages with retries and back-off) and the
//! periodic sync of linked Jira tickets and GitHub pull requests. Jobs keep
//! their state in the database, so several app servers can share the work.

pub mod item_sync;
pub mod outbox;
