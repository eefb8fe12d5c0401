//! Captchas: five digits drawn into a noisy PNG. Single use, expire after five minutes, valid
//! only for the NPWP (certificate) that asked for them; the answer stays in this process.
//! Limits are per NPWP, so one certificate holder cannot crowd out another's captchas.

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use image::{GrayImage, Luma};

pub const LIFETIME: Duration = Duration::from_secs(300);
const DIGITS: usize = 5;
const SCALE: u32 = 6;

/// 3x5 bitmaps of 0-9, one row per `u8` (3 low bits).
const FONT: [[u8; 5]; 10] = [
    [7, 5, 5, 5, 7],
    [2, 6, 2, 2, 7],
    [7, 1, 7, 4, 7],
    [7, 1, 7, 1, 7],
    [5, 5, 7, 1, 1],
    [7, 4, 7, 1, 7],
    [7, 4, 7, 5, 7],
    [7, 1, 1, 1, 1],
    [7, 5, 7, 5, 7],
    [7, 5, 7, 1, 7],
];

/// Captchas one NPWP (certificate) may hold unanswered. Past this its own oldest is dropped:
/// asking for many captchas only ever displaces the asker's own, never another PKP's, and
/// memory stays bounded by the number of certificates the operator issued.
pub const MAX_PENDING_PER_NPWP: usize = 8;

/// A captcha waiting for its answer.
struct Pending {
    id: String,
    answer: String,
    expires: Instant,
}

/// What an answered captcha turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptchaCheck {
    Correct,
    /// A captcha of this NPWP, answered wrongly: a failure toward its lockout.
    Wrong,
    /// Not (or no longer) a pending captcha of this NPWP: expired, displaced by newer ones,
    /// already used, or never its own. Nothing was guessed, so it is no failure.
    Gone,
}

#[derive(Default)]
struct Pendings {
    /// Per NPWP, oldest first.
    by_npwp: HashMap<String, VecDeque<Pending>>,
    last_sweep: Option<Instant>,
}

impl Pendings {
    /// Drops expired captchas of every NPWP, at most once per [`LIFETIME`], so NPWPs that never
    /// come back do not keep theirs.
    fn sweep(&mut self, now: Instant) {
        if self.last_sweep.is_some_and(|t| now < t + LIFETIME) {
            return;
        }
        self.last_sweep = Some(now);
        self.by_npwp.retain(|_, queue| {
            queue.retain(|p| p.expires > now);
            !queue.is_empty()
        });
    }
}

pub struct CaptchaStore {
    pending: Mutex<Pendings>,
    per_npwp: usize,
    /// Keys (NPWP or browser) held at most; past this the key whose captcha is oldest goes.
    max_keys: usize,
}

/// Browsers the web login keeps captchas for at once (one each): anybody can ask for a login
/// page, so this bounds the memory a flood of them takes.
pub const MAX_ANONYMOUS_KEYS: usize = 20_000;

impl Default for CaptchaStore {
    fn default() -> CaptchaStore {
        CaptchaStore::with_limit(MAX_PENDING_PER_NPWP)
    }
}

impl CaptchaStore {
    fn with_limit(per_npwp: usize) -> CaptchaStore {
        CaptchaStore {
            pending: Mutex::default(),
            per_npwp: per_npwp.max(1),
            max_keys: usize::MAX,
        }
    }

    /// For the web login form: one captcha per browser, at most [`MAX_ANONYMOUS_KEYS`] browsers.
    pub fn anonymous() -> CaptchaStore {
        CaptchaStore {
            max_keys: MAX_ANONYMOUS_KEYS,
            ..CaptchaStore::with_limit(1)
        }
    }

    /// A new captcha for `npwp`: (id, answer, PNG bytes).
    pub fn issue(&self, npwp: &str) -> (String, String, Vec<u8>) {
        let answer: String = (0..DIGITS)
            .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
            .collect();
        let id = super::state::random_hex(16);
        let png = draw(&answer);
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        pending.sweep(now);
        if !pending.by_npwp.contains_key(npwp) && pending.by_npwp.len() >= self.max_keys {
            pending.last_sweep = None;
            pending.sweep(now);
            let oldest = pending
                .by_npwp
                .iter()
                .min_by_key(|(_, q)| q.front().map(|p| p.expires))
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest.filter(|_| pending.by_npwp.len() >= self.max_keys) {
                pending.by_npwp.remove(&k);
            }
        }
        let queue = pending.by_npwp.entry(npwp.to_owned()).or_default();
        queue.retain(|p| p.expires > now);
        while queue.len() >= self.per_npwp {
            queue.pop_front();
        }
        queue.push_back(Pending {
            id: id.clone(),
            answer: answer.clone(),
            expires: now + LIFETIME,
        });
        (id, answer, png)
    }

    /// Checks and consumes a captcha answered by `npwp`: a second use of the same id is
    /// [`CaptchaCheck::Gone`]. Another NPWP's captcha is `Gone` too and stays for its owner.
    pub fn take(&self, id: &str, answer: &str, npwp: &str) -> CaptchaCheck {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let Some(queue) = pending.by_npwp.get_mut(npwp) else {
            return CaptchaCheck::Gone;
        };
        let Some(at) = queue.iter().position(|p| p.id == id) else {
            return CaptchaCheck::Gone;
        };
        let taken = queue.remove(at);
        if queue.is_empty() {
            pending.by_npwp.remove(npwp);
        }
        match taken {
            Some(p) if p.expires <= Instant::now() => CaptchaCheck::Gone,
            Some(p) if p.answer == answer.trim() => CaptchaCheck::Correct,
            Some(_) => CaptchaCheck::Wrong,
            None => CaptchaCheck::Gone,
        }
    }

    /// Peeks at an answer without consuming it (demo mode only; see `RunningServer`).
    pub fn answer(&self, id: &str) -> Option<String> {
        let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending
            .by_npwp
            .values()
            .flatten()
            .find(|p| p.id == id)
            .map(|p| p.answer.clone())
    }
}

fn draw(answer: &str) -> Vec<u8> {
    let (w, h) = (DIGITS as u32 * 4 * SCALE + 2 * SCALE, 7 * SCALE + 8);
    let mut img = GrayImage::from_fn(w, h, |_, _| Luma([rand::random_range(200..=255u8)]));
    for (i, c) in answer.bytes().enumerate() {
        let glyph = FONT[(c - b'0') as usize];
        let x0 = SCALE + i as u32 * 4 * SCALE;
        let y0 = SCALE + rand::random_range(0..8u32);
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..3u32 {
                if bits & (4 >> col) != 0 {
                    for dy in 0..SCALE {
                        for dx in 0..SCALE {
                            let (x, y) = (x0 + col * SCALE + dx, y0 + row as u32 * SCALE + dy);
                            if x < w && y < h {
                                img.put_pixel(x, y, Luma([rand::random_range(0..90u8)]));
                            }
                        }
                    }
                }
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    // Encoding an in-memory grayscale image cannot fail short of allocation failure.
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NPWP: &str = "010000000123000";
    const OTHER: &str = "020000000123000";

    #[test]
    fn captcha_is_single_use_and_a_png() {
        let store = CaptchaStore::default();
        let (id, answer, png) = store.issue(NPWP);
        assert!(png.starts_with(b"\x89PNG"));
        assert_eq!(store.take(&id, "wrong", NPWP), CaptchaCheck::Wrong);
        let (id2, answer2, _) = store.issue(NPWP);
        assert_eq!(store.take(&id2, &answer2, NPWP), CaptchaCheck::Correct);
        assert_eq!(store.take(&id2, &answer2, NPWP), CaptchaCheck::Gone);
        assert_eq!(store.take(&id, &answer, NPWP), CaptchaCheck::Gone);
    }

    #[test]
    fn a_captcha_is_only_for_the_npwp_that_asked() {
        let store = CaptchaStore::default();
        let (id, answer, _) = store.issue(NPWP);
        assert_eq!(store.take(&id, &answer, OTHER), CaptchaCheck::Gone);
        assert_eq!(
            store.take(&id, &answer, NPWP),
            CaptchaCheck::Correct,
            "still there for its owner"
        );
    }

    #[test]
    fn many_captchas_displace_only_the_askers_own() {
        let store = CaptchaStore::with_limit(3);
        let (theirs, their_answer, _) = store.issue(OTHER);
        let mine: Vec<(String, String)> = (0..5)
            .map(|_| {
                let (id, answer, _) = store.issue(NPWP);
                (id, answer)
            })
            .collect();
        assert_eq!(store.pending.lock().unwrap().by_npwp[NPWP].len(), 3);
        assert!(store.answer(&mine[0].0).is_none(), "the oldest went first");
        assert_eq!(store.take(&mine[0].0, &mine[0].1, NPWP), CaptchaCheck::Gone);
        let (id, answer) = &mine[4];
        assert_eq!(store.take(id, answer, NPWP), CaptchaCheck::Correct);
        assert_eq!(
            store.take(&theirs, &their_answer, OTHER),
            CaptchaCheck::Correct,
            "another NPWP's captcha is untouched"
        );
        assert!(!store.pending.lock().unwrap().by_npwp.contains_key(OTHER));
    }

    #[test]
    fn anonymous_captchas_keep_one_per_browser_and_a_bounded_number_of_browsers() {
        let store = CaptchaStore {
            max_keys: 3,
            ..CaptchaStore::anonymous()
        };
        let (first, answer, _) = store.issue("web-login:a");
        let (second, answer2, _) = store.issue("web-login:a");
        assert_eq!(
            store.take(&first, &answer, "web-login:a"),
            CaptchaCheck::Gone
        );
        for b in ["b", "c", "d", "e"] {
            store.issue(&format!("web-login:{b}"));
        }
        assert_eq!(store.pending.lock().unwrap().by_npwp.len(), 3);
        assert_eq!(
            store.take(&second, &answer2, "web-login:a"),
            CaptchaCheck::Gone,
            "the oldest browser made room"
        );
    }
}
