//! `/settings/api-tokens`: the team's API tokens for scripts and CI
//! (ADMIN+). A new token's secret is shown once, with a Copy button and a
//! warning; the list shows each token's prefix, role, creator, last use and
//! expiry, and revokes one after a confirmation.

use crate::domain::roles::Role;
use crate::serverfns::automation::{api_tokens_page, CreateApiToken, RevokeApiToken};
use crate::ui::components::copy::{select_input, CopyButton};
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, PageTitle, Submit};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::{BUTTON_DANGER, CARD};
use crate::views::ApiTokenView;
use leptos::prelude::*;

const SELECT: &str = "block rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/// How long a new token may live, as offered by the form.
const EXPIRY: [(&str, &str); 5] = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("7", "7 days"),
    ("", "Never"),
];

/// The API tokens page.
#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    crate::ui::components::toast::toast_outcome(revoke, |_| Some("Token revoked".into()));
    let data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| api_tokens_page(),
    );
    view! {
        <PageTitle text="API tokens"/>
        <Loaded data=data skeleton="h-48" let:d>
            {if !d.can_manage {
                view! {
                    <p class="max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
                        "Only admins and owners manage the team's API tokens. Ask one of them for a token for your script or pipeline."
                    </p>
                }.into_any()
            } else {
                let grantable = d.grantable.clone();
                let tokens = d.tokens.clone();
                view! {
                    <div class="max-w-4xl space-y-8">
                        <p class="text-sm text-zinc-600 dark:text-zinc-400">
                            "Scripts and CI pipelines call the API with "
                            <code class="rounded bg-zinc-100 px-1 font-mono text-xs dark:bg-zinc-800">"Authorization: Bearer rc_…"</code>
                            ". A token acts on this team with its role; it belongs to the team, so it keeps working when the person who created it leaves, until it is revoked."
                        </p>
                        <section aria-labelledby="new-token-h" class=CARD>
                            <h2 id="new-token-h" class="mb-3 font-semibold">"New token"</h2>
                            <ActionForm action=create attr:class="flex flex-wrap items-end gap-3">
                                <FieldErrors errors=last_error(create.value())>
                                    <div class="w-64"><Field label="Name" name="name" autocomplete="off"/></div>
                                    <div class="space-y-1">
                                        <label for="token-role" class="block text-sm font-medium">"Role"</label>
                                        <select id="token-role" name="role" class=SELECT>
                                            {grantable.into_iter().map(|r| view! {
                                                <option value=r.as_str() selected=r == Role::Member>{r.label()}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="space-y-1">
                                        <label for="token-expiry" class="block text-sm font-medium">"Expires"</label>
                                        <select id="token-expiry" name="expires_in_days" class=SELECT>
                                            {EXPIRY.into_iter().map(|(v, label)| view! { <option value=v>{label}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="whitespace-nowrap"><Submit label="Create token" pending=create.pending().into()/></div>
                                </FieldErrors>
                            </ActionForm>
                            {move || create.value().get().and_then(|r| r.ok()).map(|created| view! {
                                <div role="status" class="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50" data-testid="new-token">
                                    <p class="font-medium">{format!("Copy the token “{}” now: it is shown only this once.", created.name)}</p>
                                    <p class="text-xs">"Store it in your CI's secret variables (for example RC_TOKEN). If it is lost, revoke it and create another."</p>
                                    <div class="mt-2 flex gap-2">
                                        <input readonly aria-label="New API token" data-testid="token-secret" value=created.token.clone() class="w-full rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" on:focus=|ev| { select_input(&ev); }/>
                                        <CopyButton text=created.token.clone() label="Copy"/>
                                    </div>
                                </div>
                            })}
                        </section>
                        <section aria-labelledby="tokens-h">
                            <h2 id="tokens-h" class="mb-3 font-semibold">"Tokens"</h2>
                            <ActionError result=revoke.value().into()/>
                            {if tokens.is_empty() {
                                view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"No tokens yet."</p> }.into_any()
                            } else {
                                view! { <TokenTable tokens revoke/> }.into_any()
                            }}
                        </section>
                    </div>
                }.into_any()
            }}
        </Loaded>
    }
}

/// The list of tokens, revoked ones last.
#[component]
fn TokenTable(tokens: Vec<ApiTokenView>, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let mut tokens = tokens;
    tokens.sort_by_key(|t| t.revoked_at.is_some());
    let now = chrono::Utc::now();
    let ticking = crate::ui::components::when::use_now();
    view! {
        <div class="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
            <table class="w-full text-left text-sm" aria-label="API tokens">
                <thead class="bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Name"</th>
                        <th scope="col" class="px-3 py-2">"Token"</th>
                        <th scope="col" class="px-3 py-2">"Role"</th>
                        <th scope="col" class="px-3 py-2">"Created"</th>
                        <th scope="col" class="px-3 py-2">"Last used"</th>
                        <th scope="col" class="px-3 py-2">"Expires"</th>
                        <th scope="col" class="px-3 py-2"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-zinc-200 dark:divide-zinc-800">
                    {tokens.into_iter().map(|t| {
                        let expired = t.expires_at.is_some_and(|e| e.at() <= now);
                        let live = t.revoked_at.is_none() && !expired;
                        let label = t.name.clone();
                        let confirm_name = t.name.clone();
                        let id = t.id.to_string();
                        view! {
                            <tr class=if live { "" } else { "text-zinc-400 dark:text-zinc-500" } aria-label=t.name.clone()>
                                <td class="px-3 py-2 font-medium">{t.name.clone()}</td>
                                <td class="px-3 py-2 font-mono text-xs">{format!("rc_{}…", t.prefix)}</td>
                                <td class="px-3 py-2">{t.role.label()}</td>
                                <td class="px-3 py-2">
                                    {t.created_at.date()}
                                    <span class="block text-xs text-zinc-500 dark:text-zinc-400">
                                        {format!("by {}", t.created_by.clone().unwrap_or_else(|| "a deleted account".into()))}
                                    </span>
                                </td>
                                <td class="px-3 py-2">{match t.last_used_at {
                                    Some(u) => view! { <crate::ui::components::when::When at=u now=ticking/> }.into_any(),
                                    None => view! { <span>"Never"</span> }.into_any(),
                                }}</td>
                                <td class="px-3 py-2">
                                    {match (t.revoked_at, t.expires_at) {
                                        (Some(r), _) => format!("Revoked {}", r.date()),
                                        (None, Some(e)) if expired => format!("Expired {}", e.date()),
                                        (None, Some(e)) => e.date(),
                                        (None, None) => "Never".to_string(),
                                    }}
                                </td>
                                <td class="px-3 py-2 text-right">
                                    {live.then(|| view! {
                                        <ActionForm action=revoke on:submit=move |ev| {
                                            if !crate::ui::components::confirm(&format!("Revoke the token “{confirm_name}”? Scripts using it get 401 from now on.")) { ev.prevent_default(); }
                                        }>
                                            <input type="hidden" name="id" value=id.clone()/>
                                            <button type="submit" class=BUTTON_DANGER aria-label=format!("Revoke {label}")>"Revoke"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
