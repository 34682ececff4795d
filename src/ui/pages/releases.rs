//! `/releases` (a filterable list whose filters live in the URL, and the
//! new-release form) and `/releases/{id}` (everything about one release,
//! with its status moves as a plain form that works without JavaScript).

use crate::domain::status::{Priority, ReleaseStatus};
use crate::serverfns::releases::EditRelease;
use crate::serverfns::releases::{
    release_page, releases_page, AddComment, CreateRelease, MoveRelease, SetBlocked,
};
use crate::ui::components::form::{error_text, ActionError, Field, Submit};
use crate::ui::components::frame::AppFrame;
use crate::ui::components::status::{badge_class, dot_class};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const SELECT: &str = "block w-full rounded-md border border-zinc-300 bg-white px-2 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/// A status as a coloured badge with its name in words.
#[component]
pub fn StatusBadge(status: ReleaseStatus) -> impl IntoView {
    view! {
        <span class=format!("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {}", badge_class(status))>
            <span class=format!("h-1.5 w-1.5 rounded-full {}", dot_class(status)) aria-hidden="true"></span>
            {status.label()}
        </span>
    }
}

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
    view! {
        <Title text="Releases"/>
        <AppFrame title="Releases">
            <Suspense fallback=|| view! { <div class="h-40 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900"></div> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <p role="alert">{error_text(&e)}</p> }.into_any(),
                    Ok(d) => {
                        let services = d.services.clone();
                        view! {
                            <div class="space-y-8">
                                <form method="get" action="/releases" class="flex flex-wrap items-end gap-3" aria-label="Filter releases">
                                    <div class="space-y-1"><label for="f-q" class="block text-sm font-medium">"Search"</label>
                                        <input id="f-q" name="q" value=get("q") class="rounded-md border border-zinc-300 bg-white px-2 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"/></div>
                                    <div class="space-y-1"><label for="f-status" class="block text-sm font-medium">"Status"</label>
                                        <select id="f-status" name="status" class=SELECT>
                                            <option value="">"Any"</option>
                                            {ReleaseStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=get("status") == s.as_str()>{s.label()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="space-y-1"><label for="f-service" class="block text-sm font-medium">"Service"</label>
                                        <select id="f-service" name="serviceId" class=SELECT>
                                            <option value="">"Any"</option>
                                            {d.services.iter().map(|s| view! { <option value=s.id.clone() selected=get("serviceId") == s.id>{s.name.clone()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="space-y-1"><label for="f-priority" class="block text-sm font-medium">"Priority"</label>
                                        <select id="f-priority" name="priority" class=SELECT>
                                            <option value="">"Any"</option>
                                            {Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=get("priority") == p.as_str()>{p.label()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="space-y-1"><label for="f-blocked" class="block text-sm font-medium">"Blocked"</label>
                                        <select id="f-blocked" name="blocked" class=SELECT>
                                            <option value="">"Any"</option>
                                            <option value="true" selected=get("blocked") == "true">"Blocked"</option>
                                            <option value="false" selected=get("blocked") == "false">"Not blocked"</option>
                                        </select></div>
                                    <button type="submit" class="rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">"Filter"</button>
                                </form>
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
                                                        <td class="py-2"><a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/releases/{}", r.release.id)>{r.release.title.clone()} " " {r.release.version.clone()}</a>
                                                            {r.release.is_blocked.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-200" title=r.release.blocked_reason.clone().unwrap_or_default()>"Blocked"</span> })}</td>
                                                        <td>{r.service_name.clone()}</td>
                                                        <td><StatusBadge status=r.release.status/></td>
                                                        <td>{r.release.priority.label()}</td>
                                                        <td>{r.owner_name.clone().unwrap_or_else(|| "—".into())}</td>
                                                        <td>{r.release.target_date.clone().unwrap_or_else(|| "—".into())}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                                {d.can_edit.then(|| view! {
                                    <section aria-labelledby="new-release-h" class="max-w-2xl rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
                                        <h2 id="new-release-h" class="mb-3 font-semibold">"New release"</h2>
                                        {if services.is_empty() {
                                            view! { <p class="text-sm">"Add a service first: " <a class="text-indigo-700 underline dark:text-indigo-300" href="/services">"Services"</a></p> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=create attr:class="grid gap-3 sm:grid-cols-2">
                                                    <div class="space-y-1"><label for="nr-service" class="block text-sm font-medium">"Service"</label>
                                                        <select id="nr-service" name="service_id" class=SELECT required>
                                                            {services.iter().map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> }).collect_view()}
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
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                    </section>
                                })}
                            </div>
                        }.into_any()
                    }
                })}
            </Suspense>
        </AppFrame>
    }
}

/// `/releases/{id}`
#[component]
pub fn ReleasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let mv = ServerAction::<MoveRelease>::new();
    let block = ServerAction::<SetBlocked>::new();
    let comment = ServerAction::<AddComment>::new();
    let edit = ServerAction::<EditRelease>::new();
    // Refetch on our own changes and on live events about this release.
    let live = crate::ui::components::live::use_live();
    let about_this = Memo::new(move |_| {
        live.tick.get();
        live.latest.with(|a| {
            a.as_ref()
                .filter(|a| a.release_id.as_deref() == Some(id().as_str()))
                .map(|a| a.id.clone())
        })
    });
    let data = Resource::new(
        move || {
            (
                id(),
                (
                    mv.version().get(),
                    block.version().get(),
                    comment.version().get(),
                    edit.version().get(),
                ),
                about_this.get(),
            )
        },
        |(id, ..)| release_page(id),
    );
    view! {
        <Title text="Release"/>
        <AppFrame title="Release">
            <Transition fallback=|| view! { <div class="h-60 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900"></div> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <p role="alert" class="text-red-700 dark:text-red-300">{error_text(&e)}</p> }.into_any(),
                    Ok(d) => {
                        let r = d.row.release.clone();
                        let (rid_c, rid_m, rid_b) = (r.id.clone(), r.id.clone(), r.id.clone());
                        view! {
                            <div class="grid max-w-5xl gap-8 lg:grid-cols-3">
                                <div class="space-y-6 lg:col-span-2">
                                    <div>
                                        <h2 class="text-2xl font-semibold" data-testid="release-title">{r.title.clone()} " " <span class="text-zinc-500 dark:text-zinc-400">{r.version.clone()}</span></h2>
                                        <p class="mt-1 flex flex-wrap items-center gap-2 text-sm">
                                            <StatusBadge status=r.status/>
                                            <span>{d.row.service_name.clone()}</span>
                                            <span>"· " {r.priority.label()} " priority"</span>
                                            {r.is_blocked.then(|| view! { <span class="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-200">{format!("Blocked{}", r.blocked_reason.clone().map(|x| format!(": {x}")).unwrap_or_default())}</span> })}
                                        </p>
                                        {(!r.description.is_empty()).then(|| view! { <p class="mt-3 whitespace-pre-wrap text-sm">{r.description.clone()}</p> })}
                                    </div>
                                    <ActionError result=edit.value().into()/>
                                    {d.can_edit.then(|| {
                                        let r = r.clone();
                                        let members = d.members.clone();
                                        view! {
                                            <section aria-labelledby="edit-h" class="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
                                                <h3 id="edit-h" class="text-sm font-semibold">"Edit details"</h3>
                                                <ActionForm action=edit attr:class="mt-3 grid gap-3 sm:grid-cols-2">
                                                    <input type="hidden" name="id" value=r.id.clone()/>
                                                    <input type="hidden" name="revision" value=r.revision.to_string()/>
                                                    <Field label="Title" name="title" value=r.title.clone()/>
                                                    <Field label="Version" name="version" value=r.version.clone()/>
                                                    <div class="space-y-1"><label for="ed-priority" class="block text-sm font-medium">"Priority"</label>
                                                        <select id="ed-priority" name="priority" class=SELECT>
                                                            {Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=p == r.priority>{p.label()}</option> }).collect_view()}
                                                        </select></div>
                                                    <div class="space-y-1"><label for="ed-owner" class="block text-sm font-medium">"Owner"</label>
                                                        <select id="ed-owner" name="owner_id" class=SELECT>
                                                            <option value="">"Nobody"</option>
                                                            {members.into_iter().map(|m| view! { <option value=m.user_id.clone() selected=r.owner_id.as_deref() == Some(m.user_id.as_str())>{m.name.clone()}</option> }).collect_view()}
                                                        </select></div>
                                                    <Field label="Target date" name="target_date" kind="date" value=r.target_date.clone().unwrap_or_default() required=false/>
                                                    <Field label="Description" name="description" value=r.description.clone() required=false/>
                                                    <div class="w-40"><Submit label="Save" pending=edit.pending().into()/></div>
                                                </ActionForm>
                                            </section>
                                        }
                                    })}
                                    <section aria-labelledby="comments-h" class="space-y-3">
                                        <h3 id="comments-h" class="font-semibold">"Comments"</h3>
                                        {if d.comments.is_empty() { view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"No comments yet."</p> }.into_any() } else {
                                            view! { <ul class="space-y-3" aria-label="Comments">
                                                {d.comments.iter().map(|c| view! {
                                                    <li class="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
                                                        <p class="text-xs text-zinc-500 dark:text-zinc-400">{c.author_name.clone().unwrap_or_else(|| "A former member".into())} " · " {c.created_at.get(..16).unwrap_or_default().replace('T', " ")}</p>
                                                        <div class="prose-sm mt-1 text-sm" inner_html=c.body_html.clone()></div>
                                                    </li>
                                                }).collect_view()}
                                            </ul> }.into_any()
                                        }}
                                        {d.can_edit.then(|| view! {
                                            <ActionForm action=comment attr:class="space-y-2">
                                                <input type="hidden" name="release_id" value=rid_c/>
                                                <label for="comment-body" class="block text-sm font-medium">"Add a comment (Markdown)"</label>
                                                <textarea id="comment-body" name="body" rows="3" required class="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"></textarea>
                                                <ActionError result=comment.value().into()/>
                                                <div class="w-40"><Submit label="Comment" pending=comment.pending().into()/></div>
                                            </ActionForm>
                                        })}
                                    </section>
                                </div>
                                <aside class="space-y-6">
                                    {d.can_edit.then(|| view! {
                                        <section aria-labelledby="move-h" class="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
                                            <h3 id="move-h" class="mb-2 font-semibold">"Status"</h3>
                                            {if d.allowed.is_empty() { view! { <p class="text-sm">"No moves from here."</p> }.into_any() } else {
                                                view! {
                                                    <ActionForm action=mv attr:class="space-y-2">
                                                        <input type="hidden" name="id" value=rid_m/>
                                                        <input type="hidden" name="revision" value=r.revision.to_string()/>
                                                        <label for="move-to" class="block text-sm">{format!("Move from {} to", r.status.label())}</label>
                                                        <select id="move-to" name="status" class=SELECT>
                                                            {d.allowed.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                                                        </select>
                                                        <ActionError result=mv.value().into()/>
                                                        <Submit label="Move" pending=mv.pending().into()/>
                                                    </ActionForm>
                                                }.into_any()
                                            }}
                                        </section>
                                        <section aria-labelledby="block-h" class="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
                                            <h3 id="block-h" class="mb-2 font-semibold">"Blocked"</h3>
                                            <ActionForm action=block attr:class="space-y-2">
                                                <input type="hidden" name="id" value=rid_b/>
                                                <input type="hidden" name="blocked" value=(!r.is_blocked).to_string()/>
                                                {(!r.is_blocked).then(|| view! { <Field label="Reason" name="reason" required=false/> })}
                                                {r.is_blocked.then(|| view! { <input type="hidden" name="reason" value=""/> })}
                                                <ActionError result=block.value().into()/>
                                                <Submit label=if r.is_blocked { "Unblock" } else { "Mark as blocked" } pending=block.pending().into()/>
                                            </ActionForm>
                                        </section>
                                    })}
                                    <section aria-labelledby="details-h" class="text-sm">
                                        <h3 id="details-h" class="mb-2 font-semibold">"Details"</h3>
                                        <dl class="grid grid-cols-2 gap-y-1">
                                            <dt class="text-zinc-500 dark:text-zinc-400">"Owner"</dt><dd>{d.row.owner_name.clone().unwrap_or_else(|| "—".into())}</dd>
                                            <dt class="text-zinc-500 dark:text-zinc-400">"Target date"</dt><dd>{r.target_date.clone().unwrap_or_else(|| "—".into())}</dd>
                                            <dt class="text-zinc-500 dark:text-zinc-400">"On staging"</dt><dd>{r.staging_deployed_at.clone().map(|t| t[..10].to_string()).unwrap_or_else(|| "—".into())}</dd>
                                            <dt class="text-zinc-500 dark:text-zinc-400">"In production"</dt><dd>{r.production_deployed_at.clone().map(|t| t[..10].to_string()).unwrap_or_else(|| "—".into())}</dd>
                                            <dt class="text-zinc-500 dark:text-zinc-400">"Revision"</dt><dd>{r.revision}</dd>
                                        </dl>
                                    </section>
                                    <section aria-labelledby="activity-h">
                                        <h3 id="activity-h" class="mb-2 font-semibold">"Activity"</h3>
                                        <ol class="space-y-2 text-sm" aria-label="Activity">
                                            {d.activity.iter().map(|a| view! {
                                                <li><p>{a.description.clone()}</p><p class="text-xs text-zinc-500 dark:text-zinc-400">{a.created_at.get(..16).unwrap_or_default().replace('T', " ")}</p></li>
                                            }).collect_view()}
                                        </ol>
                                    </section>
                                </aside>
                            </div>
                        }.into_any()
                    }
                })}
            </Transition>
        </AppFrame>
    }
}
