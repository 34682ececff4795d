//! Sessions, CSRF, client addresses and the page guard, by example.

use super::*;

#[test]
fn next_never_leaves_the_site() {
    assert_eq!(
        safe_next("/releases?status=DEPLOYED"),
        "/releases?status=DEPLOYED"
    );
    assert_eq!(safe_next("/releases/abc#x"), "/releases/abc#x");
    for bad in [
        "//evil.com",
        "https://evil.com",
        "/\\evil.com",
        "evil",
        "",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "/\n",
        "\t//evil.example",
        "/ /evil.example",
        "/x\\..\\..\\evil.example",
        "javascript:alert(1)",
        "/\u{3000}/evil",
    ] {
        assert_eq!(safe_next(bad), "/board", "{bad:?}");
    }
}

/// What a browser does with a `Location` or `href` value: the WHATWG URL
/// parser (the `url` crate implements it) resolving it against our
/// origin. Whatever comes in, what `safe_next` lets through stays on
/// the origin and makes a valid header.
mod browser_like {
    use super::super::safe_next;
    use proptest::prelude::*;

    fn stays_home(next: &str) {
        let kept = safe_next(next);
        let base = url::Url::parse("https://rc.example/sign-in").unwrap();
        let joined = base.join(&kept).expect("a kept target resolves");
        assert_eq!(
            joined.origin(),
            base.origin(),
            "{next:?} → {kept:?} → {joined}"
        );
        assert!(http::HeaderValue::from_str(&kept).is_ok(), "{kept:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn anything_at_all(s in any::<String>()) {
            stays_home(&s);
        }

        #[test]
        fn slashes_tabs_and_escapes(
            s in "[/\\\\\t\n\r %09%0A%5C%2F.:@a-z]{0,12}"
        ) {
            stays_home(&s);
            stays_home(&format!("/{s}"));
        }

        #[test]
        fn ordinary_paths_are_kept(
            path in "(/[a-z0-9-]{1,12}){1,4}",
            query in proptest::option::of("[a-z]{1,6}=[A-Za-z0-9%,]{0,10}"),
        ) {
            let next = match &query { Some(q) => format!("{path}?{q}"), None => path.clone() };
            prop_assert_eq!(safe_next(&next), next.clone());
            stays_home(&next);
        }
    }
}

#[test]
fn forwarded_for_is_read_only_from_trusted_proxies() {
    let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
    let mut h = HeaderMap::new();
    h.insert(
        "x-forwarded-for",
        "6.6.6.6, 1.2.3.4, 10.0.0.7".parse().unwrap(),
    );
    let proxy: IpAddr = "10.0.0.5".parse().unwrap();
    let stranger: IpAddr = "9.9.9.9".parse().unwrap();
    assert_eq!(
        client_ip(proxy, &h, &trusted),
        "1.2.3.4".parse::<IpAddr>().unwrap()
    );
    assert_eq!(
        client_ip(stranger, &h, &trusted),
        stranger,
        "not a proxy: header ignored"
    );
    assert_eq!(client_ip(proxy, &h, &[]), proxy, "no proxies configured");
    h.insert("x-forwarded-for", "garbage, 10.0.0.7".parse().unwrap());
    assert_eq!(
        client_ip(proxy, &h, &trusted),
        "10.0.0.7".parse::<IpAddr>().unwrap()
    );
    h.insert("x-forwarded-for", "[2001:db8::1]:443".parse().unwrap());
    assert_eq!(
        client_ip(proxy, &h, &trusted),
        "2001:db8::1".parse::<IpAddr>().unwrap()
    );
}

#[test]
fn cookies_are_parsed() {
    let mut h = HeaderMap::new();
    h.insert(header::COOKIE, "a=1; rc_session=tok; b=2".parse().unwrap());
    assert_eq!(cookie_value(&h, "rc_session").as_deref(), Some("tok"));
    assert_eq!(cookie_value(&h, "zz"), None);
    h.append(header::COOKIE, "broken; rc_theme=dark".parse().unwrap());
    assert_eq!(cookie_value(&h, "rc_theme").as_deref(), Some("dark"));

    let secure = session_cookie("t", Duration::from_secs(60), true);
    let c = cookie::Cookie::parse(secure.as_str()).unwrap();
    assert_eq!((c.name(), c.value()), ("__Host-rc_session", "t"));
    assert_eq!(c.path(), Some("/"));
    assert_eq!(c.domain(), None, "host-only, as __Host- demands");
    assert_eq!(c.http_only(), Some(true));
    assert_eq!(c.same_site(), Some(cookie::SameSite::Lax));
    assert_eq!(c.secure(), Some(true));
    assert_eq!(c.max_age(), Some(cookie::time::Duration::seconds(60)));
    let plain = session_cookie("t", Duration::from_secs(60), false);
    let c = cookie::Cookie::parse(plain.as_str()).unwrap();
    assert_eq!((c.name(), c.secure()), ("rc_session", None));
    let cleared = cookie::Cookie::parse(clear_session_cookie(true)).unwrap();
    assert_eq!(cleared.value(), "");
    assert_eq!(cleared.max_age(), Some(cookie::time::Duration::ZERO));
}

#[test]
fn a_persons_routes_are_told_apart_by_whole_segments() {
    for p in [
        "/api/me",
        "/api/auth/sign-out",
        "/api/teams",
        "/api/teams/t1/select",
        "/api/invitations/abc/accept",
        "/api/oauth/connections",
        "/api/team/api-tokens",
        "/api/team/api-tokens/t1",
    ] {
        assert!(is_personal_route(p), "{p}");
    }
    for p in [
        "/api/releases",
        "/api/team/members",
        "/api/team/webhooks",
        "/api/teamsx",
        "/api/meetings",
        "/api/deployments",
    ] {
        assert!(!is_personal_route(p), "{p}");
    }
    assert!(is_open_route("/api/webhooks/github"));
    assert!(is_open_route("/api/health/ready"));
    assert!(!is_open_route("/api/healthy"));
    assert!(!is_open_route("/api/team/webhooks"));
}

#[test]
fn only_a_bearer_scheme_is_a_bearer() {
    let mut h = HeaderMap::new();
    assert_eq!(bearer(&h), None);
    h.insert(header::AUTHORIZATION, "Bearer rc_abc".parse().unwrap());
    assert_eq!(bearer(&h), Some("rc_abc"));
    h.insert(header::AUTHORIZATION, "bearer  rc_abc ".parse().unwrap());
    assert_eq!(bearer(&h), Some("rc_abc"));
    h.insert(header::AUTHORIZATION, "Basic dXNlcjpwdw==".parse().unwrap());
    assert_eq!(bearer(&h), None);
    h.insert(header::AUTHORIZATION, "Bearer ".parse().unwrap());
    assert_eq!(bearer(&h), None);
}
