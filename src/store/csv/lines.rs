//! Which CSV lines a record becomes: one per parcel (matched across the source blocks by
//! APN), one per search match, or one for the record alone.

use super::columns::Block;
use mps_model::mode::Mode;
use serde_json::Value;

/// One line of a record: a parcel and each source's entry for it, or a search match.
#[derive(Debug, Default)]
pub struct Line<'a> {
    pub apn: Option<String>,
    /// Each source's entry for `apn`, by [`Block::index`].
    pub parcels: [Option<&'a Value>; 4],
    /// The search match of this line (search mode).
    pub item: Option<&'a Value>,
}

impl<'a> Line<'a> {
    pub fn parcel(&self, source: Block) -> Option<&'a Value> {
        self.parcels[source.index()]
    }
}

/// The parcels list of a source block (`/tax/data/parcels`), empty when there is none.
pub fn parcels_of(rec: &Value, source: Block) -> &[Value] {
    rec.get(source.name())
        .and_then(|b| b.pointer("/data/parcels"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The lines of record `rec` in `mode`; never empty, so every record has its line.
pub fn of_record(rec: &Value, mode: Mode) -> Vec<Line<'_>> {
    let lines = match mode {
        Mode::Validate => Vec::new(),
        Mode::Search => rec
            .pointer("/assessor/data/matches")
            .and_then(Value::as_array)
            .map(|m| {
                m.iter()
                    .map(|item| Line {
                        item: Some(item),
                        ..Line::default()
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => by_parcel(rec, Block::of_mode(mode)),
    };
    if lines.is_empty() {
        vec![Line::default()]
    } else {
        lines
    }
}

/// One line per APN found in any source's parcels (first seen first), each source's entry
/// for that APN beside it. A source that failed simply has no entry.
fn by_parcel<'a>(rec: &'a Value, sources: &[Block]) -> Vec<Line<'a>> {
    let mut lines: Vec<Line<'a>> = Vec::new();
    for &source in sources {
        for parcel in parcels_of(rec, source) {
            let apn = parcel
                .get("apn")
                .and_then(Value::as_str)
                .map(str::to_string);
            let at = lines
                .iter()
                .position(|l| apn.is_some() && l.apn == apn && l.parcel(source).is_none());
            let i = match at {
                Some(i) => i,
                None => {
                    lines.push(Line {
                        apn,
                        ..Line::default()
                    });
                    lines.len() - 1
                }
            };
            lines[i].parcels[source.index()] = Some(parcel);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sources_are_matched_by_apn_and_an_unmatched_parcel_gets_its_own_line() {
        let rec = json!({
            "assessor": {"data": {"parcels": [{"apn": "1"}, {"apn": "2"}]}},
            "tax": {"data": {"parcels": [{"apn": "2", "total_due": 5}, {"apn": "3"}]}},
            "sales": null,
            "documents": {"status": "failed", "data": null},
        });
        let lines = of_record(&rec, Mode::Comprehensive);
        let apns: Vec<_> = lines.iter().map(|l| l.apn.clone().unwrap()).collect();
        assert_eq!(apns, ["1", "2", "3"]);
        assert!(lines[0].parcel(Block::Tax).is_none());
        assert_eq!(lines[1].parcel(Block::Tax).unwrap()["total_due"], 5);
        assert!(lines[2].parcel(Block::Assessor).is_none());
    }

    #[test]
    fn a_record_with_no_parcel_still_has_its_line() {
        let rec = json!({"assessor": null, "tax": null});
        assert_eq!(of_record(&rec, Mode::Tax).len(), 1);
        assert_eq!(of_record(&rec, Mode::Search).len(), 1);
        assert_eq!(of_record(&rec, Mode::Validate).len(), 1);
    }
}
