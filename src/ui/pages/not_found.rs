//! The page for any unknown path (status 404).

use crate::ui::components::form::PageTitle;
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
            <a href="/" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">"Go to the start page"</a>
        </main>
    }
}
