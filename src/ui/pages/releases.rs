//! `/releases`: a filterable list whose filters live in the URL, and the
//! new-release form. One release's page is [`super::release`].

use crate::domain::status::Priority;
use crate::serverfns::releases::{releases_page, CreateRelease};
use crate::ui::components::filters::ReleaseFilters;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::form::{PageTitle, SELECT};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::LINK;
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
            releases_page(status, service, owner, priority, blocked, q)
        },
    );
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
                        view! {
                            <div class="space-y-8">
                                <ReleaseFilters action="/releases" services=d.services.clone() members=d.members.clone()/>
                                {if d.rows.is_empty() {
                                    view! { <p class="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm dark:border-zinc-700" data-testid="releases-empty">"No releases match. Create one below, or clear the filters."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="w-full text-left text-sm">
                                            <thead class="text-xs uppercase text-zinc-500 dark:text-zinc-400"><tr>
                                                <th class="py-2">"Release"</th><th>"Service"</th><th>"Status"</th><th>"Priority"</th><th>"Owner"</th><th>"Target"</th>
                                            </tr></thead>
                                            <tbody class="divide-y divide-zinc-200 dark:divide-zinc-800">
                                                {d.rows.into_iter().map(|r| view! {
                                                    <tr>
                                                        <td class="py-2"><a class=LINK href=format!("/releases/{}", r.release.id)>{r.release.title.clone()} " " {r.release.version.clone()}</a>
                                                            {r.release.is_blocked.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-200" title=r.release.blocked_reason.clone().unwrap_or_default()>"Blocked"</span> })}</td>
                                                        <td>{r.service_name.clone()}</td>
                                                        <td><StatusBadge status=r.release.status/></td>
                                                        <td>{r.release.priority.label()}</td>
                                                        <td>{r.owner_name.clone().unwrap_or_else(|| "—".into())}</td>
                                                        <td>{r.release.target_date.map_or_else(|| "—".to_string(), |t| t.to_string())}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
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
                                                    <Field label="Target date" name="target_date" kind="date" required=false/>
                                                    <Field label="Description" name="description" required=false/>
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
