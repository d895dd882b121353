//! The facts cache in PostgreSQL, for batches with a database: documents read in full are
//! the `documents` rows marked `complete`, sales-chain steps are `sales_links` rows. Shared
//! by every mps process (and machine) using the database.

use super::error::PgError;
use super::store::PgStore;
use crate::cache::{FactStore, Link};
use mps_model::blocks::Document;
use serde_json::Value;
use std::sync::Arc;

/// A [`PgStore`] seen as a facts cache.
pub struct PgFacts(pub Arc<PgStore>);

fn text(e: PgError) -> String {
    e.to_string()
}

fn u32_of(v: Option<i32>) -> Option<u32> {
    v.and_then(|n| u32::try_from(n).ok())
}

fn i32_of(v: Option<u32>) -> Option<i32> {
    v.and_then(|n| i32::try_from(n).ok())
}

impl FactStore for PgFacts {
    fn document(&self, recording_number: &str) -> Result<Option<Document>, String> {
        let row = self
            .0
            .query_opt(
                "reading a cached document",
                "SELECT recording_number, recording_date, codes, names, page_count, \
                 docket_book, page_map, affidavit_present, restricted \
                 FROM documents WHERE recording_number = $1 AND complete",
                &[&recording_number],
            )
            .map_err(text)?;
        let Some(r) = row else { return Ok(None) };
        let get = || -> Result<Document, postgres::Error> {
            Ok(Document {
                recording_number: r.try_get(0)?,
                recording_date: r.try_get(1)?,
                document_codes: r.try_get::<_, Option<Vec<String>>>(2)?.unwrap_or_default(),
                names: r.try_get::<_, Option<Vec<String>>>(3)?.unwrap_or_default(),
                page_count: u32_of(r.try_get(4)?),
                docket_book: u32_of(r.try_get(5)?),
                page_map: u32_of(r.try_get(6)?),
                affidavit_present: r.try_get(7)?,
                restricted: r.try_get::<_, Option<bool>>(8)?.unwrap_or(false),
            })
        };
        // A row that does not read back (a type changed) is a miss, not an error.
        Ok(get().ok())
    }

    fn put_document(&self, d: &Document) -> Result<(), String> {
        self.0
            .execute(
                "caching a document",
                "INSERT INTO documents (recording_number, recording_date, codes, names, \
                 page_count, docket_book, page_map, affidavit_present, restricted, fetched_at, \
                 complete) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), true) \
                 ON CONFLICT (recording_number) DO UPDATE SET \
                 recording_date = EXCLUDED.recording_date, codes = EXCLUDED.codes, \
                 names = EXCLUDED.names, page_count = EXCLUDED.page_count, \
                 docket_book = EXCLUDED.docket_book, page_map = EXCLUDED.page_map, \
                 affidavit_present = EXCLUDED.affidavit_present, \
                 restricted = EXCLUDED.restricted, complete = true",
                &[
                    &d.recording_number,
                    &d.recording_date,
                    &d.document_codes,
                    &d.names,
                    &i32_of(d.page_count),
                    &i32_of(d.docket_book),
                    &i32_of(d.page_map),
                    &d.affidavit_present,
                    &d.restricted,
                ],
            )
            .map_err(text)
    }

    fn link(&self, key: &str) -> Result<Option<Link>, String> {
        let row = self
            .0
            .query_opt(
                "reading a cached sales step",
                "SELECT link FROM sales_links WHERE key = $1",
                &[&key],
            )
            .map_err(text)?;
        Ok(row
            .and_then(|r| r.try_get::<_, Value>(0).ok())
            .and_then(|v| serde_json::from_value(v).ok()))
    }

    fn put_link(&self, key: &str, link: &Link) -> Result<(), String> {
        let value = serde_json::to_value(link).map_err(|e| e.to_string())?;
        self.0
            .execute(
                "caching a sales step",
                "INSERT INTO sales_links (key, link) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET link = EXCLUDED.link, stored_at = now()",
                &[&key, &value],
            )
            .map_err(text)
    }

    fn counts(&self) -> Result<(u64, u64), String> {
        let count = |sql: &str| -> Result<u64, String> {
            let row = self
                .0
                .query_opt("counting cached facts", sql, &[])
                .map_err(text)?;
            Ok(row
                .and_then(|r| r.try_get::<_, i64>(0).ok())
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0))
        };
        Ok((
            count("SELECT count(*) FROM documents WHERE complete")?,
            count("SELECT count(*) FROM sales_links")?,
        ))
    }

    fn clear(&self) -> Result<(), String> {
        self.0
            .execute(
                "clearing the facts cache",
                "UPDATE documents SET complete = false WHERE complete",
                &[],
            )
            .map_err(text)?;
        self.0
            .execute("clearing the facts cache", "DELETE FROM sales_links", &[])
            .map_err(text)
    }

    fn location(&self) -> String {
        format!("PostgreSQL {}", self.0.target())
    }
}
