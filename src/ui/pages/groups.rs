//! `/deployment-groups` and `/deployment-groups/{id}` (with the rollout
//! plan and a drag-and-drop — or keyboard — order for SEQUENTIAL groups).

use crate::domain::ids::{GroupId, ReleaseId, SprintId, UserId};
use crate::domain::kinds::DeploymentOrder;
use crate::serverfns::groups::{
    group_page, groups_page, AddToGroup, CreateGroup, DeleteGroup, RemoveFromGroup, ReorderGroup,
    UpdateGroup,
};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::SELECT;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::list_memory::{grouped, list_footer, use_more_pages};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::{BUTTON, BUTTON_DANGER, BUTTON_SECONDARY, CARD, LINK};
use crate::views::{DeploymentGroupView, GroupReleaseView, MemberView, SprintView};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn group_fields(
    name: String,
    sprint_id: Option<SprintId>,
    owner_id: Option<UserId>,
    target: Option<String>,
    order: DeploymentOrder,
    sprints: Vec<SprintView>,
    members: Vec<MemberView>,
) -> impl IntoView {
    view! {
        <Field label="Name" name="name" value=name/>
        <div class="space-y-1"><label for="g-order" class="block text-sm font-medium">"Order"</label>
            <select id="g-order" name="deployment_order" class=SELECT>
                <option value="SEQUENTIAL" selected=order == DeploymentOrder::Sequential>"Sequential — one after another"</option>
                <option value="SIMULTANEOUS" selected=order == DeploymentOrder::Simultaneous>"Simultaneous — in waves"</option>
            </select></div>
        <div class="space-y-1"><label for="g-sprint" class="block text-sm font-medium">"Sprint"</label>
            <select id="g-sprint" name="sprint_id" class=SELECT>
                <option value="">"None"</option>
                {sprints.into_iter().map(|s| view! { <option value=s.id.to_string() selected=sprint_id.as_ref() == Some(&s.id)>{s.name}</option> }).collect_view()}
            </select></div>
        <div class="space-y-1"><label for="g-owner" class="block text-sm font-medium">"Owner"</label>
            <select id="g-owner" name="owner_id" class=SELECT>
                <option value="">"Nobody"</option>
                {members.into_iter().map(|m| view! { <option value=m.user_id.to_string() selected=owner_id.as_ref() == Some(&m.user_id)>{m.name}</option> }).collect_view()}
            </select></div>
        <Field label="Target date" name="target_date" kind="date" value=target.unwrap_or_default() required=false/>
    }
}

/// `/deployment-groups`
#[component]
pub fn GroupsPage() -> impl IntoView {
    let create = ServerAction::<CreateGroup>::new();
    let data = Resource::new(|| (), |_| groups_page(None));
    // "Load more": later pages of groups, appended.
    let (more, load_more) = use_more_pages(data, |c| async move {
        groups_page(Some(c))
            .await
            .map(|p| (p.groups, p.next_cursor))
    });
    let item = |g: DeploymentGroupView| {
        view! {
            <li class="flex items-center justify-between gap-3 p-3">
                <a class=LINK href=format!("/deployment-groups/{}", g.id)>{g.name.clone()}</a>
                <span class="text-xs text-zinc-600 dark:text-zinc-400">
                    {if g.deployment_order == DeploymentOrder::Sequential { "Sequential" } else { "Simultaneous" }}
                    {g.target_date.map(|t| view! { " · target " <crate::ui::components::when::Day date=t/> })}
                </span>
            </li>
        }
    };
    view! {
        <PageTitle text="Deployment groups"/>
            <Loaded data=data let:d>
                {
                    view! {
                        <div class="max-w-4xl space-y-8">
                            {if d.groups.is_empty() {
                                view! { <p class="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm dark:border-zinc-700">"No deployment groups yet. A group ships several releases together, in order or in waves."</p> }.into_any()
                            } else {
                                let first_len = d.groups.len();
                                view! {
                                    <ul class="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" aria-label="Deployment groups">
                                        {d.groups.into_iter().map(item).collect_view()}
                                        {move || more.memory.rows.get().into_iter().map(item).collect_view()}
                                    </ul>
                                    {list_footer(more, first_len, d.total, "group", d.next_cursor.clone(), load_more, BUTTON_SECONDARY)}
                                }.into_any()
                            }}
                            {d.can_manage.then(|| view! {
                                <section aria-labelledby="new-group-h" class=CARD>
                                    <h2 id="new-group-h" class="mb-3 font-semibold">"New deployment group"</h2>
                                    <ActionForm action=create attr:class="grid gap-3 sm:grid-cols-2">
                                        <FieldErrors errors=last_error(create.value())>
                                        {group_fields(String::new(), None, None, None, DeploymentOrder::Sequential, d.sprints.clone(), d.members.clone())}
                                        <div class="sm:col-span-2"><ActionError result=create.value().into()/></div>
                                        <div class="w-48"><Submit label="Create group" pending=create.pending().into()/></div>
                                    </FieldErrors>
                                    </ActionForm>
                                </section>
                            })}
                        </div>
                    }.into_any()
                }
            </Loaded>
    }
}

/// `/deployment-groups/{id}`
#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    // `?q=` narrows what "Add a release" offers (a GET form: works without
    // JavaScript too).
    let query = leptos_router::hooks::use_query_map();
    let q = move || query.with(|p| p.get("q").unwrap_or_default());
    let update = ServerAction::<UpdateGroup>::new();
    crate::ui::components::toast::toast_outcome(update, |_| Some("Deployment group saved".into()));
    let delete = ServerAction::<DeleteGroup>::new();
    crate::ui::components::toast::toast_outcome(delete, |_| {
        Some("Deployment group deleted".into())
    });
    let add = ServerAction::<AddToGroup>::new();
    crate::ui::components::toast::toast_outcome(add, |_| Some("Added to the group".into()));
    let remove = ServerAction::<RemoveFromGroup>::new();
    crate::ui::components::toast::toast_undoable(
        remove,
        |_| "Removed from the group".into(),
        move |r: RemoveFromGroup| {
            add.dispatch(AddToGroup {
                group_id: r.group_id,
                release_id: r.release_id,
            });
        },
    );
    let reorder = ServerAction::<ReorderGroup>::new();
    crate::ui::components::toast::toast_outcome(reorder, |_| Some("Order saved".into()));
    let live = crate::ui::components::live::use_live();
    let data = Resource::new(
        move || {
            (
                id(),
                (
                    update.version().get(),
                    add.version().get(),
                    remove.version().get(),
                    reorder.version().get(),
                ),
                live.tick.get(),
                q(),
            )
        },
        |(id, _, _, q)| group_page(id.into(), q),
    );
    view! {
        <PageTitle text="Deployment group"/>
            <Loaded data=data let:d>
                {
                    {
                        let g = d.group.clone();
                        let gid = g.id.clone();
                        let sequential = g.deployment_order == DeploymentOrder::Sequential;
                        let plan = d.plan.clone();
                        view! {
                            <div class="grid max-w-6xl gap-8 lg:grid-cols-3">
                                <div class="space-y-6 lg:col-span-2">
                                    <div>
                                        <h2 class="text-2xl font-semibold" data-testid="group-name">{g.name.clone()}</h2>
                                        <p class="mt-1 flex flex-wrap items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
                                            <span>{if sequential { "Sequential" } else { "Simultaneous" }}</span>
                                            {g.target_date.map(|t| view! { <span>"· target " <crate::ui::components::when::Day date=t/></span> })}
                                            <span data-testid="plan-ready" class=if plan.ready { "rounded-full bg-green-100 px-2 py-0.5 text-xs font-medium text-green-900 dark:bg-green-950 dark:text-green-200" } else { "rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200" }>
                                                {if plan.ready { "Ready to roll out" } else { "Not ready" }}
                                            </span>
                                        </p>
                                    </div>
                                    <section aria-labelledby="plan-h">
                                        <h3 id="plan-h" class="mb-2 font-semibold">"Rollout plan"</h3>
                                        {if plan.steps.is_empty() {
                                            view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">"Add releases to see the plan."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ol class="space-y-2" aria-label="Rollout plan">
                                                    {plan.steps.iter().map(|s| view! {
                                                        <li class="flex gap-3 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
                                                            <span class="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-zinc-200 text-xs font-semibold dark:bg-zinc-800">{s.position}</span>
                                                            <div class="flex-1 space-y-1">
                                                                {s.releases.iter().map(|r| view! {
                                                                    <p class="flex flex-wrap items-center gap-2 text-sm">
                                                                        <a class=LINK href=format!("/releases/{}", r.id)>{r.title.clone()} " " {r.version.clone()}</a>
                                                                        <StatusBadge status=r.status/>
                                                                        <span class=if r.ready { "text-xs text-green-700 dark:text-green-300" } else { "text-xs text-amber-800 dark:text-amber-300" }>{if r.ready { "ready" } else { "not ready" }}</span>
                                                                    </p>
                                                                }).collect_view()}
                                                            </div>
                                                            <span class="text-xs text-zinc-500 dark:text-zinc-400">{if sequential { "step" } else { "wave" }}</span>
                                                        </li>
                                                    }).collect_view()}
                                                </ol>
                                            }.into_any()
                                        }}
                                        {(!plan.corrections.is_empty()).then(|| view! {
                                            <div role="note" class="mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100" data-testid="plan-corrections">
                                                <p class="font-medium">"The plan changed your order:"</p>
                                                <ul class="list-disc pl-5">{plan.corrections.iter().map(|c| view! { <li>{c.message.clone()}</li> }).collect_view()}</ul>
                                            </div>
                                        })}
                                    </section>
                                    <OrderList releases=d.releases.clone() group_id=gid.clone() can_edit=d.can_edit sequential=sequential reorder=reorder remove=remove/>
                                    {d.can_edit.then(|| {
                                        let gid = gid.clone();
                                        view! {
                                            <section aria-labelledby="add-h">
                                                <h3 id="add-h" class="mb-2 font-semibold">"Add a release"</h3>
                                                <form method="get" action=format!("/deployment-groups/{gid}") class="mb-2 flex flex-wrap items-end gap-2" role="search" aria-label="Find a release to add">
                                                    <div class="min-w-64 flex-1 space-y-1"><label for="add-q" class="block text-sm font-medium">"Find a release (title, version, description)"</label>
                                                        <input id="add-q" type="search" name="q" value=q() autocomplete="off" class=SELECT/></div>
                                                    <button type="submit" class=BUTTON_SECONDARY>"Search"</button>
                                                </form>
                                                {
                                                    let shown = d.candidates.len() as u64;
                                                    let total = d.candidates_total;
                                                    (shown < total).then(|| view! {
                                                        <p class="mb-2 text-xs text-zinc-600 dark:text-zinc-400" data-testid="candidates-shown">
                                                            {format!("The {shown} most recently changed of {} releases that could join; search to find the others.", grouped(total))}
                                                        </p>
                                                    })
                                                }
                                                {if d.candidates.is_empty() {
                                                    let searched = !q().trim().is_empty();
                                                    view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">{if searched { "No release in flight outside this group matches." } else { "Every release in flight is already here." }}</p> }.into_any()
                                                } else {
                                                    view! {
                                                        <ActionForm action=add attr:class="flex flex-wrap items-end gap-2">
                                                            <input type="hidden" name="group_id" value=gid.to_string()/>
                                                            <div class="min-w-64 flex-1 space-y-1"><label for="add-release" class="block text-sm font-medium">"Release"</label>
                                                                <select id="add-release" name="release_id" class=SELECT>
                                                                    {d.candidates.iter().map(|c| view! { <option value=c.id.to_string()>{format!("{} {} · {} · {}", c.title, c.version, c.service_name, c.status.label())}</option> }).collect_view()}
                                                                </select></div>
                                                            <button type="submit" class=BUTTON>"Add to group"</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                }}
                                                <ActionError result=add.value().into()/>
                                            </section>
                                        }
                                    })}
                                </div>
                                {d.can_manage.then(|| { let (gid1, gid2) = (g.id.clone(), g.id.clone()); view! {
                                    <aside class="space-y-6">
                                        <section aria-labelledby="g-edit-h" class=CARD>
                                            <h3 id="g-edit-h" class="mb-2 font-semibold">"Edit group"</h3>
                                            <ActionForm action=update attr:class="space-y-3">
                                                <FieldErrors errors=last_error(update.value())>
                                                <input type="hidden" name="id" value=gid1.to_string()/>
                                                {group_fields(g.name.clone(), g.sprint_id.clone(), g.owner_id.clone(), g.target_date.map(|t| t.to_string()), g.deployment_order, d.sprints.clone(), d.members.clone())}
                                                <ActionError result=update.value().into()/>
                                                <Submit label="Save group" pending=update.pending().into()/>
                                            </FieldErrors>
                                            </ActionForm>
                                        </section>
                                        <ActionForm action=delete on:submit=move |ev| {
                                            if !crate::ui::components::confirm("Delete this deployment group? Its releases stay, ungrouped.") { ev.prevent_default(); }
                                        }>
                                            <input type="hidden" name="id" value=gid2.to_string()/>
                                            <button type="submit" class=BUTTON_DANGER>"Delete group"</button>
                                        </ActionForm>
                                    </aside>
                                }})}
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
    }
}

/// The group's releases in the chosen order. For SEQUENTIAL groups the
/// order is editable: drag a row onto another, or use its up/down buttons.
#[component]
fn OrderList(
    releases: Vec<GroupReleaseView>,
    group_id: GroupId,
    can_edit: bool,
    sequential: bool,
    reorder: ServerAction<ReorderGroup>,
    remove: ServerAction<RemoveFromGroup>,
) -> impl IntoView {
    let order = RwSignal::new(
        releases
            .iter()
            .map(|r| r.release.id.clone())
            .collect::<Vec<_>>(),
    );
    let by_id = StoredValue::new(
        releases
            .iter()
            .map(|r| (r.release.id.clone(), r.clone()))
            .collect::<std::collections::HashMap<_, _>>(),
    );
    let dragging = RwSignal::new(None::<ReleaseId>);
    let editable = can_edit && sequential;
    let gid = StoredValue::new(group_id);
    let save = move |ids: Vec<ReleaseId>| {
        let joined = ids
            .iter()
            .map(ReleaseId::as_str)
            .collect::<Vec<_>>()
            .join(",");
        order.set(ids);
        reorder.dispatch(ReorderGroup {
            group_id: gid.get_value(),
            release_ids: joined,
        });
    };
    let shift = move |id: ReleaseId, delta: isize| {
        let mut ids = order.get_untracked();
        if let Some(i) = ids.iter().position(|x| *x == id) {
            let j = i as isize + delta;
            if j >= 0 && (j as usize) < ids.len() {
                ids.swap(i, j as usize);
                save(ids);
            }
        }
    };
    view! {
        <section aria-labelledby="order-h">
            <h3 id="order-h" class="mb-1 font-semibold">{if sequential { "Chosen order" } else { "Releases" }}</h3>
            {editable.then(|| view! { <p class="mb-2 text-xs text-zinc-600 dark:text-zinc-400">"Drag a release onto another to reorder, or use the arrows. The plan above follows, except where dependencies say otherwise."</p> })}
            <ActionError result=reorder.value().into()/>
            <ol class="space-y-1" aria-label="Deployment order">
                {move || {
                    let ids = order.get();
                    let n = ids.len();
                    ids.into_iter().enumerate().filter_map(|(i, rid)| {
                        let r = by_id.with_value(|m| m.get(&rid).cloned())?;
                        let (up, down, drop_id, start_id, rm_id) = (rid.clone(), rid.clone(), rid.clone(), rid.clone(), rid.clone());
                        let title = format!("{} {}", r.release.title, r.release.version);
                        let rm_label = format!("Remove {title} from the group");
                        Some(view! {
                            <li
                                class="flex items-center gap-2 rounded-md border border-zinc-200 bg-white p-2 text-sm dark:border-zinc-800 dark:bg-zinc-950"
                                class:cursor-grab=editable
                                draggable=if editable { "true" } else { "false" }
                                aria-label=title.clone()
                                data-release-id=rid.clone().to_string()
                                on:dragstart=move |_| dragging.set(Some(start_id.clone()))
                                on:dragend=move |_| dragging.set(None)
                                on:dragover=move |ev: leptos::ev::DragEvent| { if editable && dragging.get_untracked().is_some() { ev.prevent_default(); } }
                                on:drop=move |ev: leptos::ev::DragEvent| {
                                    ev.prevent_default();
                                    if let Some(src) = dragging.get_untracked() {
                                        dragging.set(None);
                                        let mut ids = order.get_untracked();
                                        if let (Some(from), Some(to)) = (ids.iter().position(|x| *x == src), ids.iter().position(|x| *x == drop_id)) {
                                            if from != to {
                                                let moved = ids.remove(from);
                                                ids.insert(to, moved);
                                                save(ids);
                                            }
                                        }
                                    }
                                }
                            >
                                <span class="w-6 text-center text-xs font-semibold text-zinc-500">{i + 1}</span>
                                <a class=LINK href=format!("/releases/{}", r.release.id)>{title.clone()}</a>
                                <StatusBadge status=r.release.status/>
                                <span class="ml-auto flex items-center gap-1">
                                    {editable.then(|| {
                                        let (t1, t2) = (title.clone(), title.clone());
                                        view! {
                                            <button type="button" class="rounded px-1.5 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800" aria-label=format!("Move {t1} up") disabled=i == 0 on:click=move |_| shift(up.clone(), -1)>"↑"</button>
                                            <button type="button" class="rounded px-1.5 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800" aria-label=format!("Move {t2} down") disabled=i + 1 == n on:click=move |_| shift(down.clone(), 1)>"↓"</button>
                                        }
                                    })}
                                    {can_edit.then(|| view! {
                                        <ActionForm action=remove>
                                            <input type="hidden" name="group_id" value=gid.get_value().to_string()/>
                                            <input type="hidden" name="release_id" value=rm_id.to_string()/>
                                            <button type="submit" class="rounded px-1.5 text-xs text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950" aria-label=rm_label>"Remove"</button>
                                        </ActionForm>
                                    })}
                                </span>
                            </li>
                        })
                    }).collect_view()
                }}
            </ol>
        </section>
    }
}
