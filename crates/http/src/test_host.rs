//! The host key of this crate's tests: three hosts with lowercase names.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TestHost {
    Assessor,
    Treasurer,
    Recorder,
}

impl TestHost {
    pub(crate) const ALL: [TestHost; 3] =
        [TestHost::Assessor, TestHost::Treasurer, TestHost::Recorder];
}

impl fmt::Display for TestHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TestHost::Assessor => "assessor",
            TestHost::Treasurer => "treasurer",
            TestHost::Recorder => "recorder",
        })
    }
}
