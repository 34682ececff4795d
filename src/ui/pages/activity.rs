//! `/activity`: the team's audit log, newest first, updated live: filters
//! by person, subject and days in the URL, "Only mine", export as CSV or
//! JSON Lines, "Load more" below. Times are relative ("3 minutes ago") and
//! tick, absolute on hover.

use crate::serverfns::releases::activity_feed;
use crate::ui::components::form::PageTitle;
use crate::ui::components::live::use_live;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::{BUTTON_SECONDARY, LINK};
use crate::ui::components::when::{use_now, When};
use crate::views::{ActivityQuery, ActivityView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The query keys the filter form owns (also the export's).
const KEYS: [&str; 5] = ["actor", "resource", "from", "to", "mine"];

/// What the entries can be about, for the filter (value, label).
const RESOURCES: [(&str, &str); 12] = [
    ("RELEASE", "Releases"),
    ("SERVICE", "Services"),
    ("SPRINT", "Sprints"),
    ("DEPLOYMENT_GROUP", "Deployment groups"),
    ("MEMBER", "Members and roles"),
    ("INVITATION", "Invitations"),
    ("SETTINGS", "Team settings"),
    ("CONNECTION", "Connections"),
    ("API_TOKEN", "API tokens"),
    ("WEBHOOK", "Webhooks"),
    ("FREEZE", "Freezes"),
    ("POLICY", "Release policy"),
];

const SELECT: &str = "block rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const LABEL: &str = "block text-xs font-medium text-zinc-600 dark:text-zinc-400";

/// Where an entry leads: its release, or the page of what it is about.
fn link_of(a: &ActivityView) -> Option<String> {
    use crate::domain::kinds::ResourceType as R;
    if let Some(id) = &a.release_id {
        return Some(format!("/releases/{id}"));
    }
    let id = a.resource_id.as_deref().unwrap_or_default();
    Some(match a.resource_type? {
        R::Release => return None,
        R::Service => "/services".into(),
        R::Sprint => format!("/sprints/{id}"),
        R::DeploymentGroup => format!("/deployment-groups/{id}"),
        R::Member | R::Invitation => "/settings/members".into(),
        R::Settings => "/settings/team".into(),
        R::Connection => "/settings/profile".into(),
        R::ApiToken => "/settings/api-tokens".into(),
        R::Webhook => "/settings/webhooks".into(),
        R::Freeze | R::Policy => "/settings/policy".into(),
    })
}

/// A value of a change as people read it (`null` → "nothing").
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "nothing".into(),
        serde_json::Value::String(s) if s.is_empty() => "nothing".into(),
        serde_json::Value::String(s) => {
            let mut s: String = s.chars().take(80).collect();
            if s.len() < v.as_str().map_or(0, str::len) {
                s.push('…');
            }
            s
        }
        other => other.to_string(),
    }
}

/// The export's query string for the filters in the URL: days become
/// moments (the `to` day included), "only mine" becomes the caller's id.
fn export_query(q: &ActivityQuery, me: &str) -> String {
    let mut pairs: Vec<(String, String)> = vec![];
    let actor = if q.mine {
        Some(me.to_string())
    } else {
        q.actor_id.clone()
    };
    if let Some(a) = actor.filter(|a| !a.is_empty()) {
        pairs.push(("actorId".into(), a));
    }
    if let Some(r) = q.resource_type.clone().filter(|r| !r.is_empty()) {
        pairs.push(("resourceType".into(), r));
    }
    let day = |d: &Option<String>, next: bool| {
        let d = chrono::NaiveDate::parse_from_str(d.as_deref()?.trim(), "%Y-%m-%d").ok()?;
        let d = if next { d.succ_opt()? } else { d };
        Some(format!("{d}T00:00:00Z"))
    };
    if let Some(f) = day(&q.from, false) {
        pairs.push(("from".into(), f));
    }
    if let Some(t) = day(&q.to, true) {
        pairs.push(("to".into(), t));
    }
    pairs
        .into_iter()
        .map(|(k, v)| format!("&{k}={}", urlencoding(&v)))
        .collect()
}

/// Percent-encodes a query value (ids, names of types and moments).
fn urlencoding(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Entries newest first, each once (a live refresh and a loaded page may
/// both hold one).
fn merged(a: Vec<ActivityView>, b: &[ActivityView]) -> Vec<ActivityView> {
    let mut all = a;
    for x in b {
        if !all.iter().any(|y| y.id == x.id) {
            all.push(x.clone());
        }
    }
    all.sort_by(|x, y| y.id.cmp(&x.id));
    all
}

/// The feed page: filters in the URL, "Load more" below, live on top.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
            ActivityQuery {
                actor_id: get("actor"),
                types: None,
                resource_type: get("resource"),
                from: get("from"),
                to: get("to"),
                mine: get("mine").is_some(),
            }
        })
    });
    let feed = Resource::new(
        move || (filter.get(), live.tick.get()),
        |(f, _)| activity_feed(f, None),
    );
    // Every entry shown so far for these filters (older pages, and first
    // pages before a live refresh), and the cursor past the oldest.
    let kept = RwSignal::new(Vec::<ActivityView>::new());
    let cursor = RwSignal::new(None::<Option<String>>);
    let more_error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    Effect::new(move |prev: Option<ActivityQuery>| {
        let f = filter.get();
        if prev.as_ref().is_some_and(|p| p != &f) {
            kept.set(vec![]);
            cursor.set(None);
            more_error.set(None);
        }
        f
    });
    Effect::new(move |_| {
        if let Some(Ok(d)) = feed.get() {
            kept.update(|k| *k = merged(d.items.clone(), k));
        }
    });
    // Back from an entry's page: the same entries, scrolled to the same place.
    crate::ui::components::list_memory::remember_list(
        crate::ui::components::list_memory::ListMemory {
            rows: kept,
            next: cursor,
        },
        Signal::derive(move || feed.with(|d| matches!(d, Some(Ok(_))))),
        move |rows, next| {
            kept.update(|k| *k = merged(rows, k));
            cursor.set(next);
        },
    );
    let load_more = move |next: String| {
        loading.set(true);
        more_error.set(None);
        let f = filter.get_untracked();
        leptos::task::spawn_local(async move {
            match activity_feed(f, Some(next)).await {
                Ok(d) => {
                    let _ = kept.try_update(|k| *k = merged(d.items, k));
                    let _ = cursor.try_set(Some(d.next_cursor));
                }
                Err(e) => {
                    let _ = more_error.try_set(Some(e.message));
                }
            }
            let _ = loading.try_set(false);
        });
    };
    let now = use_now();
    let get = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let any = KEYS.iter().any(|k| !get(k).is_empty());
    view! {
        <PageTitle text="Activity"/>
        <Loaded data=feed let:loaded>
            {
                let me = loaded.me.to_string();
                let members = loaded.members.clone();
                let first_next = loaded.next_cursor.clone();
                let q = filter.get_untracked();
                let export = export_query(&q, &me);
                view! {
                    <form method="get" action="/activity" class="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label="Filter activity">
                        <div class="space-y-1"><label for="a-actor" class=LABEL>"Person"</label>
                            <select id="a-actor" name="actor" class=SELECT>
                                <option value="">"Anyone"</option>
                                {members.into_iter().map(|m| view! { <option value=m.user_id.to_string() selected=get("actor") == m.user_id.as_str()>{m.name}</option> }).collect_view()}
                            </select></div>
                        <div class="space-y-1"><label for="a-resource" class=LABEL>"About"</label>
                            <select id="a-resource" name="resource" class=SELECT>
                                <option value="">"Everything"</option>
                                {RESOURCES.into_iter().map(|(v, l)| view! { <option value=v selected=get("resource") == v>{l}</option> }).collect_view()}
                            </select></div>
                        <div class="space-y-1"><label for="a-from" class=LABEL>"From"</label>
                            <input id="a-from" name="from" type="date" value=get("from") class=SELECT/></div>
                        <div class="space-y-1"><label for="a-to" class=LABEL>"To"</label>
                            <input id="a-to" name="to" type="date" value=get("to") class=SELECT/></div>
                        <label class="flex items-center gap-2 py-1.5 text-sm">
                            <input type="checkbox" name="mine" value="1" checked=!get("mine").is_empty()
                                class="h-4 w-4 rounded border-zinc-300 dark:border-zinc-700"/>
                            "Only mine"
                        </label>
                        <button type="submit" class=BUTTON_SECONDARY>"Filter"</button>
                        {any.then(|| view! { <a href="/activity" class="px-2 py-1.5 text-sm text-indigo-700 hover:underline dark:text-indigo-300">"Clear filters"</a> })}
                        <span class="ml-auto flex items-center gap-3 py-1.5 text-sm">
                            <span class="text-zinc-600 dark:text-zinc-400">"Export"</span>
                            <a class=LINK href=format!("/api/activities/export?format=csv{export}") download="activity.csv">"CSV"</a>
                            <a class=LINK href=format!("/api/activities/export?format=jsonl{export}") download="activity.jsonl">"JSON Lines"</a>
                        </span>
                    </form>
                    {move || {
                        let items = merged(loaded.items.clone(), &kept.get());
                        let next = cursor.get().unwrap_or_else(|| first_next.clone());
                        if items.is_empty() {
                            let filtered = any;
                            return view! {
                                <p class="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm dark:border-zinc-700">
                                    {if filtered {
                                        "Nothing matches these filters. Widen the dates or clear the filters."
                                    } else {
                                        "Nothing has happened yet. Create a release and its story starts here."
                                    }}
                                </p>
                            }.into_any();
                        }
                        view! {
                            <ol class="max-w-3xl divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Team activity" aria-live="polite">
                                {items.into_iter().map(|a| view! { <Entry a=a now=now/> }).collect_view()}
                            </ol>
                            <div class="mt-4 flex max-w-3xl items-center gap-3">
                                {next.map(|c| view! {
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
                }
            }
        </Loaded>
    }
}

/// One entry: its sentence (a link to what it is about), what changed,
/// and when, ticking.
#[component]
fn Entry(a: ActivityView, now: ReadSignal<chrono::DateTime<chrono::Utc>>) -> impl IntoView {
    let changes: Vec<(String, String, String)> = a
        .changes
        .iter()
        .filter(|(f, _)| f.as_str() != "description")
        .map(|(f, (b, after))| (f.clone(), shown(b), shown(after)))
        .collect();
    let sentence = match link_of(&a) {
        Some(href) => {
            view! { <a class="hover:underline" href=href>{a.description.clone()}</a> }.into_any()
        }
        None => view! { <span>{a.description.clone()}</span> }.into_any(),
    };
    view! {
        <li class="flex items-start justify-between gap-4 py-3 text-sm">
            <div class="min-w-0 space-y-1">
                <p>{sentence}</p>
                {(!changes.is_empty()).then(|| view! {
                    <ul class="space-y-0.5 text-xs text-zinc-600 dark:text-zinc-400" aria-label="What changed">
                        {changes.into_iter().map(|(f, b, after)| view! {
                            <li><span class="font-medium">{f}</span>": "<del class="decoration-zinc-400">{b}</del>" → "<ins class="no-underline">{after}</ins></li>
                        }).collect_view()}
                    </ul>
                })}
            </div>
            <span class="shrink-0 text-xs text-zinc-500 dark:text-zinc-400"><When at=a.created_at now=now/></span>
        </li>
    }
}
