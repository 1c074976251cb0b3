//! Runs the pipeline stages in order: the one caller of them all.
//!
//! config → content → site → render → output. `check` runs the same stages
//! and writes nothing.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{Result, Warning};
use crate::output::Output;
use crate::render::Templates;
use crate::site::Site;

/// What a successful build produced.
pub struct Built {
    pub site: Site,
    pub output: Output,
    pub warnings: Vec<Warning>,
    pub elapsed: Duration,
}

impl Built {
    /// The closing line of a build: pages, sections, files, time.
    pub fn summary(&self, verb: &str) -> String {
        let (pages, sections) = self.site.counts();
        format!(
            "{verb} {pages} pages, {sections} sections, {} scripts, {} files in {} ms",
            self.site.scripts.len(),
            self.output.len(),
            self.elapsed.as_millis()
        )
    }
}

/// Loads and renders the whole site into memory.
pub fn render_site(config: &Config) -> Result<Built> {
    let started = Instant::now();
    let (content, templates) =
        rayon::join(|| crate::content::load(config), || Templates::load(config));
    let (content, templates) = match (content, templates) {
        (Ok(c), Ok(t)) => (c, t),
        (Err(a), Err(b)) => {
            return Err(crate::error::Error::Many(
                a.flatten().into_iter().chain(b.flatten()).collect(),
            ))
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let site = Site::build(config, content)?;
    let output = crate::render::render(config, &site, &templates)?;
    Ok(Built {
        warnings: site.warnings.clone(),
        site,
        output,
        elapsed: started.elapsed(),
    })
}

/// Builds the site and writes it to the configured output folder; the old
/// output is replaced only once everything has succeeded.
pub fn build(config: &Config) -> Result<Built> {
    let mut built = render_site(config)?;
    built.output.write(&config.output_dir, &config.root)?;
    built.elapsed = built.elapsed.max(Duration::from_millis(0));
    Ok(built)
}
