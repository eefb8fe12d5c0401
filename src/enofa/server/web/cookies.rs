//! The few cookies of the web pages, read from the `Cookie` header and written as `Set-Cookie`
//! values. Session and form cookies use the `__Host-` prefix: the browser keeps them only for
//! this exact host over HTTPS, with `Path=/`, so no other site or subdomain can plant them.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session: a random token; the server keeps only its hash (`web_session`).
pub const SESSION: &str = "__Host-enofa_sesi";
/// A KPP officer's session (separate from any PKP session in the same browser).
pub const KPP: &str = "__Host-enofa_kpp";
/// Before login: ties the login/Lupa Password form (and its captcha) to this browser.
pub const PRE: &str = "__Host-enofa_pra";
/// The chosen language (`id` or `en`); not a secret.
pub const LANG: &str = "enofa_lang";

/// The value of cookie `name`, if the request carries it.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// `Set-Cookie` of a secret cookie: HTTPS only, not readable by script, never sent along from
/// another site, gone after `max_age_secs`.
pub fn secret(name: &str, value: &str, max_age_secs: i64) -> String {
    format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}")
}

/// `Set-Cookie` that removes cookie `name`.
pub fn remove(name: &str) -> String {
    secret(name, "", 0)
}

/// A token we made: hex of the expected length. Anything else is treated as absent.
pub fn is_token(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares two tokens in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.append(
            COOKIE,
            HeaderValue::from_static("a=1; __Host-enofa_sesi=abc"),
        );
        h.append(COOKIE, HeaderValue::from_static("enofa_lang=en"));
        assert_eq!(get(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&h, LANG).as_deref(), Some("en"));
        assert_eq!(get(&h, PRE), None);
    }

    #[test]
    fn tokens_compare_and_check() {
        assert!(same("ab12", "ab12"));
        assert!(!same("ab12", "ab13"));
        assert!(!same("ab12", "ab1"));
        assert!(is_token("0a", 2));
        assert!(!is_token("0g", 2));
        let c = secret(SESSION, "x", 60);
        for part in [
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
            "Max-Age=60",
            "Path=/",
        ] {
            assert!(c.contains(part), "{c}");
        }
    }
}
