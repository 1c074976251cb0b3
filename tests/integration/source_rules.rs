//! Rules the source itself keeps, checked by reading `src/`: functions
//! stay short, and the modules use each other as a tree, never in a circle. [`rust_sources`] is the shared reader: every `.rs` file
//! under `src/` with its comments, string contents and test modules
//! blanked out, lines kept, so a check sees only the code that ships and
//! can still name the line it found something on.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::repo;

/// The longest a function may be, in lines of code (blank and comment
/// lines not counted), from its `fn` line to its closing brace.
const LONGEST_FUNCTION: usize = 60;

/// Functions still over [`LONGEST_FUNCTION`], as `file::name`, each to be
/// split along its seams and then taken off this list. The test fails on
/// a long function not listed here, and on a listed one that is now
/// short, so the list only ever shrinks.
const LONG_FUNCTIONS_ALLOWED: &[&str] = &[];

/// A Rust file of `src/`, as the source rules read it.
pub struct SourceFile {
    /// The path from the repository root, with `/` (`src/config.rs`).
    pub path: String,
    /// The text with comments, the contents of string and character
    /// literals and `#[cfg(test)]` modules replaced by spaces; every line
    /// break is kept, so line numbers are the file's.
    pub code: String,
}

/// Every `.rs` file under `src/`, in path order, except the files of test
/// modules (`#[cfg(test)] mod tests;`).
pub fn rust_sources() -> Vec<SourceFile> {
    let root = repo();
    let mut paths = Vec::new();
    collect_rs_files(&root.join("src"), &mut paths);
    paths.sort();
    let texts: Vec<(PathBuf, String)> = paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (path, text)
        })
        .collect();
    let test_files: Vec<PathBuf> = texts
        .iter()
        .flat_map(|(path, text)| test_module_files(path, &strip_comments(text)))
        .collect();
    texts
        .into_iter()
        .filter(|(path, _)| !test_files.contains(path))
        .map(|(path, text)| SourceFile {
            path: path
                .strip_prefix(&root)
                .expect("a file under the repository")
                .to_string_lossy()
                .replace('\\', "/"),
            code: strip_test_modules(&strip_comments(&text)),
        })
        .collect()
}

fn collect_rs_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_rs_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// What the scanner is inside of, while blanking a file.
#[derive(Clone, Copy, PartialEq)]
enum Inside {
    Code,
    LineComment,
    /// A block comment, nested this deep.
    BlockComment(usize),
    /// A string literal; `Some(n)` for a raw one closed by `"` and n `#`.
    Str(Option<usize>),
    Char,
}

/// `text` with comments and the contents of string and character literals
/// replaced by spaces (the quotes stay), and every line break kept.
pub fn strip_comments(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut inside = Inside::Code;
    let mut i = 0;
    while i < chars.len() {
        let (next, taken) = step(&chars, i, inside);
        for &c in &chars[i..i + taken] {
            let kept = (inside == Inside::Code && next == Inside::Code)
                || c == '\n'
                || (matches!(c, '"' | '\'') && (inside == Inside::Code) != (next == Inside::Code));
            out.push(if kept { c } else { ' ' });
        }
        inside = next;
        i += taken;
    }
    out
}

/// Reads what starts at `chars[i]`: where the scanner is after it, and how
/// many characters it took.
fn step(chars: &[char], i: usize, inside: Inside) -> (Inside, usize) {
    let at = |k: usize| chars.get(i + k).copied().unwrap_or('\0');
    match inside {
        Inside::Code => code_step(chars, i),
        Inside::LineComment if at(0) == '\n' => (Inside::Code, 1),
        Inside::LineComment => (inside, 1),
        Inside::BlockComment(depth) if at(0) == '*' && at(1) == '/' => match depth {
            1 => (Inside::Code, 2),
            _ => (Inside::BlockComment(depth - 1), 2),
        },
        Inside::BlockComment(depth) if at(0) == '/' && at(1) == '*' => {
            (Inside::BlockComment(depth + 1), 2)
        }
        Inside::BlockComment(_) => (inside, 1),
        Inside::Str(None) | Inside::Char if at(0) == '\\' => (inside, 2),
        Inside::Str(None) if at(0) == '"' => (Inside::Code, 1),
        Inside::Char if at(0) == '\'' => (Inside::Code, 1),
        Inside::Str(Some(hashes)) if at(0) == '"' && (1..=hashes).all(|k| at(k) == '#') => {
            (Inside::Code, 1 + hashes)
        }
        Inside::Str(_) | Inside::Char => (inside, 1),
    }
}

/// [`step`] in code: what opens a comment or a literal, else one character.
fn code_step(chars: &[char], i: usize) -> (Inside, usize) {
    let at = |k: usize| chars.get(i + k).copied().unwrap_or('\0');
    let starts_word = i == 0 || !is_ident(chars[i - 1]);
    match at(0) {
        '/' if at(1) == '/' => (Inside::LineComment, 2),
        '/' if at(1) == '*' => (Inside::BlockComment(1), 2),
        '"' => (Inside::Str(None), 1),
        // A character literal, not a lifetime: `'x'` or `'\n'`.
        '\'' if at(1) == '\\' || (at(1) != '\0' && at(2) == '\'') => (Inside::Char, 1),
        'r' | 'b' if starts_word => {
            let prefix = if at(0) == 'b' && at(1) == 'r' { 2 } else { 1 };
            let hashes = (0..).take_while(|&k| at(prefix + k) == '#').count();
            let raw = at(0) == 'r' || prefix == 2;
            if raw && at(prefix + hashes) == '"' {
                (Inside::Str(Some(hashes)), prefix + hashes + 1)
            } else {
                (Inside::Code, 1)
            }
        }
        _ => (Inside::Code, 1),
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The byte offsets of each `mod NAME` that a `#[cfg(test)]` line marks,
/// with the module's name, in `code` (already stripped of comments).
fn test_modules(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("#[cfg(test)]") {
        let mut rest = code[at + "#[cfg(test)]".len()..].trim_start();
        while rest.starts_with("#[") {
            let after = rest.find(']').map_or(rest.len(), |end| end + 1);
            rest = rest[after..].trim_start();
        }
        let Some(after) = rest.strip_prefix("mod ").or(rest.strip_prefix("pub mod ")) else {
            continue;
        };
        let name: String = after
            .trim_start()
            .chars()
            .take_while(|&c| is_ident(c))
            .collect();
        found.push((code.len() - rest.len(), name));
    }
    found
}

/// The files of the test modules that `path` declares without a body.
fn test_module_files(path: &Path, code: &str) -> Vec<PathBuf> {
    let dir = match path.file_name().and_then(|n| n.to_str()) {
        Some("mod.rs" | "lib.rs" | "main.rs") => path.parent().expect("a folder").to_path_buf(),
        _ => path.with_extension(""),
    };
    test_modules(code)
        .into_iter()
        .filter(|(at, _)| body_end(code, *at).is_none())
        .flat_map(|(_, name)| {
            [
                dir.join(format!("{name}.rs")),
                dir.join(&name).join("mod.rs"),
            ]
        })
        .collect()
}

/// `code` with the body of every `#[cfg(test)]` module replaced by spaces.
pub fn strip_test_modules(code: &str) -> String {
    let mut bytes = code.as_bytes().to_vec();
    for (at, _) in test_modules(code) {
        if let Some((open, close)) = body_end(code, at) {
            for byte in &mut bytes[open..=close] {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
        }
    }
    String::from_utf8(bytes).expect("only ASCII replaced by ASCII")
}

/// The offsets of the `{` and the matching `}` of the item starting at
/// `at`, or `None` when a `;` ends it first (a declaration without body).
fn body_end(code: &str, at: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut open = None;
    for (i, byte) in code.bytes().enumerate().skip(at) {
        match byte {
            b'(' | b'[' if open.is_none() => depth += 1,
            b')' | b']' if open.is_none() => depth = depth.saturating_sub(1),
            b';' if open.is_none() && depth == 0 => return None,
            b'{' => {
                open.get_or_insert(i);
                depth += 1;
            }
            b'}' if open.is_some() => {
                depth -= 1;
                if depth == 0 {
                    return Some((open?, i));
                }
            }
            _ => {}
        }
    }
    None
}

/// A function found in a source file.
#[derive(Debug, PartialEq)]
pub struct Function {
    pub name: String,
    /// The 1-based line of its `fn`.
    pub line: usize,
    /// Its lines that hold code, from the `fn` line to the closing brace.
    pub length: usize,
}

/// Every function with a body in `code` (already stripped), nested ones
/// and methods included.
pub fn functions(code: &str) -> Vec<Function> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    for (at, _) in code.match_indices("fn ") {
        if at > 0 && is_ident(char::from(bytes[at - 1])) {
            continue;
        }
        let name: String = code[at + 3..]
            .trim_start()
            .chars()
            .take_while(|&c| is_ident(c))
            .collect();
        let Some((_, close)) = body_end(code, at).filter(|_| !name.is_empty()) else {
            continue;
        };
        found.push(Function {
            name,
            line: code[..at].matches('\n').count() + 1,
            length: line_start_to(code, at, close)
                .lines()
                .filter(|line| !line.trim().is_empty())
                .count(),
        });
    }
    found
}

/// The text from the start of the line holding `from` to `to`, inclusive.
fn line_start_to(code: &str, from: usize, to: usize) -> &str {
    let start = code[..from].rfind('\n').map_or(0, |n| n + 1);
    &code[start..=to]
}

/// The functions over `limit` lines in `files`, as `file::name (N lines,
/// line L)`, paired with their `file::name` key.
fn long_functions(files: &[SourceFile], limit: usize) -> Vec<(String, String)> {
    files
        .iter()
        .flat_map(|file| {
            functions(&file.code)
                .into_iter()
                .filter(move |f| f.length > limit)
                .map(move |f| {
                    let key = format!("{}::{}", file.path, f.name);
                    let shown = format!("{key} ({} lines, line {})", f.length, f.line);
                    (key, shown)
                })
        })
        .collect()
}

#[test]
fn functions_stay_short() {
    let long = long_functions(&rust_sources(), LONGEST_FUNCTION);
    for (key, shown) in &long {
        if LONG_FUNCTIONS_ALLOWED.contains(&key.as_str()) {
            eprintln!("still over {LONGEST_FUNCTION} lines (allowed for now): {shown}");
        }
    }
    let new: Vec<&str> = long
        .iter()
        .filter(|(key, _)| !LONG_FUNCTIONS_ALLOWED.contains(&key.as_str()))
        .map(|(_, shown)| shown.as_str())
        .collect();
    let stale: Vec<&&str> = LONG_FUNCTIONS_ALLOWED
        .iter()
        .filter(|allowed| !long.iter().any(|(key, _)| key == **allowed))
        .collect();
    assert!(
        new.is_empty(),
        "functions over {LONGEST_FUNCTION} lines: split each along a seam with a name:\n  {}",
        new.join("\n  ")
    );
    assert!(
        stale.is_empty(),
        "no longer over {LONGEST_FUNCTION} lines: take these off LONG_FUNCTIONS_ALLOWED: {stale:?}"
    );
}

#[test]
fn stripping_blanks_comments_and_literals_and_keeps_lines() {
    let text = "let a = \"{ // }\"; // a { comment\n/* block /* nested */ { */ let c = '{';\nlet r = r#\"}\"#; let l: &'a str = b\"}\";\n";
    let code = strip_comments(text);
    assert_eq!(code.lines().count(), text.lines().count());
    assert_eq!(code.len(), text.len());
    assert!(!code.contains('{') && !code.contains('}'), "{code}");
    assert!(code.contains("let a = \""), "{code}");
    assert!(code.contains("let c = '"), "{code}");
    assert!(code.contains("&'a str"), "a lifetime is code: {code}");
}

#[test]
fn test_modules_are_left_out_and_declarations_are_not_functions() {
    let code = strip_test_modules(&strip_comments(
        "trait T {\n    fn declared(&self);\n}\nfn shipped() {\n    body();\n}\n#[cfg(test)]\nmod tests {\n    fn helper() {\n        x();\n    }\n}\n",
    ));
    let found = functions(&code);
    assert_eq!(
        found,
        vec![Function {
            name: "shipped".into(),
            line: 4,
            length: 3
        }]
    );
}

#[test]
fn lengths_count_code_lines_of_nested_functions_too() {
    let body = "    step();\n\n    // a comment line\n".repeat(30);
    let text = format!("pub fn outer() {{\n    fn inner() {{}}\n{body}}}\n");
    let found = functions(&strip_comments(&text));
    let lengths: Vec<(&str, usize)> = found.iter().map(|f| (f.name.as_str(), f.length)).collect();
    assert_eq!(lengths, [("outer", 33), ("inner", 1)]);
    let file = SourceFile {
        path: "src/x.rs".into(),
        code: strip_comments(&text),
    };
    let long = long_functions(&[file], 32);
    assert_eq!(long.len(), 1);
    assert_eq!(long[0].0, "src/x.rs::outer");
    assert!(long[0].1.contains("(33 lines, line 1)"), "{}", long[0].1);
}

#[test]
fn the_files_of_test_modules_are_not_read() {
    let files = rust_sources();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"src/scaffold/mod.rs"), "{paths:?}");
    assert!(
        !paths.contains(&"src/scaffold/tests.rs"),
        "declared `#[cfg(test)] mod tests;`: {paths:?}"
    );
    assert!(paths
        .iter()
        .all(|p| p.starts_with("src/") && p.ends_with(".rs")));
}

/// The modules of `src/` by path (`render::plan`), each with the modules it
/// uses (`crate::…`, `super::…` paths outside comments and test modules),
/// less its own descendants: a parent declares its children.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<(String, String)> = rust_sources()
        .into_iter()
        .filter(|file| file.path != "src/main.rs")
        .map(|file| (module_of(&file.path), file.code))
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let longest = |path: &[&str]| {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    let mut graph = BTreeMap::new();
    for (module, text) in &files {
        // `super::` in `a/b.rs` and in `a/b/mod.rs` both mean `a`.
        let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
        let mut uses = BTreeSet::new();
        for (at, _) in text
            .match_indices("crate::")
            .chain(text.match_indices("super::"))
        {
            for words in used_paths(&text[at..]) {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                let absolute: Vec<&str> = match words.first() {
                    Some(&"crate") => words[1..].to_vec(),
                    Some(&"super") => {
                        let mut base = parent.clone();
                        let mut words = &words[..];
                        while words.first() == Some(&"super") {
                            base.pop();
                            words = &words[1..];
                        }
                        base.extend_from_slice(words);
                        base
                    }
                    _ => continue,
                };
                if let Some(used) = longest(&absolute) {
                    let own = used == *module || used.starts_with(&format!("{module}::"));
                    if !own && !module.is_empty() {
                        uses.insert(used);
                    }
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// A cycle in the graph, as the modules along it, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = module_graph();
    assert!(
        graph.len() > 30,
        "the source files were not found: {graph:?}"
    );
    assert!(
        graph["build::project"].contains("render::plan"),
        "the graph misses uses: {:?}",
        graph["build::project"]
    );
    if let Some(found) = cycle(&graph) {
        panic!("modules use each other in a circle: {}", found.join(" → "));
    }
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    let edges = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")];
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in edges {
        graph.entry(from.into()).or_default().insert(to.into());
        graph.entry(to.into()).or_default();
    }
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    graph.get_mut("c").unwrap().clear();
    assert_eq!(cycle(&graph), None);
}

/// The module a file of `src/` is: `src/render/plan/mod.rs` → `render::plan`,
/// `src/lib.rs` → `` (the crate root).
fn module_of(path: &str) -> String {
    let inner = path.strip_prefix("src/").unwrap_or(path);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let parts: Vec<&str> = inner
        .split('/')
        .filter(|part| !matches!(*part, "mod" | "lib"))
        .collect();
    parts.join("::")
}

/// The paths a `crate::…` or `super::…` at the start of `text` names, as
/// their words: one, or one per item of a `{…}` group
/// (`crate::{build, render::plan}`).
fn used_paths(text: &str) -> Vec<Vec<String>> {
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let head: String = text.chars().take_while(|&c| is_path(c)).collect();
    let words: Vec<String> = head
        .split("::")
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    let rest = &text[head.len()..];
    if !head.ends_with("::") || !rest.starts_with('{') {
        return vec![words];
    }
    let group: String = rest[1..].chars().take_while(|&c| c != '}').collect();
    group
        .split(',')
        .map(|item| {
            let item: String = item.trim().chars().take_while(|&c| is_path(c)).collect();
            let mut path = words.clone();
            path.extend(
                item.split("::")
                    .filter(|w| !w.is_empty() && *w != "self")
                    .map(String::from),
            );
            path
        })
        .collect()
}
