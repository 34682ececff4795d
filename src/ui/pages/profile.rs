//! `/settings/profile`: who you are, and changing your password (which signs
//! out your other sessions).

use crate::serverfns::account::{get_me, ChangePassword};
use crate::ui::components::form::{ActionError, Field, Submit};
use crate::ui::components::frame::AppFrame;
use leptos::prelude::*;
use leptos_meta::Title;

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <Title text="Profile"/>
        <AppFrame title="Profile">
            <div class="max-w-md space-y-10">
                <Suspense fallback=|| view! { <div class="h-16 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900"></div> }>
                    {move || me.get().and_then(|r| r.ok()).flatten().map(|me| view! {
                        <section aria-labelledby="you-h">
                            <h2 id="you-h" class="font-semibold">"You"</h2>
                            <dl class="mt-2 text-sm">
                                <dt class="text-zinc-500 dark:text-zinc-400">"Name"</dt><dd>{me.user.name.clone()}</dd>
                                <dt class="mt-2 text-zinc-500 dark:text-zinc-400">"Email"</dt><dd>{me.user.email.clone()}</dd>
                            </dl>
                        </section>
                    })}
                </Suspense>
                <section aria-labelledby="pw-h">
                    <h2 id="pw-h" class="mb-1 font-semibold">"Change password"</h2>
                    <p class="mb-4 text-sm text-zinc-600 dark:text-zinc-400">"Your other browsers and devices are signed out when you change it."</p>
                    <ActionForm action=change attr:class="space-y-4">
                        <Field label="Current password" name="current_password" kind="password" autocomplete="current-password"/>
                        <Field label="New password (at least 10 characters)" name="new_password" kind="password" autocomplete="new-password"/>
                        <ActionError result=change.value().into()/>
                        {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! {
                            <p role="status" class="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200">"Password changed. Other sessions were signed out."</p>
                        })}
                        <Submit label="Change password" pending=change.pending().into()/>
                    </ActionForm>
                </section>
            </div>
        </AppFrame>
    }
}
