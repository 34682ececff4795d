//! `/settings/members`: members and roles, invitations, leaving and
//! deleting the team.

use crate::domain::roles::Role;
use crate::serverfns::account::{
    members_page, ChangeMemberRole, DeleteTeam, InviteMember, LeaveTeam, RemoveMember,
    RevokeInvitation,
};
use crate::serverfns::identity::ResendInvitation;
use crate::ui::components::copy::{select_input, CopyButton};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{ActionError, Submit};
use crate::ui::components::list_memory::{list_footer, use_more_pages};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::views::MemberView;
use leptos::prelude::*;

const SELECT: &str = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const BUTTON: &str = "rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800";

/// The members page.
#[component]
pub fn MembersPage() -> impl IntoView {
    let change = ServerAction::<ChangeMemberRole>::new();
    crate::ui::components::toast::toast_outcome(change, |_| Some("Role changed".into()));
    let remove = ServerAction::<RemoveMember>::new();
    crate::ui::components::toast::toast_outcome(remove, |_| Some("Member removed".into()));
    let invite = ServerAction::<InviteMember>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    crate::ui::components::toast::toast_outcome(revoke, |_| Some("Invitation revoked".into()));
    let resend = ServerAction::<ResendInvitation>::new();
    crate::ui::components::toast::toast_outcome(resend, |_| Some("Invitation sent again".into()));
    let leave = ServerAction::<LeaveTeam>::new();
    let delete = ServerAction::<DeleteTeam>::new();
    let data = Resource::new(
        move || {
            (
                change.version().get(),
                remove.version().get(),
                invite.version().get(),
                revoke.version().get(),
                resend.version().get(),
            )
        },
        |_| members_page(None),
    );
    // "Load more": later pages of members, appended; a change reloads.
    let (more, load_more) = use_more_pages(data, |c| async move {
        members_page(Some(c))
            .await
            .map(|p| (p.members, p.next_cursor))
    });
    view! {
        <PageTitle text="Members"/>
            <Loaded data=data skeleton="h-48" let:d>
                {
                    {
                        let my_role = d.my_role;
                        let me = d.my_user_id.clone();
                        let invitations = d.invitations.clone();
                        let first_len = d.members.len();
                        view! {
                            <div class="max-w-3xl space-y-10">
                                <section aria-labelledby="members-h">
                                    <h2 id="members-h" class="mb-3 font-semibold">{format!("Members of {}", d.team_name)}</h2>
                                    <ActionError result=change.value().into()/>
                                    <ActionError result=remove.value().into()/>
                                    <ul class="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" aria-label="Members">
                                        {d.members.into_iter().map(|m| view! { <MemberRow m=m me=me.clone() my_role=my_role change=change remove=remove/> }).collect_view()}
                                        {
                                            let me = me.clone();
                                            move || more.memory.rows.get().into_iter().map(|m| view! { <MemberRow m=m me=me.clone() my_role=my_role change=change remove=remove/> }).collect_view()
                                        }
                                    </ul>
                                    {list_footer(more, first_len, d.total, "member", d.next_cursor.clone(), load_more, BUTTON_SECONDARY)}
                                </section>
                                {my_role.can_invite().then(|| view! {
                                    <section aria-labelledby="invite-h" class="space-y-4">
                                        <h2 id="invite-h" class="font-semibold">"Invite someone"</h2>
                                        <ActionForm action=invite attr:class="flex flex-wrap items-end gap-3">
                                            <div class="space-y-1">
                                                <label for="invite-email" class="block text-sm font-medium">"Email"</label>
                                                <input id="invite-email" name="email" type="email" required class="w-64 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"/>
                                            </div>
                                            <div class="space-y-1">
                                                <label for="invite-role" class="block text-sm font-medium">"Role"</label>
                                                <select id="invite-role" name="role" class=SELECT>
                                                    {Role::ALL.into_iter().filter(|r| my_role.can_manage_role(*r, *r)).map(|r| view! { <option value=r.as_str() selected=r == Role::Member>{r.label()}</option> }).collect_view()}
                                                </select>
                                            </div>
                                            <div class="whitespace-nowrap"><Submit label="Create invitation" pending=invite.pending().into()/></div>
                                        </ActionForm>
                                        <ActionError result=invite.value().into()/>
                                        <ActionError result=resend.value().into()/>
                                        {move || {
                                            // The newest of "created" and "sent again" is the link to show.
                                            let created = invite.value().get().and_then(|r| r.ok());
                                            let resent = resend.value().get().and_then(|r| r.ok());
                                            let newest = match (created, resent) {
                                                (Some(c), Some(r)) => Some(if invite.version().get_untracked() >= resend.version().get_untracked() { c } else { r }),
                                                (c, r) => c.or(r),
                                            };
                                            newest
                                        }.map(|created| view! {
                                            <div role="status" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm dark:border-green-800 dark:bg-green-950">
                                                <p>{if created.emailed {
                                                    format!("We emailed the invitation to {}. You can also send them this link — it is shown only once and works for 7 days:", created.email)
                                                } else {
                                                    format!("Send this link to {} — it is shown only once and works for 7 days (this server sends no email):", created.email)
                                                }}</p>
                                                <div class="mt-2 flex gap-2">
                                                    <input readonly aria-label="Invitation link" data-testid="invite-link" value=created.url.clone() class="w-full rounded border border-zinc-300 bg-white px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900" on:focus=|ev| { select_input(&ev); }/>
                                                    <CopyButton text=created.url.clone() label="Copy link"/>
                                                </div>
                                            </div>
                                        })}
                                        {(!invitations.is_empty()).then(|| view! {
                                            <div>
                                                <h3 class="mb-2 text-sm font-semibold">"Pending invitations"</h3>
                                                <ul class="space-y-1 text-sm" aria-label="Pending invitations">
                                                    {invitations.clone().into_iter().map(|i| {
                                                        let id = i.id.clone();
                                                        let resend_id = i.id.to_string();
                                                        let resend_label = format!("Send the invitation of {} again", i.email);
                                                        let expires = crate::ui::components::when::day_label(i.expires_at.at().date_naive(), chrono::Utc::now().date_naive());
                                                        view! {
                                                            <li class="flex items-center justify-between gap-3">
                                                                <span>
                                                                    {format!("{} — {}", i.email, i.role.label())}
                                                                    <span class="ml-2 text-zinc-500 dark:text-zinc-400">{format!("invited by {}, valid until {expires}", i.invited_by.clone().unwrap_or_else(|| "a former member".into()))}</span>
                                                                </span>
                                                                <span class="flex shrink-0 items-center gap-1">
                                                                <ActionForm action=resend>
                                                                    <input type="hidden" name="id" value=resend_id/>
                                                                    <button type="submit" class="rounded-md px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950" aria-label=resend_label>"Resend"</button>
                                                                </ActionForm>
                                                                <ActionForm action=revoke>
                                                                    <input type="hidden" name="id" value=id.to_string()/>
                                                                    <button type="submit" class="rounded-md px-2 py-1 text-sm text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950" aria-label=format!("Revoke the invitation of {}", i.email)>"Revoke"</button>
                                                                </ActionForm>
                                                                </span>
                                                            </li>
                                                        }
                                                    }).collect_view()}
                                                </ul>
                                            </div>
                                        })}
                                    </section>
                                })}
                                <section aria-labelledby="danger-h" class="space-y-3 rounded-lg border border-red-200 p-4 dark:border-red-900">
                                    <h2 id="danger-h" class="font-semibold">"Leave or delete"</h2>
                                    <ActionError result=leave.value().into()/>
                                    <ActionForm action=leave>
                                        <button type="submit" class=BUTTON>"Leave this team"</button>
                                    </ActionForm>
                                    {my_role.can_delete_team().then(|| {
                                        let team_id = d.team_id.clone();
                                        let team_name = d.team_name.clone();
                                        view! {
                                            <ActionError result=delete.value().into()/>
                                            <ActionForm action=delete on:submit=move |ev| {
                                                if !crate::ui::components::confirm(&format!("Delete {team_name}? Every service, release, sprint, deployment group, comment and activity of this team is deleted with it, for everyone. This cannot be undone.")) { ev.prevent_default(); }
                                            }>
                                                <input type="hidden" name="team_id" value=team_id/>
                                                <button type="submit" class="rounded-md bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-500">"Delete team"</button>
                                            </ActionForm>
                                        }
                                    })}
                                </section>
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
    }
}

/// One member: name, email, and for those who may, their role and Remove.
#[component]
fn MemberRow(
    m: MemberView,
    me: String,
    my_role: Role,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let can_manage = m.user_id != me && my_role.can_manage_role(m.role, m.role);
    let grantable: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| my_role.can_manage_role(m.role, *r))
        .collect();
    let name = m.name.clone();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 p-3" aria-label=format!("{} ({})", m.name, m.role.label())>
            <span class="min-w-0">
                <span class="block font-medium">{m.name.clone()}</span>
                <span class="block truncate text-sm text-zinc-500 dark:text-zinc-400">{m.email.clone()}</span>
            </span>
            {if can_manage {
                let uid = m.user_id.clone();
                let uid2 = m.user_id.clone();
                let confirm_name = m.name.clone();
                view! {
                    <span class="flex items-center gap-2">
                        <ActionForm action=change attr:class="flex items-center gap-2">
                            <input type="hidden" name="user_id" value=uid.to_string()/>
                            <label class="sr-only" for=format!("role-{}", m.user_id)>{format!("Role of {name}")}</label>
                            <select id=format!("role-{}", m.user_id) name="role" class=SELECT>
                                {grantable.into_iter().map(|r| view! { <option value=r.as_str() selected=r == m.role>{r.label()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class=BUTTON>"Save"</button>
                        </ActionForm>
                        <ActionForm action=remove on:submit=move |ev| {
                            if !crate::ui::components::confirm(&format!("Remove {confirm_name} from the team? They lose access to everything in it.")) { ev.prevent_default(); }
                        }>
                            <input type="hidden" name="user_id" value=uid2.to_string()/>
                            <button type="submit" class="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950">"Remove"</button>
                        </ActionForm>
                    </span>
                }.into_any()
            } else {
                view! { <span class="text-sm text-zinc-600 dark:text-zinc-300">{m.role.label()}</span> }.into_any()
            }}
        </li>
    }
}
