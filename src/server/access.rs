//! Who is acting, in which team, with what authority — by construction.
//!
//! A [`TeamContext`] exists only for a member of the team ([`for_member`],
//! which reads the membership row itself) or for one of the team's live API
//! tokens ([`for_token`], called by the bearer authentication after the
//! secret matched); who acts is an [`Actor`]. Its fields are private, so no
//! code can make one up or raise its role, and what only a person may do
//! asks [`TeamContext::person`].
//!
//! Write use cases take a role-narrowed handle instead of the context:
//! [`Editor`] (MEMBER and up: releases, items, comments, dependencies),
//! [`Admin`] (ADMIN and up: services, sprints, groups, settings, people)
//! and [`Owner`]. The only way to get one is the role check on the context
//! ([`TeamContext::editor`], …), which asks the rules of
//! [`crate::domain::roles`]; so a service whose signature asks for an
//! `&Editor` cannot be called on a path that skipped the check — it does
//! not compile. Rules that also depend on the data (an ADMIN manages
//! MEMBERs but not OWNERs; a comment's author may delete it) stay in the
//! use case, which reads the role from the handle.
//!
//! Handles deref to the context, so reads (`find_in(&editor)`, the actor's
//! name for the activity log) work on them unchanged.

use crate::domain::ids::{TeamId, TokenId, UserId};
use crate::domain::roles::Role;
use crate::domain::DomainError;
use crate::server::db::entities::{api_token, session, team_member, user};
use crate::server::db::scoped::TeamOwned;
use crate::server::error::AppError;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, QueryFilter};
use std::ops::Deref;

/// The caller acting inside one team they are a member of, or a team API
/// token acting with the role it was minted with.
#[derive(Debug, Clone)]
pub struct TeamContext {
    team_id: TeamId,
    actor: Actor,
    role: Role,
}

/// Who acts: a signed-in person, or one of the team's API tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A member of the team, signed in.
    Person {
        /// Their account.
        user_id: UserId,
        /// Their display name.
        name: String,
    },
    /// A team API token (`Authorization: Bearer rc_…`).
    Token {
        /// The token's id.
        token_id: TokenId,
        /// How the activity log names it: "CI deploy (token)".
        name: String,
    },
}

/// The context of a live (unrevoked, unexpired) API token: its team, its
/// role. Only the bearer authentication calls this, after checking the
/// secret against the stored hash.
pub fn for_token(token: &api_token::Model) -> TeamContext {
    TeamContext {
        team_id: token.team_id.clone(),
        actor: Actor::Token {
            token_id: token.id.clone(),
            name: format!("{} (token)", token.name),
        },
        role: token.role,
    }
}

/// A live session found by its token's hash, with its user and — when the
/// session has a team selected and the user is (still) its member — the
/// team context. One query: the session, its user and the membership row
/// joined, so a request that signs in by cookie costs one round trip to
/// know who acts and in which team, not two. The role comes from the
/// membership row, as in [`for_member`].
pub async fn for_session(
    db: &impl ConnectionTrait,
    token_hash: String,
    live: sea_orm::Condition,
) -> Result<Option<(session::Model, user::Model, Option<TeamContext>)>, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{
        EntityTrait, ExprTrait, FromQueryResult, IdenStatic, JoinType, QuerySelect, QueryTrait,
        SelectA, SelectB,
    };
    let membership = session::Entity::belongs_to(team_member::Entity)
        .from(session::Column::CurrentTeamId)
        .to(team_member::Column::TeamId)
        .on_condition(|_, member| {
            Expr::col((member, team_member::Column::UserId))
                .equals((session::Entity, session::Column::UserId))
                .into()
        });
    let query = session::Entity::find()
        .filter(session::Column::TokenHash.eq(token_hash))
        .filter(live)
        .find_also_related(user::Entity)
        .join(JoinType::LeftJoin, membership.into())
        .column_as(team_member::Column::Role, "member_role")
        .into_query();
    let Some(row) = db.query_one(&query).await? else {
        return Ok(None);
    };
    let sess = session::Model::from_query_result(&row, SelectA.as_str())?;
    let Some(user) = user::Model::from_query_result_optional(&row, SelectB.as_str())? else {
        return Ok(None);
    };
    let role: Option<Role> = row.try_get("", "member_role")?;
    let team = match (&sess.current_team_id, role) {
        (Some(team_id), Some(role)) => Some(member_context(team_id.clone(), &user, role)),
        _ => None,
    };
    Ok(Some((sess, user, team)))
}

/// The context of `user` in `team_id`, when (and only when) they are a
/// member of it: the role comes from their membership row.
pub async fn for_member(
    db: &impl ConnectionTrait,
    team_id: &TeamId,
    user: &user::Model,
) -> Result<Option<TeamContext>, DbErr> {
    let member = team_member::Entity::find_in_team(team_id)
        .filter(team_member::Column::UserId.eq(&user.id))
        .one(db)
        .await?;
    Ok(member.map(|m| member_context(m.team_id, user, m.role)))
}

/// The context of a member whose membership row was just read (its team
/// and role): only [`for_member`] and [`for_session`] call it.
fn member_context(team_id: TeamId, user: &user::Model, role: Role) -> TeamContext {
    TeamContext {
        team_id,
        actor: Actor::Person {
            user_id: user.id.clone(),
            name: user.name.clone(),
        },
        role,
    }
}

impl TeamContext {
    /// The team acted on.
    pub fn team_id(&self) -> &TeamId {
        &self.team_id
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The acting person; `None` for an API token.
    pub fn user_id(&self) -> Option<&UserId> {
        match &self.actor {
            Actor::Person { user_id, .. } => Some(user_id),
            Actor::Token { .. } => None,
        }
    }

    /// The acting token; `None` for a person.
    pub fn token_id(&self) -> Option<&TokenId> {
        match &self.actor {
            Actor::Token { token_id, .. } => Some(token_id),
            Actor::Person { .. } => None,
        }
    }

    /// The actor's display name (for the activity log): the person's name,
    /// or "<token name> (token)".
    pub fn user_name(&self) -> &str {
        match &self.actor {
            Actor::Person { name, .. } | Actor::Token { name, .. } => name,
        }
    }

    /// The acting person, for what only a person can do (their own OAuth
    /// connections, comments in their name, leaving a team), or 403 naming
    /// `action` when a token calls.
    pub fn person(&self, action: &'static str) -> Result<&UserId, AppError> {
        self.user_id().ok_or_else(|| {
            AppError::Forbidden(format!(
                "an API token cannot {action}: it needs a signed-in person"
            ))
        })
    }

    /// Their role in the team.
    pub fn role(&self) -> Role {
        self.role
    }

    fn check(&self, allowed: fn(Role) -> bool, action: &'static str) -> Result<(), AppError> {
        if allowed(self.role) {
            Ok(())
        } else {
            Err(DomainError::Forbidden {
                role: self.role,
                action,
            }
            .into())
        }
    }

    /// The handle for changing releases and their work (MEMBER and up), or
    /// 403 naming `action` (what was attempted, in words).
    pub fn editor(&self, action: &'static str) -> Result<Editor<'_>, AppError> {
        self.check(Role::can_edit_releases, action)?;
        Ok(Editor(self))
    }

    /// The handle for running the team's configuration and people (ADMIN
    /// and up), or 403 naming `action`.
    pub fn admin(&self, action: &'static str) -> Result<Admin<'_>, AppError> {
        self.check(Role::can_manage_team_config, action)?;
        Ok(Admin(self))
    }

    /// The handle for what only an OWNER may do, or 403 naming `action`.
    pub fn owner(&self, action: &'static str) -> Result<Owner<'_>, AppError> {
        self.check(Role::can_delete_team, action)?;
        Ok(Owner(self))
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a>(&'a TeamContext);

        impl Deref for $name<'_> {
            type Target = TeamContext;
            fn deref(&self) -> &TeamContext {
                self.0
            }
        }
    };
}

handle!(
    /// Proof that the caller may change releases and their work: only
    /// [`TeamContext::editor`] (a MEMBER-or-above check) makes one.
    Editor
);
handle!(
    /// Proof that the caller may run the team's configuration and people:
    /// only [`TeamContext::admin`] (an ADMIN-or-above check) makes one.
    Admin
);
handle!(
    /// Proof that the caller owns the team: only [`TeamContext::owner`].
    Owner
);

impl<'a> Admin<'a> {
    /// An ADMIN may do everything a MEMBER may.
    pub fn editor(self) -> Editor<'a> {
        Editor(self.0)
    }
}

impl<'a> Owner<'a> {
    /// An OWNER may do everything an ADMIN may.
    pub fn admin(self) -> Admin<'a> {
        Admin(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(role: Role) -> TeamContext {
        TeamContext {
            team_id: "t".into(),
            actor: Actor::Person {
                user_id: "u".into(),
                name: "Ann".into(),
            },
            role,
        }
    }

    /// The handles follow the role rules of `domain::roles` exactly (the
    /// table the HTTP tests walk route by route is checked against these).
    #[test]
    fn each_handle_is_given_to_exactly_the_roles_its_rule_allows() {
        for role in Role::ALL {
            let c = ctx(role);
            assert_eq!(c.editor("x").is_ok(), role.can_edit_releases(), "{role:?}");
            assert_eq!(
                c.admin("x").is_ok(),
                role.can_manage_team_config(),
                "{role:?}"
            );
            assert_eq!(c.owner("x").is_ok(), role.can_delete_team(), "{role:?}");
            assert_eq!(c.editor("x").is_ok(), role >= Role::Member);
            assert_eq!(c.admin("x").is_ok(), role >= Role::Admin);
            assert_eq!(c.owner("x").is_ok(), role == Role::Owner);
        }
    }

    #[test]
    fn a_refusal_names_the_role_and_the_action() {
        let err = ctx(Role::Viewer).editor("create releases").unwrap_err();
        assert_eq!(
            err.to_string(),
            "your role (Viewer) does not allow this: create releases"
        );
        assert!(matches!(err, AppError::Forbidden(_)));
    }

    #[test]
    fn a_token_acts_with_its_role_and_is_named_but_is_no_person() {
        let c = TeamContext {
            team_id: "t".into(),
            actor: Actor::Token {
                token_id: "k".into(),
                name: "CI deploy (token)".into(),
            },
            role: Role::Member,
        };
        assert!(c.editor("x").is_ok());
        assert!(c.admin("x").is_err());
        assert_eq!(c.user_name(), "CI deploy (token)");
        assert_eq!(c.user_id(), None);
        let err = c.person("comment").unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)));
        assert_eq!(
            err.to_string(),
            "an API token cannot comment: it needs a signed-in person"
        );
        assert!(ctx(Role::Viewer).person("comment").is_ok());
    }
}
