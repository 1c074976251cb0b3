//! The promises of SECURITY.md that no other module tests: a build needs no
//! network, the built site loads nothing from another origin, and `serve`
//! listens on loopback unless told otherwise. (Path traversal against the
//! server is in serve.rs; reader input staying text is in browser.rs.)

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{repo, Run};

/// Builds the bundled guide into `target`, through `wrapper` when given.
fn build_bundled_guide(target: &Path, wrapper: &[&str]) -> Run {
    let guide = env!("CARGO_BIN_EXE_guide");
    let (program, args) = match wrapper.split_first() {
        Some((program, rest)) => (*program, [rest, &[guide]].concat()),
        None => (guide, Vec::new()),
    };
    let output = Command::new(program)
        .args(args)
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(target)
        .output()
        .unwrap();
    Run::from(output)
}

#[test]
fn a_build_needs_no_network() {
    // A new network namespace has no interface but a downed loopback.
    let isolated = Command::new("unshare")
        .args(["--net", "true"])
        .status()
        .is_ok_and(|status| status.success());
    if !isolated {
        eprintln!("skipped: `unshare --net` is not available here");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let run = build_bundled_guide(&out.path().join("public"), &["unshare", "--net"]);
    assert!(run.ok, "{}", run.stderr);
}

/// Where an attribute or a CSS/JS call would make the browser fetch
/// something by itself (links the reader clicks are not in this list).
const LOADERS: [&str; 9] = [
    "src=\"",
    "src='",
    "url(",
    "@import",
    "fetch(",
    "EventSource(",
    "WebSocket(",
    "sendBeacon(",
    "XMLHttpRequest",
];

#[test]
fn the_built_site_loads_nothing_from_another_origin() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let run = build_bundled_guide(&target, &[]);
    assert!(run.ok, "{}", run.stderr);
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&target) {
        let entry = entry.unwrap();
        let path = entry.path();
        let textual = ["html", "css", "js"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext));
        if !textual {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for loader in LOADERS {
            for (at, _) in text.match_indices(loader) {
                let after = text[at + loader.len()..].trim_start_matches(['"', '\'', ' ', '`']);
                let foreign = ["http:", "https:", "//"]
                    .iter()
                    .any(|s| after.starts_with(s))
                    || loader == "XMLHttpRequest";
                if foreign {
                    let shown: String = text[at..].chars().take(80).collect();
                    found.push(format!("{}: {shown}", path.display()));
                }
            }
        }
        for tag in text.match_indices("<link ").map(|(at, _)| &text[at..]) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let loads = !(tag.contains("rel=\"canonical\"") || tag.contains("rel=\"alternate\""));
            if loads && (tag.contains("href=\"http") || tag.contains("href=\"//")) {
                found.push(format!("{}: {tag}", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the site fetches from elsewhere:\n{}",
        found.join("\n")
    );
}

/// The addresses listening on `port`, from the kernel's socket tables.
#[cfg(target_os = "linux")]
fn listening_on(port: u16) -> Vec<String> {
    let port = format!(":{port:04X}");
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // Field 1 is the local address, field 3 the state (0A: listening).
            if fields.len() > 3 && fields[3] == "0A" && fields[1].ends_with(&port) {
                found.push(fields[1].to_string());
            }
        }
    }
    found
}

#[cfg(target_os = "linux")]
#[test]
fn serve_listens_on_loopback_only_by_default() {
    let site = crate::support::Site::fixture("basic");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_guide"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut listening = Vec::new();
    while listening.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        listening = listening_on(port);
    }
    let _ = child.kill();
    let _ = child.wait();
    // 127.0.0.1, in the kernel's little-endian hexadecimal.
    assert_eq!(listening, [format!("0100007F:{port:04X}")]);
}
