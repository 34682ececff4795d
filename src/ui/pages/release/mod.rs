//! `/releases/{id}`: everything about one release, with its status moves as
//! a plain form that works without JavaScript.
//!
//! - this file: the page, its details form and the status moves;
//! - [`comments`]: one comment, with edit and delete for its author;
//! - [`drafts`]: what is being typed, kept through live refreshes;
//! - [`history`]: its deployments and activity, loading more;
//! - [`planning`]: sprint, group and dependencies (with their graph);
//! - [`policy`]: the release policy's checks, approvals and override.

mod comments;
mod drafts;
mod history;
mod planning;
mod policy;

use crate::domain::status::Priority;
use crate::serverfns::planning::{
    release_planning, AddDependency, RemoveDependency, SetReleasePlan,
};
use crate::serverfns::releases::{release_activity, release_comments, release_deployments};
use crate::serverfns::releases::{release_page, AddComment, MoveRelease, SetBlocked};
use crate::serverfns::releases::{DeleteComment, DeleteRelease, EditComment, EditRelease};
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit, TextArea};
use crate::ui::components::form::{PageTitle, SELECT};
use crate::ui::components::list_memory::{load_more_button, use_more_pages_until};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::markdown::MarkdownEditor;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::{BUTTON_DANGER, BUTTON_SECONDARY};
use crate::ui::components::toast::{toast_outcome, use_toaster};
use crate::ui::components::when::use_now;
use crate::ui::pages::linked_work::{ItemsSection, LinkedWork};
use crate::views::{CommentView, ReleaseView};
use comments::CommentItem;
use drafts::Drafts;
use history::{ActivityList, DeploymentList};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use planning::PlanningSection;
use policy::PolicyPanel;

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
    let decide = ServerAction::<crate::serverfns::policy::Decide>::new();
    let withdraw = ServerAction::<crate::serverfns::policy::WithdrawApproval>::new();
    let override_move = ServerAction::<crate::serverfns::policy::OverrideMove>::new();
    let drafts = Drafts::new();
    let now = use_now();
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
    // A comment shows the moment it is sent ("Sending…") and stays until
    // the page's refetch brings the saved one; a refusal takes it away and
    // puts its text back in the box (with the reason, in an alert).
    let sent_comment = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(i) = comment.input().get() {
            sent_comment.set(Some(i.body.clone()));
            drafts.comment.set(String::new());
        }
    });
    Effect::new(move |_| match comment.value().get() {
        Some(Ok(_)) => drafts.comment.set(String::new()),
        Some(Err(_)) => {
            if let Some(body) = sent_comment.get_untracked() {
                drafts.comment.set(body);
            }
            sent_comment.set(None);
        }
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = edit_comment.value().get() {
            drafts.comment_edits.update(|m| {
                m.remove(&c.id);
            });
            drafts.editing_comment.set(None);
        }
    });
    // Every change says how it went; a move offers Undo where the state
    // machine allows the way back.
    toast_outcome(edit, |r: &ReleaseView| {
        Some(format!("Saved {} {}", r.title, r.version))
    });
    toast_outcome(block, |r: &ReleaseView| {
        Some(
            if r.is_blocked {
                "Marked blocked"
            } else {
                "Unblocked"
            }
            .to_string(),
        )
    });
    toast_outcome(comment, |_| Some("Comment added".into()));
    toast_outcome(edit_comment, |_| Some("Comment saved".into()));
    toast_outcome(delete_comment, |_| Some("Comment deleted".into()));
    toast_outcome(set_plan, |_| Some("Sprint and group saved".into()));
    toast_outcome(add_dep, |_| Some("Dependency added".into()));
    toast_outcome(rm_dep, |_| Some("Dependency removed".into()));
    toast_outcome(decide, |_| Some("Your review is recorded".into()));
    toast_outcome(withdraw, |_| Some("Review withdrawn".into()));
    toast_outcome(override_move, |_| {
        Some("Moved past the release policy".into())
    });
    // (The move's toast is below: it needs the status it came from.)
    let moved_from = StoredValue::new(None::<crate::domain::status::ReleaseStatus>);
    // Refetch on our own changes and on live events about this release.
    let live = crate::ui::components::live::use_live();
    let about_this = Memo::new(move |_| {
        live.tick.get();
        live.latest.with(|a| {
            a.as_ref()
                .filter(|a| a.release_id.as_ref().is_some_and(|r| *r == id()))
                .map(|a| a.id.clone())
        })
    });
    // Linked work: created here, not in the re-rendered section, so server
    // rendering and hydration agree on it.
    let linked = LinkedWork::new();
    // Our own changes refetch by their action's version, never by waiting
    // for the live feed: its stream may not be open yet (or at all).
    let data = Resource::new(
        move || {
            (
                id(),
                linked.version(),
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
                    override_move.version().get(),
                ),
                about_this.get(),
            )
        },
        |(id, ..)| release_page(id.into()),
    );
    // Comments past the first 200 (oldest first), deployments and activity
    // past their first pages (newest first), as "Load more" brings them:
    // kept through live refreshes and on Back, dropped for another release.
    let release_id = move || crate::domain::ids::ReleaseId::from(id());
    let same_release = move || {
        id();
    };
    let (more_comments, load_comments) =
        use_more_pages_until(data, same_release, "comments", move |c| {
            let r = release_id();
            async move {
                release_comments(r, c)
                    .await
                    .map(|p| (p.items, p.next_cursor))
            }
        });
    let (more_deployments, load_deployments) =
        use_more_pages_until(data, same_release, "deployments", move |c| {
            let r = release_id();
            async move {
                release_deployments(r, c)
                    .await
                    .map(|p| (p.items, p.next_cursor))
            }
        });
    let (more_activity, load_activity) =
        use_more_pages_until(data, same_release, "activity", move |c| {
            let r = release_id();
            async move {
                release_activity(r, c)
                    .await
                    .map(|p| (p.items, p.next_cursor))
            }
        });
    let load_deployments = Callback::new(move |c: String| load_deployments(c));
    let load_activity = Callback::new(move |c: String| load_activity(c));
    Effect::new(move |_| {
        if mv.pending().get() {
            moved_from.set_value(
                data.get_untracked()
                    .and_then(|r| r.ok())
                    .map(|d| d.row.release.status),
            );
        }
    });
    if let Some(toaster) = use_toaster() {
        Effect::new(move |seen: Option<usize>| {
            let v = mv.version().get();
            if seen.is_some_and(|s| s != v) {
                match mv.value().get_untracked() {
                    Some(Ok(r)) => {
                        let text =
                            format!("Moved {} {} to {}", r.title, r.version, r.status.label());
                        match moved_from.get_value() {
                            Some(from) if r.status.can_move_to(from) => {
                                let undo = Callback::new(move |_| {
                                    mv.dispatch(MoveRelease {
                                        id: r.id.clone(),
                                        status: from,
                                        revision: r.revision,
                                    });
                                });
                                toaster.success_with_undo(text, undo);
                            }
                            _ => toaster.success(text),
                        }
                    }
                    Some(Err(e)) => toaster.failure(crate::ui::components::form::error_text(&e)),
                    None => {}
                }
            }
            v
        });
    }
    let policy = Resource::new(
        move || {
            (
                id(),
                (
                    mv.version().get(),
                    block.version().get(),
                    edit.version().get(),
                    decide.version().get(),
                    withdraw.version().get(),
                    override_move.version().get(),
                ),
                about_this.get(),
                live.tick.get(),
            )
        },
        |(id, ..)| crate::serverfns::policy::release_policy_panel(id.into()),
    );
    let items = Resource::new(
        move || (id(), linked.version(), live.tick.get()),
        |(id, ..)| crate::serverfns::items::release_items(id.into()),
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
        |(id, ..)| release_planning(id.into()),
    );
    view! {
        <PageTitle text="Release"/>
            <Loaded data=data skeleton="h-60" let:d>
                {
                    {
                        let r = d.row.release.clone();
                        let (rid_c, rid_m, rid_b) = (r.id.clone(), r.id.clone(), r.id.clone());
                        // Optimistic: while a Save is on its way the heading
                        // shows what was typed, and after it what the server
                        // saved until the page has reloaded; a refusal puts
                        // back what the server has (its reason in an alert).
                        let heading = {
                            let (id, revision) = (r.id.clone(), r.revision);
                            let saved = (r.title.clone(), r.version.clone());
                            move || {
                                if let Some(i) = edit.input().get() {
                                    return (i.title, i.version);
                                }
                                match edit.value().get() {
                                    Some(Ok(v)) if v.id == id && v.revision > revision => (v.title, v.version),
                                    _ => saved.clone(),
                                }
                            }
                        };
                        let heading = Memo::new(move |_| heading());
                        view! {
                            <div class="grid max-w-5xl gap-8 lg:grid-cols-3">
                                <div class="space-y-6 lg:col-span-2">
                                    <div>
                                        <h2 class="text-2xl font-semibold" data-testid="release-title">{move || heading.get().0} " " <span class="text-zinc-500 dark:text-zinc-400">{move || heading.get().1}</span></h2>
                                        <p class="mt-1 flex flex-wrap items-center gap-2 text-sm">
                                            <StatusBadge status=r.status/>
                                            <span>{d.row.service_name.clone()}</span>
                                            <span>"· " {r.priority.label()} " priority"</span>
                                            {r.is_blocked.then(|| view! { <span class="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-200">{format!("Blocked{}", r.blocked_reason.clone().map(|x| format!(": {x}")).unwrap_or_default())}</span> })}
                                        </p>
                                        {(!r.description.is_empty()).then(|| view! { <div class="rc-prose mt-3 text-sm" data-testid="release-description" inner_html=d.description_html.clone()></div> })}
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
                                                    <input type="hidden" name="id" value=r.id.to_string()/>
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
                                                            {let chosen = drafts.field("owner_id", r.owner_id.as_ref().map_or("", |o| o.as_str()));
                                                             members.into_iter().map(|m| view! { <option value=m.user_id.to_string() selected=m.user_id == chosen>{m.name.clone()}</option> }).collect_view()}
                                                        </select></div>
                                                    <Field label="Target date" name="target_date" kind="date" value=drafts.field("target_date", &r.target_date.map(|t| t.to_string()).unwrap_or_default()) required=false/>
                                                    <div class="sm:col-span-2"><MarkdownEditor id="ed-description" name="description" label="Description" value=drafts.field("description", &r.description)/></div>
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
                                            let (me, can_edit, is_admin) = (d.me.clone(), d.can_edit, d.is_admin);
                                            let item = move |c: CommentView| {
                                                let mine = c.author_id.as_ref() == Some(&me) && can_edit;
                                                view! {
                                                    <CommentItem comment=c can_change={mine || is_admin} drafts=drafts edit=edit_comment delete=delete_comment now=now/>
                                                }
                                            };
                                            let item2 = item.clone();
                                            let first_next = d.comments_next.clone();
                                            let first: Vec<_> = d.comments.iter().map(|c| c.id.clone()).collect();
                                            view! {
                                                <ul class="space-y-3" aria-label="Comments">
                                                    {d.comments.iter().cloned().map(item).collect_view()}
                                                    {move || more_comments.memory.rows.get().into_iter().filter(|c| !first.contains(&c.id)).map(item2.clone()).collect_view()}
                                                </ul>
                                                {load_more_button(more_comments, first_next, load_comments, BUTTON_SECONDARY, "Load more comments")}
                                            }.into_any()
                                        }}
                                        {
                                            let saved: Vec<_> = d.comments.iter().map(|c| c.id.clone()).collect();
                                            // Past the first page, a new comment is behind "Load more".
                                            let truncated = d.comments_next.is_some();
                                            move || {
                                                let landed = truncated || matches!(comment.value().get(), Some(Ok(c)) if saved.contains(&c.id));
                                                sent_comment.get().filter(|_| comment.pending().get() || !landed).map(|body| view! {
                                                    <div class="rounded-md border border-dashed border-zinc-300 p-3 opacity-70 dark:border-zinc-700" aria-busy="true" data-testid="comment-sending">
                                                        <p class="text-xs text-zinc-500 dark:text-zinc-400">"You · sending…"</p>
                                                        <p class="mt-1 whitespace-pre-wrap text-sm">{body}</p>
                                                    </div>
                                                })
                                            }
                                        }
                                        {d.can_edit.then(|| view! {
                                            <ActionForm action=comment attr:class="space-y-2">
                                                <input type="hidden" name="release_id" value=rid_c.to_string()/>
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
                                    <PolicyPanel release_id=r.id.clone() revision=r.revision policy=policy
                                        decide=decide withdraw=withdraw override_move=override_move/>
                                    {d.can_edit.then(|| view! {
                                        <section aria-labelledby="move-h" class="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
                                            <h3 id="move-h" class="mb-2 font-semibold">"Status"</h3>
                                            {if d.allowed.is_empty() { view! { <p class="text-sm">"No moves from here."</p> }.into_any() } else {
                                                view! {
                                                    <ActionForm action=mv attr:class="space-y-2">
                                                        <input type="hidden" name="id" value=rid_m.to_string()/>
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
                                                <input type="hidden" name="id" value=rid_b.to_string()/>
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
                                            <dt class="text-zinc-500 dark:text-zinc-400">"Target date"</dt><dd>{match r.target_date { Some(t) => view! { <crate::ui::components::when::Day date=t/> }.into_any(), None => view! { "—" }.into_any() }}</dd>
                                            <dt class="text-zinc-500 dark:text-zinc-400">"On staging"</dt><dd>{match r.staging_deployed_at { Some(t) => view! { <crate::ui::components::when::Day date=t.at().date_naive()/> }.into_any(), None => view! { "—" }.into_any() }}</dd>
                                            <dt class="text-zinc-500 dark:text-zinc-400">"In production"</dt><dd>{match r.production_deployed_at { Some(t) => view! { <crate::ui::components::when::Day date=t.at().date_naive()/> }.into_any(), None => view! { "—" }.into_any() }}</dd>
                                            <dt class="text-zinc-500 dark:text-zinc-400">"Revision"</dt><dd>{r.revision}</dd>
                                        </dl>
                                    </section>
                                    {(!d.deployments.is_empty()).then(|| view! { <DeploymentList deployments=d.deployments.clone() first_next=d.deployments_next.clone() more=more_deployments load=load_deployments/> })}
                                    <ActivityList activity=d.activity.clone() first_next=d.activity_next.clone() more=more_activity load=load_activity/>
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
                                                    <input type="hidden" name="id" value=id.to_string()/>
                                                    <button type="submit" class=BUTTON_DANGER>"Delete release"</button>
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
    }
}
