//! The bus and the stream registry, by example.

use super::*;

fn owner(s: &str, u: &str, t: &str) -> StreamOwner {
    StreamOwner {
        session_id: s.into(),
        user_id: u.into(),
        team_id: t.into(),
    }
}

#[test]
fn caps_per_user_and_in_all() {
    let streams = Arc::new(Streams::new(2, 3));
    let a1 = streams.open(owner("s1", "u1", "t")).unwrap();
    let _a2 = streams.open(owner("s1", "u1", "t")).unwrap();
    assert_eq!(
        streams.open(owner("s1", "u1", "t")).err(),
        Some(StreamRefusal::PerUser)
    );
    let _b = streams.open(owner("s2", "u2", "t")).unwrap();
    assert_eq!(
        streams.open(owner("s3", "u3", "t")).err(),
        Some(StreamRefusal::Total)
    );
    drop(a1);
    assert!(streams.open(owner("s1", "u1", "t")).is_ok());
}

#[test]
fn revocations_end_exactly_the_streams_they_name() {
    let streams = Arc::new(Streams::new(10, 100));
    let a = streams.open(owner("s1", "u1", "t1")).unwrap();
    let b = streams.open(owner("s2", "u1", "t2")).unwrap();
    let c = streams.open(owner("s3", "u2", "t1")).unwrap();
    streams.revoke(&Revocation::Member {
        team_id: "t1".into(),
        user_id: "u1".into(),
    });
    assert!(a.is_revoked() && !b.is_revoked() && !c.is_revoked());
    streams.revoke(&Revocation::UserExcept {
        user_id: "u1".into(),
        keep: Some("s2".into()),
    });
    assert!(!b.is_revoked());
    streams.revoke(&Revocation::Team {
        team_id: "t1".into(),
    });
    assert!(c.is_revoked());
    streams.revoke(&Revocation::Session {
        session_id: "s2".into(),
    });
    assert!(b.is_revoked());
}

#[tokio::test]
async fn events_reach_only_their_team() {
    let bus = EventBus::new(10, 100);
    let mut t1 = bus.subscribe(&"t1".into());
    let mut t2 = bus.subscribe(&"t2".into());
    let a: ActivityView = serde_json::from_value(serde_json::json!({
        "id": "a1", "teamId": "t1", "releaseId": null, "userId": null, "userName": null,
        "type": "RELEASE_CREATED", "action": "created", "description": "x",
        "metadata": null, "createdAt": "2026-01-01T00:00:00Z"
    }))
    .unwrap();
    bus.publish([a]);
    assert_eq!(t1.recv().await.unwrap().id, "a1");
    assert!(t2.try_recv().is_err());
    drop(t1);
    drop(t2);
    bus.publish([]);
    let b: ActivityView = serde_json::from_value(serde_json::json!({
        "id": "a2", "teamId": "t1", "releaseId": null, "userId": null, "userName": null,
        "type": "RELEASE_CREATED", "action": "created", "description": "x",
        "metadata": null, "createdAt": "2026-01-01T00:00:00Z"
    }))
    .unwrap();
    bus.publish([b]);
    assert_eq!(
        bus.team_channels(),
        1,
        "t1's empty channel went; t2 waits for a publish"
    );
}
