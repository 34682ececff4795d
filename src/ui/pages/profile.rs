//! `/settings/profile`: who you are, and changing your password (which signs
//! out your other sessions).

use crate::serverfns::account::{get_me, my_connections, ChangePassword, Disconnect};
use crate::ui::components::form::{ActionError, Field, Submit};
use crate::ui::components::frame::AppFrame;
use leptos::prelude::*;
use leptos_meta::Title;

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let change = ServerAction::<ChangePassword>::new();
    let disconnect = ServerAction::<Disconnect>::new();
    let conns = Resource::new(move || disconnect.version().get(), |_| my_connections());
    let query = leptos_router::hooks::use_query_map();
    let flash = move || query.with(|q| (q.get("connected"), q.get("error")));
    view! {
        <Title text="Profile"/>
        <AppFrame title="Profile">
            <div class="max-w-md space-y-10">
                <Suspense fallback=|| view! { <div class="h-16 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900"></div> }>
                    {move || me.get().and_then(|r| r.ok()).flatten().map(|me| view! {
                        <section aria-labelledby="you-h">
                            <h2 id="you-h" class="font-semibold">"You"</h2>
                            <dl class="mt-2 text-sm">
                                <dt class="text-zinc-500 dark:text-zinc-400">"Name"</dt><dd>{me.user.name.clone()}</dd>
                                <dt class="mt-2 text-zinc-500 dark:text-zinc-400">"Email"</dt><dd>{me.user.email.clone()}</dd>
                            </dl>
                        </section>
                    })}
                </Suspense>
                <section aria-labelledby="conn-h">
                    <h2 id="conn-h" class="mb-1 font-semibold">"Connections"</h2>
                    <p class="mb-3 text-sm text-zinc-600 dark:text-zinc-400">"Link GitHub pull requests to releases through your own GitHub account. Tokens are stored encrypted and never shown."</p>
                    {move || match flash() {
                        (Some(p), _) => Some(view! { <p role="status" class="mb-3 rounded-md bg-green-50 px-3 py-2 text-sm text-green-900 dark:bg-green-950 dark:text-green-200">{format!("Connected to {p}.")}</p> }.into_any()),
                        (_, Some(e)) => Some(view! { <p role="alert" class="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">{format!("The connection did not complete ({e}). Try again.")}</p> }.into_any()),
                        _ => None,
                    }}
                    <Suspense fallback=|| ()>
                        {move || conns.get().and_then(|r| r.ok()).map(|(available, list)| {
                            let github = list.iter().find(|c| c.provider == "GITHUB").cloned();
                            view! {
                                <div class="flex items-center justify-between gap-3 rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800" data-testid="github-connection">
                                    <div>
                                        <p class="font-medium">"GitHub"</p>
                                        <p class="text-zinc-600 dark:text-zinc-400">{match &github {
                                            Some(c) if c.is_valid => format!("Connected as {}", c.account_name.clone().unwrap_or_default()),
                                            Some(c) => format!("Needs reconnecting: {}", c.last_error.clone().unwrap_or_default()),
                                            None => "Not connected".to_string(),
                                        }}</p>
                                    </div>
                                    {match github {
                                        Some(_) => view! {
                                            <ActionForm action=disconnect>
                                                <input type="hidden" name="provider" value="github"/>
                                                <button type="submit" class="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 dark:text-red-300 dark:ring-red-800 dark:hover:bg-red-950">"Disconnect"</button>
                                            </ActionForm>
                                        }.into_any(),
                                        None if !available => view! {
                                            <span class="text-xs text-zinc-600 dark:text-zinc-400">"Not set up on this server (GITHUB_CLIENT_ID)"</span>
                                        }.into_any(),
                                        None => view! {
                                            <a href="/api/oauth/github/authorize" rel="external" class="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-white dark:text-zinc-900">"Connect GitHub"</a>
                                        }.into_any(),
                                    }}
                                </div>
                            }
                        })}
                    </Suspense>
                </section>
                <section aria-labelledby="pw-h">
                    <h2 id="pw-h" class="mb-1 font-semibold">"Change password"</h2>
                    <p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">"Your other browsers and devices are signed out when you change it."</p>
                    <ActionForm action=change attr:class="space-y-4">
                        <Field label="Current password" name="current_password" kind="password" autocomplete="current-password"/>
                        <Field label="New password (at least 10 characters)" name="new_password" kind="password" autocomplete="new-password"/>
                        <ActionError result=change.value().into()/>
                        {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! {
                            <p role="status" class="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200">"Password changed. Other sessions were signed out."</p>
                        })}
                        <Submit label="Change password" pending=change.pending().into()/>
                    </ActionForm>
                </section>
            </div>
        </AppFrame>
    }
}
