//! Slack messages and webhook checks, by example.

use super::*;

fn release() -> ReleaseInfo {
    ReleaseInfo {
        id: "r1".into(),
        title: "Checkout".into(),
        version: "2.4.0".into(),
        service: "Payments".into(),
        owner: Some("Ada".into()),
    }
}

#[test]
fn user_text_cannot_ping_or_disguise_links() {
    let mut r = release();
    r.title = "<!channel> urgent".into();
    r.owner = Some("<https://evil.example|Ada>".into());
    let m = message(
        &r,
        &Notice::Blocked {
            reason: Some("<!here> re-auth at <https://evil.example|the release>".into()),
            by: "Mallory & <@U123>".into(),
        },
        "https://rc.example",
    );
    let text = m.to_string();
    for bad in ["<!channel>", "<!here>", "<https://evil.example|", "<@U123>"] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
    assert!(text.contains("&lt;!channel&gt; urgent"), "{text}");
    assert!(text.contains("Mallory &amp; &lt;@U123&gt;"), "{text}");
    assert!(!test_message("<!channel>", "https://rc.example")
        .to_string()
        .contains("<!channel>"));
}

#[test]
fn upstream_errors_are_short_codes() {
    assert_eq!(upstream_text("invalid_payload"), "invalid_payload");
    assert_eq!(
        upstream_text("<html><script>alert(1)</script>secret internal page</html>"),
        "htmlscriptalert1scriptsecret internal pagehtml"
    );
    assert_eq!(upstream_text(&"x".repeat(500)).len(), 100);
    assert_eq!(upstream_text("<>"), "no details");
}

#[test]
fn status_change_message() {
    let m = message(
        &release(),
        &Notice::StatusChanged {
            from: ReleaseStatus::InReview,
            to: ReleaseStatus::InStaging,
            by: "Ada".into(),
        },
        "https://rc.example.com/",
    );
    assert_eq!(
        m["text"],
        "Checkout 2.4.0 moved from In review to In staging (Ada)"
    );
    assert_eq!(m["blocks"][0]["type"], "header");
    assert_eq!(m["blocks"][0]["text"]["text"], ":test_tube: Checkout 2.4.0");
    let fields = m["blocks"][1]["fields"].as_array().unwrap();
    let texts: Vec<&str> = fields.iter().map(|f| f["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        vec![
            "*Service*\nPayments",
            "*Version*\n2.4.0",
            "*Owner*\nAda",
            "*Status*\nIn review → In staging"
        ]
    );
    assert_eq!(
        m["blocks"][2]["elements"][0]["url"],
        "https://rc.example.com/releases/r1"
    );
}

#[test]
fn ready_messages_name_the_stage_and_link_the_queue() {
    for (to, stage) in [
        (ReleaseStatus::ReadyStaging, "staging"),
        (ReleaseStatus::ReadyProduction, "production"),
    ] {
        let m = message(
            &release(),
            &Notice::ReadyToDeploy {
                from: ReleaseStatus::InReview,
                to,
                by: "Ada".into(),
            },
            "https://rc.example.com",
        );
        assert!(m["text"]
            .as_str()
            .unwrap()
            .contains(&format!("ready to deploy to {stage}")));
        assert!(m["blocks"][0]["text"]["text"]
            .as_str()
            .unwrap()
            .ends_with(&format!("ready for {stage}")));
        assert_eq!(
            m["blocks"][2]["elements"][0]["url"],
            "https://rc.example.com/deploy-queue"
        );
    }
}

#[test]
fn blocked_and_unblocked_link_the_blocked_view() {
    let m = message(
        &release(),
        &Notice::Blocked {
            reason: Some("legal review".into()),
            by: "Ada".into(),
        },
        "https://rc.example.com",
    );
    assert_eq!(m["text"], "Checkout 2.4.0 is blocked: legal review");
    assert_eq!(
        m["blocks"][2]["elements"][0]["url"],
        "https://rc.example.com/blocked"
    );
    let m = message(
        &release(),
        &Notice::Unblocked { by: "Ada".into() },
        "https://rc.example.com",
    );
    assert!(m["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap()
        .contains("unblocked"));
}

#[test]
fn limits_are_kept_by_truncating() {
    let mut r = release();
    r.title = "x".repeat(400);
    let m = message(
        &r,
        &Notice::Blocked {
            reason: Some("y".repeat(5000)),
            by: "Ada".into(),
        },
        "https://rc.example.com",
    );
    let header = m["blocks"][0]["text"]["text"].as_str().unwrap();
    assert_eq!(header.chars().count(), 150);
    assert!(header.ends_with('…'));
    assert!(m["text"].as_str().unwrap().chars().count() <= 3000);
    assert!(
        m["blocks"][1]["text"]["text"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            <= 3000
    );
}

#[test]
fn an_override_says_what_was_passed_over_and_why() {
    let m = message(
        &release(),
        &Notice::Overridden {
            to: ReleaseStatus::Deployed,
            passed: vec!["Production freeze 'Black Friday' until Mon 30 Nov 08:00 UTC".into()],
            reason: "security fix <!channel>".into(),
            by: "Ada".into(),
        },
        "https://rc.example",
    );
    let text = m["text"].as_str().unwrap();
    assert_eq!(
        text,
        "Checkout 2.4.0 moved to Deployed overriding the release policy (Production freeze 'Black Friday' until Mon 30 Nov 08:00 UTC): security fix &lt;!channel&gt; (Ada)"
    );
    assert_eq!(
        m["blocks"][0]["text"]["text"],
        ":warning: Checkout 2.4.0 moved past the release policy"
    );
}

#[test]
fn a_freeze_notice_says_what_it_holds_and_until_when() {
    let mut f = FreezeNotice {
        name: "Weekend <!here>".into(),
        reason: "nobody on call".into(),
        started: true,
        until: Some("Mon 26 Oct 08:00 Europe/Berlin".into()),
        holds: "production".into(),
    };
    let m = freeze_message(&f, "https://rc.example");
    assert_eq!(
        m["text"],
        "Freeze 'Weekend &lt;!here&gt;' is in force until Mon 26 Oct 08:00 Europe/Berlin: no release moves into production — nobody on call"
    );
    f.started = false;
    let m = freeze_message(&f, "https://rc.example");
    assert_eq!(
        m["text"],
        "Freeze 'Weekend &lt;!here&gt;' has ended: releases move into production again"
    );
    assert_eq!(
        m["blocks"][2]["elements"][0]["url"],
        "https://rc.example/board"
    );
}

#[test]
fn approvers_hear_that_a_release_waits_for_them() {
    let m = message(
        &release(),
        &Notice::ApprovalNeeded {
            to: ReleaseStatus::Deployed,
            required: 2,
            from: "ADMIN or OWNER".into(),
        },
        "https://rc.example",
    );
    assert_eq!(
        m["text"],
        "Checkout 2.4.0 can move to Deployed once it has 2 approvals from ADMIN or OWNER"
    );
    assert_eq!(
        m["blocks"][2]["elements"][0]["text"]["text"],
        "Review and approve"
    );
    assert_eq!(
        m["blocks"][2]["elements"][0]["url"],
        "https://rc.example/releases/r1"
    );
}
