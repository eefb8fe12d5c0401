//! The upload deadline: a faktur keluaran must be approved by e-Nofa by day 20 (a setting) of
//! the month after its masa. Which masa are overdue or due soon on a given day.

use chrono::{Datelike, Days, NaiveDate};

/// DJP's day of the month after the masa.
pub const DEFAULT_DAY: u8 = 20;

/// Faktur whose deadline is at most this many days away are "due soon".
pub const DUE_SOON_DAYS: u64 = 3;

/// A masa pajak: (tahun, masa 1-12).
pub type Masa = (u16, u8);

fn next_masa((tahun, masa): Masa) -> Masa {
    if masa >= 12 {
        (tahun + 1, 1)
    } else {
        (tahun, masa + 1)
    }
}

fn previous_masa((tahun, masa): Masa) -> Masa {
    if masa <= 1 {
        (tahun.saturating_sub(1), 12)
    } else {
        (tahun, masa - 1)
    }
}

/// The last day to upload faktur of `masa`: `day` of the next month (day 0 counts as 1; a day
/// the month lacks, such as 31 in February, is its last day). `None` for a masa outside 1-12.
pub fn upload_deadline(masa: Masa, day: u8) -> Option<NaiveDate> {
    if !(1..=12).contains(&masa.1) {
        return None;
    }
    let (tahun, bulan) = next_masa(masa);
    let first = NaiveDate::from_ymd_opt(i32::from(tahun), u32::from(bulan), 1)?;
    let last = NaiveDate::from_ymd_opt(
        i32::from(next_masa((tahun, bulan)).0),
        u32::from(next_masa((tahun, bulan)).1),
        1,
    )?
    .pred_opt()?
    .day();
    first.with_day(u32::from(day).clamp(1, last))
}

/// The newest masa whose deadline has passed on `today`: it and every older masa are overdue.
pub fn last_overdue(today: NaiveDate, day: u8) -> Masa {
    let mut m = (today.year().clamp(1, 9999) as u16, today.month() as u8);
    // The current masa's deadline is next month; at most two steps back find a passed one.
    for _ in 0..3 {
        match upload_deadline(m, day) {
            Some(d) if d < today => return m,
            _ => m = previous_masa(m),
        }
    }
    m
}

/// The masa whose deadline falls from `today` to [`DUE_SOON_DAYS`] later, oldest first.
pub fn due_soon(today: NaiveDate, day: u8) -> Vec<(Masa, NaiveDate)> {
    let end = today
        .checked_add_days(Days::new(DUE_SOON_DAYS))
        .unwrap_or(today);
    let mut m = previous_masa((today.year().clamp(1, 9999) as u16, today.month() as u8));
    let mut out = Vec::new();
    // A deadline of masa m is in the month after m: only m = this month - 1 and this month
    // can fall in a window of a few days.
    for _ in 0..2 {
        if let Some(d) = upload_deadline(m, day)
            && d >= today
            && d <= end
        {
            out.push((m, d));
        }
        m = next_masa(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_deadline_is_day_20_of_the_next_month_across_the_year_end() {
        assert_eq!(upload_deadline((2025, 3), 20), Some(date(2025, 4, 20)));
        assert_eq!(upload_deadline((2025, 12), 20), Some(date(2026, 1, 20)));
        // A day the month lacks is its last day.
        assert_eq!(upload_deadline((2025, 1), 31), Some(date(2025, 2, 28)));
        assert_eq!(upload_deadline((2024, 1), 31), Some(date(2024, 2, 29)));
        assert_eq!(upload_deadline((2025, 13), 20), None);
    }

    #[test]
    fn overdue_and_due_soon_masa_on_given_days() {
        // 18 April: March is due on the 20th (2 days), February is overdue.
        let today = date(2025, 4, 18);
        assert_eq!(due_soon(today, 20), vec![((2025, 3), date(2025, 4, 20))]);
        assert_eq!(last_overdue(today, 20), (2025, 2));
        // On the day itself it is still due, not overdue.
        assert_eq!(due_soon(date(2025, 4, 20), 20).len(), 1);
        assert_eq!(last_overdue(date(2025, 4, 20), 20), (2025, 2));
        // 21 April: March is overdue, nothing due soon.
        assert!(due_soon(date(2025, 4, 21), 20).is_empty());
        assert_eq!(last_overdue(date(2025, 4, 21), 20), (2025, 3));
        // 4 days before is not yet "due soon"; early January looks back to December.
        assert!(due_soon(date(2025, 4, 16), 20).is_empty());
        assert_eq!(last_overdue(date(2026, 1, 5), 20), (2025, 11));
        assert_eq!(
            due_soon(date(2026, 1, 18), 20),
            vec![((2025, 12), date(2026, 1, 20))]
        );
    }
}
