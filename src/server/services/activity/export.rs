//! The audit log's export: every entry the filters match, as CSV or JSON
//! Lines, streamed in batches (any size, never all in memory).

use super::{read_page, ActivityFilter};
use crate::server::access::TeamContext;
use crate::server::error::{AppError, AppResult};
use crate::server::state::AppState;
use crate::views::ActivityView;
use sea_orm::Condition;

/// The formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values with a header row (RFC 4180).
    Csv,
    /// One JSON object per line, as the API shows an entry.
    JsonLines,
}

impl ExportFormat {
    /// `csv` or `jsonl`; anything else is a 400.
    pub fn parse(v: Option<&str>) -> AppResult<Self> {
        match v.map(str::trim) {
            Some("csv") => Ok(Self::Csv),
            Some("jsonl") => Ok(Self::JsonLines),
            _ => Err(AppError::invalid_field(
                "format",
                "format must be csv or jsonl",
            )),
        }
    }

    /// The media type of the download.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::JsonLines => "application/x-ndjson",
        }
    }

    /// The download's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Csv => "activity.csv",
            Self::JsonLines => "activity.jsonl",
        }
    }
}

/// How many entries the export reads at a time.
const EXPORT_BATCH: u64 = 500;

/// The columns of the CSV export.
const CSV_HEADER: [&str; 11] = [
    "id",
    "createdAt",
    "type",
    "action",
    "actorId",
    "actorName",
    "resourceType",
    "resourceId",
    "releaseId",
    "description",
    "changes",
];

/// A spreadsheet reads a cell starting with `=`, `+`, `-`, `@` or a tab as
/// a formula: such cells get a leading `'` (OWASP's CSV-injection advice).
fn cell(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

/// Entries as export lines (a CSV row or a JSON line each).
fn encode(format: ExportFormat, items: &[ActivityView], header: bool) -> AppResult<Vec<u8>> {
    match format {
        ExportFormat::JsonLines => {
            let mut out = vec![];
            for a in items {
                serde_json::to_writer(&mut out, a)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
                out.push(b'\n');
            }
            Ok(out)
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(vec![]);
            let internal = |e: csv::Error| AppError::Internal(anyhow::anyhow!(e));
            if header {
                w.write_record(CSV_HEADER).map_err(internal)?;
            }
            for a in items {
                let changes = if a.changes.is_empty() {
                    String::new()
                } else {
                    serde_json::to_string(&a.changes).unwrap_or_default()
                };
                w.write_record([
                    a.id.to_string(),
                    a.created_at.to_string(),
                    a.activity_type.to_string(),
                    cell(&a.action),
                    a.actor_id
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    cell(a.actor_name.as_deref().unwrap_or_default()),
                    a.resource_type.map(|r| r.to_string()).unwrap_or_default(),
                    cell(a.resource_id.as_deref().unwrap_or_default()),
                    a.release_id
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    cell(&a.description),
                    cell(&changes),
                ])
                .map_err(internal)?;
            }
            w.into_inner()
                .map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))
        }
    }
}

/// Where an export is: the cursor after the last entry sent, whether the
/// next batch is the first (it carries the CSV header), and whether the
/// log is exhausted.
type ExportAt = (Option<String>, bool, bool);

/// The next batch of an export, encoded; `None` once the log is exhausted.
async fn next_batch(
    state: AppState,
    ctx: TeamContext,
    cond: Condition,
    format: ExportFormat,
    (cursor, first, done): ExportAt,
) -> AppResult<Option<(Vec<u8>, ExportAt)>> {
    if done {
        return Ok(None);
    }
    let items = read_page(&state.db, &ctx, cond, cursor.as_deref(), EXPORT_BATCH).await?;
    let last = items.last().map(|a| a.id.to_string());
    let finished = (items.len() as u64) < EXPORT_BATCH;
    let chunk = encode(format, &items, first)?;
    Ok(Some((chunk, (last, false, finished))))
}

/// The whole filtered log as a stream of export chunks, newest first, read
/// a batch at a time (memory stays flat whatever its size). The filters are
/// checked before the first byte, so a bad one is a plain 400.
pub fn export(
    state: &AppState,
    ctx: &TeamContext,
    filter: &ActivityFilter,
    format: ExportFormat,
) -> AppResult<impl futures::Stream<Item = AppResult<Vec<u8>>> + Send + 'static> {
    let cond = filter.condition()?;
    let (state, ctx) = (state.clone(), ctx.clone());
    Ok(futures::stream::try_unfold(
        (None, true, false),
        move |at: ExportAt| next_batch(state.clone(), ctx.clone(), cond.clone(), format, at),
    ))
}
