//! `/select-team`: pick one of your teams or create one.

use crate::serverfns::account::{get_me, CreateTeam, SelectTeam};
use crate::ui::components::form::PageTitle;
use crate::ui::components::form::{last_error, ActionError, Field, FieldErrors, Submit};
use crate::ui::components::icons::LogoMark;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::style::BUTTON_SECONDARY;
use crate::ui::components::theme_toggle::ThemeToggle;
use leptos::prelude::*;

/// The team chooser.
#[component]
pub fn SelectTeamPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let create = ServerAction::<CreateTeam>::new();
    let select = ServerAction::<SelectTeam>::new();
    view! {
        <PageTitle text="Choose a team"/>
        <div class="absolute right-4 top-4"><ThemeToggle/></div>
        <main class="mx-auto max-w-lg px-4 py-16">
            <div class="mb-8 flex items-center gap-2 font-semibold"><LogoMark class="h-8 w-8"/>"Release Coordinator"</div>
            <h1 class="text-2xl font-semibold">"Choose a team"</h1>
            <Loaded data=me skeleton="mt-6 h-24" let:me>
                {me.map(|me| {
                    if me.teams.is_empty() {
                        view! { <p class="mt-2 text-zinc-600 dark:text-zinc-400">"You are not in a team yet. Create one below, or open an invitation link someone sent you."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="mt-6 divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800" aria-label="Your teams">
                                {me.teams.into_iter().map(|t| view! {
                                    <li class="flex items-center justify-between gap-4 p-4">
                                        <span><span class="font-medium">{t.name.clone()}</span><span class="ml-2 text-sm text-zinc-500 dark:text-zinc-400">{t.role.label()}</span></span>
                                        <ActionForm action=select>
                                            <input type="hidden" name="team_id" value=t.id.to_string()/>
                                            <button type="submit" class=BUTTON_SECONDARY aria-label=format!("Open {}", t.name)>"Open"</button>
                                        </ActionForm>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Loaded>
            <section class="mt-10 rounded-xl border border-zinc-200 p-6 dark:border-zinc-800" aria-labelledby="create-team">
                <h2 id="create-team" class="mb-4 font-semibold">"Create a team"</h2>
                <ActionForm action=create attr:class="space-y-4">
                    <FieldErrors errors=last_error(create.value())>
                    <Field label="Team name" name="name" autocomplete="organization"/>
                    <ActionError result=create.value().into()/>
                    <Submit label="Create team" pending=create.pending().into()/>
                </FieldErrors>
                </ActionForm>
            </section>
        </main>
    }
}
