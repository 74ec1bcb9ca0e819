//! Submission windows. Windows are defined in Asia/Shanghai and stored in UTC; the
//! server clock decides, to the second: a call closing at 18:00 accepts 17:59:59 and
//! refuses 18:00:00.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    NotYetOpen { opens_at: DateTime<Utc> },
    Open,
    Closed { closed_at: DateTime<Utc> },
}

impl Window {
    /// Open from `opens_at` (inclusive) until `closes_at` (exclusive).
    pub fn state(&self, now: DateTime<Utc>) -> WindowState {
        if now < self.opens_at {
            WindowState::NotYetOpen { opens_at: self.opens_at }
        } else if now < self.closes_at {
            WindowState::Open
        } else {
            WindowState::Closed { closed_at: self.closes_at }
        }
    }

    /// The window for one applicant given an extension granted to them (never shorter).
    pub fn extended(&self, extension_until: Option<DateTime<Utc>>) -> Window {
        Window { opens_at: self.opens_at, closes_at: extension_until.map_or(self.closes_at, |e| e.max(self.closes_at)) }
    }

    pub fn is_valid(&self) -> bool {
        self.opens_at < self.closes_at
    }
}

/// A wall-clock time in Asia/Shanghai as UTC (China has no daylight saving, so every
/// local time exists exactly once).
pub fn shanghai(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match Shanghai.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        _ => None,
    }
}

/// The calendar date in Asia/Shanghai at `t` (what "today" means for dates officials use).
pub fn shanghai_date(t: DateTime<Utc>) -> chrono::NaiveDate {
    t.with_timezone(&Shanghai).date_naive()
}

/// How the server shows a time to users.
pub fn shanghai_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        shanghai(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, s).unwrap()).unwrap()
    }

    #[test]
    fn the_shanghai_date_turns_at_16_00_utc() {
        let before = local(2021, 4, 15, 23, 59, 59);
        assert_eq!(shanghai_date(before), NaiveDate::from_ymd_opt(2021, 4, 15).unwrap());
        assert_eq!(shanghai_date(before + Duration::seconds(1)), NaiveDate::from_ymd_opt(2021, 4, 16).unwrap());
    }

    fn zigong() -> Window {
        // 2021-01-20 to 2021-04-15 18:00, Asia/Shanghai (seed 000 §五).
        Window { opens_at: local(2021, 1, 20, 0, 0, 0), closes_at: local(2021, 4, 15, 18, 0, 0) }
    }

    #[test]
    fn shanghai_is_eight_hours_ahead() {
        assert_eq!(local(2021, 4, 15, 18, 0, 0), Utc.with_ymd_and_hms(2021, 4, 15, 10, 0, 0).unwrap());
        assert_eq!(shanghai_text(Utc.with_ymd_and_hms(2021, 4, 15, 10, 0, 0).unwrap()), "2021-04-15 18:00:00");
    }

    #[test]
    fn closes_at_the_boundary_second() {
        let w = zigong();
        assert_eq!(w.state(local(2021, 4, 15, 17, 59, 59)), WindowState::Open);
        assert_eq!(w.state(local(2021, 4, 15, 18, 0, 0)), WindowState::Closed { closed_at: w.closes_at });
        assert_eq!(w.state(local(2021, 4, 15, 18, 0, 1)), WindowState::Closed { closed_at: w.closes_at });
    }

    #[test]
    fn opens_at_the_boundary_second() {
        let w = zigong();
        assert_eq!(w.state(local(2021, 1, 19, 23, 59, 59)), WindowState::NotYetOpen { opens_at: w.opens_at });
        assert_eq!(w.state(local(2021, 1, 20, 0, 0, 0)), WindowState::Open);
    }

    #[test]
    fn extensions_only_lengthen() {
        let w = zigong();
        let later = w.closes_at + Duration::days(2);
        assert_eq!(w.extended(Some(later)).closes_at, later);
        assert_eq!(w.extended(Some(w.closes_at - Duration::days(1))).closes_at, w.closes_at);
        assert_eq!(w.extended(None), w);
        assert_eq!(w.extended(Some(later)).state(later - Duration::seconds(1)), WindowState::Open);
    }
}
