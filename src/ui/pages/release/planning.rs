//! The release page's planning: sprint, deployment group, dependencies.

use crate::domain::ids::{GroupId, ReleaseId, SprintId};
use crate::domain::kinds::DependencyType;
use crate::domain::status::ReleaseStatus;
use crate::serverfns::planning::{
    AddDependency, ReleasePlanningData, RemoveDependency, SearchReleases, SetReleasePlan,
};
use crate::ui::components::form::SELECT;
use crate::ui::components::form::{error_text, ActionError, Submit};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::LINK;
use crate::views::ReleaseRef;
use leptos::prelude::*;

/// The release's place in planning: sprint and deployment group pickers,
/// its dependencies (with a small graph), and a way to add one.
#[component]
pub(super) fn PlanningSection(
    release_id: ReleaseId,
    sprint_id: Option<SprintId>,
    group_id: Option<GroupId>,
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
                                                <a class=LINK href=format!("/releases/{}", d.depends_on_id)>{name.clone()}</a>
                                                {other.map(|o| view! { <StatusBadge status=o.status/> })}
                                                {d.resolved_at.is_some().then(|| view! { <span class="text-xs text-green-700 dark:text-green-300">"resolved"</span> })}
                                                {can_edit.then(|| view! {
                                                    <ActionForm action=rm_dep>
                                                        <input type="hidden" name="release_id" value=rid.get_value().to_string()/>
                                                        <input type="hidden" name="dependency_id" value=d.id.to_string()/>
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
                                    <input type="hidden" name="id" value=rid.get_value().to_string()/>
                                    <div class="space-y-1"><label for="rp-sprint" class="block text-sm font-medium">"Sprint"</label>
                                        <select id="rp-sprint" name="sprint_id" class=SELECT>
                                            <option value="">"None"</option>
                                            {p.sprints.iter().map(|s| view! { <option value=s.id.to_string() selected=sprint_id.as_ref() == Some(&s.id)>{s.name.clone()}</option> }).collect_view()}
                                        </select></div>
                                    <div class="space-y-1"><label for="rp-group" class="block text-sm font-medium">"Deployment group"</label>
                                        <select id="rp-group" name="deployment_group_id" class=SELECT>
                                            <option value="">"None"</option>
                                            {p.groups.iter().map(|g| view! { <option value=g.id.to_string() selected=group_id.as_ref() == Some(&g.id)>{g.name.clone()}</option> }).collect_view()}
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
fn AddDependencyForm(release_id: ReleaseId, add_dep: ServerAction<AddDependency>) -> impl IntoView {
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
                            search.dispatch(SearchReleases { q: v, exclude: rid.get_value().into_string() });
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
