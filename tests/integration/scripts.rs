//! Scripts: both loaders, `uses:`, the pages they make, and their errors.

use crate::assert_contains;
use crate::support::Site;

#[test]
fn a_yaml_template_becomes_a_page_with_examples_and_blanks() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.public("scripts/hello/index.html");
    assert_contains!(
        page,
        "<pre class=\"example\">Hi Priya at Acme, long time!</pre>"
    );
    assert_contains!(
        page,
        "Hi <mark class=\"blank\" data-field=\"name\">Their name</mark><span class=\"optional\"> at <mark class=\"blank\" data-field=\"company\">Where they work</mark></span>, long time!"
    );
    assert_contains!(page, "<p>Use this when <strong>nothing</strong> has happened for a while. See <a href=\"/guide/first/\">first steps</a>.</p>");
    assert_contains!(page, "<h2>Email</h2>");
}

#[test]
fn a_markdown_script_uses_a_template_and_adds_a_message() {
    let site = Site::fixture("basic");
    site.build();
    let page = site.public("scripts/hello-again/index.html");
    assert_contains!(
        page,
        "<pre class=\"example\">Hi Sam at Acme, long time!</pre>"
    );
    assert_contains!(page, "<h2>Very short</h2>");
    assert_contains!(page, "<pre class=\"example\">Hey Sam!</pre>");
    assert_contains!(page, "<p>Prose for the second script.</p>");
    assert!(
        !page.contains("```"),
        "the message fence must not show as prose"
    );
}

#[test]
fn script_data_is_safe_json() {
    let site = Site::from_files(&[]);
    crate::support::copy_dir(&crate::support::fixture("basic"), site.root());
    site.write(
        "content/scripts/tricky.yaml",
        "title: \"</script><script>alert(1)</script>\"\nsummary: s\nsituation: first-contact\nfields:\n  - name: name\n    label: \"</script>\"\n    example: x\nmessages:\n  - name: m\n    channel: email\n    body: \"Hi {{name}} </script>\"\n",
    );
    site.build();
    let page = site.public("scripts/tricky/index.html");
    let data = page
        .split("id=\"guide-script-data\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(!data.contains('<'), "{data}");
    let parsed: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(parsed["fields"][0]["label"], "</script>");
    assert_eq!(parsed["messages"][0]["body"], "Hi {{name}} </script>");
}

#[test]
fn the_index_groups_scripts_by_situation() {
    let site = Site::fixture("basic");
    site.build();
    let index = site.public("scripts/index.html");
    assert_contains!(index, "<h2>Breaking the silence</h2>");
    assert_contains!(
        index,
        "data-channel=\"note email \" href=\"/scripts/hello/\""
    );
}

/// The fixture with one more script file.
fn with_script(name: &str, text: &str) -> Site {
    let site = Site::fixture("basic");
    site.write(&format!("content/scripts/{name}"), text);
    site
}

const FIELDS: &str = "title: T\nsummary: S\nsituation: first-contact\nfields:\n  - name: name\n    label: Name\n    example: Ana\n";

#[test]
fn an_unknown_channel_is_located() {
    let site = with_script(
        "x.yaml",
        &format!("{FIELDS}messages:\n  - name: m\n    channel: emial\n    body: Hi {{{{name}}}}\n"),
    );
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(
        err,
        "error: unknown channel `emial`\n  --> content/scripts/x.yaml:10:14\n   |\n10 |     channel: emial\n   |              ^^^^^\n   = help: did you mean `email`?"
    );
}

#[test]
fn an_unknown_field_in_a_message_is_located() {
    let site = with_script("x.yaml", &format!("{FIELDS}messages:\n  - name: m\n    channel: email\n    body: |\n      Hello,\n      dear {{{{nmae}}}}.\n"));
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(
        err,
        "error: unknown field \"nmae\" (declared: name)\n  --> content/scripts/x.yaml:13:12"
    );
    assert_contains!(err, "13 |       dear {{nmae}}.");
}

#[test]
fn an_unclosed_field_in_a_markdown_script_is_located() {
    let site = with_script("x.md", "---\ntitle: T\nsummary: S\nsituation: first-contact\nfields:\n  - name: name\n    label: Name\n---\nProse.\n\n```message m email\nHi {{name\n```\n");
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(err, "error: unclosed {{: expected }} on the same line (write \\{{ for literal braces)\n  --> content/scripts/x.md:12:4");
}

#[test]
fn an_unknown_uses_is_an_error() {
    let site = with_script("x.md", "---\ntitle: T\nuses: helo\n---\nProse.\n");
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(
        err,
        "error: unknown template `helo` in `uses:`\n --> content/scripts/x.md:3:7"
    );
    assert_contains!(err, "= help: did you mean `hello`?");
}

#[test]
fn duplicate_field_names_are_errors() {
    let site = with_script("x.yaml", &format!("{FIELDS}  - name: name\n    label: Again\nmessages:\n  - name: m\n    channel: email\n    body: Hi {{{{name}}}}\n"));
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(err, "error: two fields are named `name`");
}

#[test]
fn duplicate_message_names_are_errors() {
    let site = with_script(
        "x.md",
        "---\ntitle: T\nuses: hello\n---\n```message note email\nHi {{name}}\n```\n",
    );
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(err, "error: two messages are named `note`");
}

#[test]
fn an_unknown_script_key_is_an_error() {
    let site = with_script("x.yaml", &format!("{FIELDS}mesages: []\n"));
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(
        err,
        "error: unknown key `mesages`\n --> content/scripts/x.yaml:8:1"
    );
}

#[test]
fn an_unused_field_and_an_overlong_message_are_warnings() {
    let site = with_script(
        "x.yaml",
        &format!("{FIELDS}  - name: unused\n    label: Unused\nmessages:\n  - name: m\n    channel: note\n    body: Hi {{{{name}}}}, this message is written to be far longer than sixty characters.\n"),
    );
    let run = site.run(&["build"]);
    assert!(run.ok, "{}", run.stderr);
    assert_contains!(run.stderr, "warning: field `unused` is declared but no message uses it\n --> content/scripts/x.yaml:8:5");
    assert_contains!(run.stderr, "warning: message `m` of script `x` is 71 characters with the example values, over the 60 of Short note");
    // check adds that no page links to `x` or to the fixture's `hello-again`.
    let check = site.run(&["check", "--deny-warnings"]);
    assert_contains!(
        check.failed(),
        "4 warnings, and --deny-warnings makes them errors"
    );
}

#[test]
fn an_unknown_situation_is_an_error() {
    let site = with_script("x.yaml", "title: T\nsummary: S\nsituation: first-contcat\nfields: []\nmessages:\n  - name: m\n    channel: email\n    body: Hi\n");
    let err = site.run(&["build"]).failed().to_string();
    assert_contains!(
        err,
        "error: unknown situation `first-contcat`\n --> content/scripts/x.yaml:3:12"
    );
    assert_contains!(err, "did you mean `first-contact`?");
}
