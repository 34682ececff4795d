//! References to external work items as people paste them: a GitHub pull
//! request (`owner/repo#42` or its URL) or a Jira key (`PROJ-123`), parsed
//! into one canonical external id.

/// A pull request reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrRef {
    /// Owner.
    pub owner: String,
    /// Repository.
    pub repo: String,
    /// Number.
    pub number: u64,
}

impl PrRef {
    /// The canonical external id, `owner/repo#42`.
    pub fn external_id(&self) -> String {
        format!("{}/{}#{}", self.owner, self.repo, self.number)
    }
}

/// A GitHub owner or repository name: letters, digits, `-`, `_`, `.`, at
/// most 100 — and never only dots (`.`/`..` would walk the API's paths).
fn name_ok(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 100
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !p.chars().all(|c| c == '.')
}

/// Parses a repository `owner/name` (the service's `githubRepo`).
pub fn parse_repo(s: &str) -> Option<(String, String)> {
    let (o, n) = s.trim().split_once('/')?;
    (name_ok(o) && name_ok(n)).then(|| (o.to_string(), n.to_string()))
}

/// The web page of a pull request, built from its validated parts — never
/// taken from what a provider or a webhook says, so a stored link can only
/// ever point at that pull request on the configured GitHub.
pub fn pull_request_url(web_base: &str, pr: &PrRef) -> String {
    format!(
        "{}/{}/{}/pull/{}",
        web_base.trim_end_matches('/'),
        pr.owner,
        pr.repo,
        pr.number
    )
}

/// The web page of a Jira issue on a site (an origin checked when the
/// connection was made): `{site}/browse/{KEY}`.
pub fn jira_issue_url(site: &str, key: &str) -> String {
    format!("{}/browse/{key}", site.trim_end_matches('/'))
}

/// Parses `owner/repo#42` or `https://github.com/owner/repo/pull/42`.
pub fn parse_pr(s: &str) -> Option<PrRef> {
    let s = s.trim();
    let (owner, repo, num) = if let Some(rest) = s
        .strip_prefix("https://github.com/")
        .or_else(|| s.strip_prefix("http://github.com/"))
    {
        let mut parts = rest.trim_end_matches('/').split('/');
        let (o, r, kind, n) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if kind != "pull" {
            return None;
        }
        (o, r, n.split(['#', '?']).next()?)
    } else {
        let (path, n) = s.split_once('#')?;
        let (o, r) = path.split_once('/')?;
        (o, r, n)
    };
    let number: u64 = num.parse().ok().filter(|n| *n > 0)?;
    (name_ok(owner) && name_ok(repo)).then(|| PrRef {
        owner: owner.to_string(),
        repo: repo.to_string(),
        number,
    })
}

/// Parses a Jira key (`PROJ-123`, case-insensitive): upper-cased.
pub fn parse_jira_key(s: &str) -> Option<String> {
    let s = s.trim().to_uppercase();
    let (p, n) = s.split_once('-')?;
    let ok = p.len() <= 20
        && p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && p.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !n.is_empty()
        && n.len() <= 10
        && n.chars().all(|c| c.is_ascii_digit());
    ok.then_some(s)
}

/// A pull request's state as items cache it — status and category at
/// once: `merged` (whatever else), `closed`, `draft` or `open`.
pub fn pr_status(merged: bool, closed: bool, draft: bool) -> &'static str {
    if merged {
        "merged"
    } else if closed {
        "closed"
    } else if draft {
        "draft"
    } else {
        "open"
    }
}

/// Whether a linked item counts as finished for a readiness gate: a Jira
/// ticket whose status category is `done`, a pull request that is merged
/// (by the state cached at its last sync).
pub fn is_finished(status_category: Option<&str>) -> bool {
    matches!(status_category, Some("done" | "merged"))
}

/// The GitHub search query for pull requests of one repository:
/// `is:pr repo:OWNER/NAME` followed by the user's words. A word that looks
/// like a qualifier (`repo:other/x`, `org:y`) is quoted into plain text —
/// GitHub ORs repeated `repo:` qualifiers, which would widen the search.
pub fn github_pr_query(repo: &str, terms: &str) -> String {
    let words: Vec<String> = terms
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.contains(':') {
                format!("\"{w}\"")
            } else {
                w
            }
        })
        .collect();
    format!("is:pr repo:{repo} {}", words.join(" "))
        .trim_end()
        .to_string()
}

/// How far a release's linked work is: tickets whose status category is
/// `done` (Jira's own category, not the status name teams rename) and pull
/// requests that are merged. A closed, unmerged pull request does not count
/// as merged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Readiness {
    /// Jira tickets in the `done` category.
    pub tickets_done: usize,
    /// Jira tickets linked.
    pub tickets: usize,
    /// Pull requests merged.
    pub prs_merged: usize,
    /// Pull requests linked.
    pub prs: usize,
}

impl Readiness {
    /// Counts `(type, status category)` pairs.
    pub fn of<'a>(
        items: impl IntoIterator<Item = (super::kinds::ItemType, Option<&'a str>)>,
    ) -> Self {
        use super::kinds::ItemType;
        let mut r = Self::default();
        for (kind, category) in items {
            match kind {
                ItemType::JiraTicket => {
                    r.tickets += 1;
                    r.tickets_done += usize::from(category == Some("done"));
                }
                ItemType::GithubPr => {
                    r.prs += 1;
                    r.prs_merged += usize::from(category == Some("merged"));
                }
            }
        }
        r
    }

    /// Everything linked is done or merged (and something is linked).
    pub fn complete(&self) -> bool {
        self.tickets + self.prs > 0
            && self.tickets_done == self.tickets
            && self.prs_merged == self.prs
    }

    /// "2 of 3 tickets done · 1 of 1 pull request merged".
    pub fn summary(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                one.to_string()
            } else {
                many.to_string()
            }
        };
        let mut parts = vec![];
        if self.tickets > 0 {
            parts.push(format!(
                "{} of {} {} done",
                self.tickets_done,
                self.tickets,
                plural(self.tickets, "ticket", "tickets")
            ));
        }
        if self.prs > 0 {
            parts.push(format!(
                "{} of {} {} merged",
                self.prs_merged,
                self.prs,
                plural(self.prs, "pull request", "pull requests")
            ));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::kinds::ItemType;

    #[test]
    fn readiness_counts_done_tickets_and_merged_pull_requests() {
        let r = Readiness::of([
            (ItemType::JiraTicket, Some("done")),
            (ItemType::JiraTicket, Some("indeterminate")),
            (ItemType::JiraTicket, None),
            (ItemType::GithubPr, Some("merged")),
            (ItemType::GithubPr, Some("closed")),
        ]);
        assert_eq!(
            r,
            Readiness {
                tickets_done: 1,
                tickets: 3,
                prs_merged: 1,
                prs: 2
            }
        );
        assert_eq!(
            r.summary(),
            "1 of 3 tickets done · 1 of 2 pull requests merged"
        );
        assert!(!r.complete());
        let done = Readiness::of([(ItemType::GithubPr, Some("merged"))]);
        assert_eq!(done.summary(), "1 of 1 pull request merged");
        assert!(done.complete());
        assert!(!Readiness::default().complete());
    }
    use super::*;

    #[test]
    fn github_queries_stay_in_the_repository() {
        assert_eq!(github_pr_query("acme/pay", ""), "is:pr repo:acme/pay");
        assert_eq!(
            github_pr_query("acme/pay", " fix  login "),
            "is:pr repo:acme/pay fix login"
        );
        assert_eq!(
            github_pr_query("acme/pay", "x repo:evil/secret \"is:issue"),
            "is:pr repo:acme/pay x \"repo:evil/secret\" \"is:issue\""
        );
    }

    #[test]
    fn pull_requests_parse_from_both_forms() {
        let want = Some(PrRef {
            owner: "acme".into(),
            repo: "pay.api".into(),
            number: 42,
        });
        assert_eq!(parse_pr("acme/pay.api#42"), want);
        assert_eq!(parse_pr(" https://github.com/acme/pay.api/pull/42/ "), want);
        assert_eq!(
            parse_pr("https://github.com/acme/pay.api/pull/42#discussion"),
            want
        );
        assert_eq!(
            parse_pr("acme/pay.api#42").unwrap().external_id(),
            "acme/pay.api#42"
        );
        for bad in [
            "acme#42",
            "acme/pay#",
            "acme/pay#0",
            "https://github.com/acme/pay/issues/4",
            "../x/y#1",
            "acme/pay#4x",
            "a b/c#1",
        ] {
            assert_eq!(parse_pr(bad), None, "{bad}");
        }
    }

    #[test]
    fn jira_keys() {
        assert_eq!(parse_jira_key("pay-123"), Some("PAY-123".into()));
        assert_eq!(parse_jira_key("PAY-12a"), None);
        assert_eq!(parse_jira_key("1PAY-1"), None);
        assert_eq!(parse_jira_key("PAY"), None);
    }
}
