//! Class strings shared by pages, so a card or a link looks the same
//! everywhere and is changed in one place.

/// A bordered content card.
pub const CARD: &str = "rounded-lg border border-zinc-200 p-4 dark:border-zinc-800";

/// An in-app text link.
pub const LINK: &str = "font-medium text-indigo-700 hover:underline dark:text-indigo-300";
