//! One module per page of `API.md`, "Pages".

pub mod account;
pub mod activity;
pub mod api_tokens;
pub mod auth;
pub mod board;
pub mod dashboard;
pub mod groups;
pub mod invite;
pub mod landing;
pub mod linked_work;
pub mod members;
pub mod not_found;
pub mod profile;
pub mod queues;
pub mod release;
pub mod release_policy;
pub mod releases;
pub mod select_team;
pub mod services;
pub mod sprints;
pub mod team_settings;
pub mod webhooks;
