//! The texts a prepared statement's parameters still hold from its previous run.
//!
//! SQLite copies every bound text and frees the copy the parameter held before: a `malloc` and a
//! `free`, each behind SQLite's memory-statistics mutex, per text parameter. In a bulk import
//! that was a fifth of the writing thread. Many values repeat from row to row (the time stamp,
//! `keluaran`, `draft`, the `0` of an empty discount), and SQLite keeps a statement's bindings
//! across runs, so binding through [`TextSlots`] skips a text its parameter already holds.
//!
//! One `TextSlots` belongs to one statement, and every text parameter of that statement is bound
//! through it; a parameter bound another way must be passed to [`TextSlots::forget`].

use rusqlite::Statement;

#[derive(Debug, Default)]
pub struct TextSlots {
    /// `held[i - 1]`: the text parameter `i` holds, if it holds one bound through here.
    held: Vec<Option<String>>,
}

impl TextSlots {
    /// Binds `v` to parameter `i` (1-based) of `s` unless it holds `v` already.
    pub fn bind(&mut self, s: &mut Statement<'_>, i: usize, v: &str) -> rusqlite::Result<()> {
        if self.held.len() < i {
            self.held.resize(i, None);
        }
        let slot = &mut self.held[i - 1];
        if slot.as_deref() == Some(v) {
            return Ok(());
        }
        s.raw_bind_parameter(i, v)?;
        match slot {
            Some(held) => {
                held.clear();
                held.push_str(v);
            }
            None => *slot = Some(v.to_owned()),
        }
        Ok(())
    }

    /// [`TextSlots::bind`], or NULL.
    pub fn bind_opt(
        &mut self,
        s: &mut Statement<'_>,
        i: usize,
        v: Option<&str>,
    ) -> rusqlite::Result<()> {
        match v {
            Some(v) => self.bind(s, i, v),
            None => {
                self.forget(i);
                s.raw_bind_parameter(i, rusqlite::types::Null)
            }
        }
    }

    /// Parameter `i` no longer holds a text bound through here.
    pub fn forget(&mut self, i: usize) {
        if let Some(slot) = self.held.get_mut(i - 1) {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    #[test]
    fn a_repeated_text_is_not_bound_again_and_every_row_gets_its_values() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a TEXT, b TEXT)")
            .unwrap();
        let mut s = conn.prepare("INSERT INTO t VALUES (?1, ?2)").unwrap();
        let mut slots = TextSlots::default();
        for (a, b) in [
            ("0", Some("x")),
            ("0", Some("x")),
            ("1", None),
            ("1", Some("x")),
        ] {
            slots.bind(&mut s, 1, a).unwrap();
            slots.bind_opt(&mut s, 2, b).unwrap();
            s.raw_execute().unwrap();
        }
        // SQLite's own view of the bound value: the slots and the statement agree.
        assert_eq!(
            s.expanded_sql().as_deref(),
            Some("INSERT INTO t VALUES ('1', 'x')")
        );
        let rows: Vec<(String, Option<String>)> = conn
            .prepare("SELECT a, b FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let want = [
            ("0", Some("x")),
            ("0", Some("x")),
            ("1", None),
            ("1", Some("x")),
        ];
        assert_eq!(
            rows,
            want.map(|(a, b)| (a.to_string(), b.map(str::to_string)))
        );
    }
}
