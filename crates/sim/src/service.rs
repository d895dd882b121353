//! The trait every simulated county service implements, so the server can route to any of them
//! without the services knowing the server.

use super::wire::{SimRequest, SimResponse};

/// A simulated county service.
pub trait CountyService: Send + Sync {
    /// Answers a request whose path is relative to the service's prefix.
    fn handle(&self, req: &SimRequest) -> SimResponse;
}
