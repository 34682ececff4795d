//! The release page's "Release policy" panel: each move it could make now
//! with a green or red mark per check, the current version's approvals,
//! Approve / Reject with a comment for the moves the caller may decide,
//! and — for an ADMIN — a move past the policy with a reason. Plain forms:
//! it works without JavaScript.

use crate::domain::policy::{CheckKind, Decision};
use crate::domain::status::ReleaseStatus;
use crate::serverfns::policy::{Decide, OverrideMove, WithdrawApproval};
use crate::ui::components::form::{last_error, ActionError, FieldErrors, Submit, SELECT};
use crate::ui::components::style::{BUTTON_DANGER, BUTTON_SECONDARY};
use crate::views::{ApiError, ReleasePolicy};
use leptos::prelude::*;

/// A text input of this panel (its ids are its own: the page has other
/// "reason" and "comment" fields).
const INPUT: &str = "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700 dark:bg-zinc-900";

fn kind_label(k: CheckKind) -> &'static str {
    match k {
        CheckKind::Transition => "Transition",
        CheckKind::Blocker => "Blockers",
        CheckKind::Freeze => "Freeze",
        CheckKind::Approvals => "Approvals",
        CheckKind::Items => "Tickets",
        CheckKind::PullRequests => "Pull requests",
    }
}

/// The panel, from the release's policy resource.
#[component]
pub fn PolicyPanel(
    /// The release.
    release_id: crate::domain::ids::ReleaseId,
    /// Its revision (for an override's move).
    revision: i64,
    /// What the server says.
    policy: Resource<Result<ReleasePolicy, ApiError>>,
    /// Approve / reject.
    decide: ServerAction<Decide>,
    /// Withdraw.
    withdraw: ServerAction<WithdrawApproval>,
    /// Move past the policy.
    override_move: ServerAction<OverrideMove>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="policy-h" class="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" data-testid="policy-panel">
            <h3 id="policy-h" class="mb-2 font-semibold">"Release policy"</h3>
            <Transition fallback=|| view! { <div class="h-24 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800"></div> }>
                {move || policy.get().map(|p| match p {
                    Err(e) => view! { <p role="alert" class="text-sm text-red-700 dark:text-red-300">{e.message}</p> }.into_any(),
                    Ok(p) => {
                        let rid = release_id.clone();
                        panel(p, rid, revision, decide, withdraw, override_move).into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

fn panel(
    p: ReleasePolicy,
    release_id: crate::domain::ids::ReleaseId,
    revision: i64,
    decide: ServerAction<Decide>,
    withdraw: ServerAction<WithdrawApproval>,
    override_move: ServerAction<OverrideMove>,
) -> impl IntoView {
    // Forward moves first: what people look at before moving on.
    // Moves the policy looks at (more than the state machine's check).
    let mut moves: Vec<_> = p
        .moves
        .iter()
        .filter(|m| m.checks.len() > 1)
        .cloned()
        .collect();
    moves.sort_by_key(|m| (m.to_status.flow_index().is_none(), m.to_status.flow_index()));
    let held: Vec<ReleaseStatus> = moves
        .iter()
        .filter(|m| !m.allowed)
        .filter(|m| m.checks.iter().all(|c| c.ok || c.kind.overridable()))
        .map(|m| m.to_status)
        .collect();
    let decidable: Vec<_> = p
        .approvable
        .iter()
        .filter(|a| a.refused.is_none())
        .cloned()
        .collect();
    let me = p.me.clone();
    view! {
        {moves.is_empty().then(|| view! {
            <p class="text-sm text-zinc-600 dark:text-zinc-400">"Moves from here need nothing beyond the state machine: no freeze, rule or blocker applies."</p>
        })}
        <ul class="space-y-3 text-sm" aria-label="Checks of each move">
            {moves.into_iter().map(|m| view! {
                <li>
                    <p class="font-medium">
                        {format!("To {}", m.to_status.label())}
                        <span class=if m.allowed { "ml-2 text-xs text-emerald-700 dark:text-emerald-300" } else { "ml-2 text-xs text-red-700 dark:text-red-300" }>
                            {if m.allowed { "allowed" } else { "held" }}
                        </span>
                    </p>
                    <ul class="mt-1 space-y-0.5" aria-label=format!("Checks of moving to {}", m.to_status.label())>
                        {m.checks.into_iter().map(|c| view! {
                            <li class="flex gap-2">
                                <span aria-hidden="true" class=if c.ok { "text-emerald-600 dark:text-emerald-400" } else { "text-red-600 dark:text-red-400" }>{if c.ok { "✓" } else { "✗" }}</span>
                                <span><span class="sr-only">{if c.ok { "passes: " } else { "fails: " }}</span>{format!("{}: {}", kind_label(c.kind), c.reason)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </li>
            }).collect_view()}
        </ul>
        <h4 class="mt-4 text-sm font-semibold">"Approvals of this version"</h4>
        {if p.approvals.is_empty() {
            view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"None yet."</p> }.into_any()
        } else {
            view! {
                <ul class="mt-1 space-y-1 text-sm" aria-label="Approvals">
                    {p.approvals.iter().map(|a| {
                        let mine = me.as_ref() == Some(&a.user_id);
                        let verb = match a.decision { Decision::Approve => "approved", Decision::Reject => "rejected" };
                        let (rid, aid) = (release_id.clone(), a.id.clone());
                        view! {
                            <li class="flex flex-wrap items-baseline gap-2">
                                <span class=if a.decision == Decision::Reject { "font-medium text-red-700 dark:text-red-300" } else { "font-medium" }>
                                    {format!("{} {verb} moving to {}", a.user_name, a.to_status.label())}
                                </span>
                                {(!a.comment.is_empty()).then(|| view! { <span class="text-zinc-600 dark:text-zinc-400">{format!("“{}”", a.comment)}</span> })}
                                {mine.then(|| view! {
                                    <ActionForm action=withdraw attr:class="inline">
                                        <input type="hidden" name="release_id" value=rid.to_string()/>
                                        <input type="hidden" name="approval_id" value=aid.to_string()/>
                                        <button type="submit" class="text-xs text-indigo-700 underline dark:text-indigo-300">"Withdraw"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <ActionError result=withdraw.value().into()/>
        {p.approvable.iter().filter(|a| a.required > 0).map(|a| {
            let who = match &a.refused {
                None => "You may approve.".to_string(),
                Some(why) => format!("You cannot: {why}."),
            };
            view! {
                <p class="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
                    {format!("Moving to {} needs {} approval{} from {}. {who}", a.to_status.label(), a.required, if a.required == 1 { "" } else { "s" }, a.from)}
                </p>
            }
        }).collect_view()}
        {(!decidable.is_empty()).then(|| {
            let rid = release_id.clone();
            view! {
                <ActionForm action=decide attr:class="mt-3 space-y-2" attr:aria-label="Approve or reject">
                    <FieldErrors errors=last_error(decide.value())>
                    <input type="hidden" name="release_id" value=rid.to_string()/>
                    <div class="space-y-1">
                        <label for="decide-to" class="block text-sm font-medium">"Move"</label>
                        <select id="decide-to" name="to_status" class=SELECT>
                            {decidable.iter().map(|a| view! { <option value=a.to_status.as_str()>{a.to_status.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="space-y-1">
                        <label for="decide-comment" class="block text-sm font-medium">"Comment"</label>
                        <input id="decide-comment" name="comment" type="text" class=INPUT/>
                    </div>
                    <ActionError result=decide.value().into()/>
                    <div class="flex gap-2">
                        <button type="submit" name="decision" value="APPROVE" class=BUTTON_SECONDARY>"Approve"</button>
                        <button type="submit" name="decision" value="REJECT" class=BUTTON_DANGER>"Reject"</button>
                    </div>
                    </FieldErrors>
                </ActionForm>
            }
        })}
        {(p.can_override && !held.is_empty()).then(|| {
            let rid = release_id.clone();
            view! {
                <details class="mt-4 text-sm">
                    <summary class="cursor-pointer font-medium">"Override the policy"</summary>
                    <ActionForm action=override_move attr:class="mt-2 space-y-2">
                        <FieldErrors errors=last_error(override_move.value())>
                        <input type="hidden" name="id" value=rid.to_string()/>
                        <input type="hidden" name="revision" value=revision.to_string()/>
                        <div class="space-y-1">
                            <label for="override-to" class="block text-sm font-medium">"Move to"</label>
                            <select id="override-to" name="status" class=SELECT>
                                {held.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="space-y-1">
                            <label for="override-reason" class="block text-sm font-medium">"Reason (everyone will see it)"</label>
                            <input id="override-reason" name="reason" type="text" required=true class=INPUT/>
                        </div>
                        <p class="text-xs text-zinc-600 dark:text-zinc-400">"Passes freezes, approvals and readiness gates — never the state machine or a blocker. Recorded in the activity log and sent to Slack."</p>
                        <ActionError result=override_move.value().into()/>
                        <Submit label="Move past the policy" pending=override_move.pending().into()/>
                        </FieldErrors>
                    </ActionForm>
                </details>
            }
        })}
    }
}
