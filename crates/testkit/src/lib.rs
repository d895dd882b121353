//! Test support for mps, kept out of the product: a throw-away PostgreSQL server per test
//! process and fresh databases on it (or on the server `MPS_TEST_DATABASE_URL` names).

#![warn(missing_docs)]

mod pg_error;
mod testdb;
mod throwaway;

pub use testdb::{test_database, SetupError, TestDb, TEST_DATABASE_ENV};
