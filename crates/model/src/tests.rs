//! The names of the vocabulary's enums, as users and stored records see them: what each
//! prints, what serde writes, which spellings parse, and the message for one that does not.

use crate::blocks::SourceStatus;
use crate::{Mode, Priority, RowStatus, Service, Strategy};
use strum::VariantArray;

const MODES: [(Mode, &str); 7] = [
    (Mode::Search, "search"),
    (Mode::Property, "property"),
    (Mode::Tax, "tax"),
    (Mode::Sales, "sales"),
    (Mode::Documents, "documents"),
    (Mode::Comprehensive, "comprehensive"),
    (Mode::Validate, "validate"),
];

const STRATEGIES: [(Strategy, &str); 5] = [
    (Strategy::Intelligent, "intelligent"),
    (Strategy::ApiOnly, "api-only"),
    (Strategy::ScrapingOnly, "scraping-only"),
    (Strategy::ParallelAll, "parallel-all"),
    (Strategy::Sequential, "sequential"),
];

#[test]
fn each_name_prints_and_parses_back() {
    for (m, name) in MODES {
        assert_eq!((m.as_str(), m.to_string()), (name, name.to_string()));
        assert_eq!(name.parse(), Ok(m));
    }
    for (s, name) in STRATEGIES {
        assert_eq!((s.as_str(), s.to_string()), (name, name.to_string()));
        assert_eq!(name.parse(), Ok(s));
    }
    for (s, name) in [
        (Service::Assessor, "assessor"),
        (Service::Treasurer, "treasurer"),
        (Service::Recorder, "recorder"),
    ] {
        assert_eq!((s.as_str(), s.to_string()), (name, name.to_string()));
        assert_eq!(name.parse(), Ok(s));
    }
    assert_eq!(
        Service::ALL,
        [Service::Assessor, Service::Treasurer, Service::Recorder]
    );
    assert_eq!(Service::ALL, Service::VARIANTS);
    for s in Service::ALL {
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    let priorities = [
        (Priority::Urgent, "urgent"),
        (Priority::High, "high"),
        (Priority::Normal, "normal"),
        (Priority::Low, "low"),
    ];
    for (p, name) in priorities {
        assert_eq!((p.as_str(), p.to_string()), (name, name.to_string()));
        assert_eq!(name.parse(), Ok(p));
        assert_eq!(serde_json::to_value(p).unwrap(), name);
    }
}

#[test]
fn statuses_print_as_serde_writes_them() {
    for ((s, name), every) in [
        (RowStatus::Ok, "ok"),
        (RowStatus::NotFound, "not_found"),
        (RowStatus::Failed, "failed"),
        (RowStatus::Invalid, "invalid"),
        (RowStatus::Skipped, "skipped"),
    ]
    .into_iter()
    .zip(RowStatus::VARIANTS)
    {
        assert_eq!(s, *every);
        assert_eq!(s.as_str(), name);
        assert_eq!(serde_json::to_value(s).unwrap(), name);
    }
    for (s, name) in [
        (SourceStatus::Ok, "ok"),
        (SourceStatus::NotFound, "not_found"),
        (SourceStatus::Failed, "failed"),
        (SourceStatus::Skipped, "skipped"),
    ] {
        assert_eq!(s.as_str(), name);
        assert_eq!(serde_json::to_value(s).unwrap(), name);
        assert_eq!(
            serde_json::from_value::<SourceStatus>(name.into()).unwrap(),
            s
        );
    }
}

#[test]
fn case_whitespace_and_aliases_are_accepted() {
    assert_eq!(" Tax ".parse(), Ok(Mode::Tax));
    assert_eq!("VALIDATE\n".parse(), Ok(Mode::Validate));
    for (text, want) in [
        ("api", Strategy::ApiOnly),
        ("API_ONLY", Strategy::ApiOnly),
        (" api-only ", Strategy::ApiOnly),
        ("Api_Only", Strategy::ApiOnly),
        ("scraping", Strategy::ScrapingOnly),
        ("scraping_only", Strategy::ScrapingOnly),
        ("parallel", Strategy::ParallelAll),
        ("Parallel_All", Strategy::ParallelAll),
        ("Intelligent", Strategy::Intelligent),
        ("\tsequential\n", Strategy::Sequential),
    ] {
        assert_eq!(text.parse(), Ok(want), "{text:?}");
    }
    assert_eq!(" URGENT ".parse(), Ok(Priority::Urgent));
    assert_eq!("Low".parse(), Ok(Priority::Low));
    assert_eq!("Recorder ".parse(), Ok(Service::Recorder));
    assert_eq!(" TREASURER".parse(), Ok(Service::Treasurer));
}

#[test]
fn unknown_names_keep_their_messages() {
    assert_eq!(
        "x".parse::<Mode>().unwrap_err().to_string(),
        "unknown mode \"x\": expected search, property, tax, sales, documents, comprehensive \
         or validate"
    );
    assert_eq!(
        " fast_est ".parse::<Strategy>().unwrap_err().to_string(),
        "unknown strategy \" fast_est \": expected intelligent, api-only, scraping-only, \
         parallel-all or sequential"
    );
    assert_eq!(
        "asap".parse::<Priority>().unwrap_err().to_string(),
        "\"asap\" is not a priority: use urgent, high, normal or low"
    );
    assert_eq!(
        "Nowhere".parse::<Service>().unwrap_err().to_string(),
        "unknown source \"Nowhere\": expected assessor, treasurer or recorder"
    );
    // Neither an empty name, nor an alias's prefix, nor an alias of another enum.
    for bad in [
        "",
        " ",
        "api-all",
        "all",
        "parallel-only",
        "api only",
        "-api",
    ] {
        assert!(bad.parse::<Strategy>().is_err(), "{bad:?}");
    }
    for bad in ["", "searches", "tax-only", "ndjson"] {
        assert!(bad.parse::<Mode>().is_err(), "{bad:?}");
    }
    assert!("tax".parse::<Service>().is_err());
}
