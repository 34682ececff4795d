//! The release filter bar shared by `/board` and `/releases`. It is a plain
//! GET form, so filters live in the URL (shareable, back/forward work) and it
//! works without JavaScript; with JavaScript the router keeps it client-side.

use crate::domain::status::{Priority, ReleaseStatus};
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::views::{MemberView, ServiceView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const SELECT: &str = "block rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/// The query keys the filter bar owns.
pub const FILTER_KEYS: [&str; 6] = ["q", "status", "serviceId", "ownerId", "priority", "blocked"];

/// Filter bar. `action` is the page's own path; `with_status` adds the
/// status select (the board has a column per status instead).
#[component]
pub fn ReleaseFilters(
    action: &'static str,
    services: Vec<ServiceView>,
    members: Vec<MemberView>,
    #[prop(default = true)] with_status: bool,
) -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let any = FILTER_KEYS.iter().any(|k| !get(k).is_empty());
    view! {
        <form method="get" action=action class="flex flex-wrap items-end gap-2" role="search" aria-label="Filter releases">
            <div class="space-y-1">
                <label for="f-q" class="block text-xs font-medium text-zinc-600 dark:text-zinc-400">"Search"</label>
                <input id="f-q" name="q" type="search" value=get("q") placeholder="Title, version…" data-shortcut="search"
                    class="w-48 rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"/>
            </div>
            {with_status.then(|| view! {
                <div class="space-y-1"><label for="f-status" class="block text-xs font-medium text-zinc-600 dark:text-zinc-400">"Status"</label>
                    <select id="f-status" name="status" class=SELECT>
                        <option value="">"Any"</option>
                        {ReleaseStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=get("status") == s.as_str()>{s.label()}</option> }).collect_view()}
                    </select></div>
            })}
            <div class="space-y-1"><label for="f-service" class="block text-xs font-medium text-zinc-600 dark:text-zinc-400">"Service"</label>
                <select id="f-service" name="serviceId" class=SELECT>
                    <option value="">"Any"</option>
                    {services.into_iter().map(|s| view! { <option value=s.id.to_string() selected=get("serviceId") == s.id>{s.name}</option> }).collect_view()}
                </select></div>
            <div class="space-y-1"><label for="f-owner" class="block text-xs font-medium text-zinc-600 dark:text-zinc-400">"Owner"</label>
                <select id="f-owner" name="ownerId" class=SELECT>
                    <option value="">"Anyone"</option>
                    {members.into_iter().map(|m| view! { <option value=m.user_id.to_string() selected=get("ownerId") == m.user_id>{m.name}</option> }).collect_view()}
                </select></div>
            <div class="space-y-1"><label for="f-priority" class="block text-xs font-medium text-zinc-600 dark:text-zinc-400">"Priority"</label>
                <select id="f-priority" name="priority" class=SELECT>
                    <option value="">"Any"</option>
                    {Priority::ALL.into_iter().rev().map(|p| view! { <option value=p.as_str() selected=get("priority") == p.as_str()>{p.label()}</option> }).collect_view()}
                </select></div>
            <div class="space-y-1"><label for="f-blocked" class="block text-xs font-medium text-zinc-600 dark:text-zinc-400">"Blocked"</label>
                <select id="f-blocked" name="blocked" class=SELECT>
                    <option value="">"Any"</option>
                    <option value="true" selected=get("blocked") == "true">"Blocked"</option>
                    <option value="false" selected=get("blocked") == "false">"Not blocked"</option>
                </select></div>
            <button type="submit" class=BUTTON_SECONDARY>"Filter"</button>
            {any.then(|| view! { <a href=action class="px-2 py-1.5 text-sm text-indigo-700 hover:underline dark:text-indigo-300">"Clear filters"</a> })}
        </form>
    }
}
