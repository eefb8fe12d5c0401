//! `axum::Form` whose refusals (unreadable, missing fields, over the size limit) are pages.

use axum::extract::{Form, FromRequest, Request};
use axum::response::Response;
use serde::de::DeserializeOwned;

use super::pages::{Lang, refusal};

pub struct WebForm<T>(pub T);

impl<T, S> FromRequest<S> for WebForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let lang = Lang::of(req.uri(), req.headers());
        Form::<T>::from_request(req, state)
            .await
            .map(|Form(value)| WebForm(value))
            .map_err(|e| {
                tracing::info!(error = %e.body_text(), "web form refused");
                refusal(e.status(), lang, lang.0.home, lang.0.bad_form)
            })
    }
}
