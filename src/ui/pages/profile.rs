//! `/settings/profile`: who you are (name and email, confirmed or not),
//! your Jira and GitHub connections (connect, pick a Jira site, reconnect
//! when a token stops working, disconnect), changing your password (which
//! signs out your other sessions), your sessions and security log, and
//! deleting your account (`pages::account`).

use crate::serverfns::account::{
    get_me, my_connections, ChangePassword, ChooseJiraSite, Disconnect,
};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::BUTTON_DANGER;
use crate::ui::pages::account::{
    AccountDetails, DeleteAccountForm, LinkedIdentities, SessionsAndLog,
};
use crate::views::ConnectionInfo;
use leptos::prelude::*;

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let (changed, set_changed) = signal(0u32);
    let me = Resource::new(move || changed.get(), |_| get_me());
    let on_change = Callback::new(move |_| set_changed.update(|n| *n += 1));
    let change = ServerAction::<ChangePassword>::new();
    crate::ui::components::toast::toast_outcome(change, |_| Some("Password changed".into()));
    let disconnect = ServerAction::<Disconnect>::new();
    crate::ui::components::toast::toast_outcome(disconnect, |_| Some("Disconnected".into()));
    let choose = ServerAction::<ChooseJiraSite>::new();
    crate::ui::components::toast::toast_outcome(choose, |_| Some("Jira site chosen".into()));
    let conns = Resource::new(
        move || (disconnect.version().get(), choose.version().get()),
        |_| my_connections(),
    );
    let query = leptos_router::hooks::use_query_map();
    let flash = move || query.with(|q| (q.get("connected"), q.get("error")));
    view! {
        <PageTitle text="Profile"/>
            <div class="max-w-md space-y-10">
                <Loaded data=me skeleton="h-16" let:me>
                    {me.map(|me| view! { <AccountDetails me=me on_change=on_change/> })}
                </Loaded>
                <section aria-labelledby="conn-h">
                    <h2 id="conn-h" class="mb-1 font-semibold">"Connections"</h2>
                    <p class="mb-3 text-sm text-zinc-600 dark:text-zinc-400">"Link Jira tickets and GitHub pull requests to releases through your own accounts. Tokens are stored encrypted and never shown."</p>
                    {move || match flash() {
                        (Some(p), _) => Some(view! { <p role="status" class="mb-3 rounded-md bg-green-50 px-3 py-2 text-sm text-green-900 dark:bg-green-950 dark:text-green-200">{format!("Connected to {}.", provider_label(&p))}</p> }.into_any()),
                        (_, Some(e)) => Some(view! { <p role="alert" class="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">{format!("The connection did not complete ({e}). Try again.")}</p> }.into_any()),
                        _ => None,
                    }}
                    <Loaded data=conns skeleton="" let:info>
                        {
                            let find = |p: &str| info.list.iter().find(|c| c.provider == p).cloned();
                            view! {
                                <div class="space-y-3">
                                    <ProviderRow
                                        provider="JIRA"
                                        available=info.jira_available
                                        conn=find("JIRA")
                                        disconnect=disconnect
                                        choose=choose
                                    />
                                    <ProviderRow
                                        provider="GITHUB"
                                        available=info.github_available
                                        conn=find("GITHUB")
                                        disconnect=disconnect
                                        choose=choose
                                    />
                                </div>
                            }
                        }
                    </Loaded>
                </section>
                <section aria-labelledby="pw-h">
                    <h2 id="pw-h" class="mb-1 font-semibold">"Change password"</h2>
                    <p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">"Your other browsers and devices are signed out when you change it."</p>
                    <ActionForm action=change attr:class="space-y-4">
                        <FieldErrors errors=last_error(change.value())>
                        <Field label="Current password" name="current_password" kind="password" autocomplete="current-password"/>
                        <Field label="New password (at least 10 characters)" name="new_password" kind="password" autocomplete="new-password"/>
                        <ActionError result=change.value().into()/>
                        {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! {
                            <p role="status" class="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200">"Password changed. Other sessions were signed out."</p>
                        })}
                        <Submit label="Change password" pending=change.pending().into()/>
                    </FieldErrors>
                    </ActionForm>
                </section>
                <LinkedIdentities/>
                <SessionsAndLog/>
                <DeleteAccountForm/>
            </div>
    }
}

fn provider_label(p: &str) -> &'static str {
    match p.to_ascii_lowercase().as_str() {
        "jira" => "Jira",
        _ => "GitHub",
    }
}

/// One provider's row: its state and what the user can do about it.
#[component]
fn ProviderRow(
    provider: &'static str,
    available: bool,
    conn: Option<ConnectionInfo>,
    disconnect: ServerAction<Disconnect>,
    choose: ServerAction<ChooseJiraSite>,
) -> impl IntoView {
    let label = provider_label(provider);
    let slug = provider.to_ascii_lowercase();
    let authorize = format!("/api/oauth/{slug}/authorize");
    let testid = format!("{slug}-connection");
    let env = match provider {
        "JIRA" => "JIRA_CLIENT_ID and JIRA_CLIENT_SECRET",
        _ => "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET",
    };
    let status = match &conn {
        Some(c) if !c.is_valid => format!(
            "Needs reconnecting: {}",
            c.last_error
                .clone()
                .unwrap_or_else(|| "the token stopped working".into())
        ),
        Some(c) if !c.site_choices.is_empty() => format!(
            "Connected as {} — choose the Jira site to use",
            c.account_name.clone().unwrap_or_default()
        ),
        Some(c) => match &c.site {
            Some(site) => format!(
                "Connected as {} on {}",
                c.account_name.clone().unwrap_or_default(),
                site.url.trim_start_matches("https://")
            ),
            None => format!(
                "Connected as {}",
                c.account_name.clone().unwrap_or_default()
            ),
        },
        None if !available => format!("Not set up on this server: the administrator sets {env}."),
        None => "Not connected".to_string(),
    };
    let invalid = conn.as_ref().is_some_and(|c| !c.is_valid);
    let choices = conn
        .as_ref()
        .map(|c| c.site_choices.clone())
        .unwrap_or_default();
    let primary = "rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-white dark:text-zinc-900 dark:hover:bg-zinc-200";
    view! {
        <div class="rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800" data-testid=testid>
            <div class="flex items-center justify-between gap-3">
                <div>
                    <p class="font-medium">{label}</p>
                    <p class=if invalid { "text-red-700 dark:text-red-300" } else { "text-zinc-600 dark:text-zinc-400" }>{status}</p>
                </div>
                <div class="flex shrink-0 items-center gap-2">
                    {(invalid && available).then(|| view! {
                        <a href=authorize.clone() rel="external" class=primary>{format!("Reconnect {label}")}</a>
                    })}
                    {match (&conn, available) {
                        (Some(_), _) => view! {
                            <ActionForm action=disconnect>
                                <input type="hidden" name="provider" value=slug.clone()/>
                                <button type="submit" aria-label=format!("Disconnect {label}") class=BUTTON_DANGER>"Disconnect"</button>
                            </ActionForm>
                        }.into_any(),
                        (None, true) => view! {
                            <a href=authorize.clone() rel="external" class=primary>{format!("Connect {label}")}</a>
                        }.into_any(),
                        (None, false) => ().into_any(),
                    }}
                </div>
            </div>
            {(!choices.is_empty()).then(|| view! {
                <ActionForm action=choose attr:class="mt-3 space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
                    <fieldset>
                        <legend class="mb-2 font-medium">"Your Atlassian account reaches several Jira sites. Which one do your teams use?"</legend>
                        {choices.iter().enumerate().map(|(i, s)| view! {
                            <label class="flex items-center gap-2 py-1">
                                <input type="radio" name="cloud_id" value=s.id.to_string() checked=i == 0 required/>
                                <span>{s.name.clone()}</span>
                                <span class="text-zinc-500 dark:text-zinc-400">{s.url.trim_start_matches("https://").to_string()}</span>
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class=primary>"Use this site"</button>
                </ActionForm>
            })}
        </div>
    }
}
