//! Checks of the invariants written in the README's code map.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Source lines with `//` comments removed, with their 1-based numbers.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("").to_string()))
        .collect()
}

/// Whether `word` stands in `line` as a word of its own (so "invoiced" is not "iced").
fn names(line: &str, word: &str) -> bool {
    line.match_indices(word).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn only_the_ui_names_iced() {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut offenders = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap();
        if rel.starts_with("ui") || rel == Path::new("main.rs") {
            continue;
        }
        for (n, line) in code_lines(f) {
            if names(&line, "iced") {
                offenders.push(format!("src/{}:{n}: {}", rel.display(), line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "iced named outside src/ui and src/main.rs:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn domain_is_pure() {
    let root = src().join("domain");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(!files.is_empty());
    let forbidden = [
        "std::fs",
        "std::net",
        "std::process",
        "rusqlite",
        "tokio",
        "serde",
        "reqwest",
        "async ",
    ];
    let mut offenders = Vec::new();
    for f in &files {
        for (n, line) in code_lines(f) {
            for word in forbidden {
                if names(&line, word) {
                    offenders.push(format!("{}:{n}: {word}", f.display()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "I/O or serde in domain:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_word_check_tells_words_apart() {
    assert!(names("use iced::widget;", "iced"));
    assert!(!names("let invoiced = 1;", "iced"));
    assert!(names("(iced_test::simulator)", "iced"));
}

/// What marks a line as SQL: rusqlite's calls that run a statement, and the statements' words.
const SQL_MARKS: [&str; 18] = [
    ".execute(",
    ".execute_batch(",
    ".query_row(",
    ".query_map(",
    ".query([",
    ".query(params!",
    "query_and_then(",
    "query_row_and_then(",
    ".prepare(",
    ".prepare_cached(",
    ".pragma_update(",
    "SELECT ",
    "INSERT INTO",
    "INSERT OR",
    "DELETE FROM",
    "UPDATE ",
    "PRAGMA ",
    "CREATE TABLE",
];

/// Lines of `path` that hold SQL (see [`SQL_MARKS`]), comments aside.
fn sql_lines(path: &Path) -> Vec<(usize, String)> {
    code_lines(path)
        .into_iter()
        .filter(|(_, line)| SQL_MARKS.iter().any(|m| line.contains(m)))
        .collect()
}

/// The server's SQL has one owner per aggregate, `src/enofa/server/store/`; `db.rs` only opens
/// and migrates the database. Handlers, pages and services call the store's functions.
#[test]
fn server_sql_lives_in_its_store() {
    let root = src().join("enofa").join("server");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 10);
    let mut offenders = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap();
        if rel.starts_with("store") || rel == Path::new("db.rs") {
            continue;
        }
        for (n, line) in sql_lines(f) {
            offenders.push(format!(
                "src/enofa/server/{}:{n}: {}",
                rel.display(),
                line.trim()
            ));
        }
    }
    assert!(
        offenders.is_empty(),
        "SQL outside src/enofa/server/store (move it into the aggregate's store module):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_sql_check_sees_statements_and_calls() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.rs");
    std::fs::write(
        &f,
        "let n = conn.execute(\n  \"UPDATE account SET x = 1\",\n  [],\n);\n// SELECT in a comment\nlet q = uri.query();\nlet rows = stmt.query([1])?;\n",
    )
    .unwrap();
    let lines: Vec<usize> = sql_lines(&f).into_iter().map(|(n, _)| n).collect();
    assert_eq!(lines, [1, 2, 7]);
}
