//! The new-release form: under the list on `/releases`, and as a dialog
//! from the board's top bar (its button or `c`), which loads its pickers
//! when it opens so the board page does not carry them. Without JavaScript
//! the board's button is a link to the form on `/releases`.

use crate::domain::status::Priority;
use crate::serverfns::releases::{new_release_options, CreateRelease, NewReleaseChoices};
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit, SELECT};
use crate::ui::components::loaded::LoadError;
use crate::ui::components::markdown::MarkdownEditor;
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::views::ApiError;
use leptos::html::Dialog;
use leptos::prelude::*;

/// The form itself; creating a release opens its page.
#[component]
pub fn NewReleaseForm(options: NewReleaseChoices) -> impl IntoView {
    let NewReleaseChoices {
        services,
        members,
        sprints,
        groups,
    } = options;
    if services.is_empty() {
        return view! {
            <p class="text-sm">"A release belongs to a service. Add one first: "
                <a class="text-indigo-700 underline dark:text-indigo-300" href="/services">"Services"</a></p>
        }
        .into_any();
    }
    let create = ServerAction::<CreateRelease>::new();
    let option = |id: String, name: String| view! { <option value=id>{name}</option> };
    view! {
        <ActionForm action=create attr:class="grid gap-3 sm:grid-cols-2">
            <FieldErrors errors=last_error(create.value())>
            <div class="space-y-1"><label for="nr-service" class="block text-sm font-medium">"Service"</label>
                <select id="nr-service" name="service_id" class=SELECT required>
                    {services.into_iter().map(|s| option(s.id.to_string(), s.name)).collect_view()}
                </select></div>
            <Field label="Title" name="title"/>
            <Field label="Version" name="version"/>
            <div class="space-y-1"><label for="nr-priority" class="block text-sm font-medium">"Priority"</label>
                <select id="nr-priority" name="priority" class=SELECT>
                    {Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=p == Priority::Medium>{p.label()}</option> }).collect_view()}
                </select></div>
            <div class="space-y-1"><label for="nr-owner" class="block text-sm font-medium">"Owner"</label>
                <select id="nr-owner" name="owner_id" class=SELECT>
                    <option value="">"Nobody yet"</option>
                    {members.into_iter().map(|m| option(m.user_id.to_string(), m.name)).collect_view()}
                </select></div>
            <Field label="Target date" name="target_date" kind="date" required=false/>
            <div class="space-y-1"><label for="nr-sprint" class="block text-sm font-medium">"Sprint"</label>
                <select id="nr-sprint" name="sprint_id" class=SELECT>
                    <option value="">"None"</option>
                    {sprints.into_iter().map(|s| option(s.id.to_string(), s.name)).collect_view()}
                </select></div>
            <div class="space-y-1"><label for="nr-group" class="block text-sm font-medium">"Deployment group"</label>
                <select id="nr-group" name="deployment_group_id" class=SELECT>
                    <option value="">"None"</option>
                    {groups.into_iter().map(|g| option(g.id.to_string(), g.name)).collect_view()}
                </select></div>
            <div class="sm:col-span-2"><MarkdownEditor id="nr-description" name="description" label="Description" value=""/></div>
            <div class="sm:col-span-2"><ActionError result=create.value().into()/></div>
            <div class="w-40"><Submit label="Create release" pending=create.pending().into()/></div>
            </FieldErrors>
        </ActionForm>
    }
    .into_any()
}

/// The board's "New release" button: a link to `/releases#new-release`
/// that, once the page is hydrated, opens the dialog instead. `c` anywhere
/// on the page presses it (`frame.rs`).
#[component]
pub fn NewReleaseButton(class: &'static str) -> impl IntoView {
    let node = NodeRef::<Dialog>::new();
    let options = RwSignal::new(None::<Result<NewReleaseChoices, ApiError>>);
    let load = move || {
        options.set(None);
        leptos::task::spawn_local(async move {
            let got = new_release_options().await;
            let _ = options.try_set(Some(got));
        });
    };
    let open = move |ev: leptos::ev::MouseEvent| {
        let Some(dialog) = node.get_untracked() else {
            return;
        };
        ev.prevent_default();
        let _ = dialog.show_modal();
        if matches!(options.get_untracked(), Some(Ok(_))) {
            focus_title();
        } else {
            load();
        }
    };
    // Focus the title once the form is there.
    Effect::new(move |_| {
        if matches!(options.get(), Some(Ok(_))) {
            focus_title();
        }
    });
    view! {
        <a href="/releases#new-release" class=class data-new-release="" on:click=open>
            "New release" <kbd class="ml-1 rounded bg-indigo-500 px-1 text-xs">"c"</kbd>
        </a>
        <dialog node_ref=node id="new-release-dialog" aria-labelledby="new-release-dialog-h"
            class="m-auto w-full max-w-2xl rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
            <div class="p-4">
                <div class="mb-3 flex items-center justify-between gap-3">
                    <h2 id="new-release-dialog-h" class="font-semibold">"New release"</h2>
                    <form method="dialog"><button class=BUTTON_SECONDARY>"Cancel"</button></form>
                </div>
                {move || match options.get() {
                    None => view! { <p class="h-40 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" aria-busy="true"><span class="sr-only">"Loading…"</span></p> }.into_any(),
                    Some(Err(e)) => view! { <LoadError error=e retry=load/> }.into_any(),
                    Some(Ok(o)) => view! { <NewReleaseForm options=o/> }.into_any(),
                }}
            </div>
        </dialog>
    }
}

/// Puts the cursor in the dialog's Title (after the browser has drawn it).
fn focus_title() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .query_selector("#new-release-dialog input[name=title]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}
