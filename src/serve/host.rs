//! Which `Host` headers `guide serve` answers.
//!
//! A page on any site can point a name of its own at 127.0.0.1 (DNS
//! rebinding) and then read the dev server as if it were that site: drafts,
//! error overlays with file paths. The browser still sends that name as
//! `Host`, so the server answers only names that cannot be rebound:
//! `localhost` and `*.localhost`, IP literals of the loopback (127.0.0.0/8,
//! `[::1]`), and the address it was bound to; bound to `0.0.0.0` or `::`,
//! also the IP literals of this machine's own addresses. A port, when the
//! header has one, must be the server's. An HTTP/1.0 request without `Host`
//! is answered (such clients predate the header); HTTP/1.1 requires it.
//!
//! [`check`] is a pure function of the header values, the bound address and
//! a test of whether an address is this machine's, so it is unit-tested
//! without a network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// Why a request's `Host` is refused: a one-line explanation for the
/// client (plain text, ending in a newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// A `Host` value, split.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    /// A name, lower-cased.
    Name(String),
    /// An IP literal (`127.0.0.1`, `[::1]`).
    Ip(IpAddr),
}

/// Accepts or refuses a request whose `Host` headers are `hosts` (usually
/// one), for a server bound to `bound`. `http_10` says the request is
/// HTTP/1.0; `is_local` says whether an address is one of this machine's
/// (only asked when `bound` is unspecified).
pub fn check(
    hosts: &[&str],
    http_10: bool,
    bound: SocketAddr,
    is_local: impl Fn(IpAddr) -> bool,
) -> Result<(), Refused> {
    let value = match hosts {
        [] if http_10 => return Ok(()),
        [] => {
            return Err(Refused(
                "guide serve: this HTTP/1.1 request has no Host header; send one, \
                 such as `Host: localhost`\n"
                    .into(),
            ))
        }
        [one] => *one,
        [..] => {
            return Err(Refused(
                "guide serve: this request has several Host headers; send one\n".into(),
            ))
        }
    };
    let allowed = parse(value).is_some_and(|(host, port)| {
        port.is_none_or(|port| port == bound.port()) && host_allowed(&host, bound, &is_local)
    });
    if allowed {
        return Ok(());
    }
    let shown: String = value.chars().take(100).collect();
    let theirs = if bound.ip().is_unspecified() {
        "the machine's own IP addresses"
    } else {
        "the address it listens on"
    };
    Err(Refused(format!(
        "guide serve: refused the Host {shown:?}: it answers only localhost, 127.0.0.1, \
         [::1] and {theirs}, on port {}, so that no other site can read it by DNS \
         rebinding\n",
        bound.port()
    )))
}

/// Whether `ip` is one of this machine's addresses: the system lets a
/// socket be bound only to those.
pub fn is_local_address(ip: IpAddr) -> bool {
    !ip.is_unspecified() && !ip.is_multicast() && UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok()
}

fn host_allowed(host: &Host, bound: SocketAddr, is_local: &impl Fn(IpAddr) -> bool) -> bool {
    match host {
        Host::Name(name) => name == "localhost" || is_localhost_subdomain(name),
        Host::Ip(ip) => {
            // `0.0.0.0` is no machine's address, even when bound to it.
            let ip = canonical(*ip);
            !ip.is_unspecified()
                && (ip.is_loopback()
                    || ip == canonical(bound.ip())
                    || (bound.ip().is_unspecified() && is_local(ip)))
        }
    }
}

/// `name.localhost`, each label made of letters, digits and hyphens.
fn is_localhost_subdomain(name: &str) -> bool {
    let Some(labels) = name.strip_suffix(".localhost") else {
        return false;
    };
    labels.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

/// An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) as the IPv4 one.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// A `Host` value as host and port: `name`, `name:port`, `1.2.3.4:port`,
/// `[v6]:port`. `None` when it is none of those.
fn parse(value: &str) -> Option<(Host, Option<u16>)> {
    let value = value.trim();
    let (host, port) = if let Some(rest) = value.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = inside.parse().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (Host::Ip(IpAddr::V6(ip)), port)
    } else {
        let (name, port) = match value.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (value, None),
        };
        let name = name.to_ascii_lowercase();
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !valid {
            return None;
        }
        match name.parse::<Ipv4Addr>() {
            Ok(ip) => (Host::Ip(IpAddr::V4(ip)), port),
            Err(_) => (Host::Name(name), port),
        }
    };
    let port = match port {
        None => None,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse().ok()?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> SocketAddr {
        "127.0.0.1:1111".parse().unwrap()
    }

    fn accepts(host: &str, bound: SocketAddr) -> bool {
        let local = |ip: IpAddr| ip == "192.168.1.20".parse::<IpAddr>().unwrap();
        check(&[host], false, bound, local).is_ok()
    }

    #[test]
    fn loopback_names_and_addresses_are_accepted() {
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST:1111",
            "LocalHost",
            "app.localhost:1111",
            "a-b.c.localhost",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.1.2.3:1111",
            "[::1]",
            "[::1]:1111",
            "[0:0:0:0:0:0:0:1]:1111",
            "[::ffff:127.0.0.1]:1111",
            " localhost:1111 ",
        ] {
            assert!(accepts(host, loopback()), "{host} was refused");
        }
    }

    #[test]
    fn foreign_and_lookalike_names_are_refused() {
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.com",
            "localhost.evil.com:1111",
            "127.0.0.1.nip.io:1111",
            "127.0.0.1.evil.com",
            "localhostx:1111",
            "xlocalhost:1111",
            ".localhost:1111",
            "a..localhost:1111",
            "a_b.localhost:1111",
            "localhost.:1111",
            "0x7f.0.0.1:1111",
            "2130706433:1111",
            "127.1:1111",
            "192.168.1.20:1111",
            "[::2]:1111",
            "[fe80::1]:1111",
            "::1",
            "",
            ":1111",
            "evil.example@localhost",
            "localhost/evil",
        ] {
            assert!(!accepts(host, loopback()), "{host:?} was accepted");
        }
    }

    #[test]
    fn a_port_must_be_the_servers() {
        for host in [
            "localhost:9999",
            "127.0.0.1:80",
            "[::1]:1112",
            "localhost:",
            "localhost:11x1",
            "localhost:99999",
            "localhost:1111:1111",
            "[::1]1111",
        ] {
            assert!(!accepts(host, loopback()), "{host:?} was accepted");
        }
    }

    #[test]
    fn the_bound_address_is_accepted() {
        let bound: SocketAddr = "192.168.1.20:1111".parse().unwrap();
        assert!(accepts("192.168.1.20:1111", bound));
        assert!(accepts("localhost:1111", bound));
        assert!(!accepts("192.168.1.21:1111", bound));
        assert!(!accepts("192.168.1.20:2222", bound));
        let v6: SocketAddr = "[2001:db8::5]:1111".parse().unwrap();
        assert!(accepts("[2001:db8::5]:1111", v6));
        assert!(accepts("[2001:DB8::5]:1111", v6));
        assert!(!accepts("[2001:db8::6]:1111", v6));
    }

    #[test]
    fn bound_to_every_address_the_machines_own_are_accepted() {
        for any in ["0.0.0.0:1111", "[::]:1111"] {
            let bound: SocketAddr = any.parse().unwrap();
            assert!(accepts("192.168.1.20:1111", bound), "{any}");
            assert!(accepts("127.0.0.1:1111", bound), "{any}");
            assert!(!accepts("192.168.1.21:1111", bound), "{any}");
            assert!(!accepts("0.0.0.0:1111", bound), "{any}");
            assert!(!accepts("mybox.lan:1111", bound), "{any}");
        }
    }

    #[test]
    fn a_missing_host_is_accepted_only_on_http_1_0() {
        let none = |_: IpAddr| false;
        assert!(check(&[], true, loopback(), none).is_ok());
        let refused = check(&[], false, loopback(), none).unwrap_err();
        assert!(refused.0.contains("no Host header"), "{refused:?}");
        let two = check(&["localhost", "evil.example"], false, loopback(), none);
        assert!(two.unwrap_err().0.contains("several Host headers"));
    }

    #[test]
    fn the_refusal_is_one_line_naming_the_host() {
        let refused = check(&["evil.example:1111"], false, loopback(), |_| false).unwrap_err();
        let text = refused.0;
        assert!(text.ends_with('\n'));
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("\"evil.example:1111\""), "{text}");
        assert!(text.contains("DNS rebinding"), "{text}");
        assert!(text.contains("port 1111"), "{text}");
    }

    #[test]
    fn the_loopback_is_a_local_address_and_others_are_not() {
        assert!(is_local_address(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(!is_local_address(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        // TEST-NET-3, never assigned to a machine.
        assert!(!is_local_address("203.0.113.77".parse().unwrap()));
    }
}
