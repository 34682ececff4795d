//! Building the JQL of a Jira search safely (`EXTERNAL-APIS.md`, "JQL
//! strings"; `API.md`, `/api/integrations/jira/search`).
//!
//! - Plain text (`q`) only ever becomes one quoted JQL string, with `\` and
//!   `"` escaped, so a quote, `OR` or parenthesis in it is text, not syntax.
//!   Text that is an issue key (`PAY-12`) searches that key.
//! - The user's own JQL (`jql`) is wrapped in parentheses and ANDed with the
//!   project restriction. Parentheses that close early (`x) OR (y`) would
//!   escape the wrapping, so JQL whose parentheses do not balance outside
//!   strings is refused; a trailing `ORDER BY` is kept outside the wrapping.
//! - Project keys are validated (`[A-Z][A-Z0-9_]+`), never quoted.
//! - Jira refuses unbounded queries, and so do we: there is always a
//!   project, unless the text is itself a key.

use super::items::parse_jira_key;
use super::DomainError;

/// `"…"` with `\` and `"` escaped: always exactly one JQL string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            // Line breaks are not meaningful in a search; keep the literal on one line.
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `key` is a Jira project key (`PAY`, `CORE_2`).
pub fn valid_project_key(key: &str) -> bool {
    let mut chars = key.chars();
    key.len() >= 2
        && key.len() <= 20
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// One lexical piece of JQL, as far as this module needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// A quoted string, unescaped.
    Str(String),
    /// Anything else between separators (words, operators, commas).
    Word(String),
}

/// Splits JQL into tokens: quoted strings (`"…"` or `'…'`, with backslash
/// escapes), parentheses and words. `None` when a string is not closed.
pub fn tokens(jql: &str) -> Option<Vec<Token>> {
    let mut out = vec![];
    let mut chars = jql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                flush(&mut word, &mut out);
                let mut s = String::new();
                let mut closed = false;
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => s.push(chars.next()?),
                        d if d == c => {
                            closed = true;
                            break;
                        }
                        d => s.push(d),
                    }
                }
                if !closed {
                    return None;
                }
                out.push(Token::Str(s));
            }
            '(' => {
                flush(&mut word, &mut out);
                out.push(Token::Open);
            }
            ')' => {
                flush(&mut word, &mut out);
                out.push(Token::Close);
            }
            c if c.is_whitespace() => flush(&mut word, &mut out),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    Some(out)
}

/// Splits user JQL into its condition and an optional `ORDER BY …` tail,
/// refusing anything whose parentheses or strings do not balance.
fn split_user_jql(jql: &str) -> Result<(String, Option<String>), DomainError> {
    let bad = |m: &str| DomainError::invalid("jql", m.to_string());
    let toks = tokens(jql).ok_or_else(|| bad("the JQL has a string that is not closed"))?;
    let mut depth = 0i32;
    for t in &toks {
        match t {
            Token::Open => depth += 1,
            Token::Close => {
                depth -= 1;
                if depth < 0 {
                    return Err(bad("the JQL closes a parenthesis it never opened"));
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(bad("the JQL leaves a parenthesis open"));
    }
    // Find `ORDER BY` outside strings and parentheses, by byte position in
    // the original text: scan with the same quoting rules.
    let lower = jql.to_ascii_lowercase();
    let bytes = jql.as_bytes();
    let (mut i, mut depth, mut quote_char) = (0usize, 0i32, None::<u8>);
    while i < bytes.len() {
        let b = bytes[i];
        match quote_char {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote_char = None;
                }
            }
            None => match b {
                b'"' | b'\'' => quote_char = Some(b),
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ if depth == 0
                    && lower.as_bytes()[i..].starts_with(b"order")
                    && (i == 0 || bytes[i - 1].is_ascii_whitespace()) =>
                {
                    let rest = lower[i + 5..].trim_start();
                    if let Some(after) = rest.strip_prefix("by") {
                        if after.starts_with(char::is_whitespace) {
                            let order = jql[i..].trim().to_string();
                            let ok = order
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || " ,._-\"".contains(c));
                            if !ok {
                                return Err(bad("ORDER BY may only name fields and ASC/DESC"));
                            }
                            let cond = jql[..i].trim().to_string();
                            return Ok((cond, Some(order)));
                        }
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    Ok((jql.trim().to_string(), None))
}

/// The JQL for a search: `project = KEY AND (…)` where `…` is the quoted
/// text, the key, or the user's JQL. Errors name the parameter at fault.
pub fn build_search(
    project: Option<&str>,
    q: Option<&str>,
    jql: Option<&str>,
) -> Result<String, DomainError> {
    let q = q.map(str::trim).filter(|s| !s.is_empty());
    let jql = jql.map(str::trim).filter(|s| !s.is_empty());
    if let Some(p) = project {
        if !valid_project_key(p) {
            return Err(DomainError::invalid(
                "project",
                "a Jira project key looks like PAY or CORE_2",
            ));
        }
    }
    if q.is_some_and(|q| q.chars().count() > 200) || jql.is_some_and(|j| j.chars().count() > 2000) {
        return Err(DomainError::invalid("q", "the search is too long"));
    }
    let key = q.and_then(parse_jira_key);
    let mut conds: Vec<String> = vec![];
    if let Some(p) = project {
        conds.push(format!("project = {p}"));
    }
    match (&key, q) {
        (Some(k), _) => conds.push(format!("key = {k}")),
        (None, Some(text)) => conds.push(format!("text ~ {}", quote(text))),
        _ => {}
    }
    let mut order = None;
    if let Some(j) = jql {
        let (cond, o) = split_user_jql(j)?;
        if !cond.is_empty() {
            conds.push(format!("({cond})"));
        }
        order = o;
    }
    if project.is_none() && key.is_none() {
        return Err(DomainError::invalid(
            "project",
            "choose a Jira project (the service has none) or search for an issue key",
        ));
    }
    let mut out = conds.join(" AND ");
    out.push_str(&format!(
        " {}",
        order.unwrap_or_else(|| "ORDER BY updated DESC".into())
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_one_quoted_string() {
        assert_eq!(
            build_search(Some("PAY"), Some("login fails"), None).unwrap(),
            "project = PAY AND text ~ \"login fails\" ORDER BY updated DESC"
        );
        assert_eq!(
            build_search(
                Some("PAY"),
                Some(r#"x" OR project = SECRET OR text ~ "y"#),
                None
            )
            .unwrap(),
            r#"project = PAY AND text ~ "x\" OR project = SECRET OR text ~ \"y" ORDER BY updated DESC"#
        );
        assert_eq!(
            build_search(Some("PAY"), Some(r"a\"), None).unwrap(),
            r#"project = PAY AND text ~ "a\\" ORDER BY updated DESC"#
        );
    }

    #[test]
    fn a_key_searches_the_key_even_without_a_project() {
        assert_eq!(
            build_search(None, Some("pay-12"), None).unwrap(),
            "key = PAY-12 ORDER BY updated DESC"
        );
        assert!(build_search(None, Some("login"), None).is_err());
        assert!(build_search(None, None, Some("status = Done")).is_err());
    }

    #[test]
    fn user_jql_is_wrapped_and_cannot_escape() {
        assert_eq!(
            build_search(
                Some("PAY"),
                None,
                Some("status = Done OR assignee = currentUser()")
            )
            .unwrap(),
            "project = PAY AND (status = Done OR assignee = currentUser()) ORDER BY updated DESC"
        );
        assert_eq!(
            build_search(
                Some("PAY"),
                None,
                Some("status = Done order by created ASC")
            )
            .unwrap(),
            "project = PAY AND (status = Done) order by created ASC"
        );
        assert_eq!(
            build_search(Some("PAY"), None, Some("summary ~ \"order by (\"")).unwrap(),
            "project = PAY AND (summary ~ \"order by (\") ORDER BY updated DESC"
        );
        for bad in [
            "status = Done) OR (project = SECRET",
            "status = Done) OR project = SECRET OR (x = 1",
            "(status = Done",
            "summary ~ \"open",
            "status = Done ORDER BY created, (project = SECRET)",
        ] {
            assert!(build_search(Some("PAY"), None, Some(bad)).is_err(), "{bad}");
        }
        assert!(build_search(Some("pay"), Some("x"), None).is_err());
        assert!(build_search(Some("PAY\" OR x"), Some("x"), None).is_err());
    }

    /// The top level of a built query is `project = P AND …`: every other
    /// condition sits inside a string or a parenthesised group, so nothing
    /// can be ORed with the project restriction.
    fn restricted_to(jql: &str, project: &str) -> bool {
        let Some(toks) = tokens(jql) else {
            return false;
        };
        if toks.get(..3)
            != Some(&[
                Token::Word("project".into()),
                Token::Word("=".into()),
                Token::Word(project.into()),
            ])
        {
            return false;
        }
        let mut depth = 0;
        for t in &toks[3..] {
            match t {
                Token::Open => depth += 1,
                Token::Close => depth -= 1,
                Token::Word(w) if depth == 0 && w.eq_ignore_ascii_case("or") => return false,
                Token::Word(w) if depth == 0 && w.eq_ignore_ascii_case("order") => break,
                _ => {}
            }
            if depth < 0 {
                return false;
            }
        }
        depth == 0
    }

    proptest! {
        #[test]
        fn quoted_text_round_trips_as_one_string(text in ".{0,60}") {
            let toks = tokens(&quote(&text)).expect("closed");
            let want = text.replace(['\n', '\r', '\t'], " ");
            prop_assert_eq!(toks, vec![Token::Str(want)]);
        }

        #[test]
        fn no_text_widens_the_project(text in "[a-zA-Z0-9 \"'()\\\\=~]{1,40}|.{1,40}") {
            if let Ok(jql) = build_search(Some("PAY"), Some(&text), None) {
                prop_assert!(restricted_to(&jql, "PAY"), "{}", jql);
            }
        }

        #[test]
        fn no_user_jql_widens_the_project(jql in "[a-z =\"'()\\\\]{1,30}( (OR|or|AND|ORDER BY) [a-z =\"'()]{1,20}){0,3}") {
            if let Ok(built) = build_search(Some("PAY"), None, Some(&jql)) {
                prop_assert!(restricted_to(&built, "PAY"), "{}", built);
            }
        }
    }
}
