//! Page rendering: the language of the request, the frame every page shares ([`Page`]), and
//! the turn of a template or a refusal into an HTML response.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::cookies;
use super::texts::{EN, ID, Texts};
use crate::enofa::server::state::{ApiError, random_hex};

/// The language of a request: `?lang=` first, then the language cookie, else Indonesian.
#[derive(Clone, Copy)]
pub struct Lang(pub &'static Texts);

impl Lang {
    pub fn from_parts(parts: &Parts) -> Lang {
        Lang::of(&parts.uri, &parts.headers)
    }

    pub fn of(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Lang {
        let asked = asked_lang(uri)
            .map(str::to_owned)
            .or_else(|| cookies::get(headers, cookies::LANG));
        Lang(match asked.as_deref() {
            Some("en") => &EN,
            _ => &ID,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_parts(parts))
    }
}

/// The language named by `?lang=` (`id` or `en`), if any.
pub fn asked_lang(uri: &axum::http::Uri) -> Option<&'static str> {
    match uri
        .query()?
        .split('&')
        .find_map(|p| p.strip_prefix("lang="))?
    {
        "en" => Some("en"),
        "id" => Some("id"),
        _ => None,
    }
}

/// The logged-in PKP as the frame shows it.
pub struct User {
    pub npwp: String,
    pub nama: String,
    pub csrf: String,
}

/// What every page has: language, title, the logged-in PKP (menu) or none, one message.
pub struct Page {
    pub t: &'static Texts,
    pub title: String,
    pub user: Option<User>,
    pub notice: Option<String>,
    pub problem: Option<String>,
}

impl Page {
    pub fn new(lang: Lang, title: &str) -> Page {
        Page {
            t: lang.0,
            title: title.to_owned(),
            user: None,
            notice: None,
            problem: None,
        }
    }

    pub fn with_user(mut self, user: User) -> Page {
        self.user = Some(user);
        self
    }

    pub fn notice(mut self, text: impl Into<String>) -> Page {
        self.notice = Some(text.into());
        self
    }

    pub fn problem(mut self, text: impl Into<String>) -> Page {
        self.problem = Some(text.into());
        self
    }
}

/// A page with only its message (refusals, confirmations).
#[derive(Template)]
#[template(path = "message.html", config = "resources/askama.toml")]
pub struct MessagePage {
    pub page: Page,
}

/// Renders `template` with `status`. A template that fails to render is an internal error.
pub fn html(status: StatusCode, template: &impl Template, t: &'static Texts) -> Response {
    match template.render() {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => internal(t, &e.to_string()),
    }
}

/// A page with only `problem` on it, before login.
pub fn refusal(status: StatusCode, lang: Lang, title: &str, problem: &str) -> Response {
    html(
        status,
        &MessagePage {
            page: Page::new(lang, title).problem(problem),
        },
        lang.0,
    )
}

/// `page` (of a logged-in PKP) with only `problem` on it.
pub fn refusal_for(status: StatusCode, page: Page, problem: &str) -> Response {
    let t = page.t;
    html(
        status,
        &MessagePage {
            page: page.problem(problem),
        },
        t,
    )
}

/// The detail goes to the log under an id; the page shows only the id.
pub fn internal(t: &'static Texts, detail: &str) -> Response {
    let id = random_hex(6);
    tracing::error!(error_id = %id, reason = %detail, "web page failed");
    let body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>e-Nofa</title></head><body><p>{}</p></body></html>",
        t.code,
        t.internal.replace("{id}", &id)
    );
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A refusal of a service function as a line of the page: DJP code, its message and what
/// exactly was wrong. Internal errors are logged under an id instead.
pub fn problem_text(t: &'static Texts, e: &ApiError) -> String {
    if e.status.is_server_error() {
        let id = random_hex(6);
        tracing::error!(error_id = %id, code = e.code.as_str(), reason = %e.reason, "web request failed");
        return t.internal.replace("{id}", &id);
    }
    format!("{} : {}. {}", e.code.as_str(), e.code.message(), e.reason)
}

impl IntoResponse for MessagePage {
    fn into_response(self) -> Response {
        let t = self.page.t;
        html(StatusCode::OK, &self, t)
    }
}
