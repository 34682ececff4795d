//! Pages loaded on demand: each is a lazy route, so with `cargo leptos
//! build --split` its code leaves the main WebAssembly module and is
//! fetched the first time the page is opened (the server preloads the
//! current page's part with the first load, so a page opened directly
//! hydrates as before). The board, the sign-in and sign-up forms and the
//! frame stay in the main module: a board user needs nothing else before
//! the board is interactive. `--split` is required in the browser build
//! (the Makefile passes it): the browser loads these parts through the
//! split loader `cargo leptos` writes.
//!
//! A page's data starts loading in its own component, after its code
//! arrives (a small waterfall on the first visit to that page only): the
//! pages keep their resources where they are used, which matters more here
//! than the few milliseconds a `data()` split would save.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// `lazy_page!(Route, Page)`: `Route` is the lazy route that renders `<Page/>`.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        #[doc = concat!("`", stringify!($page), "`, loaded on demand.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                use crate::ui::app::Hydrated;
                use $page as Page;
                view! { <Page/><Hydrated/> }.into_any()
            }
        }
    };
}

lazy_page!(
    SelectTeamRoute,
    crate::ui::pages::select_team::SelectTeamPage
);
lazy_page!(LandingRoute, crate::ui::pages::landing::LandingPage);
lazy_page!(InviteRoute, crate::ui::pages::invite::InvitePage);
lazy_page!(
    ForgotPasswordRoute,
    crate::ui::pages::auth::ForgotPasswordPage
);
lazy_page!(
    ResetPasswordRoute,
    crate::ui::pages::auth::ResetPasswordPage
);
lazy_page!(VerifyEmailRoute, crate::ui::pages::auth::VerifyEmailPage);
lazy_page!(DashboardRoute, crate::ui::pages::dashboard::DashboardPage);
lazy_page!(CalendarRoute, crate::ui::pages::dashboard::CalendarPage);
lazy_page!(ReleasesRoute, crate::ui::pages::releases::ReleasesPage);
lazy_page!(ReleaseRoute, crate::ui::pages::release::ReleasePage);
lazy_page!(SprintsRoute, crate::ui::pages::sprints::SprintsPage);
lazy_page!(SprintRoute, crate::ui::pages::sprints::SprintPage);
lazy_page!(GroupsRoute, crate::ui::pages::groups::GroupsPage);
lazy_page!(GroupRoute, crate::ui::pages::groups::GroupPage);
lazy_page!(DeployQueueRoute, crate::ui::pages::queues::DeployQueuePage);
lazy_page!(BlockedRoute, crate::ui::pages::queues::BlockedPage);
lazy_page!(ServicesRoute, crate::ui::pages::services::ServicesPage);
lazy_page!(ActivityRoute, crate::ui::pages::activity::ActivityPage);
lazy_page!(
    TeamSettingsRoute,
    crate::ui::pages::team_settings::TeamSettingsPage
);
lazy_page!(MembersRoute, crate::ui::pages::members::MembersPage);
lazy_page!(ApiTokensRoute, crate::ui::pages::api_tokens::ApiTokensPage);
lazy_page!(WebhooksRoute, crate::ui::pages::webhooks::WebhooksPage);
lazy_page!(
    ReleasePolicyRoute,
    crate::ui::pages::release_policy::ReleasePolicyPage
);
lazy_page!(ProfileRoute, crate::ui::pages::profile::ProfilePage);
