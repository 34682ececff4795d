//! What the planning pages show: sprints with their progress, a month of
//! the calendar.

use super::{DeploymentGroupView, SprintView, UpcomingRelease};
use serde::{Deserialize, Serialize};

/// A sprint with how far along it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintSummary {
    /// The sprint.
    pub sprint: SprintView,
    /// Releases in it.
    pub total: usize,
    /// Of which deployed.
    pub deployed: usize,
}

/// One month of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarData {
    /// `YYYY-MM`.
    pub month: String,
    /// Releases with a target date in the month.
    pub releases: Vec<UpcomingRelease>,
    /// Sprints overlapping the month.
    pub sprints: Vec<SprintView>,
    /// Deployment groups with a target date in the month.
    pub groups: Vec<DeploymentGroupView>,
}
