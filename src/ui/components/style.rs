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

/// The one call to action of a page (sign up, go to the start page).
pub const BUTTON_LARGE: &str =
    "rounded-md bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

/// A small outlined button holding an icon or an arrow (previous, next).
pub const BUTTON_ICON: &str =
    "rounded-md border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
