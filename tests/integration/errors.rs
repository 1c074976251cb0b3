//! Every bad input gets a clear error: message, `path:line:column`, the line
//! with a caret, a hint; exit status 1; all errors of a build together.

use crate::assert_contains;
use crate::support::Site;

const SITE_TOML: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[channels.email]\nlabel = \"Email\"\n\n[situations.first-contact]\nlabel = \"First\"\n";
const PAGE_HTML: &str = "{{ page.title }}|{{ page.content | safe }}";

/// A site with templates of its own and the given content files.
fn site(files: &[(&str, &str)]) -> Site {
    let mut all = vec![
        ("site.toml", SITE_TOML),
        ("templates/index.html", "{{ section.title }}"),
        ("templates/section.html", "{{ section.title }}"),
        ("templates/page.html", PAGE_HTML),
        ("templates/script.html", "{{ script.title }}"),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
    ];
    all.extend_from_slice(files);
    Site::from_files(&all)
}

fn error_of(site: &Site) -> String {
    let run = site.run(&["build"]);
    run.failed().to_string()
}

#[test]
fn front_matter_never_closed() {
    let site = site(&[("content/a.md", "---\ntitle: A\nBody\n")]);
    assert_eq!(
        error_of(&site),
        "error: the front matter is never closed\n --> content/a.md:1:1\n  |\n1 | ---\n  | ^\n  = help: add a line `---` after the last front-matter key\n\n"
    );
}

#[test]
fn front_matter_missing() {
    let site = site(&[("content/a.md", "# Just a heading\n")]);
    assert_contains!(error_of(&site), " --> content/a.md:1:1\n  |\n1 | # Just a heading\n  | ^\n  = help: front matter must start with `---` on the first line");
}

#[test]
fn invalid_yaml() {
    let site = site(&[("content/a.md", "---\ntitle: A\ntags: [one, two\n---\n")]);
    let err = error_of(&site);
    assert_contains!(err, "error: invalid front matter: ");
    assert_contains!(err, " --> content/a.md:4:1");
}

#[test]
fn unknown_front_matter_key() {
    let site = site(&[("content/a.md", "---\ntitle: A\ntitel: B\n---\n")]);
    assert_eq!(
        error_of(&site),
        "error: unknown front-matter key `titel`\n --> content/a.md:3:1\n  |\n3 | titel: B\n  | ^^^^^\n  = help: did you mean `title`? Allowed keys: title, description, date, updated, draft, weight, slug, aliases, template, image, keywords, extra, source_hash, tags\n\n"
    );
}

#[test]
fn bad_date() {
    let site = site(&[("content/a.md", "---\ntitle: A\ndate: 2026-02-30\n---\n")]);
    assert_eq!(
        error_of(&site),
        "error: invalid front matter: invalid date `2026-02-30`: write it as 2026-02-14 or 2026-02-14T09:30:00Z\n --> content/a.md:3:7\n  |\n3 | date: 2026-02-30\n  |       ^\n\n"
    );
}

#[test]
fn a_title_that_is_a_list() {
    let site = site(&[("content/a.md", "---\ntitle: [a, b]\n---\n")]);
    let err = error_of(&site);
    assert_contains!(
        err,
        "error: invalid front matter: title: invalid type: sequence, expected a string"
    );
    assert_contains!(err, " --> content/a.md:2:8");
}

#[test]
fn a_slug_with_a_slash() {
    let site = site(&[("content/a.md", "---\ntitle: A\nslug: ../up\n---\n")]);
    let err = error_of(&site);
    assert_contains!(err, "slug `../up` must be one URL segment, without `/`");
    assert_contains!(err, " --> content/a.md:3:7");
}

#[test]
fn broken_internal_link() {
    let site = site(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\nFirst line.\n\nSee [b](@/bee.md) now.\n",
        ),
        ("content/b.md", "---\ntitle: B\n---\n"),
    ]);
    assert_eq!(
        error_of(&site),
        "error: broken link `@/bee.md`: there is no `content/bee.md`\n --> content/a.md:6:5\n  |\n6 | See [b](@/bee.md) now.\n  |     ^\n  = help: did you mean `@/b.md`?\n\n"
    );
}

#[test]
fn missing_anchor() {
    let site = site(&[
        ("content/a.md", "---\ntitle: A\n---\n[b](@/b.md#detials)\n"),
        ("content/b.md", "---\ntitle: B\n---\n## Details\n## Other\n"),
    ]);
    assert_eq!(
        error_of(&site),
        "error: broken link `@/b.md#detials`: `b.md` has no heading `#detials`\n --> content/a.md:4:1\n  |\n4 | [b](@/b.md#detials)\n  | ^\n  = help: did you mean `#details`?\n\n"
    );
}

#[test]
fn tera_syntax_error_names_the_template_and_line() {
    let site = site(&[
        ("templates/page.html", "<h1>{{ page.title }</h1>\n"),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    let err = error_of(&site);
    assert_contains!(err, "--> templates/page.html:1:");
    assert_contains!(err, "1 | <h1>{{ page.title }</h1>");
}

#[test]
fn undefined_variable_names_template_line_and_page() {
    let site = site(&[
        (
            "templates/page.html",
            "<h1>{{ page.title }}</h1>\n<p>{{ page.subtitle }}</p>\n",
        ),
        ("content/a.md", "---\ntitle: A\n---\n"),
    ]);
    let err = error_of(&site);
    assert_contains!(err, "--> templates/page.html:2:");
    assert_contains!(err, "2 | <p>{{ page.subtitle }}</p>");
    assert_contains!(err, "= help: this happened while rendering `content/a.md`");
}

#[test]
fn two_files_with_one_url() {
    let site = site(&[
        ("content/a.md", "---\ntitle: A\n---\n"),
        ("content/b.md", "---\ntitle: B\nslug: a\n---\n"),
    ]);
    assert_contains!(
        error_of(&site),
        "error: `content/a.md` and `content/b.md` would both be published at /a/\n --> content/b.md:3:1\n  |\n3 | slug: a\n  | ^^^^\n  = help: rename one of the files, or give one a different `slug:`"
    );
}

#[test]
fn unknown_theme() {
    let site = site(&[("themes/real/templates/page.html", "x")]);
    site.write("site.toml", &format!("theme = \"imaginary\"\n{SITE_TOML}"));
    assert_eq!(
        error_of(&site),
        "error: unknown theme `imaginary`: there is no `themes/imaginary/templates`\n  = help: themes available: real\n\n"
    );
}

#[test]
fn missing_site_toml() {
    let site = Site::from_files(&[("content/_index.md", "---\ntitle: Home\n---\n")]);
    assert_contains!(
        error_of(&site),
        "error: no `site.toml` in `.`: this does not look like a guide site"
    );
}

#[test]
fn site_toml_unknown_key() {
    let site = site(&[]);
    site.write(
        "site.toml",
        &format!("{SITE_TOML}\n[markdown]\nsmart_punctuaton = false\n"),
    );
    assert_contains!(
        error_of(&site),
        "error: unknown key `smart_punctuaton` in site.toml\n  --> site.toml:11:1\n   |\n11 | smart_punctuaton = false\n   | ^^^^^^^^^^^^^^^^\n   = help: did you mean `smart_punctuation`?"
    );
}

#[test]
fn site_toml_syntax_error() {
    let site = site(&[]);
    site.write(
        "site.toml",
        "title = \"T\nbase_url = \"https://example.org/\"\n",
    );
    let err = error_of(&site);
    assert_contains!(err, "error: invalid site.toml: ");
    assert_contains!(err, " --> site.toml:1:");
}

/// The binary's exit status and standard error (the rest of this module
/// builds in process).
#[test]
fn every_bad_file_is_reported_together() {
    let site = site(&[
        ("content/a.md", "---\ntitle: A\ntitel: B\n---\n"),
        ("content/b.md", "---\ntitle: B\ndate: 2026-13-01\n---\n"),
        ("content/c.md", "no front matter\n"),
    ]);
    let err = site.run_binary(&["build"]).failed().to_string();
    assert_contains!(err, "content/a.md:3:1");
    assert_contains!(err, "content/b.md:3:7");
    assert_contains!(err, "content/c.md:1:1");
    assert_contains!(err, "error: 3 errors; nothing was written");
}

#[test]
fn crlf_files_build() {
    let site = site(&[(
        "content/a.md",
        "---\r\ntitle: A\r\n---\r\n## Hello\r\n\r\nText\r\n",
    )]);
    site.build();
    assert_contains!(site.public("a/index.html"), "A|<h2 id=\"hello\">Hello</h2>");
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let site = site(&[("content/a.md", "\u{feff}---\ntitle: A\n---\nText\n")]);
    site.build();
    assert_contains!(site.public("a/index.html"), "A|<p>Text</p>");
}

#[test]
fn a_file_that_is_not_utf8() {
    let site = site(&[]);
    std::fs::write(
        site.root().join("content/a.md"),
        b"---\ntitle: A\n---\nbad \xff byte\n",
    )
    .unwrap();
    assert_contains!(
        error_of(&site),
        "error: `content/a.md` is not valid UTF-8\n --> content/a.md:4:5"
    );
}

/// `guide build` with GUIDE_TEMPLATE_TIMEOUT at half a second.
fn build_with_time_limit(site: &Site) -> crate::support::Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_guide"))
        .arg("build")
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .env("GUIDE_TEMPLATE_TIMEOUT", "0.5")
        .output()
        .unwrap();
    crate::support::Run::from(output)
}

/// Whatever a build left beside the output: a staging folder
/// (`.public.guide-new-<pid>`) that should have been removed.
fn leftovers(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.root())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("guide-new"))
        .collect()
}

/// Components that call themselves ten times a level, which no size cap or
/// range budget stops: the render's deadline ends them as an ordinary
/// error once past GUIDE_TEMPLATE_TIMEOUT; the last good output is kept
/// and the staging folder removed.
#[test]
fn a_template_that_never_ends_is_reported_and_the_output_kept() {
    let bombs = [
        // Counts a little at each level, writes nothing.
        "{% component bomb(n) %}{% if n < 19 %}{% for i in range(end=10) %}\
         {{ <bomb n={n+1}/> }}{% endfor %}{% endif %}{% endcomponent bomb %}{{ <bomb n={0}/> }}",
        // Writes a little at each level, counts nothing.
        "{% component bomb(n) %}.{% if n < 19 %}{{ <bomb n={n+1}/> }}{{ <bomb n={n+1}/> }}\
         {{ <bomb n={n+1}/> }}{{ <bomb n={n+1}/> }}{{ <bomb n={n+1}/> }}{{ <bomb n={n+1}/> }}\
         {{ <bomb n={n+1}/> }}{{ <bomb n={n+1}/> }}{{ <bomb n={n+1}/> }}{{ <bomb n={n+1}/> }}\
         {% endif %}{% endcomponent bomb %}{{ <bomb n={0}/> }}",
    ];
    for bomb in bombs {
        let site = site(&[("content/page.md", "---\ntitle: A page\n---\nWords.\n")]);
        site.build();
        let before = site.public("page/index.html");
        site.write("templates/page.html", bomb);
        let started = std::time::Instant::now();
        let run = build_with_time_limit(&site);
        let stderr = run.failed();
        assert_contains!(
            stderr,
            "error: the template `page.html` has been rendering `content/page.md` for more than 0.5 s"
        );
        assert_contains!(stderr, "set GUIDE_TEMPLATE_TIMEOUT to a number of seconds");
        assert!(
            started.elapsed().as_secs() < 20,
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(site.public("page/index.html"), before);
        assert_eq!(
            leftovers(&site),
            Vec::<String>::new(),
            "a staging folder was left"
        );
    }
}

/// What the other tests rely on: a command run in this process (as
/// `Site::run` runs it, from the site's folder) prints the same bytes to
/// each stream, and ends with the same status, as the binary does.
#[test]
fn a_command_prints_the_same_in_process_as_the_binary() {
    let broken = site(&[
        ("content/a.md", "---\ntitle: A\ntitel: B\n---\n"),
        ("content/b.md", "---\ntitle: B\ndate: 2026-13-01\n---\n"),
        ("content/c.md", "no front matter\n"),
    ]);
    // An orphan page: a warning from `check`.
    let warned = site(&[("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    let runs: [(&Site, &[&str]); 9] = [
        (&broken, &["build"]),
        (&broken, &["build", "--message-format", "json"]),
        (&broken, &["check", "--quiet"]),
        (&warned, &["check", "--quiet"]),
        (&warned, &["check", "--quiet", "--deny-warnings"]),
        (&warned, &["check", "--quiet", "--message-format", "json"]),
        (&warned, &["build", "--no-such-option"]),
        (&warned, &["new", "page", "../outside"]),
        (&warned, &["--version"]),
    ];
    for (site, args) in runs {
        let binary = site.run_binary(args);
        let in_process = site.run(args);
        assert_eq!(
            (in_process.code, &in_process.stdout, &in_process.stderr),
            (binary.code, &binary.stdout, &binary.stderr),
            "guide {}: in process, then the binary",
            args.join(" ")
        );
    }
}
