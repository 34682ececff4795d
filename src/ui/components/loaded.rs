//! The one way a page shows what it loads: a skeleton until the first
//! answer, then the data — or the error with a Retry button. A refetch
//! (live refresh, a saved form) keeps what is shown until the new answer is
//! in (`Transition`), so nothing flickers.

use crate::views::ApiError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// Shows `data` through `children` (`<Loaded data=d let:value>…</Loaded>`).
#[component]
pub fn Loaded<T, V, F>(
    /// What the page loads (a server function's answer).
    data: Resource<Result<T, ApiError>>,
    /// The skeleton's height (and margin), as Tailwind classes; empty for
    /// none.
    #[prop(default = "h-40")]
    skeleton: &'static str,
    /// The view of the loaded value.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // An empty `skeleton` shows nothing while loading (a small part of a
    // page that should not jump).
    let skeleton = (!skeleton.is_empty())
        .then(|| format!("{skeleton} animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900"));
    view! {
        <Transition fallback=move || skeleton.clone().map(|class| view! { <div class=class aria-hidden="true"></div> })>
            {move || data.get().map(|r| match r {
                Ok(value) => children(value).into_any(),
                Err(e) => view! { <LoadError error=e retry=move || data.refetch()/> }.into_any(),
            })}
        </Transition>
    }
}

/// A failed load: what went wrong, and a way to try again.
#[component]
pub fn LoadError(error: ApiError, retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div role="alert" class="flex flex-wrap items-center gap-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
            <span>{error.message}</span>
            <button type="button" on:click=move |_| retry() class="rounded-md border border-red-300 bg-white px-2 py-1 text-xs font-medium text-red-800 hover:bg-red-100 dark:border-red-700 dark:bg-red-900 dark:text-red-100">
                "Retry"
            </button>
        </div>
    }
}
