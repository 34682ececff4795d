//! `/invite/{token}`: see the invitation, then sign up or in with the
//! invited email and join. Expired, used and unknown links say so. Where
//! the server sends email, an account must verify its address before it
//! can accept (the page says so and offers "Resend"); without email the
//! page says the invitation is bound to the address alone.

use crate::serverfns::account::{invite_page, AcceptInvitation};
use crate::serverfns::identity::ResendVerification;
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{ActionError, Submit};
use crate::ui::components::icons::LogoMark;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::BUTTON_LARGE;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The invitation page.
#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let data = Resource::new(token, invite_page);
    let accept = ServerAction::<AcceptInvitation>::new();
    let resend = ServerAction::<ResendVerification>::new();
    view! {
        <PageTitle text="Invitation"/>
        <main class="mx-auto max-w-md px-4 py-16">
            <div class="mb-8 flex items-center gap-2 font-semibold"><LogoMark class="h-8 w-8"/>"Release Coordinator"</div>
            <Loaded data=data skeleton="h-32" let:d>
                {
                    let tok = token();
                    let next: String = format!("/invite/{tok}");
                    match d.invitation {
                        None => view! { <h1 class="text-2xl font-semibold">"This invitation does not exist"</h1>
                            <p class="mt-2 text-zinc-600 dark:text-zinc-400">"Check the link, or ask for a new invitation."</p> }.into_any(),
                        Some(inv) if inv.state == "expired" => view! { <h1 class="text-2xl font-semibold">"This invitation has expired"</h1>
                            <p class="mt-2 text-zinc-600 dark:text-zinc-400">{format!("Ask someone at {} for a new one.", inv.team_name)}</p> }.into_any(),
                        Some(inv) if inv.state == "used" => view! { <h1 class="text-2xl font-semibold">"This invitation has already been used"</h1>
                            <p class="mt-2 text-zinc-600 dark:text-zinc-400"><a class="text-indigo-700 underline dark:text-indigo-300" href="/select-team">"Go to your teams"</a></p> }.into_any(),
                        Some(inv) => {
                            let title = format!("Join {}", inv.team_name);
                            let body = format!("You are invited as {} ({}).", inv.role.label(), inv.email);
                            let action_part = match d.signed_in_as {
                                Some(email) if email == inv.email && d.needs_verification => view! {
                                    <div role="alert" class="mt-6 space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" data-testid="verify-first">
                                        <p>{format!("Confirm your email address first: open the link we sent to {email}, then come back to this page.")}</p>
                                        <ActionForm action=resend>
                                            <button type="submit" class="font-medium underline" disabled=move || resend.pending().get()>"Resend the link"</button>
                                        </ActionForm>
                                        {move || match resend.value().get() {
                                            Some(Ok(())) => Some(view! { <p role="status">"Sent. It works for 24 hours."</p> }.into_any()),
                                            Some(Err(e)) => Some(view! { <p>{e.message}</p> }.into_any()),
                                            None => None,
                                        }}
                                    </div>
                                }.into_any(),
                                Some(email) if email == inv.email => view! {
                                    <ActionForm action=accept attr:class="mt-6 space-y-3">
                                        <input type="hidden" name="token" value=tok.clone()/>
                                        <ActionError result=accept.value().into()/>
                                        <Submit label="Accept invitation" pending=accept.pending().into()/>
                                    </ActionForm>
                                }.into_any(),
                                Some(email) => view! {
                                    <p role="alert" class="mt-6 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
                                        {format!("You are signed in as {email}, but this invitation was sent to {}. Sign out and sign in with that address to accept it.", inv.email)}
                                    </p>
                                }.into_any(),
                                None => {
                                    let enc: String = form_enc(&next);
                                    let em = form_enc(&inv.email);
                                    view! {
                                        <div class="mt-6 flex gap-3">
                                            <a class=BUTTON_LARGE href=format!("/sign-up?next={enc}&email={em}")>"Create an account"</a>
                                            <a class="rounded-md px-4 py-2 text-sm font-semibold ring-1 ring-zinc-300 hover:bg-zinc-50 dark:ring-zinc-700 dark:hover:bg-zinc-900" href=format!("/sign-in?next={enc}")>"Sign in"</a>
                                        </div>
                                    }.into_any()
                                }
                            };
                            let unverified_note = (!d.email_enabled).then(|| view! {
                                <p class="mt-6 text-xs text-zinc-500 dark:text-zinc-400" data-testid="no-email-note">"This server does not send email, so addresses are not verified: the invitation is bound to the address it was sent to, and whoever signs in with that address can accept it."</p>
                            });
                            view! { <h1 class="text-2xl font-semibold">{title}</h1><p class="mt-2 text-zinc-600 dark:text-zinc-400">{body}</p>{action_part}{unverified_note} }.into_any()
                        }
                    }
                }
            </Loaded>
        </main>
    }
}

fn form_enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}
