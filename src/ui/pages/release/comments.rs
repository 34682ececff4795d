//! One comment on the release page.

use super::Drafts;
use crate::serverfns::releases::{DeleteComment, EditComment};
use crate::ui::components::form::{ActionError, TextArea};
use crate::ui::components::style::BUTTON;
use crate::ui::components::when::When;
use crate::views::CommentView;
use leptos::prelude::*;

/// One comment: rendered Markdown, and for its author (or an admin) an
/// editor and a delete button. Both are plain forms, so they work without
/// JavaScript; the editor is a `<details>` that stays open across refreshes.
#[component]
pub(super) fn CommentItem(
    comment: CommentView,
    can_change: bool,
    drafts: Drafts,
    edit: ServerAction<EditComment>,
    delete: ServerAction<DeleteComment>,
    /// The page's ticking clock (one for every comment).
    now: ReadSignal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let c = comment;
    let edited = c.updated_at != c.created_at;
    let author = c
        .author_name
        .clone()
        .unwrap_or_else(|| "A former member".into());
    let (cid, cid2, cid3, cid4) = (c.id.clone(), c.id.clone(), c.id.clone(), c.id.clone());
    let open = drafts.editing_comment.get_untracked().as_ref() == Some(&c.id);
    let text = drafts
        .comment_edits
        .with_untracked(|m| m.get(&c.id).cloned())
        .unwrap_or_else(|| c.body.clone());
    let rid = c.release_id.clone();
    let rid2 = c.release_id.clone();
    let area_id = format!("edit-comment-{}", c.id);
    view! {
        <li class="rounded-md border border-zinc-200 p-3 dark:border-zinc-800" aria-label=format!("Comment by {author}")>
            <p class="text-xs text-zinc-500 dark:text-zinc-400">
                {author.clone()} " · " <When at=c.created_at now=now/>
                {edited.then_some(" · edited")}
            </p>
            <div class="rc-prose mt-1 text-sm" inner_html=c.body_html.clone()></div>
            {can_change.then(|| view! {
                <div class="mt-2 flex items-start gap-3 text-xs">
                    <details class="flex-1" open=open
                        on:toggle=move |ev| {
                            #[cfg(feature = "hydrate")]
                            {
                                let open = event_target::<web_sys::HtmlElement>(&ev).has_attribute("open");
                                drafts.editing_comment.set(open.then(|| cid.clone()));
                            }
                            #[cfg(not(feature = "hydrate"))]
                            let _ = (&ev, &cid);
                        }>
                        <summary class="cursor-pointer text-indigo-700 hover:underline dark:text-indigo-300">"Edit"</summary>
                        <ActionForm action=edit attr:class="mt-2 space-y-2">
                            <input type="hidden" name="release_id" value=rid.to_string()/>
                            <input type="hidden" name="comment_id" value=cid2.to_string()/>
                            <label for=area_id.clone() class="sr-only">"Edit comment"</label>
                            <TextArea id=area_id name="body" required=true
                                value=Signal::stored(text)
                                on_input=move |v: String| drafts.comment_edits.update(|m| { m.insert(cid3.clone(), v); })/>
                            <ActionError result=edit.value().into()/>
                            <button type="submit" class=BUTTON>"Save comment"</button>
                        </ActionForm>
                    </details>
                    <ActionForm action=delete on:submit=move |ev| {
                        if !crate::ui::components::confirm("Delete this comment? This cannot be undone.") { ev.prevent_default(); }
                    }>
                        <input type="hidden" name="release_id" value=rid2.to_string()/>
                        <input type="hidden" name="comment_id" value=cid4.to_string()/>
                        <button type="submit" class="text-red-700 hover:underline dark:text-red-300">"Delete"</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}
