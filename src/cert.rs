//! X.509 certificates (placeholder while the module is written).
