//! Inline SVG icons from one set, Lucide (the `icondata` crate's data,
//! rendered by [`Icon`]; the few drawn here follow its strokes). Each is
//! decorative (`aria-hidden`); the control around it carries the label.

use leptos::prelude::*;

/// A Lucide icon (`icondata::LuSearch`, …) as inline SVG, sized by
/// `class`, coloured by the text colour.
#[component]
pub fn Icon(icon: icondata::Icon, #[prop(optional, into)] class: String) -> impl IntoView {
    view! {
        <svg
            class=class
            aria-hidden="true"
            focusable="false"
            viewBox=icon.view_box.unwrap_or("0 0 24 24")
            fill=icon.fill.unwrap_or("none")
            stroke=icon.stroke.unwrap_or("currentColor")
            stroke-width=icon.stroke_width.unwrap_or("2")
            stroke-linecap=icon.stroke_linecap.unwrap_or("round")
            stroke-linejoin=icon.stroke_linejoin.unwrap_or("round")
            inner_html=icon.data
        ></svg>
    }
}

/// A moon: shown in light mode on the theme toggle.
#[component]
pub fn MoonIcon(#[prop(optional, into)] class: String) -> impl IntoView {
    view! {
        <svg class=class aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M12 3a6 6 0 0 0 9 9 9 9 0 1 1-9-9Z"/>
        </svg>
    }
}

/// A sun: shown in dark mode on the theme toggle.
#[component]
pub fn SunIcon(#[prop(optional, into)] class: String) -> impl IntoView {
    view! {
        <svg class=class aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <circle cx="12" cy="12" r="4"/>
            <path d="M12 2v2M12 20v2M4.93 4.93l1.41 1.41M17.66 17.66l1.41 1.41M2 12h2M20 12h2M6.34 17.66l-1.41 1.41M19.07 4.93l-1.41 1.41"/>
        </svg>
    }
}

/// The product mark: a rocket-ish arrow in a rounded square.
#[component]
pub fn LogoMark(#[prop(optional, into)] class: String) -> impl IntoView {
    view! {
        <svg class=class aria-hidden="true" viewBox="0 0 32 32">
            <rect width="32" height="32" rx="8" class="fill-indigo-600"/>
            <path d="M9 21l6-6 4 4 5-8" fill="none" stroke="white" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>
            <circle cx="24" cy="11" r="2" fill="white"/>
        </svg>
    }
}
