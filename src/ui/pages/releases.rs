//! `/releases`: a filterable list whose filters live in the URL, and the
//! new-release form. One release's page is [`super::release`].

use crate::domain::status::Priority;
use crate::serverfns::releases::{releases_page, CreateRelease};
use crate::ui::components::filters::ReleaseFilters;
use crate::ui::components::card::short_date;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::markdown::MarkdownEditor;
use crate::ui::components::form::{PageTitle, SELECT};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::{BUTTON_SECONDARY, LINK};
use crate::serverfns::releases::ReleaseRow;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/releases?status=&serviceId=&ownerId=&priority=&blocked=&q=`
#[component]
pub fn ReleasesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let create = ServerAction::<CreateRelease>::new();
    let data = Resource::new(
        move || {
            (
                get("status"),
                get("serviceId"),
                get("ownerId"),
                get("priority"),
                get("blocked"),
                get("q"),
            )
        },
        |(status, service, owner, priority, blocked, q)| {
            releases_page(status, service, owner, priority, blocked, q, None)
        },
    );
    // "Load more": later pages, appended; they go when the filters change.
    let more = RwSignal::new(Vec::<ReleaseRow>::new());
    let next = RwSignal::new(None::<Option<String>>);
    let more_error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    Effect::new(move |prev: Option<()>| {
        data.track();
        if prev.is_some() {
            more.set(vec![]);
            next.set(None);
            more_error.set(None);
        }
    });
    let load_more = move |cursor: String| {
        loading.set(true);
        more_error.set(None);
        let args = (
            get("status"),
            get("serviceId"),
            get("ownerId"),
            get("priority"),
            get("blocked"),
            get("q"),
        );
        leptos::task::spawn_local(async move {
            let (status, service, owner, priority, blocked, q) = args;
            match releases_page(status, service, owner, priority, blocked, q, Some(cursor)).await {
                Ok(d) => {
                    let _ = more.try_update(|m| {
                        for r in d.rows {
                            if !m.iter().any(|x| x.release.id == r.release.id) {
                                m.push(r);
                            }
                        }
                    });
                    let _ = next.try_set(Some(d.next_cursor));
                }
                Err(e) => {
                    let _ = more_error.try_set(Some(e.message));
                }
            }
            let _ = loading.try_set(false);
        });
    };
    // `c` and `/` from another page land here with `#new-release` / `#search`.
    let hash = leptos_router::hooks::use_location().hash;
    Effect::new(move |_| {
        let loaded = data.with(|d| d.is_some());
        let target = match hash.get().as_str() {
            "#new-release" => "#new-release input[name=title]",
            "#search" => "#f-q",
            _ => return,
        };
        if loaded {
            #[cfg(feature = "hydrate")]
            request_animation_frame(move || {
                use wasm_bindgen::JsCast;
                if let Some(el) = document()
                    .query_selector(target)
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            });
            #[cfg(not(feature = "hydrate"))]
            let _ = target;
        }
    });
    view! {
        <PageTitle text="Releases"/>
            <Loaded data=data let:d>
                {
                    {
                        let services = d.services.clone();
                        let members = d.members.clone();
                        let sprints = d.sprints.clone();
                        let groups = d.groups.clone();
                        view! {
                            <div class="space-y-8">
                                <ReleaseFilters action="/releases" services=d.services.clone() members=d.members.clone()/>
                                {
                                let first_next = d.next_cursor.clone();
                                let first_ids: Vec<_> = d.rows.iter().map(|r| r.release.id.clone()).collect();
                                if d.rows.is_empty() {
                                    view! { <p class="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm dark:border-zinc-700" data-testid="releases-empty">"No releases match. Create one below, or clear the filters."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="overflow-x-auto">
                                        <table class="w-full min-w-[40rem] text-left text-sm">
                                            <thead class="text-xs uppercase text-zinc-500 dark:text-zinc-400"><tr>
                                                <th class="py-2">"Release"</th><th>"Service"</th><th>"Status"</th><th>"Priority"</th><th>"Owner"</th><th>"Target"</th>
                                            </tr></thead>
                                            <tbody class="divide-y divide-zinc-200 dark:divide-zinc-800">
                                                {d.rows.into_iter().map(|r| view! { <Row r=r/> }).collect_view()}
                                                {move || more.get().into_iter()
                                                    .filter(|r| !first_ids.contains(&r.release.id))
                                                    .map(|r| view! { <Row r=r/> }).collect_view()}
                                            </tbody>
                                        </table>
                                        </div>
                                        <div class="flex items-center gap-3">
                                            {move || next.get().unwrap_or_else(|| first_next.clone()).map(|c| view! {
                                                <button type="button" class=BUTTON_SECONDARY
                                                    disabled=move || loading.get()
                                                    on:click=move |_| load_more(c.clone())>
                                                    {move || if loading.get() { "Loading…" } else { "Load more" }}
                                                </button>
                                            })}
                                            {move || more_error.get().map(|m| view! {
                                                <p role="alert" class="text-sm text-red-700 dark:text-red-300">{m}" — press Load more to try again."</p>
                                            })}
                                        </div>
                                    }.into_any()
                                }}
                                {d.can_edit.then(|| view! {
                                    <section id="new-release" aria-labelledby="new-release-h" class="max-w-2xl rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
                                        <h2 id="new-release-h" class="mb-3 font-semibold">"New release"</h2>
                                        {if services.is_empty() {
                                            view! { <p class="text-sm">"Add a service first: " <a class="text-indigo-700 underline dark:text-indigo-300" href="/services">"Services"</a></p> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=create attr:class="grid gap-3 sm:grid-cols-2">
                                                    <FieldErrors errors=last_error(create.value())>
                                                    <div class="space-y-1"><label for="nr-service" class="block text-sm font-medium">"Service"</label>
                                                        <select id="nr-service" name="service_id" class=SELECT required>
                                                            {services.iter().map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> }).collect_view()}
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
                                                            {members.iter().map(|m| view! { <option value=m.user_id.to_string()>{m.name.clone()}</option> }).collect_view()}
                                                        </select></div>
                                                    <Field label="Target date" name="target_date" kind="date" required=false/>
                                                    <div class="space-y-1"><label for="nr-sprint" class="block text-sm font-medium">"Sprint"</label>
                                                        <select id="nr-sprint" name="sprint_id" class=SELECT>
                                                            <option value="">"None"</option>
                                                            {sprints.iter().map(|s| view! { <option value=s.id.to_string()>{s.name.clone()}</option> }).collect_view()}
                                                        </select></div>
                                                    <div class="space-y-1"><label for="nr-group" class="block text-sm font-medium">"Deployment group"</label>
                                                        <select id="nr-group" name="deployment_group_id" class=SELECT>
                                                            <option value="">"None"</option>
                                                            {groups.iter().map(|g| view! { <option value=g.id.to_string()>{g.name.clone()}</option> }).collect_view()}
                                                        </select></div>
                                                    <div class="sm:col-span-2"><MarkdownEditor id="nr-description" name="description" label="Description" value=""/></div>
                                                    <div class="sm:col-span-2"><ActionError result=create.value().into()/></div>
                                                    <div class="w-40"><Submit label="Create release" pending=create.pending().into()/></div>
                                                </FieldErrors>
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                    </section>
                                })}
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
    }
}

/// One release in the list.
#[component]
fn Row(r: ReleaseRow) -> impl IntoView {
    let target = r.release.target_date;
    view! {
        <tr>
            <td class="py-2"><a class=LINK href=format!("/releases/{}", r.release.id)>{r.release.title.clone()} " " {r.release.version.clone()}</a>
                {r.release.is_blocked.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-200" title=r.release.blocked_reason.clone().unwrap_or_default()>"Blocked"</span> })}</td>
            <td>{r.service_name.clone()}</td>
            <td><StatusBadge status=r.release.status/></td>
            <td>{r.release.priority.label()}</td>
            <td>{r.owner_name.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{match target {
                Some(t) => view! { <time datetime=t.to_string() title=t.to_string()>{short_date(t)}</time> }.into_any(),
                None => view! { <span>"—"</span> }.into_any(),
            }}</td>
        </tr>
    }
}
