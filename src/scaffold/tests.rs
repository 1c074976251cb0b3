use std::path::Path;

use super::*;
use crate::config::Overrides;

fn config(toml: &str) -> Config {
    Config::parse(
        Path::new("site"),
        Path::new("site/site.toml"),
        toml,
        &Overrides::default(),
    )
    .unwrap()
}

fn has_placeholder(text: &str) -> bool {
    text.split('%')
        .skip(1)
        .step_by(2)
        .any(|key| !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase()))
}

/// The configuration `guide init` writes.
fn init_config() -> Config {
    config(&site_files("My \"guide\"")[0].1)
}

#[test]
fn the_init_files_parse_and_fill_every_placeholder() {
    let files = site_files("My \"guide\"");
    let config = init_config();
    assert_eq!(config.title, "My \"guide\"");
    assert_eq!(config.theme.as_deref(), Some(THEME_NAME));
    let mut scripts = Vec::new();
    for (path, text) in files {
        assert!(!has_placeholder(&text), "{path}: {text}");
        let Some(relative) = path.strip_prefix("content/") else {
            continue;
        };
        let path = Path::new("site").join(path);
        if relative.ends_with(".yaml") {
            scripts.push(ScriptSource {
                relative: relative.to_string(),
                path,
                source: text,
            });
        } else {
            crate::content::parse_document(&config, path, relative, text).unwrap();
        }
    }
    let (scripts, warnings) = crate::script::load(&config, &scripts).unwrap();
    assert_eq!(scripts.len(), 1);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn the_embedded_theme_has_its_templates() {
    let has = |path: &str| THEME_FILES.iter().any(|(p, _)| *p == path);
    for path in [
        "theme.toml",
        "templates/base.html",
        "templates/page.html",
        "templates/script.html",
    ] {
        assert!(has(path), "the embedded theme lacks {path}");
    }
    assert!(THEME_FILES.iter().all(|(p, _)| !p.starts_with('/')));
}

#[test]
fn a_new_script_builds_as_it_stands_in_both_formats() {
    let config = init_config();
    for markdown in [false, true] {
        let text = script_text(&config, "follow-up", markdown).unwrap();
        assert!(!has_placeholder(&text), "{text}");
        let extension = if markdown { "md" } else { "yaml" };
        let source = ScriptSource {
            relative: format!("scripts/follow-up.{extension}"),
            path: format!("site/content/scripts/follow-up.{extension}").into(),
            source: text,
        };
        let (scripts, warnings) = crate::script::load(&config, &[source]).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let script = &scripts[0];
        assert_eq!(script.title, "Follow up");
        assert_eq!(script.situation, "first-contact");
        assert_eq!(script.relationship, ["former-manager"]);
        assert_eq!(script.fields.len(), 1);
        assert_eq!(script.messages.len(), 1);
        assert_eq!(script.messages[0].channel, "email");
    }
}

#[test]
fn a_new_script_takes_the_roomiest_channel_and_needs_a_situation() {
    let config = config(
        "title = \"T\"\nbase_url = \"https://e.org/\"\n[channels.short]\nlabel = \"S\"\nlimit = 200\n[channels.long]\nlabel = \"L\"\nlimit = 2000\n[situations.a]\nlabel = \"A\"\n",
    );
    let text = script_text(&config, "x", false).unwrap();
    assert!(text.contains("channel: long\n"), "{text}");
    assert!(text.contains("# relationship: [peer]\n"), "{text}");
    let source = ScriptSource {
        relative: "scripts/x.yaml".into(),
        path: "x.yaml".into(),
        source: text,
    };
    crate::script::load(&config, &[source]).unwrap();

    let bare = self::config("title = \"T\"\nbase_url = \"https://e.org/\"\n");
    let err = script_text(&bare, "x", false).unwrap_err().to_string();
    assert!(err.starts_with("site.toml declares no situations"), "{err}");
}

#[test]
fn a_new_page_shows_the_declared_taxonomies() {
    let config = self::config(
        "title = \"T\"\nbase_url = \"https://e.org/\"\n\
         [taxonomies.people]\nlabel = \"People\"\ndescription = \"Who it is with\"\n",
    );
    assert_eq!(taxonomy_lines(&config), "# Who it is with\n# people: []\n");
    assert_eq!(taxonomy_lines(&init_config()), "");
}

#[test]
fn a_new_page_parses_with_its_keys_commented() {
    let config = init_config();
    let text = fill(
        NEW_PAGE,
        &[
            ("title", "Timing"),
            ("date", "2026-03-02"),
            ("slug", "timing"),
            ("taxonomies", &taxonomy_lines(&config)),
        ],
    );
    assert!(!has_placeholder(&text), "{text}");
    for key in [
        "description",
        "updated",
        "draft",
        "weight",
        "slug",
        "aliases",
        "tags",
        "template",
        "extra",
    ] {
        assert!(text.contains(&format!("\n# {key}:")), "{key} is not shown");
    }
    let page = crate::content::parse_document(
        &config,
        "site/content/a/timing.md".into(),
        "a/timing.md",
        text,
    )
    .unwrap();
    assert_eq!(page.title, "Timing");
    assert_eq!(page.url, "/a/timing/");
    assert!(page.meta.date.is_some());
}

#[test]
fn page_paths_are_read_under_content() {
    assert_eq!(
        page_file("first-message/timing").unwrap(),
        "first-message/timing.md"
    );
    assert_eq!(page_file("content/a/b.md").unwrap(), "a/b.md");
    assert_eq!(page_file("./a//b").unwrap(), "a/b.md");
    assert_eq!(page_file("scripts/_index").unwrap(), "scripts/_index.md");
    for bad in ["", "/etc/x", "../x", "a/../../x", "a/.hidden"] {
        assert!(page_file(bad).is_err(), "{bad} was accepted");
    }
    let err = page_file("scripts/x").unwrap_err().to_string();
    assert!(err.contains("guide new script x"), "{err}");
}

#[test]
fn script_names_give_a_slug_and_a_format() {
    assert_eq!(
        script_name("follow-up", false).unwrap(),
        ("follow-up".into(), false)
    );
    assert_eq!(
        script_name("Follow Up", true).unwrap(),
        ("follow-up".into(), true)
    );
    assert_eq!(script_name("x.md", false).unwrap(), ("x".into(), true));
    assert_eq!(
        script_name("content/scripts/x.yaml", false).unwrap(),
        ("x".into(), false)
    );
    assert!(script_name("x.yaml", true).is_err());
    assert!(script_name("!!!", false).is_err());
    assert!(script_name("a/b", false).is_err());
}

#[test]
fn yaml_strings_are_quoted_only_when_needed() {
    assert_eq!(yaml_string("My guide"), "My guide");
    assert_eq!(yaml_string("Don't panic"), "Don't panic");
    assert_eq!(yaml_string("Yes"), "\"Yes\"");
    assert_eq!(yaml_string("2026"), "\"2026\"");
    assert_eq!(yaml_string("A: b"), "\"A: b\"");
    assert_eq!(yaml_string("Café!"), "\"Café!\"");
}

#[test]
fn long_lists_wrap_onto_comment_lines() {
    let ids = [
        "first-contact",
        "asking-to-talk",
        "the-conversation",
        "owning-a-mistake",
        "called-out",
    ];
    let ids = [ids.as_slice(), &ids].concat();
    let text = wrapped(&ids);
    assert!(text.lines().count() > 1, "{text}");
    assert!(text.lines().all(|l| l.len() <= 76), "{text}");
    assert!(
        text.lines().skip(1).all(|l| l.starts_with("#   ")),
        "{text}"
    );
    assert!(text.ends_with("called-out"), "{text}");
    assert_eq!(wrapped(&["a", "b"]), "a, b");
}

#[test]
fn the_report_lists_files_then_steps() {
    let created = Created {
        heading: "Created a page".into(),
        files: vec!["content/a.md".into()],
        next: vec!["edit content/a.md".into()],
    };
    assert_eq!(
        created.report(),
        "Created a page:\n  content/a.md\n\nNext:\n  edit content/a.md"
    );
}

#[test]
fn a_new_page_that_would_not_build_is_refused_with_the_reason() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("content/first-message")).unwrap();
    let toml =
        "title = \"T\"\nbase_url = \"https://e.org/\"\n[taxonomies.people]\nlabel = \"People\"\n";
    let config = Config::parse(
        site.path(),
        &site.path().join("site.toml"),
        toml,
        &Overrides::default(),
    )
    .unwrap();
    let refused = |path: &str| new_page(&config, path).unwrap_err().to_string();
    let spaces = refused("my page");
    assert!(
        spaces.contains("`my page` is not a URL segment"),
        "{spaces}"
    );
    assert!(spaces.contains("guide new page my-page"), "{spaces}");
    let capitals = refused("Guide/Timing");
    assert!(
        capitals.contains("`Guide` is not a URL segment"),
        "{capitals}"
    );
    assert!(refused("???").contains("no letters or digits"));
    for taxonomy in ["tags/x", "people/ana", "pagefind/x"] {
        let error = refused(taxonomy);
        assert!(
            error.contains("so a page cannot go there"),
            "{taxonomy}: {error}"
        );
    }
    let section = refused("first-message");
    assert!(section.contains("is a section folder"), "{section}");
    assert!(
        section.contains("guide new page first-message/NAME"),
        "{section}"
    );
    // What does build is still made.
    assert!(new_page(&config, "first-message/timing").is_ok());
    assert!(new_page(&config, "first-message/_index").is_ok());
    assert!(site
        .path()
        .join("content/first-message/timing.md")
        .is_file());
}
