//! TLS accept loops serving an axum `Router`. We accept TLS ourselves (tokio-rustls) so each
//! request can carry the connection's client certificate as an extension ([`PeerCert`]).

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

use super::ServerError;

/// The verified client certificate (leaf) of the connection a request came on.
#[derive(Debug, Clone)]
pub struct PeerCert(pub Arc<CertificateDer<'static>>);

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn tls_error(e: impl std::fmt::Display) -> ServerError {
    ServerError::Certificate(e.to_string())
}

/// (API config requiring a client certificate from our CA, public config without).
pub fn tls_configs(
    dir: &Path,
    ca_der: &[u8],
) -> Result<(Arc<ServerConfig>, Arc<ServerConfig>), ServerError> {
    let chain = vec![
        CertificateDer::from_pem_file(dir.join("server.pem")).map_err(tls_error)?,
        CertificateDer::from(ca_der.to_vec()),
    ];
    let key = PrivateKeyDer::from_pem_file(dir.join("server-key.pem")).map_err(tls_error)?;

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(ca_der.to_vec()))
        .map_err(tls_error)?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(tls_error)?;
    let api = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain.clone(), key.clone_key())
        .map_err(tls_error)?;
    let public = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(tls_error)?;
    Ok((Arc::new(api), Arc::new(public)))
}

/// Accepts connections until `stop` turns true; then drops the listener and open connections.
pub async fn serve(
    tcp: TcpListener,
    tls: Arc<ServerConfig>,
    app: Router,
    mut stop: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(tls);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = tcp.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let (acceptor, app) = (acceptor.clone(), app.clone());
                connections.spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(tls) => serve_connection(tls, app).await,
                        // A refused certificate ends here; rustls already sent the alert.
                        Err(e) => tracing::info!(%peer, error = %e, "TLS handshake refused"),
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn serve_connection(
    tls: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    app: Router,
) {
    let peer = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| PeerCert(Arc::new(c.clone().into_owned())));
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        if let Some(p) = &peer {
            req.extensions_mut().insert(p.clone());
        }
        app.clone().call(req)
    });
    let builder = hyper::server::conn::http1::Builder::new();
    if let Err(e) = builder.serve_connection(TokioIo::new(tls), service).await {
        tracing::debug!(error = %e, "connection ended");
    }
}
