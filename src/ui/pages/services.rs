//! `/services`: the team's deployable services. ADMIN+ creates, edits and
//! deletes (deleting says what goes with it). The GitHub repository field
//! suggests the editor's own repositories (through their GitHub
//! connection), loaded the first time the field is focused.

use crate::serverfns::catalog::{
    list_services, DeleteService, MyGithubRepos, SaveService, ServicesPageData,
};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::list_memory::{list_footer, use_more_pages};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::views::{RunningVersion, ServiceEnvironments, ServiceView};
use leptos::prelude::*;

/// The services page.
#[component]
pub fn ServicesPage() -> impl IntoView {
    let save = ServerAction::<SaveService>::new();
    crate::ui::components::toast::toast_outcome(save, |_| Some("Service saved".into()));
    let delete = ServerAction::<DeleteService>::new();
    crate::ui::components::toast::toast_outcome(delete, |_| Some("Service deleted".into()));
    let repos = ServerAction::<MyGithubRepos>::new();
    let data = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| list_services(None),
    );
    // "Load more": later pages, appended; a change reloads from the first.
    let (more, load_more) = use_more_pages(data, |c| async move {
        list_services(Some(c))
            .await
            .map(|p| (p.items, p.next_cursor))
    });
    view! {
        <PageTitle text="Services"/>
            <Loaded data=data let:loaded>
                {
                    let ServicesPageData { items: services, can_manage, next_cursor: first_next, total } = loaded;
                    let first_len = services.len();
                    view! {
                        <div class="max-w-4xl space-y-8">
                            <datalist id="my-repos">
                                {move || repos.value().get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|r| view! { <option value=r></option> }).collect_view()}
                            </datalist>
                            <ActionError result=delete.value().into()/>
                            {if services.is_empty() {
                                view! {
                                    <div class="rounded-lg border border-dashed border-zinc-300 p-6 text-center dark:border-zinc-700" data-testid="services-empty">
                                        <p class="font-medium">"No services yet"</p>
                                        <p class="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{if can_manage { "Add the first one below: every release belongs to a service." } else { "An admin of this team adds services; every release belongs to one." }}</p>
                                    </div>
                                }.into_any()
                            } else {
                                view! {
                                    <ul class="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" aria-label="Services">
                                        {services.into_iter().map(|(s, envs)| view! { <ServiceRow s=s envs=envs can_manage=can_manage save=save delete=delete repos=repos/> }).collect_view()}
                                        {move || more.memory.rows.get().into_iter().map(|(s, envs)| view! { <ServiceRow s=s envs=envs can_manage=can_manage save=save delete=delete repos=repos/> }).collect_view()}
                                    </ul>
                                    {list_footer(more, first_len, total, "service", first_next, load_more, BUTTON_SECONDARY)}
                                }.into_any()
                            }}
                            {can_manage.then(|| view! {
                                <section aria-labelledby="new-service-h" class="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
                                    <h2 id="new-service-h" class="mb-3 font-semibold">"Add a service"</h2>
                                    <ServiceForm save=save service=None repos=repos/>
                                </section>
                            })}
                        </div>
                    }.into_any()
                }
            </Loaded>
    }
}

#[component]
fn ServiceRow(
    s: ServiceView,
    envs: ServiceEnvironments,
    can_manage: bool,
    save: ServerAction<SaveService>,
    delete: ServerAction<DeleteService>,
    repos: ServerAction<MyGithubRepos>,
) -> impl IntoView {
    let name = s.name.clone();
    let id = s.id.clone();
    view! {
        <li class="p-3" aria-label=s.name.clone()>
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="font-medium">{s.name.clone()} <span class="ml-1 font-mono text-xs text-zinc-500 dark:text-zinc-400">{s.slug.clone()}</span></p>
                    {(!s.description.is_empty()).then(|| view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">{s.description.clone()}</p> })}
                    <p class="mt-1 flex gap-3 text-xs text-zinc-500 dark:text-zinc-400">
                        {s.github_repo.clone().map(|r| view! { <span>"GitHub: " {r}</span> })}
                        {s.jira_project_key.clone().map(|k| view! { <span>"Jira: " {k}</span> })}
                    </p>
                    <Environments envs=envs/>
                </div>
                {can_manage.then(|| view! {
                    <ActionForm action=delete on:submit=move |ev| {
                        if !crate::ui::components::confirm(&format!("Delete {name}? All of its releases, with their comments, items and dependencies, are deleted too.")) { ev.prevent_default(); }
                    }>
                        <input type="hidden" name="id" value=id.clone().to_string()/>
                        <button type="submit" class="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950">"Delete"</button>
                    </ActionForm>
                })}
            </div>
            {can_manage.then(|| view! {
                <details class="mt-2">
                    <summary class="cursor-pointer text-sm text-indigo-700 dark:text-indigo-300">"Edit"</summary>
                    <div class="mt-3"><ServiceForm save=save service=Some(s.clone()) repos=repos/></div>
                </details>
            })}
        </li>
    }
}

#[component]
fn ServiceForm(
    save: ServerAction<SaveService>,
    service: Option<ServiceView>,
    repos: ServerAction<MyGithubRepos>,
) -> impl IntoView {
    let s = service.clone().unwrap_or(ServiceView {
        id: Default::default(),
        team_id: Default::default(),
        name: String::new(),
        slug: String::new(),
        description: String::new(),
        github_repo: None,
        jira_project_key: None,
        // Not shown: a service being created has no times yet.
        created_at: chrono::DateTime::UNIX_EPOCH.into(),
        updated_at: chrono::DateTime::UNIX_EPOCH.into(),
    });
    // One id per form: the page shows an edit form per service.
    let repo_id = format!(
        "repo-{}",
        if s.id.is_empty() {
            "new"
        } else {
            s.id.as_str()
        }
    );
    let label = if service.is_some() {
        "Save service"
    } else {
        "Add service"
    };
    view! {
        <ActionForm action=save attr:class="grid gap-3 sm:grid-cols-2">
            <FieldErrors errors=last_error(save.value())>
            <input type="hidden" name="id" value=s.id.to_string()/>
            <Field label="Name" name="name" value=s.name.clone()/>
            <Field label="Slug (optional)" name="slug" value=s.slug.clone() required=false/>
            <div class="space-y-1">
                <label for=repo_id.clone() class="block text-sm font-medium text-zinc-800 dark:text-zinc-200">"GitHub repository (owner/name)"</label>
                <input
                    id=repo_id
                    name="github_repo"
                    list="my-repos"
                    autocomplete="off"
                    value=s.github_repo.clone().unwrap_or_default()
                    on:focus=move |_| {
                        if repos.value().get_untracked().is_none() && !repos.pending().get_untracked() {
                            repos.dispatch(MyGithubRepos {});
                        }
                    }
                    class="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700 dark:bg-zinc-900"
                />
                <p class="text-xs text-zinc-500 dark:text-zinc-400">{move || match repos.value().get() {
                    Some(Ok(list)) if !list.is_empty() => format!("Suggesting your {} GitHub repositories as you type.", list.len()),
                    Some(Err(e)) => format!("No suggestions: {}", crate::ui::components::form::error_text(&e)),
                    _ => String::new(),
                }}</p>
            </div>
            <Field label="Jira project key" name="jira_project_key" value=s.jira_project_key.clone().unwrap_or_default() required=false/>
            <div class="sm:col-span-2"><Field label="Description" name="description" value=s.description.clone() required=false/></div>
            <div class="sm:col-span-2"><ActionError result=save.value().into()/></div>
            <div class="w-40"><Submit label=label pending=save.pending().into()/></div>
        </FieldErrors>
        </ActionForm>
    }
}

/// What runs in staging and production, from CI's deployment reports: the
/// version (linking to its release), the commit, when, and the pipeline run.
#[component]
fn Environments(envs: ServiceEnvironments) -> impl IntoView {
    let one = |label: &'static str, running: Option<RunningVersion>| {
        view! {
            <div role="group" aria-label=label class="min-w-40 rounded-md bg-zinc-50 px-2 py-1.5 dark:bg-zinc-900">
                <p class="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400" aria-hidden="true">{label}</p>
                <div class="text-sm">
                    {match running {
                        None => view! { <span class="text-zinc-500 dark:text-zinc-400">"Nothing reported"</span> }.into_any(),
                        Some(r) => view! {
                            <span class="font-medium">
                                {match r.release_id.clone() {
                                    Some(id) => view! { <a class="underline decoration-zinc-400 underline-offset-2" href=format!("/releases/{id}")>{r.version.clone()}</a> }.into_any(),
                                    None => view! { <span>{r.version.clone()}</span> }.into_any(),
                                }}
                            </span>
                            {r.commit_sha.clone().map(|c| view! { <span class="ml-2 font-mono text-xs text-zinc-500 dark:text-zinc-400">{c.chars().take(7).collect::<String>()}</span> })}
                            <span class="block text-xs text-zinc-500 dark:text-zinc-400">
                                "since " <crate::ui::components::when::When at=r.deployed_at now=crate::ui::components::when::use_now()/>
                                {r.url.clone().map(|u| view! { " · " <a class="text-indigo-700 underline dark:text-indigo-300" href=u rel="noopener noreferrer" target="_blank">"pipeline run"</a> })}
                            </span>
                        }.into_any(),
                    }}
                </div>
            </div>
        }
    };
    view! {
        <div class="mt-2 flex flex-wrap gap-2">
            {one("Staging", envs.staging)}
            {one("Production", envs.production)}
        </div>
    }
}
