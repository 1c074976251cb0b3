//! Which jobs read what: the plan's claims indexed by their reads, so that
//! after an edit `serve` looks up the few changed reads instead of working
//! out the reads of every job of the site.
//!
//! The index is made once per plan, the first time it is asked, and kept
//! exact after each edit by working out again the reads of the jobs that
//! edit made stale. That is enough because a job's reads can only change
//! with something it reads itself: a page's links and embeds with its own
//! `Node`, its neighbours with `Neighbours(i)`, a section's pages with
//! `Order(s)`, a term's members with `Term(t, k)`, the feed's entries with
//! `Dated`; and an edit that moves paths (an alias, a term that appears or
//! goes) or the templates makes a new plan, with a new index.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use rayon::prelude::*;

use crate::site::Site;

use super::super::Templates;
use super::reads::{self, Quick};
use super::{Changes, Claimant, Read};

/// The plan's jobs, and for each read the jobs that read it.
#[derive(Debug, Default)]
pub struct Readers {
    /// Every claimed path and its claimant, sorted by path.
    jobs: Vec<(String, Claimant)>,
    /// The reads of each job of `jobs`, in the order `reads::into` gives.
    reads: Vec<Vec<Read>>,
    /// For each read, the indices of the jobs that read it, ascending.
    by_read: HashMap<Read, Vec<u32>, BuildHasherDefault<Quick>>,
}

impl Readers {
    /// Indexes these claims by what their jobs read in `site`.
    pub fn new<'a>(
        site: &Site,
        templates: &Templates,
        claims: impl Iterator<Item = (&'a str, &'a Claimant)>,
    ) -> Readers {
        let mut jobs: Vec<(String, Claimant)> = claims
            .map(|(path, claimant)| (path.to_string(), claimant.clone()))
            .collect();
        jobs.sort_by(|a, b| a.0.cmp(&b.0));
        let reads: Vec<Vec<Read>> = jobs
            .par_iter()
            .map(|(_, claimant)| {
                let mut list = Vec::new();
                reads::into(site, templates, claimant, &mut list);
                list
            })
            .collect();
        let mut by_read: HashMap<Read, Vec<u32>, _> = HashMap::default();
        for (job, list) in reads.iter().enumerate() {
            for read in list {
                let readers: &mut Vec<u32> = by_read.entry(read.clone()).or_default();
                if readers.last() != Some(&(job as u32)) {
                    readers.push(job as u32);
                }
            }
        }
        Readers {
            jobs,
            reads,
            by_read,
        }
    }

    /// The jobs that read something among `changes`, sorted by path; their
    /// reads are then worked out again in `site` (the site after the edit)
    /// so the index stays exact for the next edit.
    pub fn stale(
        &mut self,
        site: &Site,
        templates: &Templates,
        changes: &Changes,
    ) -> Vec<(String, Claimant)> {
        let mut stale: Vec<u32> = changes
            .reads()
            .filter_map(|read| self.by_read.get(read))
            .flatten()
            .copied()
            .collect();
        stale.sort_unstable();
        stale.dedup();
        for &job in &stale {
            self.read_again(site, templates, job);
        }
        stale
            .into_iter()
            .map(|job| self.jobs[job as usize].clone())
            .collect()
    }

    /// Works out the reads of `job` again, and moves it in the index where
    /// they changed.
    fn read_again(&mut self, site: &Site, templates: &Templates, job: u32) {
        let mut now = Vec::new();
        reads::into(site, templates, &self.jobs[job as usize].1, &mut now);
        if now == self.reads[job as usize] {
            return;
        }
        let before = std::mem::replace(&mut self.reads[job as usize], now);
        for read in &before {
            if let Some(readers) = self.by_read.get_mut(read) {
                if let Ok(at) = readers.binary_search(&job) {
                    readers.remove(at);
                }
            }
        }
        for read in &self.reads[job as usize] {
            let readers = self.by_read.entry(read.clone()).or_default();
            if let Err(at) = readers.binary_search(&job) {
                readers.insert(at, job);
            }
        }
    }
}
