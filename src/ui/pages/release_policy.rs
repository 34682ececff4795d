//! `/settings/policy`: the team's release policy (ADMIN+ changes it, every
//! member reads it) — the rules per target status (approvals with
//! separation of duties, tickets done, pull requests merged) and the
//! freezes (stop the line now, one window, or every week in a time zone),
//! each listed with whether it is in force, and lifted or deleted here.
//! Every change is in the activity log.

use crate::domain::status::ReleaseStatus;
use crate::serverfns::policy::{
    policy_settings_page, CreateFreeze, DeleteFreeze, EditFreeze, LiftFreeze, RemovePolicyRule,
    SavePolicyRule,
};
use crate::ui::components::form::{
    last_error, ActionError, Field, FieldErrors, PageTitle, Submit, SELECT,
};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::{BUTTON_DANGER, BUTTON_SECONDARY, CARD};
use crate::views::{FreezeView, ServiceView};
use leptos::prelude::*;

/// A text input of the freezes' edit rows (their ids are per freeze).
const INPUT: &str = "block w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

const DAYS: [(&str, &str); 7] = [
    ("MON", "Monday"),
    ("TUE", "Tuesday"),
    ("WED", "Wednesday"),
    ("THU", "Thursday"),
    ("FRI", "Friday"),
    ("SAT", "Saturday"),
    ("SUN", "Sunday"),
];

/// When a freeze holds, in words.
fn when(f: &FreezeView) -> String {
    match &f.recurrence {
        Some(r) => format!(
            "Every {} {} to {} {} ({}), from {}{}",
            r.start_day,
            r.start_time,
            r.end_day,
            r.end_time,
            f.timezone,
            f.starts_at.date(),
            f.ends_at
                .map(|e| format!(" until {}", e.date()))
                .unwrap_or_default()
        ),
        None => format!(
            "{} UTC → {}",
            f.starts_at.minute(),
            f.ends_at
                .map(|e| format!("{} UTC", e.minute()))
                .unwrap_or_else(|| "until lifted".into())
        ),
    }
}

fn scope(f: &FreezeView, services: &[ServiceView]) -> String {
    let envs: Vec<&str> = f.environments.iter().map(|e| e.label()).collect();
    let names: Vec<String> = f
        .service_ids
        .iter()
        .map(|id| {
            services
                .iter()
                .find(|s| &s.id == id)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| "a deleted service".into())
        })
        .collect();
    let of = if names.is_empty() {
        "every service".to_string()
    } else {
        names.join(", ")
    };
    format!("{} · {of}", envs.join(" and "))
}

/// The page.
#[component]
pub fn ReleasePolicyPage() -> impl IntoView {
    let save = ServerAction::<SavePolicyRule>::new();
    crate::ui::components::toast::toast_outcome(save, |_| Some("Rule saved".into()));
    let remove = ServerAction::<RemovePolicyRule>::new();
    crate::ui::components::toast::toast_outcome(remove, |_| Some("Rule removed".into()));
    let create = ServerAction::<CreateFreeze>::new();
    crate::ui::components::toast::toast_outcome(create, |_| Some("Freeze declared".into()));
    let lift = ServerAction::<LiftFreeze>::new();
    crate::ui::components::toast::toast_outcome(lift, |_| Some("Freeze lifted".into()));
    let delete = ServerAction::<DeleteFreeze>::new();
    crate::ui::components::toast::toast_outcome(delete, |_| Some("Freeze deleted".into()));
    let edit = ServerAction::<EditFreeze>::new();
    crate::ui::components::toast::toast_outcome(edit, |_| Some("Freeze saved".into()));
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                remove.version().get(),
                create.version().get(),
                lift.version().get(),
                delete.version().get(),
                edit.version().get(),
            )
        },
        |_| policy_settings_page(),
    );
    view! {
        <PageTitle text="Release policy"/>
        <p class="mb-6 max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
            "A move into a status can be held by the rules below and by freezes. One rule decides every move — on the board, on a release's page and from CI. An admin can move past a hold with a reason, never past the state machine or a blocker."
        </p>
        <Loaded data=data skeleton="h-60" let:d>
            {
                let can = d.can_manage;
                let services = d.services.clone();
                view! {
                    <div class="grid max-w-5xl gap-8">
                        <section aria-labelledby="rules-h" class="space-y-3">
                            <h2 id="rules-h" class="text-lg font-semibold">"Rules"</h2>
                            {if d.rules.is_empty() {
                                view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"No rules: moves need nothing beyond the state machine, blockers and freezes."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="grid gap-2 sm:grid-cols-2" aria-label="Rules">
                                        {d.rules.iter().map(|r| {
                                            let mut needs = vec![];
                                            if let Some(a) = r.approvals.as_ref().filter(|a| a.required > 0) {
                                                needs.push(format!(
                                                    "{} approval{} from {}{}",
                                                    a.required,
                                                    if a.required == 1 { "" } else { "s" },
                                                    crate::domain::policy::roles_text(&a.from_roles),
                                                    if a.separation_of_duties { ", not the owner or whoever set the version" } else { "" }
                                                ));
                                            }
                                            if r.require_items_done { needs.push("every linked Jira ticket done".into()); }
                                            if r.require_pull_requests_merged { needs.push("every linked pull request merged".into()); }
                                            let to = r.to_status;
                                            view! {
                                                <li class=CARD>
                                                    <p class="font-medium">{format!("Into {}", to.label())}</p>
                                                    <p class="text-sm text-zinc-600 dark:text-zinc-400">{if needs.is_empty() { "Nothing required.".to_string() } else { format!("Needs {}.", needs.join("; ")) }}</p>
                                                    {can.then(|| view! {
                                                        <ActionForm action=remove attr:class="mt-2">
                                                            <input type="hidden" name="to_status" value=to.as_str()/>
                                                            <button type="submit" class=BUTTON_DANGER aria-label=format!("Remove the rule for {}", to.label())>"Remove"</button>
                                                        </ActionForm>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <ActionError result=remove.value().into()/>
                            {can.then(|| view! {
                                <details class=CARD>
                                    <summary class="cursor-pointer text-sm font-medium">"Add or replace a rule"</summary>
                                    <ActionForm action=save attr:class="mt-3 grid gap-3 sm:grid-cols-2">
                                        <FieldErrors errors=last_error(save.value())>
                                        <div class="space-y-1">
                                            <label for="rule-to" class="block text-sm font-medium">"Moves into"</label>
                                            <select id="rule-to" name="to_status" class=SELECT>
                                                {ReleaseStatus::ALL.into_iter().filter(|s| *s != ReleaseStatus::Planning).map(|s| view! {
                                                    <option value=s.as_str() selected=s == ReleaseStatus::Deployed>{s.label()}</option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                        <Field label="Approvals needed (0–10)" name="required" kind="number" value="0"/>
                                        <fieldset class="space-y-1 text-sm">
                                            <legend class="mb-1 font-medium">"From"</legend>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="from_owner" value="on" checked=true/>"Owners"</label>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="from_admin" value="on" checked=true/>"Admins"</label>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="from_member" value="on"/>"Members"</label>
                                        </fieldset>
                                        <fieldset class="space-y-1 text-sm">
                                            <legend class="mb-1 font-medium">"Also"</legend>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="separation_of_duties" value="on" checked=true/>"Separation of duties (not the owner, not whoever set the version)"</label>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="require_items_done" value="on"/>"Every linked Jira ticket done"</label>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="require_pull_requests_merged" value="on"/>"Every linked pull request merged"</label>
                                        </fieldset>
                                        <ActionError result=save.value().into()/>
                                        <div class="w-40"><Submit label="Save rule" pending=save.pending().into()/></div>
                                        </FieldErrors>
                                    </ActionForm>
                                </details>
                            })}
                        </section>

                        <section aria-labelledby="freezes-h" class="space-y-3">
                            <h2 id="freezes-h" class="text-lg font-semibold">"Freezes"</h2>
                            {if d.freezes.is_empty() {
                                view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"No freezes."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="w-full text-left text-sm">
                                        <thead><tr class="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
                                            <th scope="col" class="py-2 pr-3">"Name"</th><th scope="col" class="py-2 pr-3">"When"</th><th scope="col" class="py-2 pr-3">"Holds"</th><th scope="col" class="py-2 pr-3">"Now"</th><th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {d.freezes.clone().into_iter().map(|f| {
                                                let (lift_id, del_id, name) = (f.id.clone(), f.id.clone(), f.name.clone());
                                                let del_label = format!("Delete {}", f.name);
                                                let ended = !f.in_force && f.ends_at.is_some_and(|e| e.at() <= chrono::Utc::now());
                                                let fe = f.clone();
                                                let editor = can.then(move || {
                                                    let f = fe;
                                                    let fid = f.id.to_string();
                                                    let (n_id, r_id, e_id) = (format!("edit-{fid}-name"), format!("edit-{fid}-reason"), format!("edit-{fid}-ends"));
                                                    let (n_for, r_for, e_for) = (n_id.clone(), r_id.clone(), e_id.clone());
                                                    let staging = f.environments.contains(&crate::domain::deployments::Environment::Staging);
                                                    let production = f.environments.contains(&crate::domain::deployments::Environment::Production);
                                                    view! {
                                                        <tr class="border-b border-zinc-100 dark:border-zinc-800">
                                                            <td colspan="5" class="pb-3">
                                                                <details class="text-sm">
                                                                    <summary class="cursor-pointer text-xs font-medium text-indigo-700 dark:text-indigo-300">{format!("Edit {}", f.name)}</summary>
                                                                    <ActionForm action=edit attr:class="mt-2 grid gap-2 sm:grid-cols-4">
                                                                        <input type="hidden" name="id" value=fid.clone()/>
                                                                        <div class="space-y-1"><label for=n_for class="block text-xs font-medium">"Name"</label><input id=n_id name="name" required=true value=f.name.clone() class=INPUT/></div>
                                                                        <div class="space-y-1"><label for=r_for class="block text-xs font-medium">"Reason"</label><input id=r_id name="reason" value=f.reason.clone() class=INPUT/></div>
                                                                        <div class="space-y-1"><label for=e_for class="block text-xs font-medium">{format!("New end ({}; empty keeps it)", f.timezone)}</label><input id=e_id name="ends" type="datetime-local" class=INPUT/></div>
                                                                        <fieldset class="space-y-1 text-xs"><legend class="font-medium">"Holds"</legend>
                                                                            <label class="flex items-center gap-2"><input type="checkbox" name="staging" value="on" checked=staging/>"Staging"</label>
                                                                            <label class="flex items-center gap-2"><input type="checkbox" name="production" value="on" checked=production/>"Production"</label>
                                                                        </fieldset>
                                                                        <div><button type="submit" class=BUTTON_SECONDARY>"Save changes"</button></div>
                                                                    </ActionForm>
                                                                </details>
                                                            </td>
                                                        </tr>
                                                    }
                                                });
                                                view! {
                                                    <tr class="border-b border-zinc-100 align-top dark:border-zinc-800">
                                                        <td class="py-2 pr-3"><p class="font-medium">{f.name.clone()}</p><p class="text-xs text-zinc-500 dark:text-zinc-400">{f.reason.clone()}</p></td>
                                                        <td class="py-2 pr-3">{when(&f)}</td>
                                                        <td class="py-2 pr-3">{scope(&f, &services)}</td>
                                                        <td class="py-2 pr-3">{if f.in_force { view! { <span class="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-100">"In force"</span> }.into_any() } else if ended { view! { <span class="text-xs text-zinc-500 dark:text-zinc-400">"Ended"</span> }.into_any() } else { view! { <span class="text-xs">"Not now"</span> }.into_any() }}</td>
                                                        <td class="py-2">
                                                            {can.then(|| view! {
                                                                <div class="flex gap-2">
                                                                    {(!ended).then(|| view! {
                                                                        <ActionForm action=lift>
                                                                            <input type="hidden" name="id" value=lift_id.to_string()/>
                                                                            <button type="submit" class=BUTTON_SECONDARY aria-label=format!("Lift {name}")>"Lift"</button>
                                                                        </ActionForm>
                                                                    })}
                                                                    <ActionForm action=delete on:submit=move |ev| {
                                                                        if !crate::ui::components::confirm("Delete this freeze? The activity log keeps a record.") { ev.prevent_default(); }
                                                                    }>
                                                                        <input type="hidden" name="id" value=del_id.to_string()/>
                                                                        <button type="submit" class=BUTTON_DANGER aria-label=del_label>"Delete"</button>
                                                                    </ActionForm>
                                                                </div>
                                                            })}
                                                        </td>
                                                    </tr>
                                                    {editor}
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                            <ActionError result=lift.value().into()/>
                            <ActionError result=delete.value().into()/>
                            <ActionError result=edit.value().into()/>
                            {can.then(|| view! {
                                <details class=CARD open=d.freezes.is_empty()>
                                    <summary class="cursor-pointer text-sm font-medium">"Declare a freeze"</summary>
                                    <ActionForm action=create attr:class="mt-3 grid gap-3 sm:grid-cols-2">
                                        <FieldErrors errors=last_error(create.value())>
                                        <Field label="Name" name="name"/>
                                        <Field label="Reason" name="reason" required=false/>
                                        <div class="space-y-1">
                                            <label for="freeze-kind" class="block text-sm font-medium">"When"</label>
                                            <select id="freeze-kind" name="kind" class=SELECT>
                                                <option value="now">"From now until lifted"</option>
                                                <option value="once">"One window"</option>
                                                <option value="weekly">"Every week"</option>
                                            </select>
                                        </div>
                                        <Field label="Time zone (IANA, e.g. Europe/Berlin)" name="timezone" value="UTC" required=false/>
                                        <fieldset class="grid gap-3 sm:col-span-2 sm:grid-cols-2">
                                            <legend class="mb-1 text-sm font-medium">"One window (local time; for every week: when it starts repeating)"</legend>
                                            <Field label="Starts" name="starts" kind="datetime-local" required=false/>
                                            <Field label="Ends" name="ends" kind="datetime-local" required=false/>
                                        </fieldset>
                                        <fieldset class="grid gap-3 sm:col-span-2 sm:grid-cols-4">
                                            <legend class="mb-1 text-sm font-medium">"Every week"</legend>
                                            <div class="space-y-1"><label for="fz-sd" class="block text-sm font-medium">"Opens on"</label>
                                                <select id="fz-sd" name="start_day" class=SELECT>{DAYS.into_iter().map(|(v, l)| view! { <option value=v selected=v == "FRI">{l}</option> }).collect_view()}</select></div>
                                            <Field label="Opens at" name="start_time" kind="time" value="15:00" required=false/>
                                            <div class="space-y-1"><label for="fz-ed" class="block text-sm font-medium">"Closes on"</label>
                                                <select id="fz-ed" name="end_day" class=SELECT>{DAYS.into_iter().map(|(v, l)| view! { <option value=v selected=v == "MON">{l}</option> }).collect_view()}</select></div>
                                            <Field label="Closes at" name="end_time" kind="time" value="08:00" required=false/>
                                        </fieldset>
                                        <fieldset class="space-y-1 text-sm">
                                            <legend class="mb-1 font-medium">"Holds moves into"</legend>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="staging" value="on" checked=true/>"Staging (In staging)"</label>
                                            <label class="flex items-center gap-2"><input type="checkbox" name="production" value="on" checked=true/>"Production (Deployed)"</label>
                                        </fieldset>
                                        <ActionError result=create.value().into()/>
                                        <div class="w-40"><Submit label="Declare freeze" pending=create.pending().into()/></div>
                                        </FieldErrors>
                                    </ActionForm>
                                </details>
                            })}
                        </section>
                    </div>
                }.into_any()
            }
        </Loaded>
    }
}
