//! The command palette (`⌘K` / `Ctrl-K`, or `/`, anywhere): one box that
//! finds the team's releases, services, sprints, deployment groups and
//! people as you type (from `GET /api/search`'s service), and the app's own
//! actions ("New release", "Go to dashboard", "Switch team"), ranked by
//! `domain::search::fuzzy`. Keyboard first: ↑ ↓ choose, Enter opens, Esc
//! closes. A WAI-ARIA combobox with a listbox; a polite status says how
//! many results there are.

use crate::domain::search::fuzzy;
use crate::views::SearchHit;
use leptos::prelude::*;

/// One line of the palette.
#[derive(Debug, Clone, PartialEq)]
struct Choice {
    /// What it says.
    label: String,
    /// A line more (the kind, a subtitle).
    detail: String,
    /// Where it goes.
    href: String,
}

/// The app's own actions: `(label, where)`. Pages come from the route
/// table's navigation, as "Go to …".
fn actions() -> Vec<(String, String)> {
    let mut a: Vec<(String, String)> = vec![
        ("New release".into(), "/releases#new-release".into()),
        ("My activity".into(), "/activity?mine=1".into()),
        ("Switch team".into(), "/select-team".into()),
    ];
    a.extend(
        crate::ui::routes::nav()
            .map(|(href, label)| (format!("Go to {}", label.to_lowercase()), href.to_string())),
    );
    a
}

/// The actions that match `q`, best first (all of them, in order, when
/// nothing is typed).
fn matching_actions(q: &str) -> Vec<Choice> {
    let mut scored: Vec<(u32, usize, (String, String))> = actions()
        .into_iter()
        .enumerate()
        .filter_map(|(i, a)| fuzzy(q, &a.0).map(|s| (s, i, a)))
        .collect();
    scored.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let keep = if q.trim().is_empty() { usize::MAX } else { 5 };
    scored
        .into_iter()
        .take(keep)
        .map(|(_, _, (label, href))| Choice {
            label,
            detail: "Action".into(),
            href,
        })
        .collect()
}

fn hit_choice(h: SearchHit) -> Choice {
    Choice {
        detail: format!("{} · {}", h.kind.label(), h.subtitle),
        label: h.title,
        href: h.url,
    }
}

/// Opens the palette (`dialog.showModal()`; its box has `autofocus`).
pub fn open(node: NodeRef<leptos::html::Dialog>) {
    if let Some(d) = node.get_untracked() {
        if !d.open() {
            let _ = d.show_modal();
        }
    }
}

/// The palette's dialog; [`open`] shows it.
#[component]
pub fn CommandPalette(node: NodeRef<leptos::html::Dialog>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let hits = RwSignal::new(Vec::<SearchHit>::new());
    let failed = RwSignal::new(None::<String>);
    let searching = RwSignal::new(false);
    // One search, after a short pause; an answer to a query no longer in
    // the box is dropped.
    let search = move |q: String| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(120).await;
            if query.try_get_untracked().as_ref() != Some(&q) {
                return;
            }
            let _ = searching.try_set(true);
            let r = crate::serverfns::catalog::search_team(q.clone()).await;
            if query.try_get_untracked().as_ref() != Some(&q) {
                return;
            }
            let _ = searching.try_set(false);
            match r {
                Ok(r) => {
                    let _ = failed.try_set(None);
                    let _ = hits.try_set(r.items);
                }
                Err(e) => {
                    let _ = failed.try_set(Some(e.message));
                }
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = q;
    };
    // Results as you type.
    Effect::new(move |_| {
        let q = query.get();
        active.set(0);
        if q.trim().is_empty() {
            hits.set(vec![]);
            failed.set(None);
        } else {
            search(q);
        }
    });
    let choices = Memo::new(move |_| {
        let q = query.get();
        let mut c: Vec<Choice> = hits.get().into_iter().map(hit_choice).collect();
        c.extend(matching_actions(&q));
        c
    });
    // The router's navigate is not Send: it lives only in the browser (a
    // thread-local value made on the server would be dropped on another
    // thread of the runtime, which panics), where keys and clicks happen.
    #[cfg(feature = "hydrate")]
    let go_stored = {
        let navigate = leptos_router::hooks::use_navigate();
        StoredValue::new_local(move |href: String| {
            if let Some(d) = node.get_untracked() {
                d.close();
            }
            navigate(&href, Default::default());
        })
    };
    #[cfg(not(feature = "hydrate"))]
    let go_stored = StoredValue::new(|_: String| {});
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = choices.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if n > 0 {
                    active.update(|a| *a = (*a + 1) % n);
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                if n > 0 {
                    active.update(|a| *a = (*a + n - 1) % n);
                }
            }
            "Home" if n > 0 => active.set(0),
            "End" if n > 0 => active.set(n - 1),
            "Enter" => {
                ev.prevent_default();
                let href = choices
                    .with_untracked(|c| c.get(active.get_untracked()).map(|c| c.href.clone()));
                if let Some(h) = href {
                    go_stored.with_value(|go| go(h));
                }
            }
            _ => {}
        }
    };
    let option_id = |i: usize| format!("palette-option-{i}");
    view! {
        <dialog
            node_ref=node
            aria-label="Search and commands"
            on:close=move |_| {
                query.set(String::new());
                hits.set(vec![]);
            }
            class="mx-auto mt-[12vh] w-[min(36rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
            <div class="flex items-center gap-2 border-b border-zinc-200 px-3 dark:border-zinc-700">
                <crate::ui::components::icons::Icon icon=icondata::LuSearch class="h-4 w-4 shrink-0 text-zinc-500 dark:text-zinc-400"/>
                <input
                    type="text"
                    role="combobox"
                    autofocus
                    aria-label="Search or type a command"
                    aria-expanded="true"
                    aria-controls="palette-list"
                    aria-autocomplete="list"
                    aria-activedescendant=move || (choices.with(|c| !c.is_empty())).then(|| option_id(active.get()))
                    placeholder="Search releases, services, people… or type a command"
                    autocomplete="off"
                    spellcheck="false"
                    class="h-12 w-full bg-transparent text-sm outline-none placeholder:text-zinc-500 dark:placeholder:text-zinc-400"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=on_key
                />
                <kbd class="hidden rounded border border-zinc-300 px-1.5 py-0.5 font-mono text-[10px] text-zinc-500 sm:inline dark:border-zinc-600 dark:text-zinc-400">"Esc"</kbd>
            </div>
            <ul id="palette-list" role="listbox" aria-label="Results" class="max-h-[50vh] overflow-y-auto p-1">
                {move || choices.get().into_iter().enumerate().map(|(i, c)| {
                    let href = c.href.clone();
                    view! {
                        <li
                            id=option_id(i)
                            role="option"
                            aria-selected=move || if active.get() == i { "true" } else { "false" }
                            on:mousemove=move |_| if active.get_untracked() != i { active.set(i) }
                            on:click=move |_| go_stored.with_value(|go| go(href.clone()))
                            class="flex cursor-pointer items-baseline justify-between gap-3 rounded-md px-3 py-2 text-sm aria-selected:bg-indigo-50 aria-selected:text-indigo-900 dark:aria-selected:bg-indigo-950 dark:aria-selected:text-indigo-100"
                        >
                            <span class="truncate font-medium">{c.label}</span>
                            <span class="shrink-0 truncate text-xs text-zinc-600 dark:text-zinc-400">{c.detail}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p role="status" class="border-t border-zinc-200 px-3 py-2 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
                {move || match (failed.get(), searching.get(), query.with(|q| q.trim().is_empty())) {
                    (Some(e), _, _) => format!("Search failed: {e}. Keep typing to try again."),
                    (None, true, _) => "Searching…".to_string(),
                    (None, false, true) => "Type to search; ↑ ↓ to choose, Enter to open.".to_string(),
                    (None, false, false) => {
                        let n = hits.with(Vec::len);
                        match n {
                            0 => "Nothing of the team matches; actions are listed.".to_string(),
                            1 => "1 match.".to_string(),
                            n => format!("{n} matches."),
                        }
                    }
                }}
            </p>
        </dialog>
    }
}
