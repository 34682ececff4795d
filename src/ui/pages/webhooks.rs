//! `/settings/webhooks`: outgoing webhooks (ADMIN+). Add one (its signing
//! secret is shown once), choose its events, pause, delete, "Send test",
//! and each webhook's latest deliveries — status, attempts, the receiver's
//! answer and the last error — with "Redeliver" on a failed one (and on a
//! delivered one, for a receiver that lost it). While a delivery is pending
//! the list looks again every two seconds.

use crate::domain::webhooks::EventType;
use crate::serverfns::automation::{
    webhooks_page, CreateWebhook, DeleteWebhook, EditWebhookEvents, RedeliverWebhook,
    SendTestWebhook, SetWebhookActive,
};
use crate::ui::components::copy::{select_input, CopyButton};
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, PageTitle, Submit};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::{BUTTON_DANGER, BUTTON_SECONDARY, CARD};
use crate::views::{DeliveryStatus, DeliveryView, WebhookView};
use leptos::prelude::*;

/// The form field of each event (`release.status_changed` → `release_status_changed`).
fn field_of(e: EventType) -> String {
    e.as_str().replace('.', "_")
}

/// The checkboxes of an event filter, ticked as `events` says.
#[component]
fn EventChecks(events: Vec<String>, prefix: String) -> impl IntoView {
    let all = events.iter().any(|e| e == "*");
    view! {
        <fieldset class="space-y-1">
            <legend class="mb-1 text-sm font-medium">"Events"</legend>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="all_events" value="on" checked=all/>
                "Every event (also those added later)"
            </label>
            <div class="grid gap-1 sm:grid-cols-2">
                {EventType::SUBSCRIBABLE.into_iter().map(|e| {
                    let on = events.iter().any(|x| x == e.as_str());
                    let id = format!("{prefix}-{}", field_of(e));
                    let for_id = id.clone();
                    view! {
                        <label for=for_id class="flex items-center gap-2 text-sm">
                            <input id=id type="checkbox" name=field_of(e) value="on" checked=on/>
                            {e.label()}
                            <code class="text-xs text-zinc-500 dark:text-zinc-400">{e.as_str()}</code>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The webhooks page.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let edit = ServerAction::<EditWebhookEvents>::new();
    crate::ui::components::toast::toast_outcome(edit, |_| Some("Events saved".into()));
    let active = ServerAction::<SetWebhookActive>::new();
    crate::ui::components::toast::toast_outcome(active, |_| Some("Webhook saved".into()));
    let delete = ServerAction::<DeleteWebhook>::new();
    crate::ui::components::toast::toast_outcome(delete, |_| Some("Webhook deleted".into()));
    let test = ServerAction::<SendTestWebhook>::new();
    crate::ui::components::toast::toast_outcome(test, |_| Some("Test delivery queued".into()));
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    crate::ui::components::toast::toast_outcome(redeliver, |_| {
        Some("Delivery queued again".into())
    });
    let (refresh, set_refresh) = signal(0u32);
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                edit.version().get(),
                active.version().get(),
                delete.version().get(),
                test.version().get(),
                redeliver.version().get(),
                refresh.get(),
            )
        },
        |_| webhooks_page(),
    );
    // While a delivery is pending, look again every two seconds (in the
    // browser; without JavaScript, "Refresh deliveries" is a plain reload).
    Effect::new(move |_| {
        let pending = data.get().and_then(|r| r.ok()).is_some_and(|d| {
            d.hooks
                .iter()
                .any(|(_, ds)| ds.iter().any(|x| x.status == DeliveryStatus::Pending))
        });
        #[cfg(feature = "hydrate")]
        if pending {
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(2_000).await;
                // The page may be gone by now: then there is nobody to tell.
                let _ = set_refresh.try_update(|n| *n += 1);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = pending;
    });
    let actions = Actions {
        edit,
        active,
        delete,
        test,
        redeliver,
    };
    view! {
        <PageTitle text="Webhooks"/>
        <Loaded data=data skeleton="h-48" let:d>
            {if !d.can_manage {
                view! {
                    <p class="max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
                        "Only admins and owners manage the team's webhooks."
                    </p>
                }.into_any()
            } else {
                let hooks = d.hooks.clone();
                view! {
                    <div class="max-w-4xl space-y-8">
                        <p class="text-sm text-zinc-600 dark:text-zinc-400">
                            "Other tools hear about releases, deployments, dependencies and comments as they happen: each event is POSTed as JSON, signed per the Standard Webhooks specification, in order, and retried for a day until the receiver answers 2xx."
                        </p>
                        <section aria-labelledby="new-hook-h" class=CARD>
                            <h2 id="new-hook-h" class="mb-3 font-semibold">"Add a webhook"</h2>
                            <ActionForm action=create attr:class="space-y-3">
                                <FieldErrors errors=last_error(create.value())>
                                    <Field label="Payload URL" name="url" kind="url" autocomplete="off"/>
                                    <EventChecks events=vec!["*".to_string()] prefix="new".to_string()/>
                                    <Submit label="Add webhook" pending=create.pending().into()/>
                                </FieldErrors>
                            </ActionForm>
                            {move || create.value().get().and_then(|r| r.ok()).map(|created| view! {
                                <div role="status" class="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50" data-testid="new-webhook">
                                    <p class="font-medium">"Copy the signing secret now: it is shown only this once."</p>
                                    <p class="text-xs">"The receiver verifies each delivery's webhook-signature header with it (see the README)."</p>
                                    <div class="mt-2 flex gap-2">
                                        <input readonly aria-label="Signing secret" data-testid="webhook-secret" value=created.secret.clone() class="w-full rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-xs text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" on:focus=|ev| { select_input(&ev); }/>
                                        <CopyButton text=created.secret.clone() label="Copy"/>
                                    </div>
                                </div>
                            })}
                        </section>
                        <ActionError result=delete.value().into()/>
                        <ActionError result=test.value().into()/>
                        <ActionError result=redeliver.value().into()/>
                        {if hooks.is_empty() {
                            view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"No webhooks yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="space-y-6" aria-label="Webhooks">
                                    {hooks.into_iter().map(|(w, d)| view! { <HookCard w d actions/> }).collect_view()}
                                </ul>
                                // A plain reload without JavaScript; a refetch with it.
                                <form method="get" action="/settings/webhooks">
                                    <button type="submit" class=BUTTON_SECONDARY on:click=move |ev| {
                                        ev.prevent_default();
                                        set_refresh.update(|n| *n += 1);
                                    }>"Refresh deliveries"</button>
                                </form>
                            }.into_any()
                        }}
                    </div>
                }.into_any()
            }}
        </Loaded>
    }
}

/// The page's actions, handed to each webhook's card.
#[derive(Clone, Copy)]
struct Actions {
    edit: ServerAction<EditWebhookEvents>,
    active: ServerAction<SetWebhookActive>,
    delete: ServerAction<DeleteWebhook>,
    test: ServerAction<SendTestWebhook>,
    redeliver: ServerAction<RedeliverWebhook>,
}

/// One webhook: its URL and state, its actions, its events and deliveries.
#[component]
fn HookCard(w: WebhookView, d: Vec<DeliveryView>, actions: Actions) -> impl IntoView {
    let id = w.id.to_string();
    let (id_test, id_active, id_delete, id_edit, id_checks) =
        (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    let url = w.url.clone();
    let confirm_url = w.url.clone();
    let events = w.events.clone();
    let summary = if events.iter().any(|e| e == "*") {
        "every event".to_string()
    } else {
        events.join(", ")
    };
    view! {
        <li class=CARD aria-label=format!("Webhook {url}")>
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="break-all font-mono text-sm">{w.url.clone()}</p>
                    <p class="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                        <span class=if w.active { "font-medium text-green-700 dark:text-green-300" } else { "font-medium text-amber-700 dark:text-amber-300" }>
                            {if w.active { "Active" } else { "Paused" }}
                        </span>
                        {format!(" · {summary}")}
                    </p>
                </div>
                <div class="flex flex-wrap gap-2">
                    <ActionForm action=actions.test>
                        <input type="hidden" name="id" value=id_test/>
                        <button type="submit" class=BUTTON_SECONDARY>"Send test"</button>
                    </ActionForm>
                    <ActionForm action=actions.active>
                        <input type="hidden" name="id" value=id_active/>
                        <input type="hidden" name="active" value=(!w.active).to_string()/>
                        <button type="submit" class=BUTTON_SECONDARY>{if w.active { "Pause" } else { "Resume" }}</button>
                    </ActionForm>
                    <ActionForm action=actions.delete on:submit=move |ev| {
                        if !crate::ui::components::confirm(&format!("Delete the webhook to {confirm_url}? Its deliveries go with it.")) { ev.prevent_default(); }
                    }>
                        <input type="hidden" name="id" value=id_delete/>
                        <button type="submit" class=BUTTON_DANGER>"Delete"</button>
                    </ActionForm>
                </div>
            </div>
            <details class="mt-3">
                <summary class="cursor-pointer text-sm text-indigo-700 dark:text-indigo-300">"Edit events"</summary>
                <ActionForm action=actions.edit attr:class="mt-3 space-y-3">
                    <FieldErrors errors=last_error(actions.edit.value())>
                        <input type="hidden" name="id" value=id_edit/>
                        <EventChecks events=events.clone() prefix=id_checks/>
                        <Submit label="Save events" pending=actions.edit.pending().into()/>
                    </FieldErrors>
                </ActionForm>
            </details>
            <h3 class="mb-2 mt-4 text-sm font-semibold">"Recent deliveries"</h3>
            {if d.is_empty() {
                view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"Nothing delivered yet. “Send test” sends a ping."</p> }.into_any()
            } else {
                view! { <Deliveries hook=id d redeliver=actions.redeliver/> }.into_any()
            }}
        </li>
    }
}

/// A webhook's latest deliveries, newest first.
#[component]
fn Deliveries(
    hook: String,
    d: Vec<DeliveryView>,
    redeliver: ServerAction<RedeliverWebhook>,
) -> impl IntoView {
    let now = crate::ui::components::when::use_now();
    view! {
        <div class="overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
            <table class="w-full text-left text-sm" aria-label="Deliveries">
                <thead class="bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Event"</th>
                        <th scope="col" class="px-3 py-2">"Status"</th>
                        <th scope="col" class="px-3 py-2">"Attempts"</th>
                        <th scope="col" class="px-3 py-2">"Response"</th>
                        <th scope="col" class="px-3 py-2">"Queued"</th>
                        <th scope="col" class="px-3 py-2"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-zinc-200 dark:divide-zinc-800">
                    {d.into_iter().map(|x| {
                        let (label, class) = match x.status {
                            DeliveryStatus::Delivered => ("Delivered", "text-green-700 dark:text-green-300"),
                            DeliveryStatus::Pending => ("Pending", "text-amber-700 dark:text-amber-300"),
                            DeliveryStatus::Failed => ("Failed", "text-red-700 dark:text-red-300"),
                        };
                        // Again: a failed one above all, or a delivered one a receiver lost.
                        let done = x.status != DeliveryStatus::Pending;
                        let hook = hook.clone();
                        let delivery_id = x.id.to_string();
                        view! {
                            <tr aria-label=format!("{} {}", x.event, label)>
                                <td class="px-3 py-2 font-mono text-xs">{x.event.clone()}</td>
                                <td class=format!("px-3 py-2 font-medium {class}")>
                                    {label}
                                    {x.last_error.clone().map(|e| view! { <span class="block text-xs font-normal text-zinc-500 dark:text-zinc-400">{e}</span> })}
                                </td>
                                <td class="px-3 py-2">{x.attempts}</td>
                                <td class="px-3 py-2">{x.response_status.map_or_else(|| "—".to_string(), |s| s.to_string())}</td>
                                <td class="px-3 py-2 whitespace-nowrap"><crate::ui::components::when::When at=x.created_at now=now/></td>
                                <td class="px-3 py-2 text-right">
                                    {done.then(|| view! {
                                        <ActionForm action=redeliver>
                                            <input type="hidden" name="id" value=hook.clone()/>
                                            <input type="hidden" name="delivery_id" value=delivery_id.clone()/>
                                            <button type="submit" class=BUTTON_SECONDARY>"Redeliver"</button>
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
