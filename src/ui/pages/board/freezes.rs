//! The board's freeze banner: while a freeze is in force, every board shows
//! it (name, reason, until when, what it holds); an ADMIN stops the line
//! with one button and a reason, and lifts a freeze with another.

use crate::serverfns::policy::{active_freezes, LiftFreeze, StopTheLine};
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors};
use crate::ui::components::style::{BUTTON_DANGER, BUTTON_SECONDARY};
use crate::views::FreezeView;
use leptos::prelude::*;

fn holds(f: &FreezeView) -> String {
    let envs: Vec<&str> = f.environments.iter().map(|e| e.label()).collect();
    let scope = if f.service_ids.is_empty() {
        "every service".to_string()
    } else if f.service_ids.len() == 1 {
        "1 service".to_string()
    } else {
        format!("{} services", f.service_ids.len())
    };
    let until = match &f.in_force_until {
        Some(t) => format!("until {} UTC", t.minute()),
        None => "until lifted".to_string(),
    };
    format!("{} of {scope}, {until}", envs.join(" and "))
}

/// The banner, and "Stop the line" for ADMIN+.
#[component]
pub fn FreezeBanner() -> impl IntoView {
    let live = crate::ui::components::live::use_live();
    let stop = ServerAction::<StopTheLine>::new();
    crate::ui::components::toast::toast_outcome(stop, |_| {
        Some("Freeze declared: the line is stopped".into())
    });
    let lift = ServerAction::<LiftFreeze>::new();
    crate::ui::components::toast::toast_outcome(lift, |_| Some("Freeze lifted".into()));
    let data = Resource::new(
        move || (live.tick.get(), stop.version().get(), lift.version().get()),
        |_| active_freezes(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || data.get().and_then(Result::ok).map(|b| {
                let can = b.can_manage;
                view! {
                    <div class="mb-3 space-y-2">
                        {b.freezes.into_iter().map(|f| {
                            let id = f.id.clone();
                            view! {
                                <div role="status" data-testid="freeze-banner"
                                    class="flex flex-wrap items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                                    <span aria-hidden="true">"❄"</span>
                                    <p class="flex-1">
                                        <span class="font-semibold">{format!("Frozen: {}", f.name)}</span>
                                        {(!f.reason.is_empty()).then(|| format!(" — {}", f.reason))}
                                        <span class="block text-xs">{format!("No move into {}.", holds(&f))}</span>
                                    </p>
                                    {can.then(|| view! {
                                        <ActionForm action=lift>
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <button type="submit" class=BUTTON_SECONDARY>{format!("Lift {}", f.name)}</button>
                                        </ActionForm>
                                    })}
                                </div>
                            }
                        }).collect_view()}
                        <ActionError result=lift.value().into()/>
                        {can.then(|| view! {
                            <details class="text-sm" data-testid="stop-the-line">
                                <summary class="inline-block cursor-pointer rounded-md px-3 py-1.5 font-medium text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 dark:text-red-300 dark:ring-red-800 dark:hover:bg-red-950">"Stop the line"</summary>
                                <ActionForm action=stop attr:class="mt-2 flex max-w-xl flex-wrap items-end gap-2">
                                    <FieldErrors errors=last_error(stop.value())>
                                    <div class="flex-1"><Field label="Reason" name="reason"/></div>
                                    <button type="submit" class=BUTTON_DANGER>"Freeze every release now"</button>
                                    </FieldErrors>
                                </ActionForm>
                                <ActionError result=stop.value().into()/>
                            </details>
                        })}
                    </div>
                }
            })}
        </Transition>
    }
}
