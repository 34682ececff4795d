//! `/sprints` and `/sprints/{id}`: the team's sprints with their progress,
//! and one sprint with its releases.

use crate::domain::kinds::SprintStatus;
use crate::domain::status::ReleaseStatus;
use crate::serverfns::releases::ReleaseRow;
use crate::serverfns::sprints::{
    sprint_page, sprint_releases, sprints_page, CreateSprint, DeleteSprint, UpdateSprint,
};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::SELECT;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::list_memory::{
    count_label, load_more_button, use_more_pages, use_more_pages_until,
};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::{BUTTON_DANGER, BUTTON_SECONDARY, CARD, LINK};
use crate::ui::components::when::Day;
use crate::views::SprintSummary;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn sprint_status_label(s: SprintStatus) -> &'static str {
    match s {
        SprintStatus::Planning => "Planning",
        SprintStatus::Active => "Active",
        SprintStatus::Completed => "Completed",
        SprintStatus::Cancelled => "Cancelled",
    }
}

fn sprint_status_class(s: SprintStatus) -> &'static str {
    match s {
        SprintStatus::Active => "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200",
        SprintStatus::Planning => "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-100",
        SprintStatus::Completed => {
            "bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200"
        }
        SprintStatus::Cancelled => {
            "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200"
        }
    }
}

/// A progress bar: share of releases deployed.
#[component]
pub fn Progress(deployed: usize, total: usize, label: String) -> impl IntoView {
    let pct = (deployed * 100).checked_div(total).unwrap_or(0);
    view! {
        <div class="space-y-1">
            <div class="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800" role="progressbar"
                aria-label=label aria-valuemin="0" aria-valuemax="100" aria-valuenow=pct.to_string()>
                <div class="h-full rounded-full bg-green-600" style=format!("width: {pct}%")></div>
            </div>
            <p class="text-xs text-zinc-600 dark:text-zinc-400">{format!("{deployed} of {total} deployed ({pct}%)")}</p>
        </div>
    }
}

fn status_select(current: SprintStatus) -> impl IntoView {
    view! {
        <select id="sp-status" name="status" class=SELECT>
            {SprintStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == current>{sprint_status_label(*s)}</option> }).collect_view()}
        </select>
    }
}

/// One sprint on `/sprints`: its name, status, span and progress.
#[component]
fn SprintCard(s: SprintSummary) -> impl IntoView {
    view! {
        <li class=CARD>
            <div class="flex items-start justify-between gap-2">
                <a class=LINK href=format!("/sprints/{}", s.sprint.id)>{s.sprint.name.clone()}</a>
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {}", sprint_status_class(s.sprint.status))>{sprint_status_label(s.sprint.status)}</span>
            </div>
            <p class="mb-2 text-xs text-zinc-600 dark:text-zinc-400"><Day date=s.sprint.start_date/> " → " <Day date=s.sprint.end_date/></p>
            <Progress deployed=s.deployed total=s.total label=format!("{} progress", s.sprint.name)/>
        </li>
    }
}

/// `/sprints`
#[component]
pub fn SprintsPage() -> impl IntoView {
    let create = ServerAction::<CreateSprint>::new();
    crate::ui::components::toast::toast_outcome(create, |_| Some("Sprint created".into()));
    let data = Resource::new(|| (), |_| sprints_page(None));
    let (more, load_more) = use_more_pages(data, |c| async move {
        sprints_page(Some(c))
            .await
            .map(|p| (p.sprints, p.next_cursor))
    });
    view! {
        <PageTitle text="Sprints"/>
            <Loaded data=data let:d>
                {
                    view! {
                        <div class="max-w-4xl space-y-8">
                            {if d.sprints.is_empty() {
                                view! { <p class="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm dark:border-zinc-700">"No sprints yet. A sprint collects the releases a team means to ship in a time box."</p> }.into_any()
                            } else {
                                let first_next = d.next_cursor.clone();
                                view! {
                                    <div class="space-y-3">
                                        <ul class="grid gap-3 sm:grid-cols-2" aria-label="Sprints">
                                            {d.sprints.into_iter().map(|s| view! { <SprintCard s=s/> }).collect_view()}
                                            {move || more.memory.rows.get().into_iter().map(|s| view! { <SprintCard s=s/> }).collect_view()}
                                        </ul>
                                        {load_more_button(more, first_next, load_more, BUTTON_SECONDARY, "Load more")}
                                    </div>
                                }.into_any()
                            }}
                            {d.can_manage.then(|| view! {
                                <section aria-labelledby="new-sprint-h" class=CARD>
                                    <h2 id="new-sprint-h" class="mb-3 font-semibold">"New sprint"</h2>
                                    <ActionForm action=create attr:class="grid gap-3 sm:grid-cols-2">
                                        <FieldErrors errors=last_error(create.value())>
                                        <Field label="Name" name="name"/>
                                        <div class="space-y-1"><label for="sp-status" class="block text-sm font-medium">"Status"</label>{status_select(SprintStatus::Planning)}</div>
                                        <Field label="Start date" name="start_date" kind="date"/>
                                        <Field label="End date" name="end_date" kind="date"/>
                                        <div class="sm:col-span-2"><ActionError result=create.value().into()/></div>
                                        <div class="w-40"><Submit label="Create sprint" pending=create.pending().into()/></div>
                                    </FieldErrors>
                                    </ActionForm>
                                    <p class="mt-2 text-xs text-zinc-500 dark:text-zinc-400">"A team has one active sprint at a time."</p>
                                </section>
                            })}
                        </div>
                    }.into_any()
                }
            </Loaded>
    }
}

/// `/sprints/{id}`
#[component]
pub fn SprintPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateSprint>::new();
    crate::ui::components::toast::toast_outcome(update, |_| Some("Sprint saved".into()));
    let delete = ServerAction::<DeleteSprint>::new();
    crate::ui::components::toast::toast_outcome(delete, |_| Some("Sprint deleted".into()));
    let live = crate::ui::components::live::use_live();
    let data = Resource::new(
        move || (id(), update.version().get(), live.tick.get()),
        |(id, ..)| sprint_page(id.into()),
    );
    // Its releases past the first 100 stay through live refreshes and go
    // when another sprint is opened.
    let (more, load_more) = use_more_pages_until(
        data,
        move || {
            id();
        },
        "",
        move |c| async move {
            sprint_releases(id().into(), c)
                .await
                .map(|p| (p.items, p.next_cursor))
        },
    );
    view! {
        <PageTitle text="Sprint"/>
            <Loaded data=data let:d>
                {
                    {
                        let s = d.sprint.clone();
                        let total: u64 = d.counts.iter().map(|(_, n)| n).sum();
                        let deployed = d.counts.iter().find(|(st, _)| *st == ReleaseStatus::Deployed).map_or(0, |(_, n)| *n);
                        let first = StoredValue::new(d.releases.clone());
                        let first_next = d.next_cursor.clone();
                        // The first page, then what "Load more" brought
                        // that it does not hold now.
                        let loaded = move || {
                            let mut all = first.get_value();
                            let later: Vec<ReleaseRow> = more.memory.rows.get();
                            for r in later {
                                if !all.iter().any(|f| f.release.id == r.release.id) {
                                    all.push(r);
                                }
                            }
                            all
                        };
                        view! {
                            <div class="grid max-w-5xl gap-8 lg:grid-cols-3">
                                <div class="space-y-6 lg:col-span-2">
                                    <div>
                                        <h2 class="text-2xl font-semibold" data-testid="sprint-name">{s.name.clone()}</h2>
                                        <p class="mt-1 flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
                                            <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {}", sprint_status_class(s.status))>{sprint_status_label(s.status)}</span>
                                            <Day date=s.start_date/> " → " <Day date=s.end_date/>
                                        </p>
                                    </div>
                                    <Progress deployed={deployed as usize} total={total as usize} label=format!("{} progress", s.name)/>
                                    {if d.counts.is_empty() {
                                        view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">"No releases in this sprint yet. Assign them from a release's page, or from the board with its filters."</p> }.into_any()
                                    } else {
                                        view! {
                                            {d.counts.iter().map(|&(st, n)| view! {
                                                <section>
                                                    <h3 class="mb-2"><StatusBadge status=st/> <span class="ml-1 text-xs text-zinc-500 dark:text-zinc-400">{n}</span></h3>
                                                    {move || {
                                                        let rs: Vec<ReleaseRow> = loaded().into_iter().filter(|r| r.release.status == st).collect();
                                                        let shown = rs.len() as u64;
                                                        view! {
                                                            <ul class="space-y-1 text-sm" aria-label=st.label()>
                                                                {rs.into_iter().map(|r| view! {
                                                                    <li><a class=LINK href=format!("/releases/{}", r.release.id)>{r.release.title.clone()} " " {r.release.version.clone()}</a>
                                                                        <span class="text-zinc-500 dark:text-zinc-400">" · " {r.service_name.clone()}</span></li>
                                                                }).collect_view()}
                                                            </ul>
                                                            {(shown < n).then(|| view! {
                                                                <p class="mt-1 text-xs text-zinc-500 dark:text-zinc-400">{format!("{} more not loaded yet", n - shown)}</p>
                                                            })}
                                                        }
                                                    }}
                                                </section>
                                            }).collect_view()}
                                            <div class="flex flex-wrap items-center gap-3">
                                                <p class="text-sm text-zinc-600 dark:text-zinc-400" data-testid="sprint-shown">
                                                    {move || count_label(loaded().len(), total, "release")}
                                                </p>
                                                {load_more_button(more, first_next, load_more, BUTTON_SECONDARY, "Load more")}
                                            </div>
                                        }.into_any()
                                    }}
                                </div>
                                {d.can_manage.then(|| { let (sid1, sid2) = (s.id.clone(), s.id.clone()); view! {
                                    <aside class="space-y-6">
                                        <section aria-labelledby="sp-edit-h" class=CARD>
                                            <h3 id="sp-edit-h" class="mb-2 font-semibold">"Edit sprint"</h3>
                                            <ActionForm action=update attr:class="space-y-3">
                                                <FieldErrors errors=last_error(update.value())>
                                                <input type="hidden" name="id" value=sid1.to_string()/>
                                                <Field label="Name" name="name" value=s.name.clone()/>
                                                <Field label="Start date" name="start_date" kind="date" value=s.start_date.to_string()/>
                                                <Field label="End date" name="end_date" kind="date" value=s.end_date.to_string()/>
                                                <div class="space-y-1"><label for="sp-status" class="block text-sm font-medium">"Status"</label>{status_select(s.status)}</div>
                                                <ActionError result=update.value().into()/>
                                                <Submit label="Save sprint" pending=update.pending().into()/>
                                            </FieldErrors>
                                            </ActionForm>
                                        </section>
                                        <ActionForm action=delete on:submit=move |ev| {
                                            if !crate::ui::components::confirm("Delete this sprint? Its releases stay, without a sprint.") { ev.prevent_default(); }
                                        }>
                                            <input type="hidden" name="id" value=sid2.to_string()/>
                                            <button type="submit" class=BUTTON_DANGER>"Delete sprint"</button>
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
