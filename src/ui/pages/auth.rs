//! `/sign-in`, `/sign-up`, and the pages emailed links open:
//! `/forgot-password`, `/reset-password?token=…` and `/verify-email?token=…`.
//! Plain forms posting to server functions, so they work before (and
//! without) hydration; errors show next to the form. A link is used only by
//! pressing its button (a POST), never by opening it: mail scanners that
//! open every link cannot spend it.

use crate::serverfns::account::{SignIn, SignUp};
use crate::serverfns::identity::{
    email_setup, sign_in_providers, ForgotPassword, ResetPassword, VerifyEmail,
};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::icons::LogoMark;
use crate::ui::components::style::LINK;
use crate::ui::components::theme_toggle::ThemeToggle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The centred card around the account forms.
#[component]
fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="absolute right-4 top-4"><ThemeToggle/></div>
        <main class="flex min-h-screen items-center justify-center px-4 py-12">
            <div class="w-full max-w-sm">
                <a href="/" class="mb-8 flex items-center justify-center gap-2 font-semibold">
                    <LogoMark class="h-8 w-8"/>
                    <span>"Release Coordinator"</span>
                </a>
                <div class="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
                    <h1 class="mb-6 text-xl font-semibold">{title}</h1>
                    {children()}
                </div>
            </div>
        </main>
    }
}

/// `/sign-in?next=…`
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let action = ServerAction::<SignIn>::new();
    let pending = action.pending();
    view! {
        <PageTitle text="Sign in"/>
        <AuthCard title="Sign in">
            {move || query.with(|q| q.get("reset").is_some()).then(|| view! {
                <p role="status" class=NOTE_OK>"Your password was changed and every session signed out. Sign in with the new password."</p>
            })}
            {move || query.with(|q| q.get("error")).map(|e| view! {
                <p role="alert" class=NOTE_ERR>{e}</p>
            })}
            <SingleSignOn next=Signal::derive(next)/>
            <ActionForm action=action attr:class="space-y-4">
                <FieldErrors errors=last_error(action.value())>
                <input type="hidden" name="next" value=next/>
                <Field label="Email" name="email" kind="email" autocomplete="email"/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password"/>
                <p class="-mt-2 text-right text-sm"><a class=LINK href="/forgot-password">"Forgot password?"</a></p>
                <ActionError result=action.value().into()/>
                <Submit label="Sign in" pending=pending.into()/>
            </FieldErrors>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
                "New here? "
                <a class=LINK href=move || with_next("/sign-up", &next())>"Create an account"</a>
            </p>
        </AuthCard>
    }
}

/// `/sign-up?next=…&email=…`
#[component]
pub fn SignUpPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let email = query.with_untracked(|q| q.get("email").unwrap_or_default());
    let action = ServerAction::<SignUp>::new();
    let pending = action.pending();
    view! {
        <PageTitle text="Create an account"/>
        <AuthCard title="Create an account">
            <ActionForm action=action attr:class="space-y-4">
                <FieldErrors errors=last_error(action.value())>
                <input type="hidden" name="next" value=next/>
                <Field label="Name" name="name" autocomplete="name"/>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email/>
                <Field label="Password (at least 10 characters)" name="password" kind="password" autocomplete="new-password"/>
                <ActionError result=action.value().into()/>
                <Submit label="Create account" pending=pending.into()/>
            </FieldErrors>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
                "Already have an account? "
                <a class=LINK href=move || with_next("/sign-in", &next())>"Sign in"</a>
            </p>
        </AuthCard>
    }
}

fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() {
        path.to_string()
    } else {
        let enc: String = next
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' | '~' => c.to_string(),
                c => c.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
            })
            .collect();
        format!("{path}?next={enc}")
    }
}

const NOTE_OK: &str = "mb-4 rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200";
const NOTE_ERR: &str = "mb-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100";
const NOTE: &str = "mb-4 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-200";

/// `/forgot-password`: asks for a reset link. The answer is the same
/// whether or not the address has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let pending = action.pending();
    let setup = Resource::new(|| (), |_| email_setup());
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <PageTitle text="Forgot password"/>
        <AuthCard title="Forgot your password?">
            <Suspense fallback=|| ()>
                {move || match setup.get() {
                    // Without email no link can be sent: say who can help
                    // instead of offering a form that can only disappoint.
                    Some(Ok(false)) => view! {
                        <p class=NOTE data-testid="no-email">"This server does not send email, so no reset link can reach you. Ask your administrator to set a new password for you (they run "<code>"release-coordinator reset-password"</code>")."</p>
                    }.into_any(),
                    Some(_) => view! {
                        <Show
                            when=sent
                            fallback=move || view! {
                                <p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">"Enter the email address of your account and we will send you a link to choose a new password."</p>
                                <ActionForm action=action attr:class="space-y-4">
                                    <FieldErrors errors=last_error(action.value())>
                                    <Field label="Email" name="email" kind="email" autocomplete="email"/>
                                    <ActionError result=action.value().into()/>
                                    <Submit label="Send reset link" pending=pending.into()/>
                                    </FieldErrors>
                                </ActionForm>
                            }
                        >
                            <p role="status" class=NOTE_OK>"If an account has this address, we sent it a link to choose a new password. It works once, for one hour. Check your spam folder if it does not arrive."</p>
                        </Show>
                    }.into_any(),
                    None => ().into_any(),
                }}
            </Suspense>
            <p class="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
                <a class=LINK href="/sign-in">"Back to sign in"</a>
            </p>
        </AuthCard>
    }
}

/// `/reset-password?token=…`: chooses a new password with an emailed link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let action = ServerAction::<ResetPassword>::new();
    let pending = action.pending();
    view! {
        <PageTitle text="Choose a new password"/>
        <AuthCard title="Choose a new password">
            <p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">"Choosing a new password signs you out everywhere, this browser included."</p>
            <ActionForm action=action attr:class="space-y-4">
                <FieldErrors errors=last_error(action.value())>
                <input type="hidden" name="token" value=token/>
                <Field label="New password (at least 10 characters)" name="new_password" kind="password" autocomplete="new-password"/>
                <ActionError result=action.value().into()/>
                <Submit label="Set new password" pending=pending.into()/>
                </FieldErrors>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">
                "Link not working? "<a class=LINK href="/forgot-password">"Ask for a new one"</a>
            </p>
        </AuthCard>
    }
}

/// `/verify-email?token=…`: confirms an address with an emailed link.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let action = ServerAction::<VerifyEmail>::new();
    let pending = action.pending();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <PageTitle text="Confirm your email"/>
        <AuthCard title="Confirm your email address">
            <Show
                when=done
                fallback=move || view! {
                    <p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">"Press the button to confirm that this address is yours."</p>
                    <ActionForm action=action attr:class="space-y-4">
                        <input type="hidden" name="token" value=token/>
                        <ActionError result=action.value().into()/>
                        <Submit label="Confirm my email" pending=pending.into()/>
                    </ActionForm>
                }
            >
                <p role="status" class=NOTE_OK>"Your email address is confirmed."</p>
                <p class="text-sm"><a class=LINK href="/select-team">"Continue"</a></p>
            </Show>
        </AuthCard>
    }
}

/// "Sign in with <name>" for each configured provider, then "or".
#[component]
fn SingleSignOn(next: Signal<String>) -> impl IntoView {
    let providers = Resource::new(|| (), |_| sign_in_providers());
    view! {
        <Suspense fallback=|| ()>
            {move || providers.get().and_then(|r| r.ok()).filter(|p| !p.is_empty()).map(|list| view! {
                <div class="mb-6 space-y-2">
                    {list.into_iter().map(|p| {
                        let href = move || {
                            let base = format!("/api/auth/oidc/{}/authorize", p.id);
                            with_next(&base, &next.get())
                        };
                        view! {
                            <a rel="external" href=href class="flex w-full items-center justify-center rounded-md px-4 py-2 text-sm font-semibold ring-1 ring-zinc-300 hover:bg-zinc-50 dark:ring-zinc-700 dark:hover:bg-zinc-800">
                                {format!("Sign in with {}", p.name)}
                            </a>
                        }
                    }).collect_view()}
                    <p class="pt-2 text-center text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400">"or with your password"</p>
                </div>
            })}
        </Suspense>
    }
}
