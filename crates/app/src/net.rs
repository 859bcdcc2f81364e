//! Who the client is: the socket's peer, unless that peer is a configured trusted proxy, in
//! which case the nearest untrusted address its forwarding headers name. And where kepu's
//! own requests may go: a link a host typed is fetched only at a public address.

use std::net::{IpAddr, SocketAddr};

use crate::AppError;

/// A network, `10.0.0.0/8` or `2001:db8::/32` (a bare address is a network of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses a CIDR, refusing anything else with a message naming it.
    pub fn parse(raw: &str) -> Result<Cidr, String> {
        let bad = || format!("trusted_proxies: “{raw}” 不是 IP 地址或 CIDR 网段");
        let (addr, bits) = match raw.trim().split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (raw.trim(), None),
        };
        let net: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { net, bits })
    }

    /// Whether `ip` lies in this network (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.bits))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The configured trusted proxies.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// From the setting; a value that is not a CIDR stops the start.
    pub fn parse(raw: &[String]) -> Result<TrustedProxies, AppError> {
        raw.iter()
            .map(|r| Cidr::parse(r).map_err(AppError::internal))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client's address. `peer` is the socket's; `forwarded` the values of the
    /// `Forwarded` headers and `x_forwarded_for` those of `X-Forwarded-For`, in the order
    /// they came. Headers count only when the peer is trusted; then the chain is read from
    /// the nearest hop outwards and the first address that is not a trusted proxy is the
    /// client. A hop that does not parse ends the walk at the last trusted one.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str], x_forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<Option<IpAddr>> = if forwarded.is_empty() {
            x_forwarded_for
                .iter()
                .flat_map(|v| v.split(','))
                .map(|h| parse_hop(h.trim()))
                .collect()
        } else {
            forwarded
                .iter()
                .flat_map(|v| v.split(','))
                .map(|element| {
                    element
                        .split(';')
                        .filter_map(|pair| pair.split_once('='))
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                        .and_then(|(_, v)| parse_hop(v.trim().trim_matches('"')))
                })
                .collect()
        };
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            let Some(ip) = hop else {
                return client;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// An address as a forwarding header writes it: bare, `[v6]:port` or `v4:port`.
fn parse_hop(raw: &str) -> Option<IpAddr> {
    if let Some(rest) = raw.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    if let Ok(ip) = raw.parse() {
        return Some(ip);
    }
    let (host, port) = raw.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The special-purpose networks of IANA's registries (this host, private, shared,
/// link-local, documentation, benchmarking, multicast, reserved; IPv6 loopback, unique-local,
/// link-local, NAT64, discard, documentation, multicast): a protocol fact, not a rule.
const NOT_PUBLIC: [&str; 22] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "64:ff9b::/96",
    "100::/64",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// Whether `ip` is an address of the public Internet (an IPv4-mapped IPv6 address is read
/// as IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    !NOT_PUBLIC
        .iter()
        .filter_map(|net| Cidr::parse(net).ok())
        .any(|net| net.contains(ip))
}

/// Why kepu did not fetch a link: it leads to an address that is not public.
#[derive(Debug)]
pub(crate) struct NotPublic(pub String);

impl std::fmt::Display for NotPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not a public address", self.0)
    }
}

impl std::error::Error for NotPublic {}

/// Whether a URL's host may be fetched: a literal address must be public; a name is left to
/// [`PublicOnly`], which resolves it.
pub(crate) fn names_public_host(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        Ok(ip) => is_public(ip),
        Err(_) => true,
    }
}

/// Resolves a name to its public addresses only, and fails when it has none, so that a link
/// (or a redirect) to a name that points inside the network is never fetched.
pub(crate) struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let public: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if public.is_empty() {
                return Err(Box::new(NotPublic(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether an error of a request, or any error under it, is [`NotPublic`].
pub(crate) fn refused_as_not_public(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(e) = next {
        if e.is::<NotPublic>() {
            return true;
        }
        next = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let none = proxies(&[]);
        assert_eq!(
            none.client(ip("203.0.113.9"), &[], &["1.2.3.4"]),
            ip("203.0.113.9")
        );
        let lb = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            lb.client(ip("203.0.113.9"), &["for=1.2.3.4"], &["1.2.3.4"]),
            ip("203.0.113.9"),
            "an untrusted peer cannot name another client"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let lb = proxies(&["10.0.0.0/8", "2001:db8::/32"]);
        // A forged first entry is ignored: the chain is read from the nearest hop.
        assert_eq!(
            lb.client(ip("10.1.2.3"), &[], &["6.6.6.6, 198.51.100.7", "10.9.9.9"]),
            ip("198.51.100.7")
        );
        assert_eq!(
            lb.client(
                ip("::ffff:10.1.2.3"),
                &["for=\"[2001:db8:cafe::17]:4711\", for=192.0.2.60:5000;proto=https"],
                &["9.9.9.9"]
            ),
            ip("192.0.2.60"),
            "Forwarded wins over X-Forwarded-For"
        );
        assert_eq!(lb.client(ip("10.1.2.3"), &[], &[]), ip("10.1.2.3"));
        assert_eq!(
            lb.client(ip("10.1.2.3"), &[], &["garbage, 10.0.0.5"]),
            ip("10.0.0.5"),
            "a hop that does not parse ends the walk at the last trusted one"
        );
    }

    #[test]
    fn networks_parse_and_match_by_prefix() {
        assert!(
            Cidr::parse("10.0.0.0/8")
                .unwrap()
                .contains(ip("10.255.0.1"))
        );
        assert!(!Cidr::parse("10.0.0.0/8").unwrap().contains(ip("11.0.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("192.0.2.1").unwrap().contains(ip("192.0.2.1")));
        assert!(!Cidr::parse("192.0.2.1").unwrap().contains(ip("192.0.2.2")));
        assert!(
            Cidr::parse("2001:db8::/32")
                .unwrap()
                .contains(ip("2001:db8:1::1"))
        );
        for bad in ["10.0.0.0/33", "example.com", "10.0.0/8", ""] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_public_addresses_are_public() {
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.31.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(inside.parse().unwrap()), "{inside}");
        }
        for outside in [
            "1.1.1.1",
            "202.108.22.5",
            "2400:3200::1",
            "::ffff:202.108.22.5",
        ] {
            assert!(is_public(outside.parse().unwrap()), "{outside}");
        }
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        assert!(!names_public_host(&url("http://127.0.0.1:8080/x")));
        assert!(!names_public_host(&url("http://[::1]/x")));
        assert!(names_public_host(&url("https://news.example.cn/a")));
    }
}
