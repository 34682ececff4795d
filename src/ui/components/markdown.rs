//! A Markdown text field with Write / Preview: the text area stays in the
//! form (hidden while previewing, so it is still submitted), and Preview
//! shows the server's own sanitised rendering — exactly what the page will
//! show, through the same code as comments.

use crate::serverfns::releases::preview_markdown;
use crate::ui::components::form::TextArea;
use leptos::prelude::*;

const TAB: &str = "rounded px-2 py-0.5 text-xs font-medium text-zinc-600 aria-pressed:bg-zinc-200 aria-pressed:text-zinc-900 disabled:opacity-50 dark:text-zinc-300 dark:aria-pressed:bg-zinc-700 dark:aria-pressed:text-white";

/// The rendered-Markdown look (lists, code, links, tables), shared with
/// the release page's description.
pub const PROSE: &str = "rc-prose text-sm";

/// A labelled Markdown field named `name`, starting from `value`.
#[component]
pub fn MarkdownEditor(
    /// The text area's id (its `<label for>`).
    id: &'static str,
    /// The form field's name.
    name: &'static str,
    /// The label.
    label: &'static str,
    /// The text it starts with.
    #[prop(into)]
    value: String,
    /// Visible lines.
    #[prop(default = 5)]
    rows: u32,
) -> impl IntoView {
    let text = RwSignal::new(value);
    let previewing = RwSignal::new(false);
    let html = RwSignal::new(None::<Result<String, String>>);
    let hydrated = crate::ui::components::use_hydrated();
    let show = move |on: bool| {
        previewing.set(on);
        if on {
            html.set(None);
            let t = text.get_untracked();
            leptos::task::spawn_local(async move {
                let r = preview_markdown(t).await.map_err(|e| e.message);
                let _ = html.try_set(Some(r));
            });
        }
    };
    let preview_id = format!("{id}-preview");
    view! {
        <div class="space-y-1">
            <div class="flex items-center justify-between gap-2">
                <label for=id class="block text-sm font-medium">{label} " " <span class="font-normal text-zinc-500 dark:text-zinc-400">"(Markdown)"</span></label>
                <div class="flex gap-1" role="group" aria-label=format!("{label}: write or preview")>
                    <button type="button" class=TAB disabled=move || !hydrated.get()
                        aria-pressed=move || if previewing.get() { "false" } else { "true" }
                        on:click=move |_| show(false)>"Write"</button>
                    <button type="button" class=TAB disabled=move || !hydrated.get()
                        aria-controls=preview_id.clone()
                        aria-pressed=move || if previewing.get() { "true" } else { "false" }
                        on:click=move |_| show(true)>"Preview"</button>
                </div>
            </div>
            <div class:hidden=move || previewing.get()>
                <TextArea id=id name=name value=Signal::derive(move || text.get()) rows=rows
                    on_input=Callback::new(move |v: String| text.set(v))/>
            </div>
            <div id=preview_id class:hidden=move || !previewing.get()
                aria-live="polite"
                class="min-h-24 rounded-md border border-zinc-300 px-3 py-2 dark:border-zinc-700">
                {move || match html.get() {
                    None => view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"Rendering…"</p> }.into_any(),
                    Some(Ok(h)) if h.trim().is_empty() => view! { <p class="text-sm text-zinc-500 dark:text-zinc-400">"Nothing to preview."</p> }.into_any(),
                    Some(Ok(h)) => view! { <div class=PROSE data-testid="markdown-preview" inner_html=h></div> }.into_any(),
                    Some(Err(e)) => view! { <p role="alert" class="text-sm text-red-700 dark:text-red-300">{e}</p> }.into_any(),
                }}
            </div>
        </div>
    }
}
