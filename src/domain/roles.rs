//! Team roles and the permission rules — the only place that decides who may
//! do what. Services call these; handlers never compare roles themselves.
//!
//! OWNER > ADMIN > MEMBER > VIEWER. VIEWER reads only. MEMBER creates and
//! edits releases, items, comments and dependencies. ADMIN also manages
//! services, sprints, deployment groups, settings, invitations, MEMBERs and
//! VIEWERs. OWNER also manages ADMINs and OWNERs and may delete the team.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A member's role in a team. The derived order is least to most powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Works on releases.
    Member,
    /// Runs the team's configuration.
    Admin,
    /// Owns the team.
    Owner,
}

impl Role {
    /// Every role, most powerful first (for pickers).
    pub const ALL: [Role; 4] = [Self::Owner, Self::Admin, Self::Member, Self::Viewer];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "OWNER",
            Self::Admin => "ADMIN",
            Self::Member => "MEMBER",
            Self::Viewer => "VIEWER",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Member => "Member",
            Self::Viewer => "Viewer",
        }
    }

    /// May create and edit releases, items, comments and dependencies.
    pub fn can_edit_releases(self) -> bool {
        self >= Self::Member
    }

    /// May manage services, sprints, deployment groups and team settings.
    pub fn can_manage_team_config(self) -> bool {
        self >= Self::Admin
    }

    /// May invite people (with a role this role may grant).
    pub fn can_invite(self) -> bool {
        self >= Self::Admin
    }

    /// May give `target` to somebody, or change/remove somebody who holds
    /// `current`. OWNER manages everyone; ADMIN manages MEMBERs and VIEWERs
    /// only; nobody else manages anybody.
    pub fn can_manage_role(self, current: Role, target: Role) -> bool {
        match self {
            Self::Owner => true,
            Self::Admin => current <= Self::Member && target <= Self::Member,
            _ => false,
        }
    }

    /// May mint, list and revoke the team's API tokens.
    pub fn can_manage_tokens(self) -> bool {
        self >= Self::Admin
    }

    /// May mint a token acting as `token_role`: ADMIN, MEMBER or VIEWER
    /// (a token never owns a team), and never above this role.
    pub fn can_mint_token(self, token_role: Role) -> bool {
        self.can_manage_tokens() && token_role != Self::Owner && token_role <= self
    }

    /// May delete the whole team.
    pub fn can_delete_team(self) -> bool {
        self == Self::Owner
    }
}

/// For people: the label ("Admin"); the wire name is [`Role::as_str`].
impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Role {
    type Err = super::DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                super::DomainError::invalid("role", format!("unknown role {}", super::quote(s)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::Role::{self, *};

    #[test]
    fn order_is_viewer_to_owner() {
        assert!(Viewer < Member && Member < Admin && Admin < Owner);
    }

    #[test]
    fn admin_manages_only_members_and_viewers() {
        for current in Role::ALL {
            for target in Role::ALL {
                let expected = current <= Member && target <= Member;
                assert_eq!(Admin.can_manage_role(current, target), expected);
                assert!(Owner.can_manage_role(current, target));
                assert!(!Member.can_manage_role(current, target));
                assert!(!Viewer.can_manage_role(current, target));
            }
        }
    }

    #[test]
    fn capabilities() {
        assert!(!Viewer.can_edit_releases());
        assert!(Member.can_edit_releases());
        assert!(!Member.can_manage_team_config() && Admin.can_manage_team_config());
        assert!(!Member.can_invite() && Admin.can_invite());
        assert!(Owner.can_delete_team() && !Admin.can_delete_team());
    }

    #[test]
    fn a_token_role_is_never_above_its_minter_nor_an_owner() {
        for minter in Role::ALL {
            for token in Role::ALL {
                let expected = minter >= Admin && token <= minter && token != Owner;
                assert_eq!(
                    minter.can_mint_token(token),
                    expected,
                    "{minter:?} {token:?}"
                );
            }
        }
    }
}
