//! The emails the app sends: each a subject, a plain-text part and an HTML
//! part. Names, team names and addresses are the users' own text, so the
//! HTML escapes every one; the plain text is plain.

use super::Email;
use html_escape::encode_text as esc;

const PRODUCT: &str = "Release Coordinator";

/// The shared HTML frame: a short paragraph list and one button.
fn html(paragraphs: &[String], button: (&str, &str), after: &str) -> String {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p style=\"margin:0 0 16px\">{p}</p>"))
        .collect();
    let (label, link) = button;
    format!(
        "<!doctype html><html><body style=\"margin:0;padding:24px;background:#f6f7f9;\
font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2328\">\
<div style=\"max-width:520px;margin:0 auto;background:#fff;border:1px solid #d8dee4;\
border-radius:8px;padding:24px\">\
<p style=\"margin:0 0 20px;font-weight:600\">{PRODUCT}</p>{body}\
<p style=\"margin:24px 0\"><a href=\"{href}\" style=\"background:#4f46e5;color:#fff;\
padding:10px 16px;border-radius:6px;text-decoration:none;display:inline-block\">{label}</a></p>\
<p style=\"margin:0 0 8px;font-size:13px;color:#57606a\">Or open this link: {link_text}</p>\
<p style=\"margin:0;font-size:13px;color:#57606a\">{after}</p></div></body></html>",
        href = html_escape::encode_double_quoted_attribute(link),
        label = esc(label),
        link_text = esc(link),
        after = esc(after),
    )
}

/// The link that proves an address (sign-up or a changed email).
pub fn verify_email(name: &str, email: &str, link: &str, new_address: bool) -> Email {
    let why = if new_address {
        format!("You asked to change the email address of your {PRODUCT} account to {email}.")
    } else {
        format!("Welcome to {PRODUCT}! Please confirm that {email} is your address.")
    };
    let after =
        "The link works once and for 24 hours. If you did not ask for this, ignore this email.";
    Email {
        subject: format!("Confirm your email address for {PRODUCT}"),
        text: format!("Hi {name},\n\n{why}\n\nConfirm it here:\n{link}\n\n{after}\n"),
        html: html(
            &[format!("Hi {},", esc(name)), esc(&why).into_owned()],
            ("Confirm my email", link),
            after,
        ),
    }
}

/// A password reset link.
pub fn reset_password(name: &str, link: &str) -> Email {
    let after = "The link works once and for one hour; using it signs you out everywhere. If you did not ask for this, ignore this email: your password stays as it is.";
    Email {
        subject: format!("Reset your {PRODUCT} password"),
        text: format!(
            "Hi {name},\n\nSomeone (we hope you) asked to reset the password of your {PRODUCT} account.\n\nChoose a new password here:\n{link}\n\n{after}\n"
        ),
        html: html(
            &[
                format!("Hi {},", esc(name)),
                format!("Someone (we hope you) asked to reset the password of your {PRODUCT} account."),
            ],
            ("Choose a new password", link),
            after,
        ),
    }
}

/// An invitation to a team.
pub fn invitation(team: &str, inviter: &str, role: &str, link: &str, days: i64) -> Email {
    let line = format!("{inviter} invited you to join the team {team} on {PRODUCT} as {role}.");
    let after = format!(
        "The invitation works once and for {days} days. Sign up or sign in with this email address to accept it."
    );
    Email {
        subject: format!("{inviter} invited you to {team} on {PRODUCT}"),
        text: format!("Hello,\n\n{line}\n\nAccept the invitation here:\n{link}\n\n{after}\n"),
        html: html(
            &["Hello,".into(), esc(&line).into_owned()],
            ("Accept the invitation", link),
            &after,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_in_html_and_plain_in_text() {
        let e = invitation(
            "<b>Ops</b>",
            "Ann \"A\" & co",
            "MEMBER",
            "https://rc.example/invite/abc",
            7,
        );
        assert!(e.html.contains("&lt;b&gt;Ops&lt;/b&gt;"), "{}", e.html);
        assert!(!e.html.contains("<b>Ops"));
        assert!(e.text.contains("<b>Ops</b>"));
        assert!(e.subject.contains("Ann \"A\" & co"));
        assert!(e.html.contains("href=\"https://rc.example/invite/abc\""));
    }

    #[test]
    fn every_template_carries_its_link_in_both_parts() {
        let link = "https://rc.example/x?token=t0k";
        for e in [
            verify_email("Ann", "ann@x.io", link, false),
            verify_email("Ann", "new@x.io", link, true),
            reset_password("Ann", link),
            invitation("Ops", "Bob", "ADMIN", link, 7),
        ] {
            assert!(e.text.contains(link), "{}", e.subject);
            assert!(e.html.contains(link), "{}", e.subject);
            assert!(!e.subject.is_empty());
        }
    }
}
