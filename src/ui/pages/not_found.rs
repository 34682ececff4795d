//! The page for any unknown path (status 404).

use crate::ui::components::form::PageTitle;
use crate::ui::components::style::BUTTON_LARGE;
use leptos::prelude::*;

/// "Nothing here", with a way back.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <PageTitle text="Not found"/>
        <main class="mx-auto flex min-h-screen max-w-md flex-col items-center justify-center gap-4 p-8 text-center">
            <p class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"404"</p>
            <h1 class="text-2xl font-semibold">"This page does not exist"</h1>
            <p class="text-zinc-600 dark:text-zinc-400">"The link may be old, or the release it pointed to was deleted."</p>
            <a href="/" class=BUTTON_LARGE>"Go to the start page"</a>
        </main>
    }
}
