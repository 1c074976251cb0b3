//! Measures `guide serve`'s edit-to-visible latency: serves a site, appends a
//! line to one page again and again, and times each edit until the served
//! HTML contains the new line. Prints every figure and the median, the
//! median of serve's own update times (from its terminal lines), and the
//! time of a full `guide build` of the same site beside them.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example corpus -- --pages 10000 --out /tmp/corpus-10k
//! cargo run --release --example serve_latency -- --root /tmp/corpus-10k \
//!     --page section-3/page-17.md --edits 12
//! ```
//!
//! Standard library only: it drives the release binary as a user would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Options {
    root: PathBuf,
    page: String,
    edits: usize,
    binary: PathBuf,
    /// The page's URL path, when it is not `/<page without .md>/` (a
    /// translation: `--page a/b.es.md --url /es/a/b/`).
    url: Option<String>,
}

fn parse() -> Result<Options, String> {
    let mut options = Options {
        root: PathBuf::new(),
        page: String::new(),
        edits: 12,
        binary: PathBuf::from("target/release/guide"),
        url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--root" => options.root = value()?.into(),
            "--page" => options.page = value()?,
            "--edits" => options.edits = value()?.parse().map_err(|e| format!("--edits: {e}"))?,
            "--binary" => options.binary = value()?.into(),
            "--url" => options.url = Some(value()?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if options.root.as_os_str().is_empty() || options.page.is_empty() {
        return Err("usage: serve_latency --root SITE --page PATH/UNDER/CONTENT.md [--edits N] [--binary PATH] [--url /PATH/]".into());
    }
    Ok(options)
}

/// Kills the server when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn full_build(options: &Options) -> Result<f64, String> {
    let out = std::env::temp_dir().join(format!("serve-latency-build-{}", std::process::id()));
    let started = Instant::now();
    let status = Command::new(&options.binary)
        .args(["-q", "build", "--root"])
        .arg(&options.root)
        .arg("--output")
        .arg(&out)
        .status()
        .map_err(|e| e.to_string())?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let _ = std::fs::remove_dir_all(&out);
    if !status.success() {
        return Err("the full build failed".into());
    }
    Ok(ms)
}

fn run(options: &Options) -> Result<(), String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let url = options
        .url
        .clone()
        .unwrap_or_else(|| format!("/{}/", options.page.trim_end_matches(".md")));
    let file: PathBuf = options.root.join("content").join(&options.page);
    let original =
        std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;

    let started = Instant::now();
    let mut server = Server(
        Command::new(&options.binary)
            .args(["serve", "--root"])
            .arg(&options.root)
            .args(["--port", &port.to_string()])
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", options.binary.display()))?,
    );
    // serve's own figure for each update: "Changed …: rendered N pages in X ms".
    let updates: Arc<Mutex<Vec<f64>>> = Arc::default();
    if let Some(stdout) = server.0.stdout.take() {
        let updates = Arc::clone(&updates);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let figure = line
                    .strip_prefix("Changed ")
                    .and_then(|l| l.rsplit_once(" in "))
                    .and_then(|(_, t)| t.strip_suffix(" ms"))
                    .and_then(|t| t.parse::<f64>().ok());
                if let Some(ms) = figure {
                    updates.lock().unwrap().push(ms);
                }
            }
        });
    }
    while get(port, &url).is_none_or(|r| !r.starts_with("HTTP/1.1 200")) {
        if started.elapsed() > Duration::from_secs(120) {
            return Err("the server did not answer within 120 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    println!(
        "first build served after {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let mut latencies = Vec::new();
    for edit in 1..=options.edits {
        let marker = format!("Latency marker {edit} {}", std::process::id());
        // Let the watcher settle between edits, as between two saves.
        std::thread::sleep(Duration::from_millis(300));
        let began = Instant::now();
        std::fs::write(&file, format!("{original}\n{marker}\n")).map_err(|e| e.to_string())?;
        loop {
            if get(port, &url).is_some_and(|r| r.contains(&marker)) {
                break;
            }
            if began.elapsed() > Duration::from_secs(30) {
                return Err(format!("edit {edit} never became visible"));
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        let ms = began.elapsed().as_secs_f64() * 1000.0;
        println!("edit {edit:>2}: {ms:.1} ms");
        latencies.push(ms);
    }
    // Let the last update's line arrive before the restoring write.
    std::thread::sleep(Duration::from_millis(300));
    let mut updates = updates.lock().unwrap().clone();
    std::fs::write(&file, &original).map_err(|e| e.to_string())?;
    drop(server);
    let build = full_build(options)?;
    let visible = median(&mut latencies);
    println!(
        "median edit-to-visible: {visible:.1} ms over {} edits (min {:.1}, max {:.1}); full build: {build:.0} ms",
        latencies.len(),
        latencies.first().copied().unwrap_or_default(),
        latencies.last().copied().unwrap_or_default(),
    );
    if !updates.is_empty() {
        let in_process = median(&mut updates);
        println!(
            "median in-process update (serve's own figure): {in_process:.1} ms over {} updates (min {:.1}, max {:.1})",
            updates.len(),
            updates.first().copied().unwrap_or_default(),
            updates.last().copied().unwrap_or_default(),
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse().and_then(|options| run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("serve_latency: {message}");
            ExitCode::FAILURE
        }
    }
}
