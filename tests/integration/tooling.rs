//! Author tooling: diagnostics as JSON lines, shell completions, and the
//! JSON Schemas of site.toml and YAML scripts (kept in `schemas/`, made
//! from the Rust types, checked against every bundled file).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{repo, Site};

/// A site with two mistakes in two files and one warning.
fn broken() -> Site {
    let site = Site::fixture("basic");
    site.write("content/guide/first.md", "---\ntitel: First\n---\nText.\n");
    site.write(
        "content/scripts/hello.yaml",
        "title: Hello\nsummary: S\nsituation: first-contact\nfields:\n  - name: who\n    label: Who\nmessages:\n  - name: m\n    channel: email\n    body: Hi {{whom}}\n",
    );
    site
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one JSON object: {e}\n{line}"))
        })
        .collect()
}

/// The binary's standard output and exit status.
#[test]
fn message_format_json_prints_one_diagnostic_per_line() {
    let site = broken();
    for command in ["build", "check"] {
        let run = site.run_binary(&[command, "--message-format", "json"]);
        run.failed();
        let lines = json_lines(&run.stdout);
        assert!(lines.len() >= 2, "{command}: {}", run.stdout);
        for line in &lines {
            for key in [
                "level", "message", "file", "line", "column", "end", "help", "spans", "rendered",
            ] {
                assert!(line.get(key).is_some(), "{command}: no `{key}` in {line}");
            }
            assert_eq!(line["$message_type"], "diagnostic");
        }
        let key = lines
            .iter()
            .find(|l| l["file"] == "content/guide/first.md")
            .unwrap_or_else(|| panic!("{command}: no error in first.md: {}", run.stdout));
        assert_eq!(key["level"], "error");
        assert_eq!(
            (key["line"].as_u64(), key["column"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(key["end"]["line"], 2);
        assert!(key["message"].as_str().unwrap().contains("titel"), "{key}");
        assert!(key["help"].as_str().unwrap().contains("title"), "{key}");
        assert_eq!(key["spans"][0]["file_name"], "content/guide/first.md");
        let field = lines
            .iter()
            .find(|l| l["file"] == "content/scripts/hello.yaml")
            .unwrap_or_else(|| panic!("{command}: no error in hello.yaml: {}", run.stdout));
        assert_eq!(field["line"], 10, "{field}");
        assert!(
            !run.stderr.contains("error:"),
            "human errors under JSON: {}",
            run.stderr
        );
    }
}

#[test]
fn warnings_are_json_lines_too() {
    let site = Site::fixture("basic");
    site.write(
        "content/scripts/hello.yaml",
        "title: Hello\nsummary: S\nsituation: first-contact\nfields:\n  - name: name\n    label: Who\n  - name: unused\n    label: U\nmessages:\n  - name: m\n    channel: email\n    body: Hi {{name}}\n",
    );
    let run = site.run(&["check", "--message-format", "json"]);
    assert!(run.ok, "{}", run.stderr);
    let lines = json_lines(&run.stdout);
    let unused = lines
        .iter()
        .find(|l| l["message"].as_str().is_some_and(|m| m.contains("unused")))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(unused["level"], "warning");
    assert_eq!(unused["file"], "content/scripts/hello.yaml");
    assert!(
        run.stderr.contains("Checked"),
        "the status line goes to stderr"
    );
}

#[test]
fn completions_are_generated_for_every_shell_and_bash_parses_them() {
    let site = Site::fixture("basic");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = site.run(&["completions", shell]);
        assert!(run.ok, "{shell}: {}", run.stderr);
        for word in [
            "build",
            "serve",
            "completions",
            "message-format",
            "base-url",
        ] {
            assert!(run.stdout.contains(word), "{shell} completes no {word}");
        }
        if shell == "bash" {
            let file = site.root().join("guide.bash");
            std::fs::write(&file, &run.stdout).unwrap();
            let checked = std::process::Command::new("bash")
                .arg("-n")
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                checked.status.success(),
                "bash -n: {}",
                String::from_utf8_lossy(&checked.stderr)
            );
        }
    }
}

// ----- Schemas -----

fn committed(name: &str) -> String {
    std::fs::read_to_string(repo().join("schemas").join(name)).unwrap_or_default()
}

#[test]
fn schemas_are_the_ones_the_types_make() {
    let made = [
        ("site.schema.json", guide::schema::site()),
        ("script.schema.json", guide::schema::script()),
    ];
    for (name, text) in made {
        if std::env::var_os("GUIDE_UPDATE_SCHEMAS").is_some() {
            std::fs::create_dir_all(repo().join("schemas")).unwrap();
            std::fs::write(repo().join("schemas").join(name), &text).unwrap();
        }
        assert!(
            committed(name) == text,
            "schemas/{name} is not what the Rust types make: run `GUIDE_UPDATE_SCHEMAS=1 cargo test --test integration schemas`"
        );
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&committed(name)).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect()
}

fn toml_value(text: &str) -> Value {
    toml::from_str(text).unwrap()
}

fn yaml_value(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

#[test]
fn the_site_schema_takes_every_bundled_site_toml_and_refuses_a_typo() {
    let site = validator("site.schema.json");
    let mut checked = 0;
    for file in [
        repo().join("site.toml"),
        repo().join("src/scaffold/site/site.toml"),
        repo().join("tests/fixtures/basic/site.toml"),
    ] {
        let text = std::fs::read_to_string(&file)
            .unwrap()
            .replace("%title%", "\"T\"");
        let found = errors(&site, &toml_value(&text));
        assert!(found.is_empty(), "{}: {found:?}", file.display());
        checked += 1;
    }
    assert_eq!(checked, 3);
    let typo = toml_value("title = \"T\"\nbase_url = \"https://x.org/\"\ntheem = \"a\"\n");
    assert!(!errors(&site, &typo).is_empty(), "`theem` passed");
    let deep =
        toml_value("title = \"T\"\nbase_url = \"https://x.org/\"\n[offline]\nenable = true\n");
    assert!(
        !errors(&site, &deep).is_empty(),
        "`[offline] enable` passed"
    );
    let wrong = toml_value("title = \"T\"\nbase_url = \"https://x.org/\"\n[channels.x]\nlabel = \"X\"\nlimit = \"ten\"\n");
    assert!(!errors(&site, &wrong).is_empty(), "a string limit passed");
}

fn yaml_scripts(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect()
}

#[test]
fn the_script_schema_takes_every_bundled_script_and_refuses_a_typo() {
    let script = validator("script.schema.json");
    // A translation (`x.es.yaml`) is an overlay of its source, not a
    // script of its own: the schema is the source's.
    let mut files: Vec<PathBuf> = yaml_scripts(&repo().join("content/scripts"))
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".es.yaml"))
        .collect();
    files.push(repo().join("src/scaffold/site/script.yaml"));
    assert!(files.len() > 8, "{files:?}");
    for file in &files {
        let found = errors(
            &script,
            &yaml_value(&std::fs::read_to_string(file).unwrap()),
        );
        assert!(found.is_empty(), "{}: {found:?}", file.display());
    }
    let good = std::fs::read_to_string(&files[0]).unwrap();
    let typo = good.replacen("title:", "titel:", 1);
    assert!(
        !errors(&script, &yaml_value(&typo)).is_empty(),
        "`titel` passed"
    );
    let field =
        "title: T\nsummary: S\nsituation: x\nfields:\n  - name: a\n    lable: A\nmessages: []\n";
    assert!(
        !errors(&script, &yaml_value(field)).is_empty(),
        "`lable` passed"
    );
}

#[test]
fn init_and_new_script_name_the_schemas() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("site");
    let run = Site::fixture("basic").run(&["init", dir.to_str().unwrap()]);
    assert!(run.ok, "{}", run.stderr);
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    assert!(read("site.toml").starts_with("#:schema ./schemas/site.schema.json\n"));
    assert_eq!(
        read("schemas/site.schema.json"),
        committed("site.schema.json")
    );
    assert_eq!(
        read("schemas/script.schema.json"),
        committed("script.schema.json")
    );
    let yaml = "# yaml-language-server: $schema=../../schemas/script.schema.json\n";
    assert!(read("content/scripts/reconnect-note.yaml").starts_with(yaml));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_guide"))
        .args(["new", "script", "follow-up", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let made = read("content/scripts/follow-up.yaml");
    assert!(made.starts_with(yaml), "{made}");
    // What they write validates against what they name.
    let script = validator("script.schema.json");
    assert_eq!(errors(&script, &yaml_value(&made)), Vec::<String>::new());
    let site = validator("site.schema.json");
    assert_eq!(
        errors(&site, &toml_value(&read("site.toml"))),
        Vec::<String>::new()
    );
}
