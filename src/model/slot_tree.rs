//! The ACTIVE instances in their list order, with the free-resource maxima of every
//! power-of-two run of positions (a segment tree). The random strategy draws positions in
//! this list; when its draws miss, this lets it visit only the instances that may fit, in
//! list order, instead of every instance, and tells at the root when none can.

use super::fit_tree::{Fit, Need};

/// Positions per leaf of the tree: a walk scans a leaf's eight entries in three adjacent
/// cache lines instead of descending three more levels of scattered nodes, and the tree
/// above the leaves is an eighth of the size, small enough to stay in cache.
const BUCKET: usize = 8;

#[derive(Clone, Debug, Default)]
pub struct SlotTree {
    /// What each position has free, by position.
    own: Vec<Fit>,
    /// Maxima per run of buckets: node 1 is the root; the node of bucket b is `width + b`.
    fits: Vec<Fit>,
    /// Buckets the tree spans (a power of two).
    width: usize,
}

impl SlotTree {
    pub fn new() -> SlotTree {
        SlotTree::default()
    }

    pub fn maxima(&self) -> Fit {
        self.fits.get(1).copied().unwrap_or_default()
    }

    /// Sets what position `pos` has free (`Fit::default()` for an empty position).
    pub fn set(&mut self, pos: usize, fit: Fit) {
        if pos >= self.own.len() {
            self.grow(pos + 1);
        }
        if self.own[pos] == fit {
            return;
        }
        self.own[pos] = fit;
        let bucket = pos / BUCKET;
        let joined = self.own[bucket * BUCKET..(bucket + 1) * BUCKET]
            .iter()
            .fold(Fit::default(), |acc, f| acc.join(*f));
        let mut i = self.width + bucket;
        if self.fits[i] == joined {
            return;
        }
        self.fits[i] = joined;
        // Above the first run whose maxima stay the same, nothing changes either.
        while i > 1 {
            i /= 2;
            let joined = self.fits[2 * i].join(self.fits[2 * i + 1]);
            if self.fits[i] == joined {
                break;
            }
            self.fits[i] = joined;
        }
    }

    fn grow(&mut self, at_least: usize) {
        let width = at_least.div_ceil(BUCKET).next_power_of_two().max(2);
        self.own.resize(width * BUCKET, Fit::default());
        let mut fits = vec![Fit::default(); 2 * width];
        for (b, chunk) in self.own.chunks(BUCKET).enumerate() {
            fits[width + b] = chunk.iter().fold(Fit::default(), |acc, f| acc.join(*f));
        }
        for i in (1..width).rev() {
            fits[i] = fits[2 * i].join(fits[2 * i + 1]);
        }
        self.fits = fits;
        self.width = width;
    }

    /// Visits, in position order, every position whose own free amounts `need` admits,
    /// until `visit` returns false.
    pub fn walk(&self, need: &Need, visit: &mut impl FnMut(usize) -> bool) {
        if self.width > 0 {
            self.walk_at(1, need, visit);
        }
    }

    fn walk_at(&self, node: usize, need: &Need, visit: &mut impl FnMut(usize) -> bool) -> bool {
        if !need.admits(&self.fits[node]) {
            return true;
        }
        if node >= self.width {
            let first = (node - self.width) * BUCKET;
            for (pos, fit) in self.own[first..first + BUCKET].iter().enumerate() {
                if need.admits(fit) && !visit(first + pos) {
                    return false;
                }
            }
            return true;
        }
        self.walk_at(2 * node, need, visit) && self.walk_at(2 * node + 1, need, visit)
    }

    /// What position `pos` has free as recorded.
    pub fn get(&self, pos: usize) -> Fit {
        self.own.get(pos).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn walks_like_a_filtered_scan(
            sets in proptest::collection::vec((0usize..70, 0u32..6, 0u32..6, 0u32..3), 0..300),
            cpu in 0u32..6, memory in 0u32..6, gpu in 0u32..3,
        ) {
            let mut tree = SlotTree::new();
            let mut model = vec![Fit::default(); 70];
            for (pos, c, m, g) in sets {
                let fit = Fit { cpu: c, memory: m, eni: 0, gpu: g, tags: Fit::tags_of(0, 0) };
                tree.set(pos, fit);
                model[pos] = fit;
            }
            let need = Need { cpu, memory, eni: 0, gpu, tags: Need::ANY_TAG };
            let expect: Vec<usize> = (0..70).filter(|p| model[*p].tags != 0 && need.admits(&model[*p])).collect();
            let mut got = Vec::new();
            tree.walk(&need, &mut |p| { got.push(p); true });
            prop_assert_eq!(got, expect);
        }
    }
}
