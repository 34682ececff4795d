use super::*;
use serde_json::json;

fn moved() -> Change {
    Change::Moved {
        release: "Checkout 2.4.0".into(),
        from: ReleaseStatus::InReview,
        to: ReleaseStatus::ReadyStaging,
    }
}

#[test]
fn a_change_is_stored_as_its_action_and_the_metadata_keys_of_the_api() {
    let (action, meta) = moved().to_stored();
    assert_eq!(action, "moved");
    assert_eq!(
        meta,
        json!({"release": "Checkout 2.4.0", "from": "IN_REVIEW", "to": "READY_STAGING"})
    );
    assert_eq!(Change::from_stored(&action, Some(&meta)), Some(moved()));
}

#[test]
fn the_sentence_uses_labels_and_the_actors_name_now() {
    assert_eq!(
        moved().describe(Some("Ada")),
        "Ada moved Checkout 2.4.0 from In review to Ready for staging"
    );
    assert!(moved().describe(None).starts_with("Someone moved"));
    let updated = Change::Updated {
        release: "Checkout 2.4.0".into(),
        fields: vec!["title".into(), "targetDate".into(), "priority".into()],
        changes: Default::default(),
    };
    assert_eq!(
        updated.describe(Some("Ada")),
        "Ada updated the title, target date and priority of Checkout 2.4.0"
    );
}

#[test]
fn entries_without_their_facts_are_not_guessed() {
    // Older rows (no `release` key) and unknown actions read back as
    // nothing, so the stored sentence is shown instead.
    assert_eq!(
        Change::from_stored(
            "moved",
            Some(&json!({"from": "PLANNING", "to": "DEPLOYED"}))
        ),
        None
    );
    assert_eq!(Change::from_stored("teleported", None), None);
    assert_eq!(Change::from_stored("moved", Some(&json!([1, 2]))), None);
}

#[test]
fn every_kind_of_change_round_trips_and_reads_as_a_sentence() {
    let rid: ReleaseId = "r1".parse().unwrap();
    let changes = [
        Change::Created {
            release: "A 1".into(),
            title: "A".into(),
            service_id: "s1".parse().unwrap(),
            service: "Pay".into(),
        },
        Change::Deleted {
            release: "A 1".into(),
            title: "A".into(),
            service: "Pay".into(),
            deleted: true,
        },
        Change::Blocked {
            release: "A 1".into(),
            is_blocked: true,
            blocked_reason: Some("waiting".into()),
        },
        Change::Unblocked {
            release: "A 1".into(),
            is_blocked: false,
        },
        Change::Assigned {
            release: "A 1".into(),
            from: None,
            to: None,
            to_name: None,
        },
        Change::Reordered {
            deployment_group_id: "g1".parse().unwrap(),
            group: "Wave".into(),
            release_ids: vec![rid.clone()],
        },
        Change::DependencyAdded {
            release: "A 1".into(),
            dependency_id: "d1".parse().unwrap(),
            depends_on_id: rid.clone(),
            depends_on: "B 2".into(),
            kind: DependencyType::RequiresSync,
        },
        Change::DependencyUnresolved {
            release: "A 1".into(),
            dependency_id: "d1".parse().unwrap(),
            depends_on_id: rid,
            depends_on: "B 2".into(),
            status: ReleaseStatus::RolledBack,
        },
        Change::ItemSynced {
            item_id: "i1".parse().unwrap(),
            kind: ItemType::JiraTicket,
            external_id: "PAY-12".into(),
            status: "Done".into(),
        },
        Change::DeploymentReported {
            release: "A 1".into(),
            deployment_id: "dp1".parse().unwrap(),
            environment: crate::domain::deployments::Environment::Production,
            status: crate::domain::deployments::DeployStatus::Succeeded,
            drift: None,
        },
        Change::DeploymentReported {
            release: "A 1".into(),
            deployment_id: "dp2".parse().unwrap(),
            environment: crate::domain::deployments::Environment::Staging,
            status: crate::domain::deployments::DeployStatus::Succeeded,
            drift: Some("it is blocked".into()),
        },
    ];
    let sentences = [
        "Ada created A 1 for Pay",
        "Ada deleted A 1 of Pay",
        "Ada marked A 1 as blocked: waiting",
        "Ada unblocked A 1",
        "Ada assigned A 1 to nobody",
        "Ada reordered deployment group Wave",
        "Ada noted that A 1 deploys together with B 2",
        "A 1 is blocked again by B 2: it is rolled back now",
        "Jira: PAY-12 is now Done",
        "Ada reported A 1 deployed to production",
        "Ada reported A 1 deployed to staging, but the board did not follow: it is blocked",
    ];
    for (c, s) in changes.iter().zip(sentences) {
        let (action, meta) = c.to_stored();
        assert_eq!(Change::from_stored(&action, Some(&meta)).as_ref(), Some(c));
        assert_eq!(c.describe(Some("Ada")), s);
    }
}

#[test]
fn changes_to_other_things_say_what_and_keep_before_and_after() {
    use crate::domain::kinds::{ActivityType, ResourceType};
    let added = |t, name: &str, detail: Option<&str>| Change::Added {
        resource_type: t,
        resource_id: "x1".into(),
        name: name.into(),
        detail: detail.map(str::to_string),
    };
    let role = Change::Changed {
        resource_type: ResourceType::Member,
        resource_id: "u2".into(),
        name: "Bob".into(),
        changes: [("role".to_string(), (json!("MEMBER"), json!("ADMIN")))].into(),
    };
    let sprint = Change::Changed {
        resource_type: ResourceType::Sprint,
        resource_id: "s1".into(),
        name: "Sprint 12".into(),
        changes: [
            ("name".to_string(), (json!("Sprint 11"), json!("Sprint 12"))),
            (
                "endDate".to_string(),
                (json!("2026-12-01"), json!("2026-12-04")),
            ),
        ]
        .into(),
    };
    let cases = [
        (
            added(ResourceType::Service, "Checkout", None),
            "Ada added the service Checkout",
        ),
        (
            added(ResourceType::Member, "Ada", Some("VIEWER")),
            "Ada joined the team as Viewer",
        ),
        (
            added(ResourceType::Invitation, "bob@example.com", Some("MEMBER")),
            "Ada invited bob@example.com as Member",
        ),
        (
            added(ResourceType::Connection, "GitHub", Some("octocat")),
            "Ada connected GitHub as octocat",
        ),
        (role.clone(), "Ada changed Bob's role from Member to Admin"),
        (
            sprint.clone(),
            "Ada changed the end date and name of the sprint Sprint 12",
        ),
        (
            Change::Removed {
                resource_type: ResourceType::Member,
                resource_id: "u1".into(),
                name: "Ada".into(),
            },
            "Ada left the team",
        ),
        (
            Change::Removed {
                resource_type: ResourceType::ApiToken,
                resource_id: "t1".into(),
                name: "CI deploy".into(),
            },
            "Ada revoked the API token CI deploy",
        ),
    ];
    for (c, sentence) in &cases {
        let (action, meta) = c.to_stored();
        assert_eq!(Change::from_stored(&action, Some(&meta)).as_ref(), Some(c));
        assert_eq!(c.describe(Some("Ada")), *sentence);
        assert!(c.resource().1.as_deref().is_some());
    }
    assert_eq!(role.kind(), ActivityType::MemberChanged);
    assert_eq!(sprint.resource().0, ResourceType::Sprint);
    // On the wire, each change is `[before, after]`.
    assert_eq!(
        serde_json::to_value(sprint.changes()).unwrap()["name"],
        json!(["Sprint 11", "Sprint 12"])
    );
    assert_eq!(
        serde_json::to_value(moved().changes()).unwrap(),
        json!({"status": ["IN_REVIEW", "READY_STAGING"]})
    );
}
