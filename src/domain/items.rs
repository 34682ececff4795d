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

fn name_ok(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 100
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
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

#[cfg(test)]
mod tests {
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
