//! Form pieces: labelled fields, submit buttons, error notes.

use crate::views::ApiError;
use leptos::prelude::*;

/// The message of a server function error, as the user should read it.
pub fn error_text(e: &ApiError) -> String {
    e.message.clone()
}

/// A labelled input.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div class="space-y-1">
            <label for=id.clone() class="block text-sm font-medium text-zinc-800 dark:text-zinc-200">{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                required=required
                autocomplete=autocomplete
                class="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700 dark:bg-zinc-900"
            />
        </div>
    }
}

/// A primary submit button that shows when its action is pending.
#[component]
pub fn Submit(label: &'static str, pending: Signal<bool>) -> impl IntoView {
    view! {
        <button
            type="submit"
            disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()
            class="inline-flex w-full items-center justify-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
        >
            {move || if pending.get() { "Working…" } else { label }}
        </button>
    }
}

/// Shows the error of the last run of an action, announced to screen readers.
#[component]
pub fn ActionError<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, ApiError>>>,
) -> impl IntoView {
    move || {
        result.get().and_then(|r| r.err()).map(|e| {
            view! {
                <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
                    {error_text(&e)}
                </p>
            }
        })
    }
}

/// Text for a raw-text context on the server. Leptos writes the children of
/// `<textarea>` (and `<title>`) to the HTML unescaped, so user text there
/// could close the element and open markup of its own. On the server this
/// escapes `&`, `<` and `>` (the browser decodes them back into the same
/// text); in the browser text becomes a DOM text node, which is never
/// parsed, so it is left as it is.
pub fn raw_text_safe(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(&text).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// The one way to render a `<textarea>`: its text is escaped on the server
/// by construction ([`raw_text_safe`]) and follows `value` after hydration.
/// A test scans `src/ui` so that no page writes a `<textarea>` of its own.
#[component]
pub fn TextArea(
    /// The element id (for its `<label for>`).
    #[prop(into)]
    id: String,
    /// The form field name.
    name: &'static str,
    /// The text shown; kept in the element after hydration.
    #[prop(into)]
    value: Signal<String>,
    /// Visible lines.
    #[prop(default = 3)]
    rows: u32,
    /// Whether the form needs it.
    #[prop(default = false)]
    required: bool,
    /// Called with the new text on every keystroke.
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let initial = raw_text_safe(value.get_untracked());
    view! {
        <textarea id=id name=name rows=rows required=required
            prop:value=move || value.get()
            on:input=move |ev| {
                if let Some(cb) = on_input {
                    cb.run(event_target_value(&ev));
                }
            }
            class="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900">{initial}</textarea>
    }
}

/// The page's `<title>`. `leptos_meta` writes the title unescaped on the
/// server, so the text goes through [`raw_text_safe`]; pages use this, never
/// `leptos_meta::Title` directly (the same source scan checks it).
#[component]
pub fn PageTitle(
    /// The page's name ("Board"); the app adds "· Release Coordinator".
    #[prop(into)]
    text: String,
) -> impl IntoView {
    view! { <leptos_meta::Title text=raw_text_safe(text)/> }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::raw_text_safe;

    #[test]
    fn raw_text_is_escaped_on_the_server() {
        let out = raw_text_safe("</textarea><img src=x onerror=alert(1)> & co".into());
        assert_eq!(
            out,
            "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co"
        );
    }

    /// Raw-text elements written by hand would bypass the escaping above:
    /// only this file may write `<textarea>` or use `leptos_meta`'s `Title`,
    /// and inline `<script>`/`<style>` exist only as constants in `app.rs`.
    #[test]
    fn raw_text_elements_go_through_the_safe_components() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut offenders = vec![];
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.display().to_string();
                let is = |suffix: &str| name.ends_with(suffix);
                for (needle, allowed_in) in [
                    ("<textarea", "components/form.rs"),
                    ("<Title", "app.rs"),
                    ("<script", "app.rs"),
                    ("<style", "-"),
                    ("<noscript", "-"),
                ] {
                    if text.contains(needle) && !is(allowed_in) && !is("components/form.rs") {
                        offenders.push(format!("{name}: {needle}"));
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
    }
}
