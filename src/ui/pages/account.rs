//! The account parts of `/settings/profile`: name and email (with the
//! verification state and "Resend"), signed-in sessions (sign any out),
//! the security log, and deleting the account.

use crate::serverfns::identity::{
    account_activity, my_identities, DeleteAccount, ResendVerification, SignOutSession,
    UnlinkIdentity, UpdateProfile,
};
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::BUTTON_DANGER;
use crate::ui::components::when::relative;
use crate::views::{MeView, SecurityEventView, SessionView};
use leptos::prelude::*;

const NOTE_OK: &str = "rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200";
const NOTE_WARN: &str = "rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200";
const MUTED: &str = "text-sm text-zinc-600 dark:text-zinc-400";

/// "Firefox on Linux" from a `User-Agent`; the raw text (shortened) when
/// it is none of the usual browsers.
pub fn describe_agent(ua: Option<&str>) -> String {
    let Some(ua) = ua.filter(|u| !u.trim().is_empty()) else {
        return "Unknown device".into();
    };
    let browser = if ua.contains("Edg/") {
        Some("Edge")
    } else if ua.contains("Firefox/") {
        Some("Firefox")
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        Some("Chrome")
    } else if ua.contains("Safari/") {
        Some("Safari")
    } else {
        None
    };
    let os = if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        Some("iOS")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("macOS")
    } else if ua.contains("Linux") {
        Some("Linux")
    } else {
        None
    };
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_string(),
        _ => ua.chars().take(60).collect(),
    }
}

/// What a security log entry says.
fn event_label(e: &SecurityEventView) -> &'static str {
    use crate::domain::kinds::SecurityEventKind as K;
    match e.kind {
        K::AccountCreated => "Account created",
        K::SignedIn => "Signed in",
        K::SignInFailed => "Failed sign-in (wrong password)",
        K::PasswordChanged => "Password changed",
        K::PasswordResetRequested => "Password reset link sent",
        K::PasswordReset => "Password reset",
        K::VerificationSent => "Verification link sent",
        K::EmailVerified => "Email address verified",
        K::EmailChangeRequested => "Email change requested",
        K::EmailChanged => "Email address changed",
        K::NameChanged => "Name changed",
        K::SessionRevoked => "Session signed out",
        K::IdentityLinked => "Single sign-on linked",
        K::IdentityUnlinked => "Single sign-on unlinked",
    }
}

/// Name and email, with the verification state.
#[component]
pub fn AccountDetails(me: MeView, on_change: Callback<()>) -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    crate::ui::components::toast::toast_outcome(update, |_| Some("Profile saved".into()));
    let resend = ServerAction::<ResendVerification>::new();
    crate::ui::components::toast::toast_outcome(resend, |_| Some("Verification email sent".into()));
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(_))) {
            on_change.run(());
        }
    });
    let verified = me.email_verified;
    let pending = me.pending_email.clone();
    let email_enabled = me.email_enabled;
    let status = match (&pending, verified, email_enabled) {
        (Some(p), _, _) => Some(view! {
            <p class=NOTE_WARN data-testid="pending-email">{format!("{p} is waiting for confirmation: open the link we sent there. Until then you sign in with {}.", me.user.email)}</p>
        }.into_any()),
        (None, false, true) => Some(view! {
            <p class=NOTE_WARN data-testid="unverified">"Your email address is not confirmed yet. You need a confirmed address to accept invitations."</p>
        }.into_any()),
        (None, true, _) => Some(view! {
            <p class=MUTED data-testid="verified">"✓ Email address confirmed."</p>
        }.into_any()),
        (None, false, false) => Some(view! {
            <p class=MUTED>"This server does not send email, so addresses are not confirmed."</p>
        }.into_any()),
    };
    let can_resend = email_enabled && (pending.is_some() || !verified);
    view! {
        <section aria-labelledby="you-h" class="space-y-3">
            <h2 id="you-h" class="font-semibold">"You"</h2>
            {status}
            {can_resend.then(|| view! {
                <ActionForm action=resend>
                    <button type="submit" class="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300" disabled=move || resend.pending().get()>"Resend the confirmation link"</button>
                </ActionForm>
                {move || match resend.value().get() {
                    Some(Ok(())) => Some(view! { <p role="status" class=NOTE_OK>"Sent. The link works for 24 hours."</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <p role="alert" class=NOTE_WARN>{e.message}</p> }.into_any()),
                    None => None,
                }}
            })}
            <ActionForm action=update attr:class="space-y-4">
                <FieldErrors errors=last_error(update.value())>
                <Field label="Name" name="name" autocomplete="name" value=me.user.name.clone()/>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=me.user.email.clone()/>
                <ActionError result=update.value().into()/>
                {move || match update.value().get() {
                    Some(Ok(u)) => Some(view! {
                        <p role="status" class=NOTE_OK>{match u.pending_email {
                            Some(p) => format!("Saved. We sent a link to {p}: your email changes once you open it."),
                            None => "Saved.".to_string(),
                        }}</p>
                    }),
                    _ => None,
                }}
                <Submit label="Save" pending=update.pending().into()/>
                </FieldErrors>
            </ActionForm>
        </section>
    }
}

/// Signed-in sessions and the security log.
#[component]
pub fn SessionsAndLog() -> impl IntoView {
    let sign_out = ServerAction::<SignOutSession>::new();
    crate::ui::components::toast::toast_outcome(sign_out, |_| {
        Some("Signed that session out".into())
    });
    let data = Resource::new(move || sign_out.version().get(), |_| account_activity());
    let now = crate::ui::components::when::use_now();
    view! {
        <section aria-labelledby="sessions-h">
            <h2 id="sessions-h" class="mb-1 font-semibold">"Sessions"</h2>
            <p class="mb-3 text-sm text-zinc-600 dark:text-zinc-400">"Where you are signed in. Sign out any browser you do not recognise."</p>
            <ActionError result=sign_out.value().into()/>
            <Loaded data=data skeleton="h-24" let:d>
                <ul class="divide-y divide-zinc-200 rounded-md border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800" data-testid="sessions">
                    {d.sessions.into_iter().map(|s| view! { <SessionRow s=s now=now sign_out=sign_out/> }).collect_view()}
                </ul>
                <h2 id="log-h" class="mb-1 mt-10 font-semibold">"Security log"</h2>
                <p class="mb-3 text-sm text-zinc-600 dark:text-zinc-400">"Sign-ins, password and email changes on your account, newest first."</p>
                <ol class="space-y-2 text-sm" aria-labelledby="log-h" data-testid="security-log">
                    {d.events.into_iter().map(|e| {
                        let title = e.created_at.minute();
                        let when = move || relative(e.created_at, now.get());
                        let label = event_label(&e);
                        let place = [e.detail.clone(), e.ip.clone(), e.user_agent.as_deref().map(|u| describe_agent(Some(u)))]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ");
                        view! {
                            <li class="flex items-baseline justify-between gap-3">
                                <span><span class="font-medium">{label}</span>
                                    {(!place.is_empty()).then(|| view! { <span class="text-zinc-500 dark:text-zinc-400">{format!(" — {place}")}</span> })}
                                </span>
                                <time class="shrink-0 text-zinc-500 dark:text-zinc-400" datetime=e.created_at.to_string() title=title>{when}</time>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </Loaded>
        </section>
    }
}

#[component]
fn SessionRow(
    s: SessionView,
    now: ReadSignal<chrono::DateTime<chrono::Utc>>,
    sign_out: ServerAction<SignOutSession>,
) -> impl IntoView {
    let device = describe_agent(s.user_agent.as_deref());
    let seen = s.last_seen_at;
    let ip = s.ip.clone().unwrap_or_else(|| "unknown address".into());
    let detail = move || format!("{ip} · last active {}", relative(seen, now.get()));
    view! {
        <li class="flex items-center justify-between gap-3 p-3">
            <div>
                <p class="font-medium">{device.clone()}
                    {s.current.then(|| view! { <span class="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">"This browser"</span> })}
                </p>
                <p class="text-zinc-500 dark:text-zinc-400">{detail}</p>
            </div>
            {(!s.current).then(|| view! {
                <ActionForm action=sign_out>
                    <input type="hidden" name="id" value=s.id.clone()/>
                    <button type="submit" class=BUTTON_DANGER aria-label=format!("Sign out {device}")>"Sign out"</button>
                </ActionForm>
            })}
        </li>
    }
}

/// Single-sign-on identities linked to the account, each with "Unlink".
#[component]
pub fn LinkedIdentities() -> impl IntoView {
    let unlink = ServerAction::<UnlinkIdentity>::new();
    crate::ui::components::toast::toast_outcome(unlink, |_| {
        Some("Sign-in provider unlinked".into())
    });
    let list = Resource::new(move || unlink.version().get(), |_| my_identities());
    view! {
        <Suspense fallback=|| ()>
            {move || list.get().and_then(|r| r.ok()).filter(|l| !l.is_empty()).map(|l| view! {
                <section aria-labelledby="sso-h">
                    <h2 id="sso-h" class="mb-1 font-semibold">"Single sign-on"</h2>
                    <p class="mb-3 text-sm text-zinc-600 dark:text-zinc-400">"Identity providers you sign in with. You can unlink one while you keep a password or another provider."</p>
                    <ActionError result=unlink.value().into()/>
                    <ul class="divide-y divide-zinc-200 rounded-md border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800" data-testid="identities">
                        {l.into_iter().map(|i| {
                            let label = format!("Unlink {}", i.provider_name);
                            view! {
                                <li class="flex items-center justify-between gap-3 p-3">
                                    <div>
                                        <p class="font-medium">{i.provider_name.clone()}</p>
                                        <p class="text-zinc-500 dark:text-zinc-400">{i.email.clone()}</p>
                                    </div>
                                    <ActionForm action=unlink>
                                        <input type="hidden" name="id" value=i.id.clone()/>
                                        <button type="submit" class=BUTTON_DANGER aria-label=label>"Unlink"</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </Suspense>
    }
}

/// Deleting the account, confirmed by typing its email.
#[component]
pub fn DeleteAccountForm() -> impl IntoView {
    let delete = ServerAction::<DeleteAccount>::new();
    view! {
        <section aria-labelledby="delete-h" class="rounded-md border border-red-300 p-4 dark:border-red-900">
            <h2 id="delete-h" class="mb-1 font-semibold text-red-800 dark:text-red-300">"Delete your account"</h2>
            <p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">"You leave every team and are signed out everywhere; your connections and the API tokens you made are removed. Releases, comments and the activity log keep what you did, by “Former member”. This cannot be undone. If you are the last owner of a team, make someone else an owner (or delete the team) first."</p>
            <ActionForm action=delete attr:class="space-y-4">
                <FieldErrors errors=last_error(delete.value())>
                <Field label="Type your email address to confirm" name="confirm_email" kind="email" autocomplete="off"/>
                <ActionError result=delete.value().into()/>
                <button type="submit" class=BUTTON_DANGER disabled=move || delete.pending().get()>"Delete my account"</button>
                </FieldErrors>
            </ActionForm>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::describe_agent;

    #[test]
    fn agents_read_as_browser_on_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(describe_agent(Some(chrome)), "Chrome on Linux");
        let ff = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(describe_agent(Some(ff)), "Firefox on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_agent(Some(safari)), "Safari on iOS");
        assert_eq!(describe_agent(Some("curl/8.5.0")), "curl/8.5.0");
        assert_eq!(describe_agent(None), "Unknown device");
    }
}
