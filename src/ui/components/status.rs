//! One colour per status, used the same way everywhere (`UI.md`). The class
//! names are written out in full so Tailwind finds them in the source.

use crate::domain::status::ReleaseStatus;
use leptos::prelude::*;

/// Background class of the status dot / card edge.
pub fn dot_class(s: ReleaseStatus) -> &'static str {
    use ReleaseStatus::*;
    match s {
        Planning => "bg-gray-400",
        InDevelopment => "bg-blue-500",
        InReview => "bg-violet-500",
        ReadyStaging => "bg-amber-500",
        InStaging => "bg-orange-500",
        StagingVerified => "bg-teal-500",
        ReadyProduction => "bg-lime-500",
        Deployed => "bg-green-600",
        Cancelled => "bg-slate-500",
        RolledBack => "bg-red-600",
    }
}

/// Classes of a status badge (text readable in both themes).
pub fn badge_class(s: ReleaseStatus) -> &'static str {
    use ReleaseStatus::*;
    match s {
        Planning => "bg-gray-100 text-gray-800 ring-gray-300 dark:bg-gray-800 dark:text-gray-100 dark:ring-gray-600",
        InDevelopment => "bg-blue-50 text-blue-800 ring-blue-300 dark:bg-blue-950 dark:text-blue-200 dark:ring-blue-800",
        InReview => "bg-violet-50 text-violet-800 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-800",
        ReadyStaging => "bg-amber-50 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
        InStaging => "bg-orange-50 text-orange-900 ring-orange-300 dark:bg-orange-950 dark:text-orange-200 dark:ring-orange-800",
        StagingVerified => "bg-teal-50 text-teal-900 ring-teal-300 dark:bg-teal-950 dark:text-teal-200 dark:ring-teal-800",
        ReadyProduction => "bg-lime-50 text-lime-900 ring-lime-400 dark:bg-lime-950 dark:text-lime-200 dark:ring-lime-800",
        Deployed => "bg-green-50 text-green-900 ring-green-300 dark:bg-green-950 dark:text-green-200 dark:ring-green-800",
        Cancelled => "bg-slate-100 text-slate-800 ring-slate-300 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600",
        RolledBack => "bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-800",
    }
}

/// SVG fill class of the status colour (graphs).
pub fn fill_class(s: ReleaseStatus) -> &'static str {
    use ReleaseStatus::*;
    match s {
        Planning => "fill-gray-400",
        InDevelopment => "fill-blue-500",
        InReview => "fill-violet-500",
        ReadyStaging => "fill-amber-500",
        InStaging => "fill-orange-500",
        StagingVerified => "fill-teal-500",
        ReadyProduction => "fill-lime-500",
        Deployed => "fill-green-600",
        Cancelled => "fill-slate-500",
        RolledBack => "fill-red-600",
    }
}

/// A status as a coloured badge with its name in words.
#[component]
pub fn StatusBadge(status: ReleaseStatus) -> impl IntoView {
    view! {
        <span class=format!("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {}", badge_class(status))>
            <span class=format!("h-1.5 w-1.5 rounded-full {}", dot_class(status)) aria-hidden="true"></span>
            {status.label()}
        </span>
    }
}
