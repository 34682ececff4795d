//! `/sign-in` and `/sign-up`. Plain forms posting to server functions, so
//! they work before (and without) hydration; errors show next to the form.

use crate::serverfns::account::{SignIn, SignUp};
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
            <ActionForm action=action attr:class="space-y-4">
                <FieldErrors errors=last_error(action.value())>
                <input type="hidden" name="next" value=next/>
                <Field label="Email" name="email" kind="email" autocomplete="email"/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password"/>
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
