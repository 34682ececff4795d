//! A release's history beside its page: its deployments as CI reported
//! them and its activity, newest first, each a page at a time with "Load
//! more" (kept on Back, and through the page's live refreshes).

use crate::ui::components::list_memory::{load_more_button, MorePages};
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::ui::components::when::{use_now, When};
use crate::views::{ActivityView, DeploymentView};
use leptos::prelude::*;

/// The first page's items, then those loaded after it that it does not
/// hold now (a live refresh may have moved them into it).
fn merged<T: Clone + Send + Sync + 'static, K: PartialEq>(
    first: &[T],
    more: MorePages<T>,
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut all = first.to_vec();
    more.memory.rows.with(|later| {
        for r in later {
            if !first.iter().any(|f| key(f) == key(r)) {
                all.push(r.clone());
            }
        }
    });
    all
}

/// Its deployments as CI reported them, newest first: where, what
/// happened, when, the commit and the pipeline run — and, in amber, why the
/// board did not follow a report.
#[component]
pub(super) fn DeploymentList(
    deployments: Vec<DeploymentView>,
    first_next: Option<String>,
    more: MorePages<DeploymentView>,
    load: Callback<String>,
) -> impl IntoView {
    use crate::domain::deployments::DeployStatus;
    let now = use_now();
    let first = StoredValue::new(deployments);
    view! {
        <section aria-labelledby="deployments-h" class="text-sm">
            <h3 id="deployments-h" class="mb-2 font-semibold">"Deployments"</h3>
            <ol class="space-y-2" aria-label="Deployments">
                {move || first.with_value(|f| merged(f, more, |d| d.id.clone())).into_iter().map(|dep| {
                    let ok = matches!(dep.status, DeployStatus::Succeeded);
                    let bad = matches!(dep.status, DeployStatus::Failed | DeployStatus::RolledBack);
                    let what = match dep.status {
                        DeployStatus::Started => "Started",
                        DeployStatus::Succeeded => "Deployed",
                        DeployStatus::Failed => "Failed",
                        DeployStatus::RolledBack => "Rolled back",
                    };
                    view! {
                        <li class="rc-dep" class:rc-dep-ok=ok class:rc-dep-bad=bad>
                            <p>
                                <span class="font-medium">{format!("{what} · {}", dep.environment.label())}</span>
                                {dep.commit_sha.clone().map(|c| view! { <span class="ml-2 font-mono text-xs text-zinc-500 dark:text-zinc-400">{c.chars().take(7).collect::<String>()}</span> })}
                            </p>
                            <p class="text-xs text-zinc-500 dark:text-zinc-400">
                                <When at=dep.created_at now=now/>
                                {dep.reported_by.clone().map(|b| format!(" · {b}"))}
                                {dep.url.clone().map(|u| view! { " · " <a class="text-indigo-700 underline dark:text-indigo-300" href=u rel="noopener noreferrer" target="_blank">"run"</a> })}
                            </p>
                            {dep.drift.clone().map(|d| view! { <p class="mt-1 text-xs text-amber-800 dark:text-amber-200" data-testid="drift">{d}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <div class="mt-2">{load_more_button(more, first_next, move |c| load.run(c), BUTTON_SECONDARY, "Load more deployments")}</div>
        </section>
    }
}

/// Its activity, newest first.
#[component]
pub(super) fn ActivityList(
    activity: Vec<ActivityView>,
    first_next: Option<String>,
    more: MorePages<ActivityView>,
    load: Callback<String>,
) -> impl IntoView {
    let now = use_now();
    let first = StoredValue::new(activity);
    view! {
        <section aria-labelledby="activity-h">
            <h3 id="activity-h" class="mb-2 font-semibold">"Activity"</h3>
            <ol class="space-y-2 text-sm" aria-label="Activity">
                {move || first.with_value(|f| merged(f, more, |a| a.id.clone())).into_iter().map(|a| view! {
                    <li><p>{a.description.clone()}</p><p class="text-xs text-zinc-500 dark:text-zinc-400"><When at=a.created_at now=now/></p></li>
                }).collect_view()}
            </ol>
            <div class="mt-2">{load_more_button(more, first_next, move |c| load.run(c), BUTTON_SECONDARY, "Load more activity")}</div>
        </section>
    }
}
