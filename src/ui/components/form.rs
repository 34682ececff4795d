//! Form pieces: labelled fields, submit buttons, error notes.

use crate::views::ApiError;
use leptos::prelude::*;

/// The classes of a full-width `<select>` in a form.
pub const SELECT: &str = "block w-full rounded-md border border-zinc-300 bg-white px-2 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/// The message of a server function error, as the user should read it.
pub fn error_text(e: &ApiError) -> String {
    e.message.clone()
}

/// A labelled input. Inside a [`FieldErrors`] scope it shows its own
/// message from the last refusal beside itself (and is marked
/// `aria-invalid`, described by that message).
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
    let error_id = StoredValue::new(format!("field-{name}-error"));
    let message = field_message(name);
    let input = NodeRef::<leptos::html::Input>::new();
    if let Some(form) = use_context::<FormErrors>() {
        form.names.update_value(|n| n.push(name));
        // The first field of the form with a message takes focus (fields
        // are created, and their effects run, in document order).
        Effect::new(move |_| {
            let current = form.errors.get();
            if message.get().is_some() && form.focused.get_value() != current {
                form.focused.set_value(current);
                #[cfg(feature = "hydrate")]
                request_animation_frame(move || {
                    if let Some(el) = input.get_untracked() {
                        let _ = el.focus();
                    }
                });
            }
        });
    }
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
                node_ref=input
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=move || message.get().map(|_| error_id.get_value())
                class="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
            />
            {move || message.get().map(|m| view! {
                <p id=error_id.get_value() class="text-sm text-red-700 dark:text-red-300">{m}</p>
            })}
        </div>
    }
}

/// The last refusal of the form a field is in ([`FieldErrors`]), the
/// names of the fields that show their own messages, and the refusal a
/// field last took focus for (each new refusal moves focus once).
#[derive(Clone, Copy)]
pub struct FormErrors {
    errors: Signal<Option<ApiError>>,
    names: StoredValue<Vec<&'static str>>,
    focused: StoredValue<Option<ApiError>>,
}

impl FormErrors {
    /// Whether every field `e` names is shown beside its field here.
    fn all_shown(&self, e: &ApiError) -> bool {
        self.names.with_value(|names| {
            e.fields
                .keys()
                .all(|k| names.iter().any(|n| *n == k || camel_case(n) == *k))
        })
    }
}

/// The message for the field `name` of the form around, if any. The API
/// names fields in camelCase (`targetDate`), forms in snake_case
/// (`target_date`): both are looked up.
pub fn field_message(name: &'static str) -> Signal<Option<String>> {
    let errors = use_context::<FormErrors>();
    Signal::derive(move || {
        let e = errors?.errors.get()?;
        e.field(name)
            .or_else(|| e.field(&camel_case(name)))
            .map(str::to_string)
    })
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The last error of a form's action, for [`FieldErrors`].
pub fn last_error<T: Clone + Send + Sync + 'static>(
    value: impl Into<Signal<Option<Result<T, ApiError>>>>,
) -> Signal<Option<ApiError>> {
    let value = value.into();
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// Scope of a form's fields: each shows its own message from `errors`, and
/// after a refusal naming fields, focus moves to the first invalid one
/// (what was typed stays where it was). Adds no element of its own, so the
/// form's layout classes keep applying to the fields.
#[component]
pub fn FieldErrors(errors: Signal<Option<ApiError>>, children: Children) -> impl IntoView {
    let form = FormErrors {
        errors,
        names: StoredValue::new(vec![]),
        focused: StoredValue::new(None),
    };
    provide_context(form);
    children()
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
    // Inside a form whose fields show their own messages, a refusal that
    // names fields is said beside them (and focus goes there), not twice.
    let form = use_context::<FormErrors>();
    move || {
        result
            .get()
            .and_then(|r| r.err())
            .filter(|e| e.fields.is_empty() || !form.is_some_and(|f| f.all_shown(e)))
            .map(|e| {
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
