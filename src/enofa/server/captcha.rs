//! Captchas: five digits drawn into a noisy PNG. Single use, expire after five minutes, valid
//! only for the NPWP (certificate) that asked for them; the answer stays in this process.

use std::collections::HashMap;
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

/// Captchas kept at once. Any certificate holder may ask for captchas without answering them;
/// past this many the oldest is dropped, so memory stays bounded.
const MAX_PENDING: usize = 10_000;

/// A captcha waiting for its answer.
struct Pending {
    /// NPWP of the certificate that asked for it.
    npwp: String,
    answer: String,
    expires: Instant,
}

pub struct CaptchaStore {
    pending: Mutex<HashMap<String, Pending>>,
    limit: usize,
}

impl Default for CaptchaStore {
    fn default() -> CaptchaStore {
        CaptchaStore::with_limit(MAX_PENDING)
    }
}

impl CaptchaStore {
    fn with_limit(limit: usize) -> CaptchaStore {
        CaptchaStore {
            pending: Mutex::default(),
            limit: limit.max(1),
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
        pending.retain(|_, p| p.expires > now);
        while pending.len() >= self.limit {
            let oldest = pending
                .iter()
                .min_by_key(|(_, p)| p.expires)
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => pending.remove(&id),
                None => break,
            };
        }
        pending.insert(
            id.clone(),
            Pending {
                npwp: npwp.to_owned(),
                answer: answer.clone(),
                expires: now + LIFETIME,
            },
        );
        (id, answer, png)
    }

    /// Checks and consumes a captcha answered by `npwp`: a second use of the same id always
    /// fails. Another NPWP's captcha fails and stays for its owner.
    pub fn take(&self, id: &str, answer: &str, npwp: &str) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if pending.get(id).is_none_or(|p| p.npwp != npwp) {
            return false;
        }
        match pending.remove(id) {
            Some(p) => p.expires > Instant::now() && p.answer == answer.trim(),
            None => false,
        }
    }

    /// Peeks at an answer without consuming it (demo mode only; see `RunningServer`).
    pub fn answer(&self, id: &str) -> Option<String> {
        let pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.get(id).map(|p| p.answer.clone())
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

    #[test]
    fn captcha_is_single_use_and_a_png() {
        let store = CaptchaStore::default();
        let (id, answer, png) = store.issue(NPWP);
        assert!(png.starts_with(b"\x89PNG"));
        assert!(!store.take(&id, "wrong", NPWP));
        let (id2, answer2, _) = store.issue(NPWP);
        assert!(store.take(&id2, &answer2, NPWP));
        assert!(!store.take(&id2, &answer2, NPWP));
        assert!(!store.take(&id, &answer, NPWP));
    }

    #[test]
    fn a_captcha_is_only_for_the_npwp_that_asked() {
        let store = CaptchaStore::default();
        let (id, answer, _) = store.issue(NPWP);
        assert!(!store.take(&id, &answer, "020000000123000"));
        assert!(store.take(&id, &answer, NPWP), "still there for its owner");
    }

    #[test]
    fn unanswered_captchas_do_not_pile_up() {
        let store = CaptchaStore::with_limit(3);
        let ids: Vec<(String, String)> = (0..5)
            .map(|_| {
                let (id, answer, _) = store.issue(NPWP);
                (id, answer)
            })
            .collect();
        assert_eq!(store.pending.lock().unwrap().len(), 3);
        assert!(store.answer(&ids[0].0).is_none(), "the oldest went first");
        let (id, answer) = &ids[4];
        assert!(store.take(id, answer, NPWP), "the newest still works");
    }
}
