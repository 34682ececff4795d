//! A moment as the API writes it: RFC 3339 in UTC with milliseconds and a
//! `Z` (`2026-12-04T09:30:00.000Z`), always the same width, so a view
//! carries a real time and the wire stays byte-for-byte what `API.md` shows.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A moment in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// The moment.
    pub fn at(self) -> DateTime<Utc> {
        self.0
    }

    /// `YYYY-MM-DD` (UTC), for compact lists.
    pub fn date(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    /// `YYYY-MM-DD HH:MM` (UTC), for feeds and comments.
    pub fn minute(self) -> String {
        self.0.format("%Y-%m-%d %H:%M").to_string()
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Self(t)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| Self(t.with_timezone(&Utc)))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn it_is_written_with_milliseconds_and_z_and_read_back() {
        let t = Timestamp::from(Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap());
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"2026-12-04T09:30:00.000Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
        assert_eq!(t.date(), "2026-12-04");
        assert_eq!(t.minute(), "2026-12-04 09:30");
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
    }
}
