//! Publishing: the GitHub Pages workflow `guide init` writes, `--config`,
//! drafts shown with a banner and `noindex`, `_redirects`, the precache
//! warning, and `serve`'s own base URL and self-unregistering worker.

use crate::assert_contains;
use crate::serve::Serve;
use crate::support::Site;

/// A new site made by `guide init` (the bundled theme), in a temporary folder.
fn initialised() -> ((), Site) {
    let site = Site::from_files(&[]);
    let run = site.run(&["init", site.root().to_str().unwrap()]);
    assert!(run.ok, "{}", run.stderr);
    ((), site)
}

#[test]
fn init_writes_a_github_pages_workflow_that_builds_with_the_pages_url() {
    let (_temp, site) = initialised();
    let workflow =
        std::fs::read_to_string(site.root().join(".github/workflows/publish.yml")).unwrap();
    assert_contains!(workflow, "actions/configure-pages");
    assert_contains!(
        workflow,
        "guide build --base-url \"${{ steps.pages.outputs.base_url }}/\""
    );
    assert_contains!(workflow, "cargo install --locked --git");
    assert_contains!(workflow, "GUIDE_RELEASE_URL");
    assert_contains!(workflow, "actions/deploy-pages");
    assert!(!workflow.contains('%'), "a placeholder is left: {workflow}");
    // It builds, offline off by default, and passes check as it stands.
    site.build();
    assert!(!site.has("sw.js"));
    let run = site.run(&["check", "--deny-warnings"]);
    assert!(run.ok, "{}", run.stderr);
}

#[test]
fn drafts_show_a_banner_and_noindex_only_with_drafts() {
    let (_temp, site) = initialised();
    site.write(
        "content/reaching-out/later.md",
        "---\ntitle: Later\ndraft: true\n---\nNot yet.\n",
    );
    site.build();
    assert!(!site.has("reaching-out/later/index.html"));
    let normal = site.public("reaching-out/first-message/index.html");
    assert!(!normal.contains("draft-banner") && !normal.contains("noindex"));
    let run = site.run(&["build", "--drafts"]);
    assert!(run.ok, "{}", run.stderr);
    let draft = site.public("reaching-out/later/index.html");
    assert_contains!(
        draft,
        "<p class=\"draft-banner\" role=\"note\"><strong>Draft</strong>"
    );
    assert_contains!(draft, "<meta name=\"robots\" content=\"noindex\">");
    let published = site.public("reaching-out/first-message/index.html");
    assert!(!published.contains("draft-banner") && !published.contains("noindex"));
}

#[test]
fn aliases_can_be_written_as_a_redirects_file() {
    let (_temp, site) = initialised();
    site.write(
        "content/reaching-out/moved.md",
        "---\ntitle: Moved\naliases: [/old/place/, /older.html]\n---\nHere now.\n",
    );
    site.build();
    assert!(!site.has("_redirects"));
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &format!("{toml}\n[aliases]\nredirects_file = true\n"),
    );
    let run = site.run(&["build", "--base-url", "https://example.org/mending/"]);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(
        site.public("_redirects"),
        "# Made by guide from the pages' aliases.\n\
         /mending/old/place/ /mending/reaching-out/moved/ 301\n\
         /mending/older.html /mending/reaching-out/moved/ 301\n"
    );
    // The redirect pages stay for hosts that read no _redirects.
    assert!(site.has("old/place/index.html"));
}

#[test]
fn a_static_file_cannot_take_the_redirects_files_place_silently() {
    let (_temp, site) = initialised();
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}\n[offline]\nenabled = true\n"));
    site.write("content/sw.js", "// mine\n");
    let run = site.run(&["build"]);
    let stderr = run.failed();
    assert_contains!(
        stderr,
        "guide's service worker and `content/sw.js` would both be published at /sw.js"
    );
}

#[test]
fn config_picks_another_file_and_the_precache_limit_warns() {
    let (_temp, site) = initialised();
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write(
        "production.toml",
        &format!("{toml}\n[offline]\nenabled = true\nmax_precache = \"10 kB\"\n"),
    );
    let run = site.run(&["build", "--config", "production.toml"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(site.has("sw.js") && site.has("manifest.webmanifest") && site.has("offline.html"));
    assert_contains!(run.stdout, "; offline: ");
    assert_contains!(run.stderr, "the offline precache is ");
    assert_contains!(run.stderr, "over `max_precache` (10.0 kB)");
    assert_contains!(run.stderr, "--> production.toml:");
    let missing = site.run(&["build", "--config", "nowhere.toml"]);
    assert_contains!(missing.failed(), "--config: no file `nowhere.toml`");
}

#[test]
fn serve_registers_no_worker_and_answers_one_that_unregisters() {
    let serve = Serve::start_with_args(
        |site| {
            let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
            site.write("site.toml", &format!("{toml}\n[offline]\nenabled = true\n"));
        },
        &[],
        &["--base-url", "https://tunnel.example.net/"],
    );
    let worker = serve.get("/sw.js");
    assert_eq!(worker.status, 200, "{}", serve.log());
    assert_contains!(worker.body, "self.registration.unregister()");
    assert_contains!(worker.body, "caches.delete");
    assert_eq!(serve.get("/manifest.webmanifest").status, 404);
    let home = serve.get("/");
    assert!(!home.body.contains("offline.js"), "{}", home.body);
    // The site names the URL readers reach the server at.
    assert_contains!(
        serve.get("/robots.txt").body,
        "Sitemap: https://tunnel.example.net/sitemap.xml"
    );
}
