//! Text limits and input shapes (`API.md`, Conventions). Every entry point —
//! REST, server functions, the command line — goes through these.

use super::DomainError;

/// Names and titles.
pub const MAX_NAME: usize = 200;
/// Release version strings.
pub const MAX_VERSION: usize = 100;
/// Slugs (`[a-z0-9-]`).
pub const MAX_SLUG: usize = 64;
/// Email addresses.
pub const MAX_EMAIL: usize = 254;
/// Descriptions.
pub const MAX_DESCRIPTION: usize = 10_000;
/// Comment bodies.
pub const MAX_COMMENT: usize = 20_000;

/// A required one-line text: trimmed, not empty, at most `max` characters, no
/// control characters.
pub fn required_line(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(DomainError::invalid(field, format!("{field} is required")));
    }
    if v.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(v.to_string())
}

/// A long text (description, comment): at most `max` characters; control
/// characters other than newline, carriage return and tab are refused.
pub fn long_text(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DomainError::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(value.to_string())
}

/// A slug: 1–64 characters of `[a-z0-9-]`, not starting or ending with `-`.
pub fn slug(field: &'static str, value: &str) -> Result<String, DomainError> {
    let v = value.trim();
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if v.is_empty() || v.len() > MAX_SLUG || !ok_chars || v.starts_with('-') || v.ends_with('-') {
        return Err(DomainError::invalid(
            field,
            format!("{field} must be 1–{MAX_SLUG} characters of a-z, 0-9 and '-', not starting or ending with '-'"),
        ));
    }
    Ok(v.to_string())
}

/// Derives a slug from a name ("Payments API" → "payments-api"); falls back
/// to `fallback` when nothing usable is left.
pub fn slugify(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(MAX_SLUG - 8).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// An email address, normalised to lower case so that uniqueness is
/// case-insensitive on every database. Deliberately loose: one `@`, a dot in
/// the domain, no spaces — the invitation link is the real proof of address.
pub fn email(value: &str) -> Result<String, DomainError> {
    // Far too long is refused before any copy is made (a megabyte "email"
    // costs nothing beyond reading it).
    if value.len() > MAX_EMAIL * 4 + 64 {
        return Err(DomainError::invalid("email", "enter a valid email address"));
    }
    let v = value.trim().to_lowercase();
    let valid = v.len() <= MAX_EMAIL
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            }
            None => false,
        };
    if valid {
        Ok(v)
    } else {
        Err(DomainError::invalid("email", "enter a valid email address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_and_bounded() {
        assert_eq!(
            required_line("name", "  Payments ", MAX_NAME).unwrap(),
            "Payments"
        );
        assert!(required_line("name", "   ", MAX_NAME).is_err());
        assert!(required_line("name", &"x".repeat(201), MAX_NAME).is_err());
        assert!(required_line("name", &"é".repeat(200), MAX_NAME).is_ok());
        assert!(required_line("name", "a\u{0}b", MAX_NAME).is_err());
    }

    #[test]
    fn long_text_keeps_newlines_and_tabs() {
        assert!(long_text("body", "a\n\tb\r\n", 10).is_ok());
        assert!(long_text("body", "a\u{7}b", 10).is_err());
        assert!(long_text("body", "abcdefghijk", 10).is_err());
    }

    #[test]
    fn slugs() {
        assert!(slug("slug", "payments-api").is_ok());
        for bad in ["", "-a", "a-", "A", "a b", "a_b", &"a".repeat(65)] {
            assert!(slug("slug", bad).is_err(), "{bad}");
        }
        assert_eq!(slugify("Payments API v2!", "team"), "payments-api-v2");
        assert_eq!(slugify("!!!", "team"), "team");
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(email(" Ada@Example.COM ").unwrap(), "ada@example.com");
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.io",
            "ada@example",
            "a b@x.io",
            "a@b@c.io",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
