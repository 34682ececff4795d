//! The HTML shell and the route table.

use crate::ui::components::frame::AppFrame;
use crate::ui::lazy::*;
use crate::ui::pages::auth::{SignInPage, SignUpPage};
use crate::ui::pages::board::BoardPage;
use crate::ui::pages::not_found::NotFound;
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use leptos_router::{Lazy, SsrMode};

/// Applies the theme before first paint: an explicit choice (the `rc_theme`
/// cookie, also read by the server) wins, otherwise the system preference.
const THEME_SCRIPT: &str =
    "(function(){try{var m=document.cookie.match(/(?:^|; )rc_theme=(dark|light)/);\
var d=m?m[1]==='dark':window.matchMedia('(prefers-color-scheme: dark)').matches;\
document.documentElement.classList.toggle('dark',d);}catch(e){}})();";

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme_class = server_theme_class();
    view! {
        <!DOCTYPE html>
        <html lang="en" class=theme_class>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <script nonce=use_nonce() inner_html=THEME_SCRIPT></script>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
                <App/>
            </body>
        </html>
    }
}

/// `"dark"` when the request carries `rc_theme=dark`, so a returning dark-mode
/// user gets a dark page even before any script runs.
fn server_theme_class() -> &'static str {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        let theme = use_context::<http::request::Parts>()
            .and_then(|p| crate::server::auth::cookie_value(&p.headers, "rc_theme"));
        if theme.as_deref() == Some("dark") {
            return "dark";
        }
    }
    ""
}

/// The application: metadata and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::ui::components::live::provide_live();
    view! {
        <Title formatter=|t: String| if t.is_empty() { "Release Coordinator".to_string() } else { format!("{t} · Release Coordinator") }/>
        <Router>
            <Routes fallback=|| view! { <NotFound/><Hydrated/> }>
                <Route path=path!("") view={Lazy::<LandingRoute>::new()}/>
                <Route path=path!("/sign-in") view=|| view! { <SignInPage/><Hydrated/> }/>
                <Route path=path!("/sign-up") view=|| view! { <SignUpPage/><Hydrated/> }/>
                <Route path=path!("/select-team") view={Lazy::<SelectTeamRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view={Lazy::<InviteRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=AppFrame ssr=SsrMode::Async>
                    <Route path=path!("/board") view=|| view! { <BoardPage/><Hydrated/> } ssr=SsrMode::Async/>
                    <Route path=path!("/settings/members") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/api-tokens") view={Lazy::<ApiTokensRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/webhooks") view={Lazy::<WebhooksRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/policy") view={Lazy::<ReleasePolicyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/profile") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/team") view={Lazy::<TeamSettingsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/services") view={Lazy::<ServicesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/releases") view={Lazy::<ReleasesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/activity") view={Lazy::<ActivityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deploy-queue") view={Lazy::<DeployQueueRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/blocked") view={Lazy::<BlockedRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/releases/:id") view={Lazy::<ReleaseRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/calendar") view={Lazy::<CalendarRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/sprints") view={Lazy::<SprintsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/sprints/:id") view={Lazy::<SprintRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deployment-groups") view={Lazy::<GroupsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/deployment-groups/:id") view={Lazy::<GroupRoute>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sets `data-hydrated="true"` on `<body>` once the page is live in the
/// browser: the browser tests wait for it instead of guessing with sleeps.
/// Each route's view renders it (a page loaded on demand hydrates after
/// its part arrives, later than the frame around it), so it means "this
/// page's buttons work", not only "the app started".
#[component]
pub fn Hydrated() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
