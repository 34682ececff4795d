//! The app frame of `UI.md`: a sidebar with the team switcher and the
//! navigation, a top bar with the page title, its primary action, the
//! theme toggle and the user menu. Rendered on the server, hydrated.

use super::icons::{Icon, LogoMark};
use super::palette::CommandPalette;
use super::theme_toggle::ThemeToggle;
use crate::serverfns::account::{get_me, SelectTeam, SignOut};
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::views::MeView;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

/// The layout route of every team page (`app.rs`): mounted once, so moving
/// between team pages keeps the sidebar, the team switcher and the user
/// menu (and their data) and swaps only the `<Outlet/>` in `<main>`. The
/// heading comes from the page table ([`crate::ui::routes::title_of`]).
#[component]
pub fn AppFrame() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let path = use_location().pathname;
    let title = move || crate::ui::routes::title_of(&path.get());
    let help = NodeRef::<leptos::html::Dialog>::new();
    let palette = NodeRef::<leptos::html::Dialog>::new();
    shortcuts(help, palette);
    let toaster = super::toast::provide_toaster();
    view! {
        <div class="flex min-h-screen">
            <aside class="w-16 shrink-0 border-r border-zinc-200 bg-zinc-50 md:w-60 dark:border-zinc-800 dark:bg-zinc-900">
                <div class="flex h-14 items-center gap-2 border-b border-zinc-200 px-4 dark:border-zinc-800">
                    <LogoMark class="h-7 w-7 shrink-0"/>
                    <span class="hidden whitespace-nowrap text-sm font-semibold md:inline">"Release Coordinator"</span>
                </div>
                // On narrow screens the team switcher sits in the header.
                <div class="hidden md:block">
                    <Suspense fallback=|| view! { <div class="m-3 h-12 animate-pulse rounded-md bg-zinc-200 dark:bg-zinc-800"></div> }>
                        {move || me.get().and_then(|r| r.ok()).flatten().map(|me| view! { <TeamSwitcher me=me/> })}
                    </Suspense>
                </div>
                <nav aria-label="Main" class="mt-2 space-y-1 px-2">
                    {crate::ui::routes::nav().map(|(href, label)| {
                        // Active on its own page and the pages below it (a release under Releases).
                        let active = move || {
                            let p = path.get();
                            p == href || (href != "/board" && p.starts_with(&format!("{href}/")))
                        };
                        view! {
                            <a
                                href=href
                                title=label
                                aria-current=move || if active() { "page" } else { "false" }
                                class="flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-zinc-700 hover:bg-zinc-200/60 aria-[current=page]:bg-zinc-200 aria-[current=page]:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-zinc-800 dark:aria-[current=page]:text-white"
                            >
                                <Icon icon=nav_icon(href) class="mx-auto h-5 w-5 shrink-0 md:mx-0 md:h-4 md:w-4"/>
                                <span class="hidden md:inline">{label}</span>
                                <span class="sr-only md:hidden">{label}</span>
                            </a>
                        }
                    }).collect_view()}
                </nav>
            </aside>
            <div class="flex min-w-0 flex-1 flex-col">
                // Narrow: the team switcher and the controls on one row, the
                // page's title on its own row below (never cut to "B…").
                <header class="flex flex-wrap items-center justify-between gap-x-2 gap-y-1 border-b border-zinc-200 px-2 py-2 sm:gap-x-4 sm:px-4 md:h-14 md:flex-nowrap md:py-0 dark:border-zinc-800">
                    <div class="min-w-0 md:hidden">
                        <Suspense fallback=|| ()>
                            {move || me.get().and_then(|r| r.ok()).flatten().map(|me| view! { <TeamSwitcher me=me compact=true/> })}
                        </Suspense>
                    </div>
                    <h1 class="order-last w-full truncate px-2 text-lg font-semibold sm:px-0 md:order-none md:w-auto">{title}</h1>
                    <div class="flex shrink-0 items-center gap-1 sm:gap-2">
                        <button
                            type="button"
                            on:click=move |_| super::palette::open(palette)
                            aria-keyshortcuts="Control+K Meta+K /"
                            aria-label="Search and commands"
                            title="Search and commands (Ctrl K or /)"
                            class="flex items-center gap-2 rounded-md border border-zinc-300 px-2 py-1.5 text-sm text-zinc-600 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
                        >
                            <Icon icon=icondata::LuSearch class="h-4 w-4"/>
                            <span class="hidden lg:inline">"Search…"</span>
                            <kbd class="hidden rounded border border-zinc-300 px-1 font-mono text-[10px] lg:inline dark:border-zinc-600">"Ctrl K"</kbd>
                        </button>
                        <super::live::LiveDot/>
                        <ThemeToggle/>
                        <Suspense fallback=|| ()>
                            {move || me.get().and_then(|r| r.ok()).flatten().map(|me| view! { <UserMenu me=me/> })}
                        </Suspense>
                    </div>
                </header>
                <main class="min-w-0 flex-1 p-4 md:p-6"><Outlet/></main>
            </div>
        </div>
        <ShortcutsDialog node=help/>
        <CommandPalette node=palette/>
        <super::toast::Toasts toaster=toaster/>
    }
}

/// The Lucide icon of a page in the navigation.
fn nav_icon(href: &str) -> icondata::Icon {
    use icondata as i;
    match href {
        "/dashboard" => i::LuLayoutDashboard,
        "/board" => i::LuSquareKanban,
        "/releases" => i::LuPackage,
        "/sprints" => i::LuTimer,
        "/deployment-groups" => i::LuLayers,
        "/calendar" => i::LuCalendar,
        "/deploy-queue" => i::LuRocket,
        "/blocked" => i::LuOctagonAlert,
        "/services" => i::LuServer,
        "/activity" => i::LuActivity,
        "/settings/members" => i::LuUsers,
        "/settings/api-tokens" => i::LuKeyRound,
        "/settings/webhooks" => i::LuWebhook,
        "/settings/policy" => i::LuShieldCheck,
        "/settings/profile" => i::LuUser,
        _ => i::LuSettings,
    }
}

/// The keyboard shortcuts of `UI.md`, as the `?` dialog lists them.
pub const SHORTCUTS: [(&str, &str); 8] = [
    ("Ctrl K  ⌘K", "Search and commands"),
    ("/", "Search and commands"),
    ("c", "New release"),
    ("↑ ↓ ← →", "Move between cards on the board"),
    ("m", "Move the focused card to…"),
    ("Enter", "Open the focused card"),
    ("Esc", "Close a dialog"),
    ("?", "Show these shortcuts"),
];

/// Page-wide keys: `Ctrl-K`/`⌘K` anywhere (even in a field) and `/` open
/// the command palette; `c` and `?` (card keys live on the board). Other
/// keys typed into a field, with a modifier, or while a dialog is open are
/// left alone.
fn shortcuts(help: NodeRef<leptos::html::Dialog>, palette: NodeRef<leptos::html::Dialog>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos_router::hooks::use_navigate;
        use wasm_bindgen::JsCast;
        let navigate = use_navigate();
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if (ev.ctrl_key() || ev.meta_key())
                && !ev.alt_key()
                && ev.key().eq_ignore_ascii_case("k")
            {
                ev.prevent_default();
                if let Some(h) = help.get_untracked() {
                    h.close();
                }
                super::palette::open(palette);
                return;
            }
            if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            if let Some(t) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            {
                if matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || t.is_content_editable()
                {
                    return;
                }
            }
            if document()
                .query_selector("dialog[open]")
                .ok()
                .flatten()
                .is_some()
            {
                return;
            }
            let focus = |selector: &str| {
                document()
                    .query_selector(selector)
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    .map(|e| e.focus().is_ok())
                    .unwrap_or(false)
            };
            match ev.key().as_str() {
                "c" => {
                    ev.prevent_default();
                    // The form on this page, else this page's dialog
                    // (the board's button), else the form on /releases.
                    if !focus("#new-release input[name=title]") {
                        match document()
                            .query_selector("[data-new-release]")
                            .ok()
                            .flatten()
                            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                        {
                            Some(button) => button.click(),
                            None => navigate("/releases#new-release", Default::default()),
                        }
                    }
                }
                "/" => {
                    ev.prevent_default();
                    super::palette::open(palette);
                }
                "?" => {
                    ev.prevent_default();
                    if let Some(d) = help.get_untracked() {
                        let _ = d.show_modal();
                    }
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (help, palette);
}

/// The `?` dialog.
#[component]
fn ShortcutsDialog(node: NodeRef<leptos::html::Dialog>) -> impl IntoView {
    view! {
        <dialog
            node_ref=node
            aria-labelledby="shortcuts-title"
            class="m-auto w-96 rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
        >
            <div class="p-4">
                <h2 id="shortcuts-title" class="font-semibold">"Keyboard shortcuts"</h2>
                <table class="mt-3 w-full text-sm">
                    <tbody class="divide-y divide-zinc-100 dark:divide-zinc-800">
                        {SHORTCUTS.into_iter().map(|(k, what)| view! {
                            <tr>
                                <td class="py-1.5 pr-4"><kbd class="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-xs dark:border-zinc-600 dark:bg-zinc-800">{k}</kbd></td>
                                <td class="py-1.5">{what}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <form method="dialog" class="mt-4 flex justify-end">
                    <button class=BUTTON_SECONDARY>"Close"</button>
                </form>
            </div>
        </dialog>
    }
}

/// Current team, role, and a way to switch or create teams.
///
/// `compact`: the narrow header's copy (the sidebar's is hidden there),
/// labelled apart so each page has one "Switch team".
#[component]
fn TeamSwitcher(me: MeView, #[prop(optional)] compact: bool) -> impl IntoView {
    let select = ServerAction::<SelectTeam>::new();
    // The frame outlives page changes, and the live feed is per team: after
    // a switch, load the new team's board afresh rather than keep this
    // team's sidebar, stream and cached pages (without JavaScript the
    // server's redirect does the same).
    Effect::new(move |_| {
        if matches!(select.value().get(), Some(Ok(()))) {
            #[cfg(feature = "hydrate")]
            let _ = window().location().set_href("/board");
        }
    });
    let current = me.current_team().cloned();
    let others: Vec<_> = me
        .teams
        .iter()
        .filter(|t| Some(&t.id) != me.current_team_id.as_ref())
        .cloned()
        .collect();
    view! {
        <details class=if compact { "group relative" } else { "group relative m-2" }>
            <summary class="flex cursor-pointer list-none items-center justify-between gap-2 rounded-md px-2 py-2 hover:bg-zinc-200/60 dark:hover:bg-zinc-800" aria-label=if compact { "Team menu" } else { "Switch team" }>
                <span class="min-w-0 max-w-[8rem] md:max-w-none">
                    <span class="block truncate text-sm font-semibold" data-testid=if compact { "current-team-compact" } else { "current-team" }>{current.as_ref().map(|t| t.name.clone()).unwrap_or_else(|| "No team".into())}</span>
                    <span class="hidden text-xs text-zinc-500 md:block dark:text-zinc-400">{current.as_ref().map(|t| t.role.label()).unwrap_or("")}</span>
                </span>
                <span aria-hidden="true" class="text-zinc-400">"▾"</span>
            </summary>
            <div class="absolute left-0 z-20 mt-1 w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
                <p class="px-2 py-1 text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">"Switch team"</p>
                {others.into_iter().map(|t| view! {
                    <ActionForm action=select>
                        <input type="hidden" name="team_id" value=t.id.to_string()/>
                        <button type="submit" class="w-full rounded px-2 py-1.5 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
                            {t.name.clone()} <span class="text-xs text-zinc-500 dark:text-zinc-400">" · " {t.role.label()}</span>
                        </button>
                    </ActionForm>
                }).collect_view()}
                <a href="/select-team" class="block rounded px-2 py-1.5 text-sm font-medium text-indigo-700 hover:bg-zinc-100 dark:text-indigo-300 dark:hover:bg-zinc-800">"Create team"</a>
            </div>
        </details>
    }
}

/// The signed-in user and sign-out.
#[component]
fn UserMenu(me: MeView) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <details class="relative">
            <summary class="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-label="Account menu">
                <span class="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white" aria-hidden="true">
                    {me.user.name.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default()}
                </span>
                <span class="hidden sm:inline">{me.user.name.clone()}</span>
            </summary>
            <div class="absolute right-0 z-20 mt-1 w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
                <p class="truncate px-2 py-1.5 text-xs text-zinc-500 dark:text-zinc-400">{me.user.email.clone()}</p>
                <a href="/settings/profile" class="block rounded px-2 py-1.5 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">"Profile and password"</a>
                <ActionForm action=sign_out>
                    <button type="submit" class="w-full rounded px-2 py-1.5 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">"Sign out"</button>
                </ActionForm>
            </div>
        </details>
    }
}
