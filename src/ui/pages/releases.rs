//! `/releases`: a filterable list whose filters live in the URL, and the
//! new-release form. One release's page is [`super::release`].

use crate::serverfns::releases::ReleaseRow;
use crate::serverfns::releases::{releases_page, NewReleaseChoices};
use crate::ui::components::card::short_date;
use crate::ui::components::filters::ReleaseFilters;
use crate::ui::components::form::PageTitle;
use crate::ui::components::list_memory::count_label;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::new_release::NewReleaseForm;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::{BUTTON_SECONDARY, LINK};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/releases?status=&serviceId=&ownerId=&priority=&blocked=&q=`
#[component]
pub fn ReleasesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
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
    // Back from a release: the same rows, scrolled to the same place.
    crate::ui::components::list_memory::remember_list(
        crate::ui::components::list_memory::ListMemory { rows: more, next },
        Signal::derive(move || data.with(|d| matches!(d, Some(Ok(_))))),
        move |rows, n| {
            more.set(rows);
            next.set(n);
        },
    );
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
                                let count_ids = first_ids.clone();
                                let total = d.total;
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
                                            {total.map(|total| {
                                                let ids = count_ids.clone();
                                                view! {
                                                    <p class="text-sm tabular-nums text-zinc-600 dark:text-zinc-400" data-testid="releases-count">
                                                        {move || count_label(ids.len() + more.with(|m| m.iter().filter(|r| !ids.contains(&r.release.id)).count()), total, "release")}
                                                    </p>
                                                }
                                            })}
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
                                        <NewReleaseForm options=NewReleaseChoices { services, members, sprints, groups }/>
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
