//! The candidates the rules find in one document, before calibration and deduplication.

use std::collections::HashSet;

use stancegraph_core::{ActorRef, Relation, Stance, Target};

/// Candidate stances and relations, with an index of the (segment, holder, target) pairs
/// that already have a stance: later rules (predication, the pair model) skip a pair an
/// earlier rule read in the same segment, and a scan of every candidate per check made
/// that quadratic in the document's stances.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub stances: Vec<Stance>,
    pub relations: Vec<Relation>,
    pairs: HashSet<(usize, ActorRef, Target)>,
}

impl Findings {
    /// Records a candidate stance read from segment `sentence`.
    pub fn push_stance(&mut self, stance: Stance, sentence: usize) {
        self.pairs
            .insert((sentence, stance.holder.clone(), stance.target.clone()));
        self.stances.push(stance);
    }

    /// Whether some rule already read a stance of `holder` toward `target` in segment
    /// `sentence` (of any polarity).
    pub fn has_pair(&self, sentence: usize, holder: &ActorRef, target: &Target) -> bool {
        self.pairs
            .contains(&(sentence, holder.clone(), target.clone()))
    }
}
