//! The e-Nofa protocol (`wire`), its mutual-TLS client and the `enofa-server` service.
