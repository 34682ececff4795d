//! Class strings shared by pages, so a card or a link looks the same
//! everywhere and is changed in one place.

/// A bordered content card.
pub const CARD: &str = "rounded-lg border border-zinc-200 p-4 dark:border-zinc-800";

/// An in-app text link.
pub const LINK: &str = "font-medium text-indigo-700 hover:underline dark:text-indigo-300";

/// A primary action button (small).
pub const BUTTON: &str =
    "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500";

/// A secondary button: outlined.
pub const BUTTON_SECONDARY: &str =
    "rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800";

/// A destructive action (delete, remove, revoke).
pub const BUTTON_DANGER: &str =
    "rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 dark:text-red-300 dark:ring-red-800 dark:hover:bg-red-950";
