//! `/releases` (a filterable list whose filters live in the URL, and the
//! new-release form) and `/releases/{id}` (everything about one release,
//! with its status moves as a plain form that works without JavaScript).

use crate::domain::kinds::DependencyType;
use crate::domain::status::{Priority, ReleaseStatus};
use crate::serverfns::planning::{
    release_planning, AddDependency, ReleasePlanningData, RemoveDependency, SearchReleases,
    SetReleasePlan,
};
use crate::serverfns::releases::{
    release_page, releases_page, AddComment, CreateRelease, MoveRelease, SetBlocked,
};
use crate::serverfns::releases::{DeleteComment, DeleteRelease, EditComment, EditRelease};
use crate::ui::components::filters::ReleaseFilters;
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{
    error_text, last_error, ActionError, Field, FieldErrors, Submit, TextArea,
};
use crate::ui::components::frame::AppFrame;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::{badge_class, dot_class};
use crate::ui::pages::linked_work::{ItemsSection, LinkedWork};
use crate::views::{CommentView, ReleaseRef};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::HashMap;

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
        <AppFrame title="Releases">
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
    let edit_comment = ServerAction::<EditComment>::new();
    let delete_comment = ServerAction::<DeleteComment>::new();
    let delete_release = ServerAction::<DeleteRelease>::new();
    let set_plan = ServerAction::<SetReleasePlan>::new();
    let add_dep = ServerAction::<AddDependency>::new();
    let rm_dep = ServerAction::<RemoveDependency>::new();
    let drafts = Drafts::new();
    // A saved edit or comment empties its draft; a refused one keeps it.
    Effect::new(move |_| match edit.value().get() {
        Some(Ok(_)) => drafts.clear_edit(),
        // Someone else saved first: keep the text, and let a second Save
        // (made knowing that) go against the revision now shown.
        Some(Err(e)) if e.kind == crate::views::ErrorKind::Conflict => {
            drafts.base_revision.set(None)
        }
        _ => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = comment.value().get() {
            drafts.comment.set(String::new());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = edit_comment.value().get() {
            drafts.comment_edits.update(|m| {
                m.remove(&c.id);
            });
            drafts.editing_comment.set(None);
        }
    });
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
                    edit_comment.version().get(),
                    delete_comment.version().get(),
                    set_plan.version().get(),
                    add_dep.version().get(),
                    rm_dep.version().get(),
                ),
                about_this.get(),
            )
        },
        |(id, ..)| release_page(id),
    );
    // Linked work: created here, not in the re-rendered section, so server
    // rendering and hydration agree on it.
    let linked = LinkedWork::new();
    let items = Resource::new(
        move || (id(), linked.version(), live.tick.get()),
        |(id, ..)| crate::serverfns::items::release_items(id),
    );
    let planning = Resource::new(
        move || {
            (
                id(),
                (
                    set_plan.version().get(),
                    add_dep.version().get(),
                    rm_dep.version().get(),
                    mv.version().get(),
                ),
                about_this.get(),
                live.tick.get(),
            )
        },
        |(id, ..)| release_planning(id),
    );
    view! {
        <PageTitle text="Release"/>
        <AppFrame title="Release">
            <Loaded data=data skeleton="h-60" let:d>
                {
                    {
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
                                                {drafts.changed_under(r.revision).then(|| view! {
                                                    <p role="status" class="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
                                                        "Someone else changed this release while you were editing. Your text is kept; saving will tell you if it conflicts."
                                                    </p>
                                                })}
                                                <div on:input=drafts.tracker(r.revision) on:change=drafts.tracker(r.revision)>
                                                <ActionForm action=edit attr:class="mt-3 grid gap-3 sm:grid-cols-2">
                                                    <FieldErrors errors=last_error(edit.value())>
                                                    <input type="hidden" name="id" value=r.id.clone()/>
                                                    <input type="hidden" name="revision" value=drafts.revision(r.revision).to_string()/>
                                                    <Field label="Title" name="title" value=drafts.field("title", &r.title)/>
                                                    <Field label="Version" name="version" value=drafts.field("version", &r.version)/>
                                                    <div class="space-y-1"><label for="ed-priority" class="block text-sm font-medium">"Priority"</label>
                                                        <select id="ed-priority" name="priority" class=SELECT>
                                                            {let chosen = drafts.field("priority", r.priority.as_str());
                                                             Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=p.as_str() == chosen>{p.label()}</option> }).collect_view()}
                                                        </select></div>
                                                    <div class="space-y-1"><label for="ed-owner" class="block text-sm font-medium">"Owner"</label>
                                                        <select id="ed-owner" name="owner_id" class=SELECT>
                                                            <option value="">"Nobody"</option>
                                                            {let chosen = drafts.field("owner_id", r.owner_id.as_deref().unwrap_or(""));
                                                             members.into_iter().map(|m| view! { <option value=m.user_id.clone() selected=m.user_id == chosen>{m.name.clone()}</option> }).collect_view()}
                                                        </select></div>
                                                    <Field label="Target date" name="target_date" kind="date" value=drafts.field("target_date", r.target_date.as_deref().unwrap_or("")) required=false/>
                                                    <Field label="Description" name="description" value=drafts.field("description", &r.description) required=false/>
                                                    <div class="w-40"><Submit label="Save" pending=edit.pending().into()/></div>
                                                </FieldErrors>
                                                </ActionForm>
                                                </div>
                                            </section>
                                        }
                                    })}
                                    <ItemsSection release_id=r.id.clone() can_edit=d.can_edit items=items actions=linked/>
                                    <PlanningSection release_id=r.id.clone() sprint_id=r.sprint_id.clone() group_id=r.deployment_group_id.clone()
                                        can_edit=d.can_edit planning=planning set_plan=set_plan add_dep=add_dep rm_dep=rm_dep/>
                                    <section aria-labelledby="comments-h" class="space-y-3">
                                        <h3 id="comments-h" class="font-semibold">"Comments"</h3>
                                        {if d.comments.is_empty() { view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"No comments yet."</p> }.into_any() } else {
                                            view! { <ul class="space-y-3" aria-label="Comments">
                                                {d.comments.iter().map(|c| {
                                                    let mine = c.author_id.as_deref() == Some(d.me.as_str()) && d.can_edit;
                                                    let can_change = mine || d.is_admin;
                                                    view! {
                                                        <CommentItem comment=c.clone() can_change=can_change drafts=drafts edit=edit_comment delete=delete_comment/>
                                                    }
                                                }).collect_view()}
                                            </ul> }.into_any()
                                        }}
                                        {d.can_edit.then(|| view! {
                                            <ActionForm action=comment attr:class="space-y-2">
                                                <input type="hidden" name="release_id" value=rid_c/>
                                                <label for="comment-body" class="block text-sm font-medium">"Add a comment (Markdown)"</label>
                                                <TextArea id="comment-body" name="body" required=true
                                                    value=drafts.comment
                                                    on_input=move |v: String| drafts.comment.set(v)/>
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
                                                <FieldErrors errors=last_error(block.value())>
                                                <input type="hidden" name="id" value=rid_b/>
                                                <input type="hidden" name="blocked" value=(!r.is_blocked).to_string()/>
                                                {(!r.is_blocked).then(|| view! { <Field label="Reason" name="reason" required=false/> })}
                                                {r.is_blocked.then(|| view! { <input type="hidden" name="reason" value=""/> })}
                                                <ActionError result=block.value().into()/>
                                                <Submit label=if r.is_blocked { "Unblock" } else { "Mark as blocked" } pending=block.pending().into()/>
                                            </FieldErrors>
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
                                    {d.can_edit.then(|| {
                                        let id = r.id.clone();
                                        let what = format!("{} {}", r.title, r.version);
                                        view! {
                                            <section aria-labelledby="delete-h" class="rounded-lg border border-red-200 p-4 dark:border-red-900">
                                                <h3 id="delete-h" class="mb-1 font-semibold">"Delete release"</h3>
                                                <p class="mb-2 text-xs text-zinc-600 dark:text-zinc-400">"Its comments, items and dependencies go with it; the activity log keeps a record."</p>
                                                <ActionError result=delete_release.value().into()/>
                                                <ActionForm action=delete_release on:submit=move |ev| {
                                                    if !crate::ui::components::confirm(&format!("Delete {what}? Its comments, items and dependencies are deleted too. This cannot be undone.")) { ev.prevent_default(); }
                                                }>
                                                    <input type="hidden" name="id" value=id/>
                                                    <button type="submit" class="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 dark:text-red-300 dark:ring-red-800 dark:hover:bg-red-950">"Delete release"</button>
                                                </ActionForm>
                                            </section>
                                        }
                                    })}
                                </aside>
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
        </AppFrame>
    }
}

/// What someone is typing on the release page. Live refreshes re-render the
/// page; these survive them, so nothing typed is lost (`UI.md`).
#[derive(Clone, Copy)]
struct Drafts {
    /// The revision the edit started from (sent with the save, so a change
    /// made meanwhile by someone else is a 409, not a silent overwrite).
    base_revision: RwSignal<Option<i64>>,
    /// Edited fields of the details form, by input name.
    fields: RwSignal<HashMap<String, String>>,
    /// The new comment.
    comment: RwSignal<String>,
    /// Comment edits in progress, by comment id.
    comment_edits: RwSignal<HashMap<String, String>>,
    /// The comment whose editor is open.
    editing_comment: RwSignal<Option<String>>,
}

impl Drafts {
    fn new() -> Self {
        Self {
            base_revision: RwSignal::new(None),
            fields: RwSignal::new(HashMap::new()),
            comment: RwSignal::new(String::new()),
            comment_edits: RwSignal::new(HashMap::new()),
            editing_comment: RwSignal::new(None),
        }
    }

    /// The value to show: what was typed, else the server's.
    fn field(&self, name: &str, server: &str) -> String {
        self.fields
            .with_untracked(|f| f.get(name).cloned())
            .unwrap_or_else(|| server.to_string())
    }

    /// The revision to send with a save.
    fn revision(&self, shown: i64) -> i64 {
        self.base_revision.get_untracked().unwrap_or(shown)
    }

    /// Whether the release changed under an unsaved edit.
    fn changed_under(&self, shown: i64) -> bool {
        self.base_revision
            .get_untracked()
            .is_some_and(|base| base != shown)
    }

    fn clear_edit(&self) {
        self.fields.set(HashMap::new());
        self.base_revision.set(None);
    }

    /// Records every keystroke of the details form (events bubble up to it).
    fn tracker(self, shown: i64) -> impl Fn(leptos::ev::Event) + Clone + 'static {
        move |ev: leptos::ev::Event| {
            #[cfg(feature = "hydrate")]
            {
                let el = event_target::<web_sys::HtmlInputElement>(&ev);
                let (name, value) = (el.name(), el.value());
                if name.is_empty() || name == "id" || name == "revision" {
                    return;
                }
                if self.base_revision.get_untracked().is_none() {
                    self.base_revision.set(Some(shown));
                }
                self.fields.update(|f| {
                    f.insert(name, value);
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, shown);
        }
    }
}

/// One comment: rendered Markdown, and for its author (or an admin) an
/// editor and a delete button. Both are plain forms, so they work without
/// JavaScript; the editor is a `<details>` that stays open across refreshes.
#[component]
fn CommentItem(
    comment: CommentView,
    can_change: bool,
    drafts: Drafts,
    edit: ServerAction<EditComment>,
    delete: ServerAction<DeleteComment>,
) -> impl IntoView {
    let c = comment;
    let edited = c.updated_at != c.created_at;
    let author = c
        .author_name
        .clone()
        .unwrap_or_else(|| "A former member".into());
    let (cid, cid2, cid3, cid4) = (c.id.clone(), c.id.clone(), c.id.clone(), c.id.clone());
    let open = drafts.editing_comment.get_untracked().as_deref() == Some(c.id.as_str());
    let text = drafts
        .comment_edits
        .with_untracked(|m| m.get(&c.id).cloned())
        .unwrap_or_else(|| c.body.clone());
    let rid = c.release_id.clone();
    let rid2 = c.release_id.clone();
    let area_id = format!("edit-comment-{}", c.id);
    view! {
        <li class="rounded-md border border-zinc-200 p-3 dark:border-zinc-800" aria-label=format!("Comment by {author}")>
            <p class="text-xs text-zinc-500 dark:text-zinc-400">
                {author.clone()} " · " {c.created_at.get(..16).unwrap_or_default().replace('T', " ")}
                {edited.then_some(" · edited")}
            </p>
            <div class="prose-sm mt-1 text-sm" inner_html=c.body_html.clone()></div>
            {can_change.then(|| view! {
                <div class="mt-2 flex items-start gap-3 text-xs">
                    <details class="flex-1" open=open
                        on:toggle=move |ev| {
                            #[cfg(feature = "hydrate")]
                            {
                                let open = event_target::<web_sys::HtmlElement>(&ev).has_attribute("open");
                                drafts.editing_comment.set(open.then(|| cid.clone()));
                            }
                            #[cfg(not(feature = "hydrate"))]
                            let _ = (&ev, &cid);
                        }>
                        <summary class="cursor-pointer text-indigo-700 hover:underline dark:text-indigo-300">"Edit"</summary>
                        <ActionForm action=edit attr:class="mt-2 space-y-2">
                            <input type="hidden" name="release_id" value=rid/>
                            <input type="hidden" name="comment_id" value=cid2/>
                            <label for=area_id.clone() class="sr-only">"Edit comment"</label>
                            <TextArea id=area_id name="body" required=true
                                value=Signal::stored(text)
                                on_input=move |v: String| drafts.comment_edits.update(|m| { m.insert(cid3.clone(), v); })/>
                            <ActionError result=edit.value().into()/>
                            <button type="submit" class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">"Save comment"</button>
                        </ActionForm>
                    </details>
                    <ActionForm action=delete on:submit=move |ev| {
                        if !crate::ui::components::confirm("Delete this comment? This cannot be undone.") { ev.prevent_default(); }
                    }>
                        <input type="hidden" name="release_id" value=rid2/>
                        <input type="hidden" name="comment_id" value=cid4/>
                        <button type="submit" class="text-red-700 hover:underline dark:text-red-300">"Delete"</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

/// The release's place in planning: sprint and deployment group pickers,
/// its dependencies (with a small graph), and a way to add one.
#[component]
fn PlanningSection(
    release_id: String,
    sprint_id: Option<String>,
    group_id: Option<String>,
    can_edit: bool,
    planning: Resource<Result<ReleasePlanningData, crate::views::ApiError>>,
    set_plan: ServerAction<SetReleasePlan>,
    add_dep: ServerAction<AddDependency>,
    rm_dep: ServerAction<RemoveDependency>,
) -> impl IntoView {
    let rid = StoredValue::new(release_id);
    view! {
        <Loaded data=planning skeleton="h-24" let:p>
            {
                {
                    let waiting: Vec<_> = p.dependencies.iter()
                        .filter(|d| d.dep_type == DependencyType::Blocks)
                        .filter_map(|d| d.depends_on.clone())
                        .filter(|b| b.status != ReleaseStatus::Deployed)
                        .collect();
                    let sprint_id = sprint_id.clone();
                    let group_id = group_id.clone();
                    let deps = p.dependencies.clone();
                    let needed = p.dependents.clone();
                    let none = p.dependencies.is_empty() && p.dependents.is_empty();
                    view! {
                        <section aria-labelledby="deps-h" class="space-y-3">
                            <h3 id="deps-h" class="font-semibold">"Dependencies"</h3>
                            {(!waiting.is_empty()).then(|| view! {
                                <p class="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="blocked-by-banner">
                                    "Blocked by "
                                    {waiting.iter().map(|b| format!("{} {} ({})", b.title, b.version, b.status.label())).collect::<Vec<_>>().join(", ")}
                                    ": it cannot enter Ready for production or Deployed until that is deployed."
                                </p>
                            })}
                            <DependencyGraph planning=p.clone()/>
                            {(!deps.is_empty()).then(move || view! {
                                <ul class="space-y-1 text-sm" aria-label="Depends on">
                                    {deps.into_iter().map(|d| {
                                        let other = d.depends_on.clone();
                                        let name = other.as_ref().map(|o| format!("{} {}", o.title, o.version)).unwrap_or_default();
                                        let label = format!("Remove the dependency on {name}");
                                        view! {
                                            <li class="flex flex-wrap items-center gap-2">
                                                <span class="text-xs font-medium text-zinc-500 dark:text-zinc-400">{dep_words(d.dep_type)}</span>
                                                <a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/releases/{}", d.depends_on_id)>{name.clone()}</a>
                                                {other.map(|o| view! { <StatusBadge status=o.status/> })}
                                                {d.resolved_at.is_some().then(|| view! { <span class="text-xs text-green-700 dark:text-green-300">"resolved"</span> })}
                                                {can_edit.then(|| view! {
                                                    <ActionForm action=rm_dep>
                                                        <input type="hidden" name="release_id" value=rid.get_value()/>
                                                        <input type="hidden" name="dependency_id" value=d.id.clone()/>
                                                        <button type="submit" class="text-xs text-red-700 hover:underline dark:text-red-300" aria-label=label>"Remove"</button>
                                                    </ActionForm>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            })}
                            {(!needed.is_empty()).then(move || view! {
                                <p class="text-sm text-zinc-600 dark:text-zinc-400">"Needed by: "
                                    {needed.into_iter().map(|d| {
                                        let o = d.release.clone();
                                        view! { <a class="mr-2 text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/releases/{}", d.release_id)>{o.map(|o| format!("{} {}", o.title, o.version)).unwrap_or_default()}</a> }
                                    }).collect_view()}
                                </p>
                            })}
                            {none.then(|| view! {
                                <p class="text-sm text-zinc-600 dark:text-zinc-400">"No dependencies."</p>
                            })}
                            {can_edit.then(|| view! { <AddDependencyForm release_id=rid.get_value() add_dep=add_dep/> })}
                        </section>
                        {can_edit.then(|| view! {
                            <section aria-labelledby="plan-h" class="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
                                <h3 id="plan-h" class="text-sm font-semibold">"Sprint and deployment group"</h3>
                                <ActionForm action=set_plan attr:class="mt-2 grid gap-3 sm:grid-cols-3">
                                    <input type="hidden" name="id" value=rid.get_value()/>
                                    <div class="space-y-1"><label for="rp-sprint" class="block text-sm font-medium">"Sprint"</label>
                                        <select id="rp-sprint" name="sprint_id" class=SELECT>
                                            <option value="">"None"</option>
                                            {p.sprints.iter().map(|s| view! { <option value=s.id.clone() selected=sprint_id.as_deref() == Some(s.id.as_str())>{s.name.clone()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="space-y-1"><label for="rp-group" class="block text-sm font-medium">"Deployment group"</label>
                                        <select id="rp-group" name="deployment_group_id" class=SELECT>
                                            <option value="">"None"</option>
                                            {p.groups.iter().map(|g| view! { <option value=g.id.clone() selected=group_id.as_deref() == Some(g.id.as_str())>{g.name.clone()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="flex items-end"><Submit label="Save plan" pending=set_plan.pending().into()/></div>
                                    <div class="sm:col-span-3"><ActionError result=set_plan.value().into()/></div>
                                </ActionForm>
                            </section>
                        })}
                    }.into_any()
                }
            }
        </Loaded>
    }
}

fn dep_words(t: DependencyType) -> &'static str {
    match t {
        DependencyType::Blocks => "blocked by",
        DependencyType::SoftDependency => "soft dependency on",
        DependencyType::RequiresSync => "deploys with",
    }
}

/// Picks a release of the team by searching, and adds the dependency.
#[component]
fn AddDependencyForm(release_id: String, add_dep: ServerAction<AddDependency>) -> impl IntoView {
    let q = RwSignal::new(String::new());
    let kind = RwSignal::new("BLOCKS".to_string());
    let rid = StoredValue::new(release_id);
    // An action, not a resource: search results are browser-only and must
    // not take part in server rendering and hydration.
    let search = ServerAction::<SearchReleases>::new();
    view! {
        <div class="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <p class="mb-2 text-sm font-medium">"Add a dependency"</p>
            <div class="flex flex-wrap items-end gap-2">
                <div class="space-y-1"><label for="dep-type" class="block text-xs font-medium">"This release…"</label>
                    <select id="dep-type" class=SELECT on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="BLOCKS">"is blocked by"</option>
                        <option value="SOFT_DEPENDENCY">"softly depends on"</option>
                        <option value="REQUIRES_SYNC">"deploys together with"</option>
                    </select></div>
                <div class="min-w-56 flex-1 space-y-1"><label for="dep-search" class="block text-xs font-medium">"Find a release (title, version, service)"</label>
                    <input id="dep-search" type="search" autocomplete="off" placeholder="Type to search…"
                        class="block w-full rounded-md border border-zinc-300 bg-white px-2 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            q.set(v.clone());
                            search.dispatch(SearchReleases { q: v, exclude: rid.get_value() });
                        }/>
                </div>
            </div>
            {move || search.value().get().map(|r| match r {
                    Err(e) => view! { <p role="alert" class="mt-2 text-sm text-red-700 dark:text-red-300">{error_text(&e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() && !q.get_untracked().trim().is_empty() => view! { <p class="mt-2 text-sm text-zinc-600 dark:text-zinc-400">"No release matches."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="mt-2 space-y-1" aria-label="Matching releases">
                            {list.into_iter().map(|o| {
                                let label = format!("Add {} {}", o.title, o.version);
                                let oid = o.id.clone();
                                view! {
                                    <li class="flex items-center gap-2 text-sm">
                                        <span>{o.title.clone()} " " {o.version.clone()}</span>
                                        <span class="text-xs text-zinc-500 dark:text-zinc-400">{o.service_name.clone()}</span>
                                        <StatusBadge status=o.status/>
                                        <button type="button" aria-label=label
                                            class="ml-auto rounded-md bg-indigo-600 px-2 py-1 text-xs font-medium text-white hover:bg-indigo-500"
                                            on:click=move |_| { add_dep.dispatch(AddDependency { release_id: rid.get_value(), depends_on_id: oid.clone(), dep_type: kind.get_untracked() }); }
                                        >"Add"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            <div class="mt-2"><ActionError result=add_dep.value().into()/></div>
        </div>
    }
}

/// The dependency neighbourhood as SVG: what this release depends on on the
/// left, the release in the middle, what depends on it on the right.
#[component]
fn DependencyGraph(planning: ReleasePlanningData) -> impl IntoView {
    let left: Vec<_> = planning
        .dependencies
        .iter()
        .filter_map(|d| Some((d.depends_on.clone()?, d.dep_type, d.resolved_at.is_some())))
        .collect();
    let right: Vec<_> = planning
        .dependents
        .iter()
        .filter_map(|d| Some((d.release.clone()?, d.dep_type, d.resolved_at.is_some())))
        .collect();
    if left.is_empty() && right.is_empty() {
        return ().into_any();
    }
    let row = 44.0f64;
    let rows = left.len().max(right.len()).max(1) as f64;
    let h = rows * row + 16.0;
    let (w, nw, nh) = (640.0f64, 180.0f64, 30.0f64);
    let cy = h / 2.0;
    let y_of = |i: usize, n: usize| h / 2.0 + (i as f64 - (n as f64 - 1.0) / 2.0) * row;
    let stroke = |t: DependencyType, resolved: bool| match (t, resolved) {
        (DependencyType::Blocks, false) => ("stroke-red-500", ""),
        (DependencyType::Blocks, true) => ("stroke-green-600", ""),
        (DependencyType::SoftDependency, _) => ("stroke-zinc-400", "4 3"),
        (DependencyType::RequiresSync, _) => ("stroke-indigo-500", "1 0"),
    };
    let node = |x: f64, y: f64, r: &ReleaseRef, center: bool| {
        let label = format!("{} {}", r.title, r.version);
        // Keep the version whole; shorten the title to fit the box.
        let title: String = if r.title.chars().count() > 16 {
            format!("{}…", r.title.chars().take(15).collect::<String>())
        } else {
            r.title.clone()
        };
        let short = format!("{title} {}", r.version);
        let _ = &label;
        view! {
            <g>
                <rect x=x y=y - nh / 2.0 width=nw height=nh rx="6"
                    class=if center { "fill-indigo-50 stroke-indigo-500 dark:fill-indigo-950" } else { "fill-white stroke-zinc-300 dark:fill-zinc-900 dark:stroke-zinc-600" }/>
                <circle cx=x + 10.0 cy=y r="4" class=crate::ui::components::status::fill_class(r.status)/>
                <text x=x + 20.0 y=y + 4.0 class="fill-zinc-800 text-[11px] dark:fill-zinc-100">{short}</text>
            </g>
        }
    };
    let me = planning
        .dependencies
        .first()
        .and_then(|d| d.release.clone())
        .or_else(|| {
            planning
                .dependents
                .first()
                .and_then(|d| d.depends_on.clone())
        });
    let summary = format!(
        "Depends on {}; needed by {}",
        if left.is_empty() {
            "nothing".to_string()
        } else {
            left.iter()
                .map(|(r, t, _)| format!("{} {} ({})", r.title, r.version, t))
                .collect::<Vec<_>>()
                .join(", ")
        },
        if right.is_empty() {
            "nothing".to_string()
        } else {
            right
                .iter()
                .map(|(r, t, _)| format!("{} {} ({})", r.title, r.version, t))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    let (ln, rn) = (left.len(), right.len());
    view! {
        <svg viewBox=format!("0 0 {w} {h}") class="w-full max-w-2xl" role="img" aria-label=summary data-testid="dependency-graph">
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="fill-zinc-500"/>
                </marker>
            </defs>
            // Edges point from the dependent to what it depends on.
            {left.iter().enumerate().map(|(i, (_, t, res))| {
                let (cls, dash) = stroke(*t, *res);
                view! { <line x1=(w - nw) / 2.0 y1=cy x2=nw + 8.0 y2=y_of(i, ln) class=cls stroke-width="1.5" stroke-dasharray=dash marker-end="url(#arrow)"/> }
            }).collect_view()}
            {right.iter().enumerate().map(|(i, (_, t, res))| {
                let (cls, dash) = stroke(*t, *res);
                view! { <line x1=w - nw - 8.0 y1=y_of(i, rn) x2=(w + nw) / 2.0 y2=cy class=cls stroke-width="1.5" stroke-dasharray=dash marker-end="url(#arrow)"/> }
            }).collect_view()}
            {left.iter().enumerate().map(|(i, (r, _, _))| node(0.0, y_of(i, ln), r, false)).collect_view()}
            {right.iter().enumerate().map(|(i, (r, _, _))| node(w - nw, y_of(i, rn), r, false)).collect_view()}
            {me.map(|m| node((w - nw) / 2.0, cy, &m, true))}
        </svg>
    }
    .into_any()
}
