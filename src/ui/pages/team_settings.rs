//! `/settings/team`: the team's name and its Slack notifications — the
//! incoming-webhook URL (stored encrypted, shown only as a masked hint),
//! channel, the three switches of the original, "Send test message", and
//! the last delivery error when Slack keeps refusing.

use crate::serverfns::settings::{team_settings, SaveTeamSettings, SendTestSlack};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{
    error_text, last_error, ActionError, Field, FieldErrors, Submit,
};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::BUTTON_SECONDARY;
use leptos::prelude::*;

/// `/settings/team`
#[component]
pub fn TeamSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveTeamSettings>::new();
    crate::ui::components::toast::toast_outcome(save, |_| Some("Settings saved".into()));
    let test = ServerAction::<SendTestSlack>::new();
    crate::ui::components::toast::toast_outcome(test, |_| {
        Some("Test message sent to Slack".into())
    });
    let data = Resource::new(
        move || (save.version().get(), test.version().get()),
        |_| team_settings(),
    );
    view! {
        <PageTitle text="Team settings"/>
            <Loaded data=data skeleton="h-60" let:d>
                {
                    {
                        let s = d.settings.clone();
                        let manage = d.can_manage;
                        view! {
                            <div class="max-w-2xl space-y-6">
                                {s.slack_last_error.clone().map(|e| view! {
                                    <div role="alert" class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100" data-testid="slack-last-error">
                                        <p class="font-medium">"Slack messages are failing"</p>
                                        <p>{e}</p>
                                        {s.slack_last_error_at.map(|t| view! { <p class="text-xs">"Last failure " <crate::ui::components::when::When at=t now=crate::ui::components::when::use_now()/></p> })}
                                    </div>
                                })}
                                {(s.slack_failed_messages > 0).then(|| view! {
                                    <p class="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="slack-failed">
                                        {match s.slack_failed_messages {
                                            1 => "1 notification could not be delivered after a day of retries.".to_string(),
                                            n => format!("{n} notifications could not be delivered after a day of retries."),
                                        }}
                                    </p>
                                })}
                                <ActionForm action=save attr:class="space-y-6">
                                    <FieldErrors errors=last_error(save.value())>
                                    <fieldset class="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" disabled=!manage>
                                        <legend class="px-1 font-semibold">"Team"</legend>
                                        <Field label="Team name" name="name" value=s.name.clone()/>
                                    </fieldset>
                                    <fieldset class="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" disabled=!manage>
                                        <legend class="px-1 font-semibold">"Slack"</legend>
                                        <p class="text-sm text-zinc-600 dark:text-zinc-400">
                                            {if s.slack_webhook_configured {
                                                format!("A webhook is configured: {}. Paste a new URL to replace it.", s.slack_webhook_hint.clone().unwrap_or_default())
                                            } else {
                                                "No webhook yet: create an incoming webhook in Slack and paste its URL (https://hooks.slack.com/services/…).".to_string()
                                            }}
                                        </p>
                                        <Field label="Incoming webhook URL" name="slack_webhook_url" kind="url" required=false autocomplete="off"/>
                                        {s.slack_webhook_configured.then(|| view! {
                                            <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="clear_webhook" value="on"/>"Remove the webhook"</label>
                                        })}
                                        <Field label="Channel (sent with each message, e.g. #releases)" name="slack_channel" value=s.slack_channel.clone().unwrap_or_default() required=false/>
                                        <div class="space-y-2">
                                            <p class="text-sm font-medium">"Send a message when"</p>
                                            <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="notify_on_status_change" value="on" checked=s.notify_on_status_change/>"a release changes status"</label>
                                            <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="notify_on_ready_to_deploy" value="on" checked=s.notify_on_ready_to_deploy/>"a release is ready for staging or production"</label>
                                            <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="notify_on_blocked" value="on" checked=s.notify_on_blocked/>"a release is blocked or unblocked"</label>
                                        </div>
                                    </fieldset>
                                    <ActionError result=save.value().into()/>
                                    {manage.then(|| view! { <div class="w-40"><Submit label="Save settings" pending=save.pending().into()/></div> })}
                                </FieldErrors>
                                </ActionForm>
                                {(manage && s.slack_webhook_configured).then(|| view! {
                                    <div class="flex flex-wrap items-center gap-3">
                                        <ActionForm action=test>
                                            <button type="submit" class=BUTTON_SECONDARY>"Send test message"</button>
                                        </ActionForm>
                                        <span role="status" class="text-sm" data-testid="slack-test-result">
                                            {move || test.value().get().map(|r| match r {
                                                Ok(()) => "Sent: check the channel.".to_string(),
                                                Err(e) => format!("Slack refused: {}", error_text(&e)),
                                            })}
                                        </span>
                                    </div>
                                })}
                                {(!manage).then(|| view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">"Only owners and admins change team settings."</p> })}
                                <ServerPanel server=d.server.clone()/>
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
    }
}

/// What the server's configuration enables, with the environment variables
/// that turn the rest on and the URLs to register with each provider.
#[component]
fn ServerPanel(server: crate::serverfns::settings::ServerIntegrations) -> impl IntoView {
    let base = server.public_url.clone();
    let rows = [
        (
            "Jira connections",
            server.jira_oauth,
            "JIRA_CLIENT_ID, JIRA_CLIENT_SECRET",
            format!("callback URL {base}/api/oauth/jira/callback"),
        ),
        (
            "GitHub connections",
            server.github_oauth,
            "GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET",
            format!("callback URL {base}/api/oauth/github/callback"),
        ),
        (
            "Jira webhook",
            server.jira_webhook,
            "JIRA_WEBHOOK_SECRET",
            format!("webhook URL {base}/api/webhooks/jira"),
        ),
        (
            "GitHub webhook",
            server.github_webhook,
            "GITHUB_WEBHOOK_SECRET",
            format!("webhook URL {base}/api/webhooks/github (pull_request events)"),
        ),
    ];
    view! {
        <section aria-labelledby="server-h" class="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" data-testid="server-integrations">
            <h2 id="server-h" class="font-semibold">"Integrations on this server"</h2>
            <p class="mt-1 text-sm text-zinc-600 dark:text-zinc-400">"Set by whoever runs Release Coordinator, in its environment. Each person then connects their own Jira and GitHub account on their profile."</p>
            <ul class="mt-3 divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
                {rows.into_iter().map(|(name, on, vars, url)| view! {
                    <li class="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2">
                        <span class="w-40 font-medium">{name}</span>
                        {if on {
                            view! { <span class="rounded bg-green-100 px-1.5 py-0.5 text-xs font-medium text-green-900 dark:bg-green-950 dark:text-green-200">"Set up"</span> }.into_any()
                        } else {
                            view! { <span class="rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-medium text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">"Off"</span> }.into_any()
                        }}
                        <span class="text-xs text-zinc-600 dark:text-zinc-400">
                            {if on { String::new() } else { format!("set {vars}; ") }}
                            <code class="break-all">{url}</code>
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
