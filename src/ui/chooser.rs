//! The app's own file chooser, for computers where no system file dialog can open (Linux without
//! xdg-desktop-portal or zenity): a path field and the listing of one folder. A screen shows it
//! as a dialog and gets [`Outcome::Chosen`] back.

use std::path::{Path, PathBuf};

use iced::widget::{button, column, operation, row, scrollable, text, text_input};
use iced::{Element, Length, Task};

use super::i18n::{self, Key, Lang};
use super::widget::{self, Tone};

pub const INPUT: &str = "chooser-path";

/// Entries shown of one folder; a folder with more says so.
const MAX_ENTRIES: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Typed(String),
    /// A folder's listing, read off the UI thread.
    Listed(PathBuf, Result<Vec<Entry>, String>),
    /// A click on a folder (go in) or a file (choose it).
    Clicked(Entry),
    Up,
    Ok,
    Cancel,
}

pub enum Outcome {
    None,
    Run(Task<Message>),
    Chosen(PathBuf),
    Cancelled,
}

#[derive(Debug)]
pub struct Chooser {
    dir: PathBuf,
    typed: String,
    entries: Vec<Entry>,
    extensions: &'static [&'static str],
    /// Why the folder cannot be listed (the raw OS text).
    problem: Option<String>,
}

impl Chooser {
    /// Opens in the folder of `start` (a typed path) or else in the home folder.
    pub fn open(start: &str, extensions: &'static [&'static str]) -> (Chooser, Task<Message>) {
        let typed = Path::new(start.trim());
        let dir = [typed, typed.parent().unwrap_or(typed)]
            .into_iter()
            .find(|d| !d.as_os_str().is_empty() && d.is_dir())
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("/"));
        let chooser = Chooser {
            typed: start.trim().to_string(),
            dir: dir.clone(),
            entries: Vec::new(),
            extensions,
            problem: None,
        };
        let task = Task::batch([chooser.list(dir), operation::focus(INPUT)]);
        (chooser, task)
    }

    fn list(&self, dir: PathBuf) -> Task<Message> {
        let extensions = self.extensions;
        Task::perform(
            async move {
                let at = dir.clone();
                let listed = tokio::task::spawn_blocking(move || list(&at, extensions))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                (dir, listed)
            },
            |(dir, listed)| Message::Listed(dir, listed),
        )
    }

    pub fn update(&mut self, message: Message) -> Outcome {
        match message {
            Message::Typed(v) => self.typed = v,
            Message::Listed(dir, Ok(entries)) => {
                self.dir = dir;
                self.entries = entries;
                self.problem = None;
            }
            Message::Listed(_, Err(e)) => self.problem = Some(e),
            Message::Clicked(e) if e.is_dir => return self.go(self.dir.join(e.name)),
            Message::Clicked(e) => return Outcome::Chosen(self.dir.join(e.name)),
            Message::Up => {
                if let Some(parent) = self.dir.parent() {
                    return self.go(parent.to_path_buf());
                }
            }
            Message::Ok => {
                let path = PathBuf::from(self.typed.trim());
                if path.is_dir() {
                    return self.go(path);
                }
                if !self.typed.trim().is_empty() {
                    return Outcome::Chosen(path);
                }
            }
            Message::Cancel => return Outcome::Cancelled,
        }
        Outcome::None
    }

    fn go(&mut self, dir: PathBuf) -> Outcome {
        self.typed = dir.display().to_string();
        Outcome::Run(self.list(dir))
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let t = |k| i18n::t(lang, k);
        let input = text_input("/path/file", &self.typed)
            .id(INPUT)
            .on_input(Message::Typed)
            .on_submit(Message::Ok);
        let mut list = column![].spacing(2);
        for e in &self.entries {
            let label = if e.is_dir {
                format!("{}/", e.name)
            } else {
                e.name.clone()
            };
            list = list.push(
                button(text(label))
                    .style(button::text)
                    .padding([2, 6])
                    .on_press(Message::Clicked(e.clone())),
            );
        }
        if self.entries.len() >= MAX_ENTRIES {
            list = list.push(text(t(Key::ChooserTerlaluBanyak)).size(13));
        }
        let mut col = column![
            text(t(Key::ChooserPetunjuk)).size(13),
            input.padding(6),
            row![
                button(text(t(Key::ChooserNaik)))
                    .style(button::secondary)
                    .on_press(Message::Up),
                text(self.dir.display().to_string()).size(13),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
            scrollable(list).height(Length::Fixed(240.0)),
        ]
        .spacing(8);
        if let Some(p) = &self.problem {
            let said = t(Key::ChooserTidakTerbaca).replace("{detail}", p);
            col = col.push(widget::notice(Tone::Error, said));
        }
        col.push(
            row![
                widget::action(t(Key::Ok), Message::Ok, true),
                widget::action(t(Key::Cancel), Message::Cancel, true),
            ]
            .spacing(8),
        )
        .into()
    }
}

/// The folders and the files with one of `extensions` in `dir`, folders first, by name; hidden
/// entries are left out.
fn list(dir: &Path, extensions: &[&str]) -> Result<Vec<Entry>, String> {
    let mut entries: Vec<Entry> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .filter_map(|d| {
            let name = d.file_name().to_string_lossy().into_owned();
            let is_dir = d.path().is_dir();
            let wanted = is_dir
                || Path::new(&name)
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| extensions.iter().any(|w| w.eq_ignore_ascii_case(x)));
            (wanted && !name.starts_with('.')).then_some(Entry { name, is_dir })
        })
        .take(MAX_ENTRIES)
        .collect();
    entries.sort_by(|a, b| {
        b.is_dir
            .cmp(&a.is_dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_folders_first_and_only_the_wanted_files() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        std::fs::create_dir(tmp.path().join(".hidden")).unwrap();
        for f in ["b.P12", "a.p12", "notes.txt", ".secret.p12"] {
            std::fs::write(tmp.path().join(f), b"").unwrap();
        }
        let names: Vec<String> = list(tmp.path(), &["p12", "pfx"])
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["sub", "a.p12", "b.P12"]);
        assert!(list(&tmp.path().join("missing"), &["p12"]).is_err());
    }
}
