//! The one value every view of the site is built from: the configuration
//! and the site model, borrowed. Its methods live with the views they make
//! (`context`: pages, sections, the menu; `scripts`: scripts and their
//! cards), so that those modules depend on this leaf, not on each other.

use crate::config::Config;
use crate::site::Site;

/// Builds views over one site.
pub struct Views<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
}

impl<'a> Views<'a> {
    /// The renderer of this site with these templates.
    pub fn renderer(&self, templates: &'a super::Templates) -> super::Renderer<'a> {
        super::Renderer {
            config: self.config,
            site: self.site,
            templates,
        }
    }
}
