//! What someone is typing on the release page, kept through its live
//! refreshes.

use crate::domain::ids::CommentId;
use leptos::prelude::*;
use std::collections::HashMap;

/// What someone is typing on the release page. Live refreshes re-render the
/// page; these survive them, so nothing typed is lost (`UI.md`).
#[derive(Clone, Copy)]
pub(super) struct Drafts {
    /// The revision the edit started from (sent with the save, so a change
    /// made meanwhile by someone else is a 409, not a silent overwrite).
    pub(super) base_revision: RwSignal<Option<i64>>,
    /// Edited fields of the details form, by input name.
    pub(super) fields: RwSignal<HashMap<String, String>>,
    /// The new comment.
    pub(super) comment: RwSignal<String>,
    /// Comment edits in progress, by comment id.
    pub(super) comment_edits: RwSignal<HashMap<CommentId, String>>,
    /// The comment whose editor is open.
    pub(super) editing_comment: RwSignal<Option<CommentId>>,
}

impl Drafts {
    pub(super) fn new() -> Self {
        Self {
            base_revision: RwSignal::new(None),
            fields: RwSignal::new(HashMap::new()),
            comment: RwSignal::new(String::new()),
            comment_edits: RwSignal::new(HashMap::new()),
            editing_comment: RwSignal::new(None),
        }
    }

    /// The value to show: what was typed, else the server's.
    pub(super) fn field(&self, name: &str, server: &str) -> String {
        self.fields
            .with_untracked(|f| f.get(name).cloned())
            .unwrap_or_else(|| server.to_string())
    }

    /// The revision to send with a save.
    pub(super) fn revision(&self, shown: i64) -> i64 {
        self.base_revision.get_untracked().unwrap_or(shown)
    }

    /// Whether the release changed under an unsaved edit.
    pub(super) fn changed_under(&self, shown: i64) -> bool {
        self.base_revision
            .get_untracked()
            .is_some_and(|base| base != shown)
    }

    pub(super) fn clear_edit(&self) {
        self.fields.set(HashMap::new());
        self.base_revision.set(None);
    }

    /// Records every keystroke of the details form (events bubble up to it).
    pub(super) fn tracker(self, shown: i64) -> impl Fn(leptos::ev::Event) + Clone + 'static {
        move |ev: leptos::ev::Event| {
            #[cfg(feature = "hydrate")]
            {
                let el = event_target::<web_sys::HtmlInputElement>(&ev);
                let (name, value) = (el.name(), el.value());
                if name.is_empty() || name == "id" || name == "revision" {
                    return;
                }
                if self.base_revision.get_untracked().is_none() {
                    self.base_revision.set(Some(shown));
                }
                self.fields.update(|f| {
                    f.insert(name, value);
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, shown);
        }
    }
}
