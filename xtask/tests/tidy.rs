//! Tidy checks of the whole workspace, run as tests so `cargo test` covers them.

use std::fs;
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, found);
            }
        } else if name.ends_with(".rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc_line() {
    let mut files = Vec::new();
    rust_files(&workspace_root(), &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    let missing: Vec<_> = files
        .iter()
        .filter(|path| {
            let text = fs::read_to_string(path).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` first line: {missing:?}"
    );
}

#[test]
fn published_internal_dependencies_carry_a_version() {
    let manifest = fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with("logswap") && line.contains("path =") && !line.contains("testkit") {
            assert!(
                line.contains("version ="),
                "a published crate's path dependency needs a version too: {line}"
            );
        }
    }
}

#[test]
fn the_readme_test_command_is_the_one_ci_runs() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let ci = fs::read_to_string(workspace_root().join(".ci/run")).unwrap();
    let command = readme
        .lines()
        .find(|line| line.starts_with("cargo test"))
        .expect("the README's quick start has a `cargo test` line");
    assert!(
        ci.lines()
            .any(|line| line.trim() == format!("TEST_COMMAND=\"{command}\"")),
        ".ci/run must run the README's test command `{command}` as TEST_COMMAND"
    );
}
