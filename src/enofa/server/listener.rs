//! TLS accept loops serving an axum `Router`. We accept TLS ourselves (tokio-rustls) so each
//! request can carry the connection's client certificate as an extension ([`PeerCert`]).
//!
//! Every connection holds a slot of its listener and of its client address ([`Limits`]), must
//! finish the TLS handshake and then send each request within its timeouts, and on shutdown
//! finishes the request in progress before it closes.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

use super::ServerError;
use super::limits::Limits;

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

/// The web pages' config: a client certificate of our CA is asked for but not required (only
/// the pages that need one refuse a request without it).
pub fn web_tls_config(dir: &Path, ca_der: &[u8]) -> Result<Arc<ServerConfig>, ServerError> {
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
        .allow_unauthenticated()
        .build()
        .map_err(tls_error)?;
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(tls_error)?;
    Ok(Arc::new(config))
}

/// Accepts connections until `stop` turns true; then stops accepting, lets every connection
/// finish the request it is serving (up to [`Limits::drain_timeout`]) and cuts off the rest.
pub async fn serve(
    tcp: TcpListener,
    tls: Arc<ServerConfig>,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(tls);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let addresses = AddressSlots::default();
    let mut connections = JoinSet::new();
    let mut backoff = Backoff::default();
    loop {
        let accepted = tokio::select! {
            _ = stopped(&mut stop) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = accept(&tcp, &slots) => accepted,
        };
        let (stream, peer, slot) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors, or the peer gave up before we took it: retrying at
                // once would spin; wait a little more each time instead.
                let pause = backoff.next();
                tracing::warn!(error = %e, ?pause, "accept failed");
                tokio::select! {
                    _ = stopped(&mut stop) => break,
                    _ = tokio::time::sleep(pause) => continue,
                }
            }
        };
        backoff = Backoff::default();
        let Some(address_slot) = addresses.take(peer.ip(), limits.max_connections_per_address)
        else {
            tracing::info!(%peer, "too many connections from this address; closed");
            continue;
        };
        let (acceptor, app, limits, stop) =
            (acceptor.clone(), app.clone(), limits.clone(), stop.clone());
        connections.spawn(async move {
            let _held = (slot, address_slot);
            connection(stream, peer, acceptor, app, &limits, stop).await;
        });
    }
    let addr = tcp.local_addr().map(|a| a.to_string()).unwrap_or_default();
    drop(tcp);
    tracing::info!(
        %addr,
        open = connections.len(),
        "stopped accepting; finishing requests in progress"
    );
    let drained = tokio::time::timeout(limits.drain_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = connections.len(),
            "requests still running after the drain timeout; cut off"
        );
    }
    connections.shutdown().await;
}

/// Resolves once `stop` is true (also if it already was, or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Waits for a free slot of the listener, then for a connection.
async fn accept(
    tcp: &TcpListener,
    slots: &Arc<Semaphore>,
) -> std::io::Result<(TcpStream, SocketAddr, OwnedSemaphorePermit)> {
    let slot = slots
        .clone()
        .acquire_owned()
        .await
        .map_err(std::io::Error::other)?;
    let (stream, peer) = tcp.accept().await?;
    Ok((stream, peer, slot))
}

/// One connection: TLS handshake within its timeout, then HTTP/1.1 until the client leaves,
/// idles too long, or the service stops.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    app: Router,
    limits: &Limits,
    mut stop: watch::Receiver<bool>,
) {
    let handshake = tokio::time::timeout(limits.handshake_timeout, acceptor.accept(stream));
    let tls = tokio::select! {
        _ = stopped(&mut stop) => return,
        done = handshake => match done {
            Ok(Ok(tls)) => tls,
            // A refused certificate ends here; rustls already sent the alert.
            Ok(Err(e)) => return tracing::info!(%peer, error = %e, "TLS handshake refused"),
            Err(_) => return tracing::debug!(%peer, "TLS handshake timed out; closed"),
        },
    };
    serve_connection(tls, app, limits.idle_timeout, stop).await;
}

async fn serve_connection(
    tls: tokio_rustls::server::TlsStream<TcpStream>,
    app: Router,
    idle_timeout: Duration,
    mut stop: watch::Receiver<bool>,
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
    // hyper starts the header timeout whenever it waits for a request: on a new connection,
    // between keep-alive requests, and while headers trickle in.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(idle_timeout);
    let conn = builder.serve_connection(TokioIo::new(tls), service);
    tokio::pin!(conn);
    let ended = tokio::select! {
        ended = conn.as_mut() => ended,
        _ = stopped(&mut stop) => {
            // Finish the request in progress (if any), then close.
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = ended {
        tracing::debug!(error = %e, "connection ended");
    }
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct AddressSlots(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection's share of its address; given back on drop.
struct AddressSlot {
    slots: AddressSlots,
    ip: IpAddr,
}

impl AddressSlots {
    fn take(&self, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            slots: self.clone(),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.slots.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Pause after a failed accept: 10 ms doubling to 1 s; reset by the next success.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff(Duration::from_millis(10))
    }
}

impl Backoff {
    fn next(&mut self) -> Duration {
        let now = self.0;
        self.0 = (self.0 * 2).min(Duration::from_secs(1));
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_slots_refuse_past_the_limit_and_come_back() {
        let slots = AddressSlots::default();
        let (a, b): (IpAddr, IpAddr) = ([127, 0, 0, 2].into(), [127, 0, 0, 3].into());
        let first = slots.take(a, 2).unwrap();
        let _second = slots.take(a, 2).unwrap();
        assert!(slots.take(a, 2).is_none());
        assert!(slots.take(b, 2).is_some());
        drop(first);
        assert!(slots.take(a, 2).is_some());
    }

    #[test]
    fn backoff_doubles_up_to_one_second() {
        let mut b = Backoff::default();
        let pauses: Vec<_> = (0..10).map(|_| b.next().as_millis()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000]);
    }
}
