//! Every page of the app in one table: its path, who may open it, and its
//! entry in the navigation. The server's page guard (`server::auth`) asks
//! [`access_of`] before a page streams, the frame draws its navigation from
//! [`nav`], and a test holds the `<Routes>` of `app.rs` to this table, so a
//! page cannot be added in one place and forgotten in another (`API.md`,
//! "Pages").

/// Who may open a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in user, with or without a team.
    SignedIn,
    /// A signed-in user with a current team (else: `/select-team`).
    Team,
}

/// One page.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// The route pattern, `:name` for a segment parameter.
    pub path: &'static str,
    /// Who may open it.
    pub access: Access,
    /// Its label in the sidebar, when it has an entry there.
    pub nav: Option<&'static str>,
    /// The heading the frame shows above a team page.
    pub title: &'static str,
}

const fn page(
    path: &'static str,
    access: Access,
    nav: Option<&'static str>,
    title: &'static str,
) -> Page {
    Page {
        path,
        access,
        nav,
        title,
    }
}

use Access::{Public, SignedIn, Team};

/// Every page; the sidebar lists those with a label, in this order.
pub const PAGES: &[Page] = &[
    page("/", Public, None, ""),
    page("/sign-in", Public, None, ""),
    page("/sign-up", Public, None, ""),
    page("/invite/:token", Public, None, ""),
    page("/forgot-password", Public, None, ""),
    page("/reset-password", Public, None, ""),
    page("/verify-email", Public, None, ""),
    page("/select-team", SignedIn, None, ""),
    page("/dashboard", Team, Some("Dashboard"), "Dashboard"),
    page("/board", Team, Some("Board"), "Board"),
    page("/releases", Team, Some("Releases"), "Releases"),
    page("/releases/:id", Team, None, "Release"),
    page("/sprints", Team, Some("Sprints"), "Sprints"),
    page("/sprints/:id", Team, None, "Sprint"),
    page(
        "/deployment-groups",
        Team,
        Some("Deployment groups"),
        "Deployment groups",
    ),
    page("/deployment-groups/:id", Team, None, "Deployment group"),
    page("/calendar", Team, Some("Calendar"), "Calendar"),
    page("/deploy-queue", Team, Some("Deploy queue"), "Deploy queue"),
    page("/blocked", Team, Some("Blocked"), "Blocked releases"),
    page("/services", Team, Some("Services"), "Services"),
    page("/activity", Team, Some("Activity"), "Activity"),
    page(
        "/settings/team",
        Team,
        Some("Team settings"),
        "Team settings",
    ),
    page("/settings/members", Team, Some("Members"), "Members"),
    page(
        "/settings/api-tokens",
        Team,
        Some("API tokens"),
        "API tokens",
    ),
    page("/settings/webhooks", Team, Some("Webhooks"), "Webhooks"),
    page(
        "/settings/policy",
        Team,
        Some("Release policy"),
        "Release policy",
    ),
    page("/settings/profile", Team, Some("Profile"), "Profile"),
];

/// Whether `path` matches the pattern (`:x` matches one non-empty segment).
fn matches(pattern: &str, path: &str) -> bool {
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with(':') && !g.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// Who may open `path`. A path that is no page (the not-found page) needs a
/// session, and `/settings/...` is a team page whatever follows (`API.md`).
pub fn access_of(path: &str) -> Access {
    if let Some(p) = PAGES.iter().find(|p| matches(p.path, path)) {
        return p.access;
    }
    if path.starts_with("/settings/") {
        return Team;
    }
    SignedIn
}

/// The heading of the team page at `path` (the frame's title bar).
pub fn title_of(path: &str) -> &'static str {
    PAGES
        .iter()
        .find(|p| matches(p.path, path))
        .map_or("", |p| p.title)
}

/// The sidebar: `(href, label)` in order.
pub fn nav() -> impl Iterator<Item = (&'static str, &'static str)> {
    PAGES
        .iter()
        .filter_map(|p| p.nav.map(|label| (p.path, label)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_their_patterns_only() {
        assert!(matches("/releases/:id", "/releases/abc"));
        assert!(matches("/releases/:id", "/releases/abc/"));
        assert!(!matches("/releases/:id", "/releases/"));
        assert!(!matches("/releases/:id", "/releases/a/b"));
        assert!(matches("/", "/"));
        assert!(!matches("/board", "/boards"));
        assert!(matches("/board", "/board"));
    }

    #[test]
    fn each_page_has_the_access_api_md_gives_it() {
        for p in [
            "/",
            "/sign-in",
            "/sign-up",
            "/invite/abc",
            "/forgot-password",
            "/reset-password",
            "/verify-email",
        ] {
            assert_eq!(access_of(p), Public, "{p}");
        }
        for p in [
            "/board",
            "/releases",
            "/releases/x",
            "/services",
            "/sprints",
            "/sprints/x",
            "/deployment-groups",
            "/deployment-groups/x",
            "/deploy-queue",
            "/blocked",
            "/calendar",
            "/dashboard",
            "/activity",
            "/settings/members",
            "/settings/api-tokens",
            "/settings/webhooks",
            "/settings/policy",
            "/settings/team",
            "/settings/profile",
            "/settings/anything",
        ] {
            assert_eq!(access_of(p), Team, "{p}");
        }
        for p in ["/select-team", "/no-such-page", "/boards", "/invite"] {
            assert_eq!(access_of(p), SignedIn, "{p}");
        }
    }

    /// The `<Routes>` of `app.rs` and this table list the same pages.
    #[test]
    fn the_router_serves_exactly_the_pages_of_the_table() {
        let app = include_str!("app.rs");
        let mut routed: Vec<String> = app
            .split("<Route path=path!(\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .map(|p| if p.is_empty() { "/".to_string() } else { p })
            .collect();
        let mut table: Vec<String> = PAGES.iter().map(|p| p.path.to_string()).collect();
        routed.sort();
        table.sort();
        assert_eq!(routed, table);
    }

    /// Team pages, and only they, are children of the frame's layout route,
    /// and each has a heading for the frame.
    #[test]
    fn the_frame_wraps_exactly_the_team_pages() {
        let app = include_str!("app.rs");
        let start = app.find("<ParentRoute").expect("a layout route");
        let end = app.find("</ParentRoute>").expect("a layout route");
        let mut framed: Vec<&str> = app[start..end]
            .split("<Route path=path!(\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        let mut team: Vec<&str> = PAGES
            .iter()
            .filter(|p| p.access == Team)
            .map(|p| p.path)
            .collect();
        framed.sort();
        team.sort();
        assert_eq!(framed, team);
        for p in PAGES.iter().filter(|p| p.access == Team) {
            assert!(!p.title.is_empty(), "{} has no heading", p.path);
        }
        assert_eq!(title_of("/releases/abc"), "Release");
        assert_eq!(title_of("/blocked"), "Blocked releases");
    }

    #[test]
    fn the_sidebar_lists_only_team_pages_without_parameters() {
        let entries: Vec<_> = nav().collect();
        assert_eq!(entries.first(), Some(&("/dashboard", "Dashboard")));
        for (href, _) in entries {
            assert!(!href.contains(':'), "{href}");
            assert_eq!(access_of(href), Team, "{href}");
        }
    }
}
