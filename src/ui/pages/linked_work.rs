//! "Linked work" on the release page: the Jira tickets and GitHub pull
//! requests of a release with their cached state and readiness, Sync now
//! (one item or all), unlinking, and linking by searching the service's
//! Jira project or repository — or by pasting a key or PR reference.
//!
//! The actions are created by the page ([`LinkedWork::new`]), not inside
//! the re-rendered section, so server rendering and hydration agree. Search
//! results come from an action (browser-only data): without JavaScript the
//! paste form still links.

use crate::domain::items::Readiness;
use crate::domain::kinds::ItemType;
use crate::serverfns::items::{LinkItem, SearchItems, SyncItem, SyncReleaseItems, UnlinkItem};
use crate::ui::components::form::{error_text, ActionError};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::LINK;
use crate::ui::components::toast::{toast_outcome, use_toaster};
use crate::views::{ItemView, SearchHitView};
use leptos::prelude::*;

const INPUT: &str = "block w-full rounded-md border border-zinc-300 bg-white px-2 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const BUTTON: &str = "rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";

/// The section's actions, created once per page.
#[derive(Clone, Copy)]
pub struct LinkedWork {
    /// Link one item.
    pub link: ServerAction<LinkItem>,
    /// Unlink one item.
    pub unlink: ServerAction<UnlinkItem>,
    /// Sync one item.
    pub sync: ServerAction<SyncItem>,
    /// Sync every item of the release.
    pub sync_all: ServerAction<SyncReleaseItems>,
    /// Search Jira or GitHub.
    pub search: ServerAction<SearchItems>,
}

impl LinkedWork {
    /// Creates the actions (call in the page component); linking and
    /// unlinking say how it went, and an unlink offers Undo.
    pub fn new() -> Self {
        let w = Self {
            link: ServerAction::new(),
            unlink: ServerAction::new(),
            sync: ServerAction::new(),
            sync_all: ServerAction::new(),
            search: ServerAction::new(),
        };
        let link = w.link;
        toast_outcome(link, |i: &ItemView| {
            Some(format!("Linked {}", i.external_id))
        });
        if let Some(toaster) = use_toaster() {
            let unlink = w.unlink;
            Effect::new(move |seen: Option<usize>| {
                let v = unlink.version().get();
                if seen.is_some_and(|s| s != v) {
                    match unlink.value().get_untracked() {
                        Some(Ok(i)) => toaster.success_with_undo(
                            format!("Unlinked {}", i.external_id),
                            Callback::new(move |_| {
                                link.dispatch(LinkItem {
                                    release_id: i.release_id.clone(),
                                    item_type: i.item_type.as_str().to_string(),
                                    external_id: i.external_id.clone(),
                                });
                            }),
                        ),
                        Some(Err(e)) => toaster.failure(error_text(&e)),
                        None => {}
                    }
                }
                v
            });
        }
        w
    }

    /// Changes whenever an action changed the items (for the resource).
    pub fn version(&self) -> (usize, usize, usize, usize) {
        (
            self.link.version().get(),
            self.unlink.version().get(),
            self.sync.version().get(),
            self.sync_all.version().get(),
        )
    }
}

impl Default for LinkedWork {
    fn default() -> Self {
        Self::new()
    }
}

/// Colour of a status pill, by category (never by the renamed status name).
fn pill(category: Option<&str>) -> &'static str {
    match category {
        Some("done" | "merged") => {
            "bg-green-100 text-green-900 dark:bg-green-950 dark:text-green-200"
        }
        Some("indeterminate" | "open") => {
            "bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-200"
        }
        Some("closed") => "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
        _ => "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
    }
}

fn kind_label(kind: &str) -> &'static str {
    if kind == ItemType::JiraTicket.as_str() {
        "Jira"
    } else {
        "PR"
    }
}

/// The section.
#[component]
pub fn ItemsSection(
    release_id: crate::domain::ids::ReleaseId,
    can_edit: bool,
    items: Resource<Result<Vec<ItemView>, crate::views::ApiError>>,
    actions: LinkedWork,
) -> impl IntoView {
    let LinkedWork {
        link,
        unlink,
        sync,
        sync_all,
        search,
    } = actions;
    let rid = StoredValue::new(release_id);
    let source = RwSignal::new(ItemType::JiraTicket.as_str().to_string());
    view! {
        <section aria-labelledby="items-h" class="space-y-3">
            <h3 id="items-h" class="font-semibold">"Linked work"</h3>
            <Loaded data=items skeleton="" let:loaded>
                {match loaded {
                    list if list.is_empty() => view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">"No tickets or pull requests linked yet."</p> }.into_any(),
                    list => {
                        let ready = Readiness::of(list.iter().map(|i| (i.item_type, i.status_category.as_deref())));
                        view! {
                            <div class="flex items-center justify-between gap-2">
                                <p class=if ready.complete() { "text-sm font-medium text-green-800 dark:text-green-300" } else { "text-sm text-zinc-600 dark:text-zinc-400" } data-testid="items-readiness">
                                    {ready.summary()}
                                </p>
                                {can_edit.then(|| view! {
                                    <ActionForm action=sync_all>
                                        <input type="hidden" name="release_id" value=rid.get_value().to_string()/>
                                        <button type="submit" class="text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300" disabled=move || sync_all.pending().get()>
                                            {move || if sync_all.pending().get() { "Syncing…" } else { "Sync all" }}
                                        </button>
                                    </ActionForm>
                                })}
                            </div>
                            <ul class="space-y-1 text-sm" aria-label="Linked work">
                                {list.into_iter().map(|i| view! { <ItemRow item=i can_edit=can_edit rid=rid sync=sync unlink=unlink/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </Loaded>
            <ActionError result=sync.value().into()/>
            <ActionError result=sync_all.value().into()/>
            <ActionError result=unlink.value().into()/>
            {can_edit.then(|| view! {
                <div class="space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
                    <ActionForm action=search attr:class="flex flex-wrap items-end gap-2" attr:role="search" attr:aria-label="Find work to link">
                        <input type="hidden" name="release_id" value=rid.get_value().to_string()/>
                        <div class="space-y-1">
                            <label for="item-source" class="block text-xs font-medium">"Find in"</label>
                            <select id="item-source" name="source" class=INPUT on:change=move |ev| source.set(event_target_value(&ev))>
                                <option value="JIRA_TICKET">"Jira"</option>
                                <option value="GITHUB_PR">"GitHub pull requests"</option>
                            </select>
                        </div>
                        <div class="min-w-48 flex-1 space-y-1">
                            <label for="item-q" class="block text-xs font-medium">"Search text, key or number"</label>
                            <input id="item-q" name="q" type="search" class=INPUT placeholder="checkout retries"/>
                        </div>
                        <button type="submit" class=BUTTON disabled=move || search.pending().get()>
                            {move || if search.pending().get() { "Searching…" } else { "Search" }}
                        </button>
                        {move || (source.get() == ItemType::JiraTicket.as_str()).then(|| view! {
                            <details class="w-full text-xs">
                                <summary class="cursor-pointer text-zinc-600 dark:text-zinc-400">"Advanced: JQL"</summary>
                                <label for="item-jql" class="mt-2 block font-medium">"JQL (limited to the service's project)"</label>
                                <input id="item-jql" name="jql" class=INPUT placeholder="status = \"In Progress\" AND assignee = currentUser()"/>
                            </details>
                        })}
                    </ActionForm>
                    <ActionError result=search.value().into()/>
                    {move || search.value().get().and_then(|r| r.ok()).map(|hits| {
                        // What is already linked shows so instead of a Link button.
                        let linked: Vec<(String, String)> = items
                            .get()
                            .and_then(|r| r.ok())
                            .unwrap_or_default()
                            .into_iter()
                            .map(|i| (i.item_type.as_str().to_string(), i.external_id))
                            .collect();
                        if hits.is_empty() {
                            view! { <p role="status" class="text-sm text-zinc-600 dark:text-zinc-400">"Nothing found."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="space-y-1 text-sm" aria-label="Search results">
                                    {hits.into_iter().map(|h| {
                                        let done = linked.iter().any(|(t, e)| *t == h.item_type && *e == h.external_id);
                                        view! { <HitRow hit=h linked=done rid=rid link=link/> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    })}
                    <ActionForm action=link attr:class="flex flex-wrap items-end gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
                        <input type="hidden" name="release_id" value=rid.get_value().to_string()/>
                        <div class="space-y-1">
                            <label for="link-type" class="block text-xs font-medium">"Or paste"</label>
                            <select id="link-type" name="item_type" class=INPUT>
                                <option value="JIRA_TICKET">"Jira key"</option>
                                <option value="GITHUB_PR">"Pull request"</option>
                            </select>
                        </div>
                        <div class="min-w-48 flex-1 space-y-1">
                            <label for="link-ref" class="block text-xs font-medium">"Key or reference (PAY-123, owner/repo#42 or its URL)"</label>
                            <input id="link-ref" name="external_id" required class=INPUT/>
                        </div>
                        <button type="submit" class=BUTTON>"Link"</button>
                    </ActionForm>
                    <ActionError result=link.value().into()/>
                </div>
            })}
        </section>
    }
}

/// One linked item.
#[component]
fn ItemRow(
    item: ItemView,
    can_edit: bool,
    rid: StoredValue<crate::domain::ids::ReleaseId>,
    sync: ServerAction<SyncItem>,
    unlink: ServerAction<UnlinkItem>,
) -> impl IntoView {
    let i = item;
    let label = format!("{} {}", i.external_id, i.title.clone().unwrap_or_default());
    let (id1, id2) = (i.id.clone(), i.id.clone());
    view! {
        <li class="flex flex-wrap items-center gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800" aria-label=label>
            <span class="w-9 text-xs font-semibold uppercase text-zinc-500 dark:text-zinc-400">{kind_label(i.item_type.as_str())}</span>
            <span class=format!("rounded px-1.5 py-0.5 text-xs font-medium {}", pill(i.status_category.as_deref()))>{i.status.clone().unwrap_or_else(|| "unknown".into())}</span>
            {match i.url.clone().filter(|u| is_web_link(u)) {
                Some(u) => view! { <a class=LINK href=u rel="external noopener" target="_blank">{i.title.clone().unwrap_or_else(|| i.external_id.clone())}</a> }.into_any(),
                None => view! { <span>{i.external_id.clone()}</span> }.into_any(),
            }}
            <span class="text-xs text-zinc-500 dark:text-zinc-400">{i.external_id.clone()} {i.assignee.clone().map(|a| format!(" · {a}"))}</span>
            {i.sync_error.clone().map(|e| view! { <span class="text-xs text-red-700 dark:text-red-300">{e}</span> })}
            {can_edit.then(|| view! {
                <span class="ml-auto flex gap-2">
                    <ActionForm action=sync>
                        <input type="hidden" name="release_id" value=rid.get_value().to_string()/>
                        <input type="hidden" name="item_id" value=id1.to_string()/>
                        <button type="submit" class="text-xs text-indigo-700 hover:underline dark:text-indigo-300">"Sync now"</button>
                    </ActionForm>
                    <ActionForm action=unlink>
                        <input type="hidden" name="release_id" value=rid.get_value().to_string()/>
                        <input type="hidden" name="item_id" value=id2.to_string()/>
                        <button type="submit" class="text-xs text-red-700 hover:underline dark:text-red-300">"Unlink"</button>
                    </ActionForm>
                </span>
            })}
        </li>
    }
}

/// One search result with its Link button.
#[component]
fn HitRow(
    hit: SearchHitView,
    linked: bool,
    rid: StoredValue<crate::domain::ids::ReleaseId>,
    link: ServerAction<LinkItem>,
) -> impl IntoView {
    let h = hit;
    let label = format!("{} {}", h.external_id, h.title);
    view! {
        <li class="flex flex-wrap items-center gap-2 rounded-md bg-zinc-50 p-2 dark:bg-zinc-900" aria-label=label>
            <span class=format!("rounded px-1.5 py-0.5 text-xs font-medium {}", pill(Some(h.status_category.as_str())))>{h.status.clone()}</span>
            {if is_web_link(&h.url) {
                view! { <a class="font-medium hover:underline" href=h.url.clone() rel="external noopener" target="_blank">{h.title.clone()}</a> }.into_any()
            } else {
                view! { <span class="font-medium">{h.title.clone()}</span> }.into_any()
            }}
            <span class="text-xs text-zinc-500 dark:text-zinc-400">{h.external_id.clone()} {h.assignee.clone().map(|a| format!(" · {a}"))}</span>
            {if linked {
                view! { <span class="ml-auto text-xs font-medium text-green-800 dark:text-green-300">"Linked"</span> }.into_any()
            } else {
                view! {
                    <ActionForm action=link attr:class="ml-auto">
                        <input type="hidden" name="release_id" value=rid.get_value().to_string()/>
                        <input type="hidden" name="item_type" value=h.item_type.clone()/>
                        <input type="hidden" name="external_id" value=h.external_id.clone()/>
                        <button type="submit" class="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 ring-1 ring-inset ring-indigo-300 hover:bg-indigo-50 dark:text-indigo-300 dark:ring-indigo-800 dark:hover:bg-indigo-950" aria-label=format!("Link {}", h.external_id)>"Link"</button>
                    </ActionForm>
                }.into_any()
            }}
        </li>
    }
}

/// Whether a stored link may become an `href`: only web addresses. The
/// server builds every link itself; this is the second lock on the door
/// (a `javascript:` URL must never be clickable, whatever got stored).
fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}
