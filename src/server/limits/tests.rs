//! The limiters and the hasher, by example.

use super::*;
use std::sync::Arc;

fn k(s: &str) -> Key {
    Key::of("t", s)
}

#[test]
fn failures_count_per_key() {
    let l = FailureLimiter::new(WINDOW, 1000);
    for _ in 0..5 {
        l.begin(&[(k("a"), 5), (k("ip"), 30)]).unwrap().failed();
    }
    assert!(l.begin(&[(k("a"), 5), (k("ip2"), 30)]).is_none());
    let other = l
        .begin(&[(k("b"), 5), (k("ip"), 30)])
        .expect("another account");
    other.succeeded(&[k("b")]);
}

#[test]
fn attempts_in_flight_are_reserved() {
    let l = FailureLimiter::new(WINDOW, 1000);
    let held: Vec<_> = (0..5).map(|_| l.begin(&[(k("a"), 5)]).unwrap()).collect();
    assert!(l.begin(&[(k("a"), 5)]).is_none(), "five already in flight");
    drop(held);
    assert!(l.begin(&[(k("a"), 5)]).is_some(), "released when dropped");
}

#[test]
fn success_forgets_the_account_but_not_the_address() {
    let l = FailureLimiter::new(WINDOW, 1000);
    for _ in 0..4 {
        l.begin(&[(k("a"), 5), (k("ip"), 5)]).unwrap().failed();
    }
    l.begin(&[(k("a"), 5), (k("ip"), 5)])
        .unwrap()
        .succeeded(&[k("a")]);
    assert!(l.begin(&[(k("a"), 5)]).is_some());
    l.begin(&[(k("ip"), 5)]).unwrap().failed();
    assert!(l.begin(&[(k("ip"), 5)]).is_none());
}

#[test]
fn refused_attempts_store_nothing() {
    let l = FailureLimiter::new(WINDOW, 1000);
    for _ in 0..3 {
        l.begin(&[(k("ip"), 3)]).unwrap().failed();
    }
    for i in 0..100 {
        assert!(l
            .begin(&[(k(&format!("acct{i}")), 5), (k("ip"), 3)])
            .is_none());
    }
    assert_eq!(l.len(), 1);
}

#[test]
fn the_map_is_bounded() {
    let l = FailureLimiter::new(WINDOW, 100);
    for i in 0..10_000 {
        l.begin(&[(k(&format!("a{i}")), 5)]).unwrap().failed();
    }
    assert!(l.len() <= 100, "{}", l.len());
}

#[test]
fn an_expired_window_starts_over() {
    let l = FailureLimiter::new(Duration::from_millis(30), 100);
    for _ in 0..2 {
        l.begin(&[(k("a"), 2)]).unwrap().failed();
    }
    assert!(l.begin(&[(k("a"), 2)]).is_none());
    std::thread::sleep(Duration::from_millis(40));
    assert!(l.begin(&[(k("a"), 2)]).is_some());
    l.prune();
    assert!(l.is_empty());
}

#[test]
fn ipv6_is_limited_by_its_64() {
    let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
    let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
    let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
    assert_eq!(Key::of_address(a), Key::of_address(b));
    assert_ne!(Key::of_address(a), Key::of_address(c));
    let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
    assert_eq!(address_bucket(mapped), "10.0.0.1");
}

#[test]
fn sign_ups_are_limited_per_address() {
    let l = SignUpLimiter::new(3);
    let ip: IpAddr = "10.0.0.1".parse().unwrap();
    assert!((0..3).all(|_| l.allow(ip)));
    assert!(!l.allow(ip));
    assert!(l.allow("10.0.0.2".parse().unwrap()));
    assert!(SignUpLimiter::new(0).allow(ip), "0 turns it off");
}

#[tokio::test]
async fn hashing_is_bounded() {
    let h = Arc::new(PasswordHasher::new(2, Duration::from_secs(30)));
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let h = h.clone();
            tokio::spawn(async move { h.hash(format!("password-{i}")).await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().is_ok());
    }
    assert!(h.peak() <= 2, "{}", h.peak());
}
