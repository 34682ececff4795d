//! `/dashboard` (where releases stand, and the four DORA figures with how
//! each is computed, charts drawn as SVG by the app) and `/calendar` (a
//! month of target dates, sprint spans and group target dates).

use crate::domain::metrics::{Figure, WeekPoint};
use crate::domain::status::ReleaseStatus;
use crate::serverfns::dashboard::{calendar_month, load_dashboard};
use crate::ui::components::form::PageTitle;
use crate::ui::components::loaded::Loaded;
use crate::ui::components::status::dot_class;
use crate::ui::components::status::StatusBadge;
use crate::ui::components::style::{BUTTON_ICON, BUTTON_SECONDARY, CARD, LINK};
use crate::ui::pages::sprints::Progress;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn fmt_figure(f: &Figure) -> String {
    match f.value {
        None => "—".into(),
        Some(v) if f.unit == "ratio" => format!("{:.0} %", v * 100.0),
        Some(v) if f.unit == "hours" && v >= 48.0 => format!("{:.1} days", v / 24.0),
        Some(v) if f.unit == "hours" => format!("{v:.1} h"),
        Some(v) => format!("{v:.1} {}", f.unit),
    }
}

#[component]
fn Tile(
    label: &'static str,
    value: String,
    #[prop(optional)] href: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class=CARD>
            <p class="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{label}</p>
            <p class="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
            {href.map(|h| view! { <a class=format!("text-xs {LINK}") href=h>"Open"</a> })}
        </div>
    }
}

#[component]
fn Dora(title: &'static str, figure: Figure, testid: &'static str) -> impl IntoView {
    let extra = figure.p90.map(|p| {
        if p >= 48.0 {
            format!("p90 {:.1} days", p / 24.0)
        } else {
            format!("p90 {p:.1} h")
        }
    });
    view! {
        <div class=CARD data-testid=testid>
            <p class="text-sm font-medium">{title}</p>
            <p class="mt-1 text-2xl font-semibold tabular-nums">{fmt_figure(&figure)}</p>
            <p class="text-xs text-zinc-600 dark:text-zinc-400">
                {extra.map(|e| format!("{e} · "))}
                {format!("from {} event{}", figure.sample, if figure.sample == 1 { "" } else { "s" })}
            </p>
            <p class="mt-2 text-xs text-zinc-500 dark:text-zinc-400">{figure.definition.clone()}</p>
        </div>
    }
}

/// Deployments per week, as bars.
#[component]
fn DeployChart(weeks: Vec<WeekPoint>) -> impl IntoView {
    let (w, h, pad) = (600.0f64, 160.0f64, 24.0f64);
    let max = weeks
        .iter()
        .map(|p| p.deployments)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = weeks.len().max(1) as f64;
    let bw = (w - pad * 2.0) / n;
    let summary = format!(
        "Deployments per week: {}",
        weeks
            .iter()
            .map(|p| format!("week of {} {}", p.week_start, p.deployments))
            .collect::<Vec<_>>()
            .join(", ")
    );
    view! {
        <svg viewBox=format!("0 0 {w} {h}") class="h-40 w-full" role="img" aria-label=summary>
            <line x1=pad y1=h - pad x2=w - pad y2=h - pad class="stroke-zinc-300 dark:stroke-zinc-700"/>
            {weeks.iter().enumerate().map(|(i, p)| {
                let bh = (h - pad * 2.0) * p.deployments as f64 / max;
                let x = pad + i as f64 * bw + bw * 0.15;
                view! {
                    <g>
                        <rect x=x y=h - pad - bh width=bw * 0.7 height=bh rx="2" class="fill-indigo-500"><title>{format!("{}: {} deployments", p.week_start, p.deployments)}</title></rect>
                        <text x=x + bw * 0.35 y=h - pad - bh - 4.0 text-anchor="middle" class="fill-zinc-600 text-[10px] dark:fill-zinc-300">{p.deployments}</text>
                        <text x=x + bw * 0.35 y=h - 8.0 text-anchor="middle" class="fill-zinc-500 text-[9px] dark:fill-zinc-400">{p.week_start.get(5..).unwrap_or_default().to_string()}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// Median lead time per week, as a line (weeks without deployments skipped).
#[component]
fn LeadChart(weeks: Vec<WeekPoint>) -> impl IntoView {
    let (w, h, pad) = (600.0f64, 160.0f64, 24.0f64);
    let max = weeks
        .iter()
        .filter_map(|p| p.median_lead_time_hours)
        .fold(1.0f64, f64::max);
    let n = weeks.len().max(2) as f64;
    let pts: Vec<(f64, f64, &WeekPoint)> = weeks
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let v = p.median_lead_time_hours?;
            Some((
                pad + i as f64 * (w - pad * 2.0) / (n - 1.0),
                h - pad - (h - pad * 2.0) * v / max,
                p,
            ))
        })
        .collect();
    let path = pts
        .iter()
        .enumerate()
        .map(|(i, (x, y, _))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }))
        .collect::<String>();
    let summary = format!(
        "Median lead time per week: {}",
        pts.iter()
            .map(|(_, _, p)| format!(
                "week of {} {:.1} hours",
                p.week_start,
                p.median_lead_time_hours.unwrap_or(0.0)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    view! {
        <svg viewBox=format!("0 0 {w} {h}") class="h-40 w-full" role="img" aria-label=summary>
            <line x1=pad y1=h - pad x2=w - pad y2=h - pad class="stroke-zinc-300 dark:stroke-zinc-700"/>
            <text x=pad y=pad - 8.0 class="fill-zinc-500 text-[10px] dark:fill-zinc-400">{format!("max {:.0} h", max)}</text>
            <path d=path fill="none" class="stroke-teal-600" stroke-width="2"/>
            {pts.iter().map(|(x, y, p)| view! {
                <circle cx=*x cy=*y r="3" class="fill-teal-600"><title>{format!("{}: {:.1} h", p.week_start, p.median_lead_time_hours.unwrap_or(0.0))}</title></circle>
            }).collect_view()}
        </svg>
    }
}

/// `/dashboard?days=`
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let days = move || {
        query
            .with(|q| q.get("days"))
            .and_then(|d| d.parse::<i64>().ok())
            .unwrap_or(30)
    };
    let live = crate::ui::components::live::use_live();
    let data = Resource::new(
        move || (days(), live.tick.get()),
        |(d, _)| load_dashboard(d),
    );
    view! {
        <PageTitle text="Dashboard"/>
            <Loaded data=data skeleton="h-60" let:s>
                {
                    {
                        let max_count = s.counts_by_status.values().copied().max().unwrap_or(0).max(1);
                        let today = chrono::Utc::now().date_naive();
                        view! {
                            <div class="max-w-6xl space-y-8">
                                <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                                    <Tile label="Blocked" value=s.blocked.to_string() href="/blocked"/>
                                    <Tile label="Ready for staging" value=s.ready_for_staging.to_string() href="/deploy-queue"/>
                                    <Tile label="Ready for production" value=s.ready_for_production.to_string() href="/deploy-queue"/>
                                    <Tile label="Deployed this week" value=s.deployed_this_week.to_string()/>
                                </div>
                                <section aria-labelledby="dora-h" class="space-y-3">
                                    <div class="flex flex-wrap items-end justify-between gap-3">
                                        <h2 id="dora-h" class="text-lg font-semibold">"Delivery (DORA) over the last " {s.days} " days"</h2>
                                        <form method="get" action="/dashboard" class="flex items-end gap-2">
                                            <label for="days" class="text-sm">"Window"</label>
                                            <select id="days" name="days" class="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900">
                                                {[7i64, 30, 90, 180, 365].into_iter().map(|d| view! { <option value=d.to_string() selected=d == s.days>{format!("{d} days")}</option> }).collect_view()}
                                            </select>
                                            <button type="submit" class=BUTTON_SECONDARY>"Show"</button>
                                        </form>
                                    </div>
                                    <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                                        <Dora title="Deployment frequency" figure=s.deployment_frequency.clone() testid="dora-frequency"/>
                                        <Dora title="Lead time for changes" figure=s.lead_time.clone() testid="dora-lead-time"/>
                                        <Dora title="Change failure rate" figure=s.change_failure_rate.clone() testid="dora-failure-rate"/>
                                        <Dora title="Time to restore" figure=s.time_to_restore.clone() testid="dora-restore"/>
                                    </div>
                                    <div class="grid gap-3 lg:grid-cols-2">
                                        <figure class=CARD><figcaption class="mb-2 text-sm font-medium">"Deployments per week"</figcaption><DeployChart weeks=s.weekly.clone()/></figure>
                                        <figure class=CARD><figcaption class="mb-2 text-sm font-medium">"Median lead time per week"</figcaption><LeadChart weeks=s.weekly.clone()/></figure>
                                    </div>
                                </section>
                                <div class="grid gap-6 lg:grid-cols-3">
                                    <section aria-labelledby="status-h" class=CARD>
                                        <h2 id="status-h" class="mb-3 font-semibold">"Releases by status"</h2>
                                        <ul class="space-y-1.5 text-sm" aria-label="Releases by status">
                                            {ReleaseStatus::ALL.into_iter().map(|st| {
                                                let n = s.counts_by_status.get(st.as_str()).copied().unwrap_or(0);
                                                view! {
                                                    <li class="flex items-center gap-2">
                                                        <span class="w-36 shrink-0">{st.label()}</span>
                                                        <span class="h-2 flex-1 rounded-full bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
                                                            <span class=format!("block h-2 rounded-full {}", dot_class(st)) style=format!("width: {}%", n * 100 / max_count)></span>
                                                        </span>
                                                        <span class="w-10 text-right tabular-nums">{n}</span>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                    <section aria-labelledby="sprint-h" class=CARD>
                                        <h2 id="sprint-h" class="mb-3 font-semibold">"Active sprint"</h2>
                                        {match s.active_sprint.clone() {
                                            None => view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">"No active sprint. " <a class=LINK href="/sprints">"Sprints"</a></p> }.into_any(),
                                            Some(a) => view! {
                                                <a class=LINK href=format!("/sprints/{}", a.sprint.id)>{a.sprint.name.clone()}</a>
                                                <p class="mb-2 text-xs text-zinc-600 dark:text-zinc-400"><crate::ui::components::when::Day date=a.sprint.start_date/> " → " <crate::ui::components::when::Day date=a.sprint.end_date/></p>
                                                <Progress deployed=a.deployed as usize total=a.total as usize label="Active sprint progress".to_string()/>
                                            }.into_any(),
                                        }}
                                    </section>
                                    <section aria-labelledby="upcoming-h" class=CARD>
                                        <h2 id="upcoming-h" class="mb-3 font-semibold">"Due soon or overdue"</h2>
                                        {if s.upcoming.is_empty() {
                                            view! { <p class="text-sm text-zinc-600 dark:text-zinc-400">"Nothing due."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ul class="space-y-2 text-sm" aria-label="Upcoming">
                                                    {s.upcoming.iter().map(|u| view! {
                                                        <li>
                                                            <a class=LINK href=format!("/releases/{}", u.id)>{u.title.clone()} " " {u.version.clone()}</a>
                                                            <p class="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
                                                                <span class=if u.target_date < today { "font-medium text-red-700 dark:text-red-300" } else { "" }><crate::ui::components::when::Day date=u.target_date/>{(u.target_date < today).then_some(" · overdue")}</span>
                                                                <StatusBadge status=u.status/>
                                                            </p>
                                                        </li>
                                                    }).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </section>
                                </div>
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
    }
}

/// `/calendar?month=YYYY-MM`
#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let month = move || query.with(|q| q.get("month").unwrap_or_default());
    let live = crate::ui::components::live::use_live();
    let data = Resource::new(
        move || (month(), live.tick.get()),
        |(m, _)| calendar_month(m),
    );
    view! {
        <PageTitle text="Calendar"/>
            <Loaded data=data skeleton="h-96" let:c>
                {
                    {
                        let first = NaiveDate::parse_from_str(&format!("{}-01", c.month), "%Y-%m-%d").unwrap_or_default();
                        let prev = first.checked_sub_months(chrono::Months::new(1)).unwrap_or(first).format("%Y-%m").to_string();
                        let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first).format("%Y-%m").to_string();
                        let today = chrono::Utc::now().date_naive();
                        // Weeks start on Monday: pad before the 1st.
                        let lead = first.weekday().num_days_from_monday() as i64;
                        let start = first - chrono::Duration::days(lead);
                        let days: Vec<NaiveDate> = (0..42).map(|i| start + chrono::Duration::days(i)).collect();
                        let weeks: Vec<Vec<NaiveDate>> = days.chunks(7).map(|w| w.to_vec()).filter(|w| w.iter().any(|d| d.month() == first.month())).collect();
                        view! {
                            <div class="max-w-6xl space-y-4">
                                <div class="flex items-center gap-3">
                                    <a class=BUTTON_ICON href=format!("/calendar?month={prev}") aria-label="Previous month">"←"</a>
                                    <h2 class="text-lg font-semibold" data-testid="calendar-month">{first.format("%B %Y").to_string()}</h2>
                                    <a class=BUTTON_ICON href=format!("/calendar?month={next}") aria-label="Next month">"→"</a>
                                    <a class=format!("text-sm {LINK}") href="/calendar">"Today"</a>
                                </div>
                                <table class="w-full table-fixed border-collapse text-xs">
                                    <thead><tr>{["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].into_iter().map(|d| view! { <th scope="col" class="py-1 text-left font-medium text-zinc-500 dark:text-zinc-400">{d}</th> }).collect_view()}</tr></thead>
                                    <tbody>
                                        {weeks.into_iter().map(|week| view! {
                                            <tr>
                                                {week.into_iter().map(|d| {
                                                    let iso = d.format("%Y-%m-%d").to_string();
                                                    let in_month = d.month() == first.month();
                                                    let sprints: Vec<_> = c.sprints.iter().filter(|s| s.start_date <= d && d <= s.end_date).cloned().collect();
                                                    let rels: Vec<_> = c.releases.iter().filter(|r| r.target_date == d).cloned().collect();
                                                    let groups: Vec<_> = c.groups.iter().filter(|g| g.target_date == Some(d)).cloned().collect();
                                                    // A freeze shows on each day (UTC) it holds.
                                                    let (day_start, day_end) = (d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(), d.succ_opt().unwrap_or(d).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
                                                    let frozen: Vec<_> = c.freezes.iter().filter(|f| f.start.at() < day_end && f.end.is_none_or(|e| e.at() > day_start)).cloned().collect();
                                                    view! {
                                                        <td class=format!("h-28 border border-zinc-200 p-1 align-top dark:border-zinc-800 {}", if in_month { "" } else { "bg-zinc-50 text-zinc-600 dark:bg-zinc-900/50 dark:text-zinc-400" })
                                                            data-date=iso.clone() aria-label=d.format("%A %-d %B").to_string()>
                                                            <p class=if d == today { "mb-1 inline-block rounded-full bg-indigo-600 px-1.5 font-semibold text-white" } else { "mb-1 font-medium" }>{d.day()}</p>
                                                            <ul class="space-y-0.5">
                                                                {frozen.into_iter().map(|f| view! {
                                                                    <li><a href="/settings/policy" class="block truncate rounded bg-sky-100 px-1 text-sky-900 hover:underline dark:bg-sky-950 dark:text-sky-100"
                                                                        title=format!("Freeze {}: {} UTC → {}", f.name, f.start.minute(), f.end.map(|e| format!("{} UTC", e.minute())).unwrap_or_else(|| "until lifted".into()))>"❄ " {f.name.clone()}</a></li>
                                                                }).collect_view()}
                                                                {sprints.into_iter().map(|s| view! {
                                                                    <li><a href=format!("/sprints/{}", s.id) class="block truncate rounded bg-indigo-100 px-1 text-indigo-900 hover:underline dark:bg-indigo-950 dark:text-indigo-200" title=format!("Sprint {}", s.name)>{s.name.clone()}</a></li>
                                                                }).collect_view()}
                                                                {groups.into_iter().map(|g| view! {
                                                                    <li><a href=format!("/deployment-groups/{}", g.id) class="block truncate rounded bg-amber-100 px-1 text-amber-900 hover:underline dark:bg-amber-950 dark:text-amber-200" title=format!("Deployment group {}", g.name)>"Group: " {g.name.clone()}</a></li>
                                                                }).collect_view()}
                                                                {rels.into_iter().map(|r| view! {
                                                                    <li class="flex items-center gap-1 truncate">
                                                                        <span class=format!("h-1.5 w-1.5 shrink-0 rounded-full {}", dot_class(r.status)) aria-hidden="true"></span>
                                                                        <a href=format!("/releases/{}", r.id) class="truncate hover:underline" title=format!("{} {} · {} · {}", r.title, r.version, r.service_name, r.status.label())>{r.title.clone()} " " {r.version.clone()}</a>
                                                                    </li>
                                                                }).collect_view()}
                                                            </ul>
                                                        </td>
                                                    }
                                                }).collect_view()}
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <p class="text-xs text-zinc-500 dark:text-zinc-400">"Freezes in blue (by UTC day), sprints in indigo, deployment groups in amber, releases by target date with their status colour."</p>
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
    }
}
