//! A site in two languages: `[languages.es]`, translation files beside
//! their sources, each language's pages, feed, sitemap entries and
//! alternates, script translations and their errors, and what `guide
//! check` says of each language.

use crate::assert_contains;
use crate::support::{copy_dir, repo, Site};

const SITE_TOML: &str = r#"title = "Bridges"
description = "Mending work relationships"
base_url = "https://example.org/"
theme = "bridges"

[channels.email]
label = "Email"

[channels.linkedin-note]
label = "LinkedIn note"
limits = [{ label = "Free", chars = 200 }, { label = "Premium", chars = 300 }]

[situations.first-contact]
label = "Breaking the silence"

[relationships.peer]
label = "A former peer"

[languages.en]
name = "English"

[languages.es]
name = "Español"
title = "Puentes"
description = "Reparar relaciones de trabajo"

[languages.es.channels.email]
label = "Correo"

[languages.es.channels.linkedin-note]
label = "Nota de LinkedIn"
limits = ["Gratis", "Premium"]

[languages.es.situations.first-contact]
label = "Romper el silencio"
"#;

const SCRIPT: &str = "title: Reconnect\nsummary: A short note.\nsituation: first-contact\nrelationship: peer\nfields:\n  - name: name\n    label: Their first name\n    example: Priya\n    max: 30\nmessages:\n  - name: note\n    channel: linkedin-note\n    body: |\n      Hi {{name}}, it has been too long.\nnotes: |\n  **When to use it.** After a long silence.\n";

const SCRIPT_ES: &str = "title: Retomar el contacto\nsummary: Una nota breve.\nfields:\n  - name: name\n    label: Su nombre\n    example: Lucía\nmessages:\n  - name: note\n    body: |\n      Hola, {{name}}: ha pasado demasiado tiempo.\nnotes: |\n  **Cuándo usarlo.** Tras un largo silencio.\n";

/// The two-language site, with the bundled guide's theme.
fn bilingual(extra: &[(&str, &str)]) -> Site {
    let mut files = vec![
        ("site.toml", SITE_TOML),
        ("content/_index.md", "---\ntitle: Bridges\n---\nWelcome. Read [the timing page](@/guide/timing.md#waiting).\n"),
        ("content/_index.es.md", "---\ntitle: Puentes\n---\nHola. Lee [el momento](@/guide/timing.md#la-espera) y [la otra](@/guide/other.md).\n"),
        ("content/guide/_index.md", "---\ntitle: The guide\n---\nChapters.\n"),
        ("content/guide/_index.es.md", "---\ntitle: La guía\n---\nCapítulos.\n"),
        ("content/guide/timing.md", "---\ntitle: Timing\ndate: 2026-03-01\nweight: 2\ntags: [timing]\n---\n## Waiting\n\nWait three weeks.\n"),
        ("content/guide/timing.es.md", "---\ntitle: El momento\ntags: [el momento]\n---\n## La espera\n\nEspera tres semanas.\n"),
        ("content/guide/other.md", "---\ntitle: Other\ndate: 2026-03-02\n---\nNot translated.\n"),
        ("content/scripts/_index.md", "---\ntitle: Scripts\n---\n"),
        ("content/scripts/reconnect.yaml", SCRIPT),
        ("content/scripts/reconnect.es.yaml", SCRIPT_ES),
    ];
    files.extend_from_slice(extra);
    let site = Site::from_files(&files);
    copy_dir(
        &repo().join("themes/bridges"),
        &site.root().join("themes/bridges"),
    );
    site
}

#[test]
fn each_language_is_built_under_its_tag_and_an_untranslated_page_is_not() {
    let site = bilingual(&[]);
    let run = site.build();
    assert_contains!(run.stdout, "in Español: 1 pages, 2 sections, 1 scripts");
    let home = site.public("es/index.html");
    assert_contains!(home, "<html lang=\"es\" dir=\"ltr\">");
    assert_contains!(home, "<title>Puentes</title>");
    let timing = site.public("es/guide/timing/index.html");
    assert_contains!(timing, "Espera tres semanas.");
    // Inherited from the source: its date, in Spanish.
    assert_contains!(timing, "1 de marzo de 2026");
    assert!(site.has("guide/other/index.html"));
    assert!(!site.has("es/guide/other/index.html"), "no silent fallback");
    // A translation's link to a page not translated leads to the English one.
    assert_contains!(home, "href=\"/guide/other/\"");
    assert_contains!(home, "href=\"/es/guide/timing/#la-espera\"");
    // Each language's terms.
    assert!(site.has("es/tags/el-momento/index.html"));
    assert!(!site.has("es/tags/timing/index.html"));
    // Static files are the site's, once.
    assert!(site.has("css/style.css"));
    assert!(!site.has("es/css/style.css"));
}

#[test]
fn pages_name_each_other_with_hreflang_both_ways_and_x_default() {
    let site = bilingual(&[]);
    site.build();
    for page in ["guide/timing/index.html", "es/guide/timing/index.html"] {
        let html = site.public(page);
        assert_contains!(
            html,
            "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/guide/timing/\">"
        );
        assert_contains!(html, "<link rel=\"alternate\" hreflang=\"es\" href=\"https://example.org/es/guide/timing/\">");
        assert_contains!(html, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/guide/timing/\">");
    }
    // A page in one language only has no alternates.
    assert!(!site
        .public("guide/other/index.html")
        .contains("hreflang=\"es\" href"));
}

#[test]
fn the_switcher_leads_to_the_page_or_says_it_leads_to_the_nearest_translated_one() {
    let site = bilingual(&[]);
    site.build();
    let timing = site.public("guide/timing/index.html");
    assert_contains!(
        timing,
        "<a href=\"/es/guide/timing/\" hreflang=\"es\" lang=\"es\" data-keep-fragment>Español</a>"
    );
    let other = site.public("guide/other/index.html");
    // guide/other.md has no Spanish: the switcher leads to /es/guide/ and says so.
    assert_contains!(
        other,
        "<a href=\"/es/guide/\" hreflang=\"es\" lang=\"es\" title=\""
    );
    assert_contains!(other, "Español<span class=\"visually-hidden\"> (");
    let spanish = site.public("es/guide/timing/index.html");
    assert_contains!(spanish, "aria-label=\"Idioma\"");
}

#[test]
fn the_sitemap_lists_both_languages_and_each_has_its_feed() {
    let site = bilingual(&[]);
    site.build();
    let sitemap = site.public("sitemap.xml");
    assert_contains!(sitemap, "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    assert_contains!(sitemap, "<loc>https://example.org/es/guide/timing/</loc>");
    assert_contains!(sitemap, "<loc>https://example.org/guide/timing/</loc>");
    assert_contains!(sitemap, "<xhtml:link rel=\"alternate\" hreflang=\"es\" href=\"https://example.org/es/guide/timing/\"/>");
    assert!(!sitemap.contains("<loc>https://example.org/es/guide/other/</loc>"));
    assert!(!site.has("es/sitemap.xml"), "one sitemap for the site");
    let english = site.public("atom.xml");
    let spanish = site.public("es/atom.xml");
    assert_contains!(english, "xml:lang=\"en\"");
    assert_contains!(spanish, "xml:lang=\"es\"");
    assert_contains!(spanish, "<title>El momento</title>");
    assert!(!spanish.contains("<title>Other</title>"));
    assert!(!english.contains("El momento"));
}

#[test]
fn a_script_translation_gives_its_texts_and_keeps_the_source_ids_and_limits() {
    let site = bilingual(&[]);
    site.build();
    let page = site.public("es/scripts/reconnect/index.html");
    assert_contains!(page, "Retomar el contacto");
    assert_contains!(page, "Su nombre");
    assert_contains!(page, "Nota de LinkedIn");
    assert_contains!(page, "Hola, {{name}}: ha pasado demasiado tiempo.");
    assert_contains!(page, "\"chars\":200");
    assert_contains!(page, "Gratis");
}

#[test]
fn a_script_translation_that_drops_a_field_or_names_an_unknown_message_is_a_located_error() {
    let dropped = SCRIPT_ES.replace(
        "fields:\n  - name: name\n    label: Su nombre\n    example: Lucía\n",
        "fields: []\n",
    );
    let site = bilingual(&[("content/scripts/reconnect.es.yaml", &dropped)]);
    let run = site.run(&["build"]);
    assert!(!run.ok);
    assert_contains!(
        run.stderr,
        "the translation leaves out the field `name` of `scripts/reconnect.yaml`"
    );
    assert_contains!(run.stderr, "reconnect.es.yaml:3:9");

    let unknown = SCRIPT_ES.replace("  - name: note\n", "  - name: nota\n");
    let site = bilingual(&[("content/scripts/reconnect.es.yaml", &unknown)]);
    let run = site.run(&["build"]);
    assert!(!run.ok);
    assert_contains!(
        run.stderr,
        "unknown message `nota`: `scripts/reconnect.yaml` has no message `nota`"
    );
    assert_contains!(run.stderr, "reconnect.es.yaml:8:3");
    assert_contains!(run.stderr, "the translation leaves out the message `note`");

    let added = SCRIPT_ES.replace(
        "    example: Lucía\n",
        "    example: Lucía\n  - name: company\n    label: Empresa\n    example: Atlas\n",
    );
    let run = bilingual(&[("content/scripts/reconnect.es.yaml", &added)]).run(&["build"]);
    assert_contains!(run.stderr, "`scripts/reconnect.yaml` has no field `company`: a translation gives the source's fields, and adds none");

    let channel = SCRIPT_ES.replace("  - name: note\n", "  - name: note\n    channel: email\n");
    let run = bilingual(&[("content/scripts/reconnect.es.yaml", &channel)]).run(&["build"]);
    assert_contains!(
        run.stderr,
        "the message `note` goes by `linkedin-note` in `scripts/reconnect.yaml`, not `email`"
    );
}

#[test]
fn a_translation_may_add_a_message_of_its_own_with_its_channel() {
    let formal = SCRIPT_ES.replace("notes:", "  - name: note-usted\n    label: Formal\n    channel: email\n    body: |\n      Estimada {{name}}: ha pasado mucho tiempo.\nnotes:");
    let site = bilingual(&[("content/scripts/reconnect.es.yaml", &formal)]);
    site.build();
    assert_contains!(
        site.public("es/scripts/reconnect/index.html"),
        "Estimada {{name}}"
    );
    assert!(!site
        .public("scripts/reconnect/index.html")
        .contains("Estimada"));
}

#[test]
fn a_translated_message_over_its_channel_limit_is_checked_like_the_source() {
    let long = SCRIPT_ES.replace(
        "Hola, {{name}}: ha pasado demasiado tiempo.",
        &format!("Hola, {{{{name}}}}: {}", "muy ".repeat(60)),
    );
    let site = bilingual(&[("content/scripts/reconnect.es.yaml", &long)]);
    let run = site.run(&["check"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert_contains!(all, "reconnect.es.yaml");
    assert_contains!(all, "200");
}

#[test]
fn check_reports_coverage_and_translations_older_than_their_source() {
    let site = bilingual(&[]);
    let run = site.run(&["check"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(run.stdout, "Español (es): 4 of 6 pages and scripts translated (66%); not yet: guide/other.md, scripts/_index.md");
    // No hash recorded: said, with the hash to record.
    let hash = guide::languages::source_hash(
        std::fs::read(site.root().join("content/guide/timing.md"))
            .unwrap()
            .as_slice(),
    );
    assert_contains!(run.stderr, "records no `source_hash`");
    assert_contains!(run.stderr, &format!("add `source_hash: {hash}`"));
    // Recorded, then the source changes.
    let translation =
        format!("---\nsource_hash: {hash}\ntitle: El momento\n---\n## La espera\n\nEspera.\n");
    site.write("content/guide/timing.es.md", &translation);
    let run = site.run(&["check"]);
    assert!(!run.stderr.contains("timing.es.md: this"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("older than its source"),
        "{}",
        run.stderr
    );
    site.write("content/guide/timing.md", "---\ntitle: Timing\ndate: 2026-03-01\n---\n## Waiting\n\nWait three weeks, then once more.\n");
    let run = site.run(&["check"]);
    assert_contains!(run.stderr, "this Español translation is older than its source: `content/guide/timing.md` changed since it was made");
    assert_contains!(run.stderr, &format!("`source_hash: {hash}`"));
    assert_eq!(hash.len(), 12);
}

#[test]
fn a_translation_of_nothing_and_bad_language_tables_are_located_errors() {
    let site = bilingual(&[("content/guide/gone.es.md", "---\ntitle: Nada\n---\n")]);
    let run = site.run(&["build"]);
    assert_contains!(
        run.stderr,
        "`guide/gone.es.md` translates `content/guide/gone.md`, which does not exist"
    );

    let toml = SITE_TOML.replace(
        "[languages.es.channels.email]",
        "[languages.es.channels.emial]",
    );
    let run = bilingual(&[("site.toml", &toml)]).run(&["build"]);
    assert_contains!(
        run.stderr,
        "`[languages.es.channels.emial]`: there is no `emial` in `[channels]`"
    );
    assert_contains!(run.stderr, "did you mean `email`?");
    assert_contains!(run.stderr, "site.toml:");

    let toml = SITE_TOML.replace(
        "limits = [\"Gratis\", \"Premium\"]",
        "limits = [\"Gratis\"]",
    );
    let run = bilingual(&[("site.toml", &toml)]).run(&["build"]);
    assert_contains!(run.stderr, "gives 1 labels, and the channel has 2 limits");

    let toml = SITE_TOML.replace("name = \"Español\"\n", "");
    let run = bilingual(&[("site.toml", &toml)]).run(&["build"]);
    assert_contains!(run.stderr, "`[languages.es]` needs `name`");

    let toml = SITE_TOML.replace("[languages.es]", "[languages.x_y]");
    let run = bilingual(&[("site.toml", &toml)]).run(&["build"]);
    assert_contains!(run.stderr, "must be a BCP 47 language tag");
}

#[test]
fn new_translation_writes_a_draft_beside_the_source_with_its_hash() {
    let site = bilingual(&[]);
    let run = site.run(&["new", "translation", "es", "guide/other"]);
    assert!(run.ok, "{}", run.stderr);
    let text = std::fs::read_to_string(site.root().join("content/guide/other.es.md")).unwrap();
    let hash = guide::languages::source_hash(
        std::fs::read(site.root().join("content/guide/other.md"))
            .unwrap()
            .as_slice(),
    );
    assert_contains!(text, &format!("source_hash: {hash}"));
    assert_contains!(text, "draft: true");
    assert_contains!(text, "title: Other");
    assert!(
        !text.contains("date:"),
        "inherited keys are left out:\n{text}"
    );
    // A draft until translated: the build leaves it out.
    site.build();
    assert!(!site.has("es/guide/other/index.html"));
    let again = site.run(&["new", "translation", "es", "guide/other"]);
    assert!(!again.ok);
    assert_contains!(again.stderr, "already exists");
    let unknown = site.run(&["new", "translation", "fr", "guide/other"]);
    assert_contains!(unknown.stderr, "the site has no language `fr`");
    assert_contains!(unknown.stderr, "the site's other languages are: es");
}

#[test]
fn a_site_in_one_language_builds_as_before() {
    let site = Site::fixture("basic");
    site.write("content/guide/first.es.md", "---\ntitle: Uno\n---\nHola.\n");
    let run = site.build();
    // Without [languages.es], `first.es.md` is a page like any other.
    assert!(!run.stdout.contains("in Español"));
    assert!(site.has("guide/first-es/index.html") || site.has("guide/first.es/index.html"));
    assert!(!site.has("es/index.html"));
}

mod serve {
    //! `serve` takes a translation's edit like its source's: it renders the
    //! translated page and what lists it, and nothing is left stale.

    use guide::build::{render_site, Edit, Project};
    use guide::config::{Config, Overrides};

    use super::bilingual;
    use crate::assert_contains;
    use crate::support::Site;

    const TIMING_ES: &str = "content/guide/timing.es.md";

    fn project(site: &Site) -> Project {
        Project::load(Config::load(site.root(), &Overrides::default()).unwrap()).unwrap()
    }

    fn edit(path: &str) -> Edit {
        Edit::Content {
            paths: vec![path.to_string()],
            structural: false,
        }
    }

    fn page(project: &Project, path: &str) -> String {
        String::from_utf8(project.output.get(path).unwrap().to_vec()).unwrap()
    }

    /// The project's output is a full build's, but for the search index
    /// (page edits leave it to serve's search thread).
    fn assert_same_as_full_build(site: &Site, project: &Project) {
        let config = Config::load(site.root(), &Overrides::default()).unwrap();
        let full = render_site(&config, Vec::new()).unwrap().output;
        let indexed = |(path, _): &(&str, &[u8])| !path.contains("pagefind/");
        let ours: Vec<_> = project.output.iter().filter(indexed).collect();
        let theirs: Vec<_> = full.iter().filter(indexed).collect();
        let paths =
            |files: &[(&str, &[u8])]| files.iter().map(|f| f.0.to_string()).collect::<Vec<_>>();
        assert_eq!(paths(&ours), paths(&theirs));
        for ((path, a), (_, b)) in ours.iter().zip(&theirs) {
            assert!(a == b, "{path} differs from a full build");
        }
    }

    #[test]
    fn a_translation_edit_renders_the_translated_page_and_what_lists_it() {
        let site = bilingual(&[]);
        let mut project = project(&site);
        let english = page(&project, "guide/timing/index.html");
        site.write(
            TIMING_ES,
            "---\ntitle: Cuándo escribir\ntags: [el momento]\n---\n## La espera\n\nEspera dos semanas.\n",
        );
        let applied = project.apply(&edit(TIMING_ES)).unwrap();
        assert!(
            !applied.full,
            "a translation's edit loads everything: {applied:?}"
        );
        let spanish = page(&project, "es/guide/timing/index.html");
        assert_contains!(spanish, "Espera dos semanas.");
        assert_contains!(spanish, "Cuándo escribir");
        // The Spanish section lists it under its new title.
        assert_contains!(page(&project, "es/guide/index.html"), "Cuándo escribir");
        // Its title changed, so the English page, whose `page.translations`
        // names it, renders again too; nothing else of the English site.
        assert!(
            applied.rendered < 10,
            "rendered {} pages: {:?}",
            applied.rendered,
            applied.because
        );
        assert!(
            applied.because.iter().any(|b| b.contains("(in Español)")),
            "{:?}",
            applied.because
        );
        assert!(
            applied
                .because
                .iter()
                .any(|b| b == "guide/timing.md changed"),
            "{:?}",
            applied.because
        );
        assert_eq!(page(&project, "guide/timing/index.html"), english);
        assert_same_as_full_build(&site, &project);
    }

    #[test]
    fn a_body_edit_of_a_translation_leaves_the_site_in_its_own_language_alone() {
        let site = bilingual(&[]);
        let mut project = project(&site);
        let before: Vec<(String, Vec<u8>)> = project
            .output
            .iter()
            .filter(|(p, _)| !p.starts_with("es/"))
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        site.write(
            TIMING_ES,
            "---\ntitle: El momento\ntags: [el momento]\n---\n## La espera\n\nEspera tres semanas, o cuatro.\n",
        );
        let applied = project.apply(&edit(TIMING_ES)).unwrap();
        assert!(!applied.full);
        assert_contains!(page(&project, "es/guide/timing/index.html"), "o cuatro.");
        let after: Vec<(String, Vec<u8>)> = project
            .output
            .iter()
            .filter(|(p, _)| !p.starts_with("es/"))
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        assert!(
            before == after,
            "an edit of a Spanish body changed the English site"
        );
        assert_same_as_full_build(&site, &project);
    }

    #[test]
    fn a_source_edit_renders_its_translation_which_takes_the_source_date() {
        let site = bilingual(&[]);
        let mut project = project(&site);
        let path = "content/guide/timing.md";
        site.write(
            path,
            "---\ntitle: Timing\ndate: 2026-05-20\nweight: 2\ntags: [timing]\n---\n## Waiting\n\nWait three weeks.\n",
        );
        let applied = project.apply(&edit(path)).unwrap();
        assert!(!applied.full);
        // The translation gives no date of its own: it takes the new one.
        assert_contains!(page(&project, "es/guide/timing/index.html"), "2026-05-20");
        assert_same_as_full_build(&site, &project);
    }

    #[test]
    fn a_broken_translation_changes_nothing_and_its_fix_is_taken() {
        let site = bilingual(&[]);
        let mut project = project(&site);
        let before = page(&project, "es/guide/timing/index.html");
        site.write(TIMING_ES, "---\ntitle: [unclosed\n---\nCuerpo.\n");
        let error = project.apply(&edit(TIMING_ES)).unwrap_err().to_string();
        assert_contains!(error, "timing.es.md");
        assert_eq!(page(&project, "es/guide/timing/index.html"), before);
        // Another file's edit takes the failed one along once it is fixed.
        site.write(
            TIMING_ES,
            "---\ntitle: El momento justo\ntags: [el momento]\n---\n## La espera\n\nEspera.\n",
        );
        let applied = project.apply(&edit("content/guide/other.md")).unwrap();
        assert!(!applied.full, "{applied:?}");
        assert_contains!(
            page(&project, "es/guide/timing/index.html"),
            "El momento justo"
        );
        assert_same_as_full_build(&site, &project);
    }
}

#[test]
fn serve_rebuilds_the_search_index_of_the_language_edited() {
    use guide::build::{render_site, Edit, Project};
    use guide::config::{Config, Overrides};
    let site = bilingual(&[]);
    let config = || Config::load(site.root(), &Overrides::default()).unwrap();
    let mut project = Project::load(config()).unwrap();
    site.write(
        "content/guide/timing.es.md",
        "---\ntitle: El momento\ntags: [el momento]\n---\n## La espera\n\nEspera con paciencia.\n",
    );
    let edit = Edit::Content {
        paths: vec!["content/guide/timing.es.md".into()],
        structural: false,
    };
    project.apply(&edit).unwrap();
    assert!(project.search_is_stale());
    let languages = project.search_pages();
    let prefixes: Vec<&str> = languages.iter().map(|l| l.prefix.as_str()).collect();
    assert_eq!(prefixes, ["", "es/"]);
    let indexes = guide::search::index_languages(&languages, &project.output, &|| false)
        .unwrap()
        .expect("not cancelled");
    project.replace_search_index(indexes);
    // Search files and all, the output is a full build's.
    let full = render_site(&config(), Vec::new()).unwrap().output;
    let ours: Vec<_> = project.output.iter().collect();
    let theirs: Vec<_> = full.iter().collect();
    let paths = |files: &[(&str, &[u8])]| files.iter().map(|f| f.0.to_string()).collect::<Vec<_>>();
    assert_eq!(paths(&ours), paths(&theirs));
    for ((path, a), (_, b)) in ours.iter().zip(&theirs) {
        assert!(a == b, "{path} differs from a full build's");
    }
    assert!(project
        .output
        .get("es/pagefind/pagefind-entry.json")
        .is_some());
}

#[test]
fn new_translation_writes_an_emails_subject_line_in_the_translations_word() {
    let email = "title: Ask\nsummary: A short ask.\nsituation: first-contact\nrelationship: peer\nfields:\n  - name: name\n    label: Their first name\n    example: Priya\nmessages:\n  - name: email\n    channel: email\n    body: |\n      Subject: A small favour, {{name}}\n      Hi {{name}},\n\n      Could we talk?\n";
    let markdown = "---\ntitle: Intro\nsummary: An introduction.\nsituation: first-contact\nrelationship: [peer]\nfields:\n  - name: name\n    label: Their first name\n    example: Priya\n---\nUse it once.\n\n```message ask email The ask\nSubject: A note from me\nHi {{name}},\n\nSubject: not a subject line here.\n```\n";
    let site = bilingual(&[
        ("content/scripts/ask.yaml", email),
        ("content/scripts/intro.md", markdown),
    ]);
    for (path, own) in [
        ("scripts/ask.yaml", "content/scripts/ask.es.yaml"),
        ("scripts/intro.md", "content/scripts/intro.es.md"),
    ] {
        let run = site.run(&["new", "translation", "es", path]);
        assert!(run.ok, "{}", run.stderr);
        let text = std::fs::read_to_string(site.root().join(own)).unwrap();
        assert!(text.contains("Asunto: A "), "{own}:\n{text}");
    }
    let yaml = std::fs::read_to_string(site.root().join("content/scripts/ask.es.yaml")).unwrap();
    assert!(!yaml.contains("Subject"), "{yaml}");
    let markdown =
        std::fs::read_to_string(site.root().join("content/scripts/intro.es.md")).unwrap();
    // Only a fence's first line is a subject line.
    assert_contains!(
        markdown,
        "Asunto: A note from me\nHi {{name}},\n\nSubject: not a subject line here."
    );
}

#[test]
fn each_language_has_its_offline_worker_manifest_and_page() {
    let site = bilingual(&[]);
    site.write(
        "site.toml",
        &format!("{SITE_TOML}\n[offline]\nenabled = true\n"),
    );
    site.build();
    for (prefix, lang, home) in [("", "en", "/"), ("es/", "es", "/es/")] {
        let manifest: serde_json::Value =
            serde_json::from_str(&site.public(&format!("{prefix}manifest.webmanifest"))).unwrap();
        assert_eq!(manifest["lang"], lang);
        assert_eq!(manifest["start_url"], home);
        assert_eq!(manifest["scope"], home);
        let worker = site.public(&format!("{prefix}sw.js"));
        assert_contains!(worker, &format!("const PREFIX = \"guide:{home}:\""));
        assert_contains!(worker, "\"/css/style.css\"");
        let page = site.public(&format!("{prefix}index.html"));
        assert_contains!(
            page,
            &format!("<meta name=\"guide-worker\" content=\"{home}sw.js\">")
        );
        assert_contains!(
            page,
            &format!("<link rel=\"manifest\" href=\"{home}manifest.webmanifest\">")
        );
    }
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&site.public("es/manifest.webmanifest")).unwrap()
            ["name"],
        "Puentes"
    );
    // Each worker saves its own language's pages and not the other's.
    let english = site.public("sw.js");
    let spanish = site.public("es/sw.js");
    assert!(!english.contains("\"/es/"), "{english}");
    assert_contains!(spanish, "\"/es/guide/timing/\"");
    assert!(!spanish.contains("\"/guide/timing/\""), "{spanish}");
    let offline = site.public("es/offline.html");
    assert_contains!(offline, "lang=\"es\"");
    // Both languages have an offline page: the switcher leads to the other.
    assert_contains!(offline, "<a href=\"/offline.html\" hreflang=\"en\"");
    assert_contains!(
        site.public("offline.html"),
        "<a href=\"/es/offline.html\" hreflang=\"es\""
    );
}

#[test]
fn the_built_in_offline_page_speaks_the_pages_language() {
    // A theme without offline.html gets guide's own page, in its strings.
    let site = bilingual(&[]);
    site.write(
        "site.toml",
        &format!("{SITE_TOML}\n[offline]\nenabled = true\n"),
    );
    std::fs::remove_file(site.root().join("themes/bridges/templates/offline.html")).unwrap();
    site.build();
    let spanish = site.public("es/offline.html");
    assert_contains!(spanish, "<html lang=\"es\" dir=\"ltr\">");
    assert_contains!(
        spanish,
        "Esta página no está guardada para leerla sin conexión"
    );
    assert_contains!(spanish, "<a href=\"/es/\">");
    let english = site.public("offline.html");
    assert_contains!(english, "This page is not saved for offline reading");
}
