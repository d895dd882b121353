//! The Maricopa County Treasurer: tax years, amounts billed, paid and due, payments,
//! delinquency and liens, from the legacy ASP.NET pages (plain HTTP with a session cookie) or
//! the current JavaScript page (through a browser).

mod client;
mod cookies;
mod current;
mod legacy;
mod page_cells;

#[cfg(test)]
mod tests;

pub use client::{Legacy, TreasurerClient};
