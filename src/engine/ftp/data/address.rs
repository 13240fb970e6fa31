//! The address arithmetic of data connections: reading `227` and `229` replies, writing PORT
//! (`h1,h2,h3,h4,p1,p2`, port = p1*256 + p2) and EPRT arguments.

use std::net::SocketAddr;

/// The address in a `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` reply.
pub fn parse_pasv(text: &str) -> Option<SocketAddr> {
    let first_line = text.lines().next()?;
    let after_code = first_line.get(4..)?;
    after_code
        .split(|c: char| !(c.is_ascii_digit() || c == ','))
        .find_map(|token| {
            let numbers: Vec<u8> = token
                .split(',')
                .map(|n| n.parse::<u8>().ok())
                .collect::<Option<Vec<u8>>>()?;
            let [h1, h2, h3, h4, p1, p2] = numbers[..] else {
                return None;
            };
            let port = u16::from(p1) * 256 + u16::from(p2);
            Some(SocketAddr::from(([h1, h2, h3, h4], port)))
        })
}

/// The port in a `229 Entering Extended Passive Mode (|||port|)` reply.
pub fn parse_epsv(text: &str) -> Option<u16> {
    let first_line = text.lines().next()?;
    let inner = &first_line[first_line.find('(')? + 1..];
    let inner = &inner[..inner.find(')')?];
    let delimiter = inner.chars().next()?;
    let fields: Vec<&str> = inner.split(delimiter).collect();
    // "|||6446|" splits into ["", "", "", "6446", ""].
    match fields[..] {
        [_, _, _, port, _] => port.parse().ok().filter(|p| *p != 0),
        _ => None,
    }
}

/// The PORT argument for `addr`: `h1,h2,h3,h4,p1,p2` with `port = p1*256 + p2`.
pub fn port_argument(ip: std::net::Ipv4Addr, port: u16) -> String {
    let [h1, h2, h3, h4] = ip.octets();
    format!("{h1},{h2},{h3},{h4},{},{}", port / 256, port % 256)
}

/// The EPRT argument: `|1|ip|port|` or `|2|ip|port|`.
pub fn eprt_argument(addr: SocketAddr) -> String {
    let family = if addr.is_ipv4() { 1 } else { 2 };
    format!("|{family}|{}|{}|", addr.ip(), addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasv_reply_port_arithmetic() {
        let addr = parse_pasv("227 Entering Passive Mode (192,168,1,2,117,48).").unwrap();
        assert_eq!(addr, "192.168.1.2:30000".parse().unwrap());
        let bare = parse_pasv("227 =10,0,0,1,4,1").unwrap();
        assert_eq!(bare.port(), 4 * 256 + 1);
        assert_eq!(parse_pasv("227 Entering Passive Mode (1,2,3,4,5)"), None);
        assert_eq!(
            parse_pasv("227 Entering Passive Mode (1,2,3,4,5,300)"),
            None
        );
    }

    #[test]
    fn epsv_reply_port() {
        assert_eq!(
            parse_epsv("229 Entering Extended Passive Mode (|||6446|)"),
            Some(6446)
        );
        assert_eq!(parse_epsv("229 ok (!!!6446!)"), Some(6446));
        assert_eq!(
            parse_epsv("229 Entering Extended Passive Mode (|||0|)"),
            None
        );
        assert_eq!(parse_epsv("229 nothing"), None);
    }

    #[test]
    fn port_and_eprt_arguments() {
        assert_eq!(
            port_argument("10.0.0.5".parse().unwrap(), 50123),
            "10,0,0,5,195,203"
        );
        assert_eq!(eprt_argument("[::1]:2000".parse().unwrap()), "|2|::1|2000|");
    }
}
