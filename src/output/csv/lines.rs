//! Which CSV lines a record becomes: one per parcel (matched across the source blocks by
//! APN), one per search match, or one for the record alone.

use super::columns::Block;
use mps_ident::Apn;
use mps_model::blocks::{ParcelRecord, SearchMatch, TaxRecord};
use mps_model::data::{AssessorData, ParcelDocuments, ParcelSales};
use mps_model::mode::Mode;
use mps_model::record::{Record, SourceBlock};

/// One line of a record: a parcel and each source's entry for it, or a search match.
#[derive(Debug, Default, Clone, Copy)]
pub struct Line<'a> {
    /// The parcel every source's entry on this line is about.
    pub apn: Option<Apn>,
    pub assessor: Option<&'a ParcelRecord>,
    pub tax: Option<&'a TaxRecord>,
    pub sales: Option<&'a ParcelSales>,
    pub documents: Option<&'a ParcelDocuments>,
    /// The search match of this line (search mode).
    pub item: Option<&'a SearchMatch>,
}

impl Line<'_> {
    /// Whether `source` has an entry on this line.
    pub fn has(&self, source: Block) -> bool {
        match source {
            Block::Assessor => self.assessor.is_some(),
            Block::Tax => self.tax.is_some(),
            Block::Sales => self.sales.is_some(),
            Block::Documents => self.documents.is_some(),
        }
    }
}

/// The lines of `record` in `mode`; never empty, so every record has its line.
pub fn of_record(record: &Record, mode: Mode) -> Vec<Line<'_>> {
    let lines = match mode {
        Mode::Validate => Vec::new(),
        Mode::Search => data(&record.assessor)
            .map(AssessorData::matches)
            .unwrap_or_default()
            .iter()
            .map(|item| Line {
                item: Some(item),
                ..Line::default()
            })
            .collect(),
        _ => by_parcel(record, Block::of_mode(mode)),
    };
    if lines.is_empty() {
        vec![Line::default()]
    } else {
        lines
    }
}

fn data<D>(block: &Option<SourceBlock<D>>) -> Option<&D> {
    block.as_ref().and_then(|b| b.data.as_ref())
}

/// One line per APN found in any source's parcels (first seen first), each source's entry
/// for that APN beside it. A source that failed simply has no entry.
fn by_parcel<'a>(record: &'a Record, sources: &[Block]) -> Vec<Line<'a>> {
    let mut lines: Vec<Line<'a>> = Vec::new();
    for &source in sources {
        match source {
            Block::Assessor => {
                let parcels = data(&record.assessor).map(AssessorData::parcels);
                for p in parcels.unwrap_or_default() {
                    line_for(&mut lines, p.apn, source).assessor = Some(p);
                }
            }
            Block::Tax => {
                for t in data(&record.tax).map_or(&[][..], |d| &d.parcels) {
                    line_for(&mut lines, t.apn, source).tax = Some(t);
                }
            }
            Block::Sales => {
                for s in data(&record.sales).map_or(&[][..], |d| &d.parcels) {
                    line_for(&mut lines, s.apn, source).sales = Some(s);
                }
            }
            Block::Documents => {
                for d in data(&record.documents).map_or(&[][..], |d| &d.parcels) {
                    line_for(&mut lines, d.apn, source).documents = Some(d);
                }
            }
        }
    }
    lines
}

/// The line of `apn` that has no entry of `source` yet, added when there is none.
fn line_for<'l, 'a>(lines: &'l mut Vec<Line<'a>>, apn: Apn, source: Block) -> &'l mut Line<'a> {
    let at = lines
        .iter()
        .position(|l| l.apn == Some(apn) && !l.has(source));
    let i = at.unwrap_or_else(|| {
        lines.push(Line {
            apn: Some(apn),
            ..Line::default()
        });
        lines.len() - 1
    });
    &mut lines[i]
}

#[cfg(test)]
mod tests {
    use super::*;
    use mps_model::blocks::SourceStatus;
    use mps_model::data::Parcels;
    use mps_model::Priority;

    fn block<D>(data: D) -> Option<SourceBlock<D>> {
        let mut b = SourceBlock::without_data(SourceStatus::Ok, None, 1);
        b.data = Some(data);
        Some(b)
    }

    fn apn(s: &str) -> Apn {
        Apn::parse(s).expect("a valid test APN")
    }

    fn parcel(a: &str) -> ParcelRecord {
        serde_json::from_value(serde_json::json!({
            "apn": a, "situs": {}, "owner": {}, "valuations": []
        }))
        .expect("a parcel")
    }

    fn tax(a: &str, due: f64) -> TaxRecord {
        serde_json::from_value(serde_json::json!({
            "apn": a, "years": [], "total_due": due, "delinquent": false, "page": "legacy"
        }))
        .expect("a tax record")
    }

    fn record() -> Record {
        Record {
            line: 2,
            input: "x".into(),
            search_type: None,
            normalized: None,
            priority: Priority::Normal,
            mode: "comprehensive",
            status: mps_model::RowStatus::Ok,
            apn: None,
            apns: Vec::new(),
            error: None,
            assessor: None,
            tax: None,
            sales: None,
            documents: None,
        }
    }

    #[test]
    fn sources_are_matched_by_apn_and_an_unmatched_parcel_gets_its_own_line() {
        let mut rec = record();
        rec.assessor = block(AssessorData::Parcels(Parcels::new(vec![
            parcel("100-00-001"),
            parcel("100-00-002"),
        ])));
        rec.tax = block(Parcels::new(vec![
            tax("100-00-002", 5.0),
            tax("100-00-003", 0.0),
        ]));
        rec.documents = Some(SourceBlock::without_data(SourceStatus::Failed, None, 1));
        let lines = of_record(&rec, Mode::Comprehensive);
        let apns: Vec<String> = lines
            .iter()
            .map(|l| l.apn.map(|a| a.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(apns, ["100-00-001", "100-00-002", "100-00-003"]);
        assert!(lines[0].tax.is_none());
        assert_eq!(
            lines[1].tax.map(|t| t.total_due.to_string()),
            Some("5".into())
        );
        assert_eq!(lines[1].tax.map(|t| t.apn), Some(apn("100-00-002")));
        assert!(lines[2].assessor.is_none());
    }

    #[test]
    fn a_record_with_no_parcel_still_has_its_line() {
        let rec = record();
        assert_eq!(of_record(&rec, Mode::Tax).len(), 1);
        assert_eq!(of_record(&rec, Mode::Search).len(), 1);
        assert_eq!(of_record(&rec, Mode::Validate).len(), 1);
    }
}
