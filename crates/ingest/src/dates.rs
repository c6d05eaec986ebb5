//! Publication dates, as found in pages and feeds, to ISO 8601.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// `2025-10-11T09:30:00Z` for dates with a time, `2025-10-11` for calendar dates; `None`
/// when the string is not a recognisable date.
pub fn to_iso8601(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let utc = |d: DateTime<chrono::FixedOffset>| {
        d.with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(utc(d));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(utc(d));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, format) {
            return Some(utc(d));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, format) {
            return Some(d.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true));
        }
    }
    let cleaned: String = s.replace(',', " ").replace("  ", " ");
    let cleaned = cleaned.trim();
    for format in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y%m%d",
        "%B %d %Y",
        "%b %d %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%A %B %d %Y",
        "%m/%d/%Y",
        "%d.%m.%Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(cleaned, format) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    // A leading ISO date with something unparsed after it.
    s.get(..10)
        .and_then(|head| NaiveDate::parse_from_str(head, "%Y-%m-%d").ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::to_iso8601;

    #[test]
    fn common_formats() {
        assert_eq!(
            to_iso8601("2019-11-20T05:27:00-06:00").as_deref(),
            Some("2019-11-20T11:27:00Z")
        );
        assert_eq!(
            to_iso8601("Wed, 20 Nov 2019 11:27:00 GMT").as_deref(),
            Some("2019-11-20T11:27:00Z")
        );
        assert_eq!(
            to_iso8601("2019-11-20T11:27:00+0000").as_deref(),
            Some("2019-11-20T11:27:00Z")
        );
        assert_eq!(to_iso8601("2019-11-20").as_deref(), Some("2019-11-20"));
        assert_eq!(
            to_iso8601("November 20, 2019").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(to_iso8601("20 Nov 2019").as_deref(), Some("2019-11-20"));
        assert_eq!(
            to_iso8601("2019-11-20 garbage").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(to_iso8601("yesterday"), None);
        assert_eq!(to_iso8601(""), None);
    }
}
