//! The ACTIVE instances in their list order, with the free-resource maxima of every
//! power-of-two run of positions (a segment tree). The random strategy draws positions in
//! this list; when its draws miss, this lets it visit only the instances that may fit, in
//! list order, instead of every instance, and tells at the root when none can.
//!
//! For a few registered task shapes the tree also counts, in every run, the positions
//! whose free amounts hold that shape, so the r-th such position is found by one descent:
//! a uniform draw among them costs O(log n) however few instances have the room.

use super::fit_tree::{Fit, Need};

/// Positions per leaf of the tree: a walk scans a leaf's eight entries in three adjacent
/// cache lines instead of descending three more levels of scattered nodes, and the tree
/// above the leaves is an eighth of the size, small enough to stay in cache.
const BUCKET: usize = 8;

/// Shapes counted at most: each costs a count per run of positions (about one byte per
/// position) and a look on every update of a position, and a run rarely has more.
pub const MAX_SHAPE_CLASSES: usize = 16;

/// The free amounts a task shape asks of one instance (CPU, memory, ENIs, GPUs), whatever
/// its AZ and pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeClass {
    /// CPU units the shape reserves.
    pub cpu: u32,
    /// Memory it reserves, MiB.
    pub memory: u32,
    /// ENIs it needs (1 for awsvpc).
    pub eni: u32,
    /// Whole GPUs it needs.
    pub gpu: u32,
}

impl ShapeClass {
    /// The need of any AZ and pool: it admits an occupied position (whose tags always
    /// carry an AZ bit and a pool bit) with the room, never an empty one.
    pub fn as_need(&self) -> Need {
        Need {
            cpu: self.cpu,
            memory: self.memory,
            eni: self.eni,
            gpu: self.gpu,
            tags: Need::ANY_TAG,
        }
    }
}

/// The counted shapes, one array per resource; `admitted` reads them for every update.
#[derive(Clone, Debug, Default)]
struct Classes {
    len: usize,
    cpu: [u32; MAX_SHAPE_CLASSES],
    memory: [u32; MAX_SHAPE_CLASSES],
    eni: [u32; MAX_SHAPE_CLASSES],
    gpu: [u32; MAX_SHAPE_CLASSES],
}

impl Classes {
    fn new(kept: &[ShapeClass]) -> Classes {
        let mut lanes = Classes {
            len: kept.len(),
            ..Classes::default()
        };
        for (c, class) in kept.iter().enumerate() {
            lanes.cpu[c] = class.cpu;
            lanes.memory[c] = class.memory;
            lanes.eni[c] = class.eni;
            lanes.gpu[c] = class.gpu;
        }
        lanes
    }

    fn get(&self, c: usize) -> ShapeClass {
        ShapeClass {
            cpu: self.cpu[c],
            memory: self.memory[c],
            eni: self.eni[c],
            gpu: self.gpu[c],
        }
    }

    /// Bit c: whether class c has the room in `fit`, as `ShapeClass::as_need` admits it
    /// (never in an empty position).
    #[inline]
    fn admitted(&self, fit: &Fit) -> u16 {
        if fit.tags as u32 == 0 || fit.tags >> 32 == 0 {
            return 0;
        }
        let mut bits = 0u16;
        for c in 0..self.len {
            if fit.cpu >= self.cpu[c]
                && fit.memory >= self.memory[c]
                && fit.eni >= self.eni[c]
                && fit.gpu >= self.gpu[c]
            {
                bits |= 1 << c;
            }
        }
        bits
    }
}

/// The ACTIVE instances by position (their place in the cluster's active list), with the
/// free-resource maxima of each run of positions and per-shape counts of the positions with
/// room: uniform draws among the instances that fit.
#[derive(Clone, Debug, Default)]
pub struct SlotTree {
    /// What each position has free, by position.
    own: Vec<Fit>,
    /// Maxima per run of buckets: node 1 is the root; the node of bucket b is `width + b`.
    fits: Vec<Fit>,
    /// Buckets the tree spans (a power of two).
    width: usize,
    /// The shapes counted.
    classes: Classes,
    /// Per position, one bit per class: whether it has the room for the class.
    room: Vec<u16>,
    /// Per class, then per node: how many positions under the node have the room.
    counts: Vec<u32>,
}

const _: () = assert!(MAX_SHAPE_CLASSES <= u16::BITS as usize);

impl SlotTree {
    /// An empty tree counting no shape.
    pub fn new() -> SlotTree {
        SlotTree::default()
    }

    /// A tree that also counts, for each of `classes` (duplicates dropped, the first
    /// `MAX_SHAPE_CLASSES` kept), the positions with the room for it.
    pub fn counting(classes: impl IntoIterator<Item = ShapeClass>) -> SlotTree {
        let mut kept: Vec<ShapeClass> = Vec::new();
        for class in classes {
            if kept.len() < MAX_SHAPE_CLASSES && !kept.contains(&class) {
                kept.push(class);
            }
        }
        SlotTree {
            classes: Classes::new(&kept),
            ..SlotTree::default()
        }
    }

    /// Which counted class is exactly `class`, if any.
    pub fn class_index(&self, class: &ShapeClass) -> Option<usize> {
        (0..self.classes.len).find(|c| self.classes.get(*c) == *class)
    }

    /// How many positions have the room for counted class `class`.
    pub fn count(&self, class: usize) -> usize {
        self.counts
            .get(2 * self.width * class + 1)
            .map_or(0, |n| *n as usize)
    }

    /// The `r`-th position (from 0, in position order) with the room for counted class
    /// `class`; `r` must be below `count(class)`. One descent, left or right by the left
    /// child's count, then a scan of one bucket.
    pub fn nth_admitting(&self, class: usize, r: usize) -> usize {
        debug_assert!(r < self.count(class));
        let counts = &self.counts[2 * self.width * class..2 * self.width * (class + 1)];
        let mut r = r as u32;
        let mut node = 1;
        while node < self.width {
            let left = counts[2 * node];
            node = if r < left {
                2 * node
            } else {
                r -= left;
                2 * node + 1
            };
        }
        let first = (node - self.width) * BUCKET;
        self.room[first..first + BUCKET]
            .iter()
            .enumerate()
            .filter(|(_, bits)| *bits >> class & 1 == 1)
            .nth(r as usize)
            .map(|(p, _)| first + p)
            .expect("a node's count matches its positions")
    }

    /// The most free of each resource over every position, and the union of their tags.
    pub fn maxima(&self) -> Fit {
        self.fits.get(1).copied().unwrap_or_default()
    }

    /// Sets what position `pos` has free (`Fit::default()` for an empty position).
    pub fn set(&mut self, pos: usize, fit: Fit) {
        if pos >= self.own.len() {
            self.grow(pos + 1);
        }
        let was = self.own[pos];
        if was == fit {
            return;
        }
        self.own[pos] = fit;
        let bucket = pos / BUCKET;
        if self.classes.len > 0 {
            self.recount(pos, &fit);
        }
        let mut i = self.width + bucket;
        let max = self.fits[i];
        // A pass over the bucket only when the change may have lowered its maxima.
        let joined = if was.may_lower(&fit, &max) {
            self.own[bucket * BUCKET..(bucket + 1) * BUCKET]
                .iter()
                .fold(Fit::default(), |acc, f| acc.join(*f))
        } else {
            max.join(fit)
        };
        if max == joined {
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

    /// Moves the counts along the position's path to the root for the classes whose
    /// room there changed with its new free amounts `now` (none, or the few shapes between
    /// what it had free and what it has).
    fn recount(&mut self, pos: usize, now: &Fit) {
        let (before, after) = (self.room[pos], self.classes.admitted(now));
        if before == after {
            return;
        }
        self.room[pos] = after;
        let leaf = self.width + pos / BUCKET;
        for (mut bits, step) in [(after & !before, 1), (before & !after, u32::MAX)] {
            while bits != 0 {
                let class = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let counts = &mut self.counts[2 * self.width * class..2 * self.width * (class + 1)];
                let mut node = leaf;
                while node >= 1 {
                    // `step` is +1, or -1 as its two's complement.
                    counts[node] = counts[node].wrapping_add(step);
                    node /= 2;
                }
            }
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
        self.room = self.own.iter().map(|f| self.classes.admitted(f)).collect();
        let mut counts = vec![0u32; 2 * width * self.classes.len];
        for (class, counts) in counts.chunks_mut(2 * width).enumerate() {
            for (b, chunk) in self.room.chunks(BUCKET).enumerate() {
                counts[width + b] = chunk.iter().map(|bits| u32::from(bits >> class & 1)).sum();
            }
            for i in (1..width).rev() {
                counts[i] = counts[2 * i] + counts[2 * i + 1];
            }
        }
        self.counts = counts;
    }

    /// Checks every count and every run's maxima against a recount of the positions. For
    /// tests and debug runs. The recount tests each class as a `Need`, not through
    /// `Classes::admitted` as `set` does.
    pub fn check_counts(&self) -> Result<(), String> {
        for node in (1..2 * self.width).rev() {
            let expect = if node >= self.width {
                let first = (node - self.width) * BUCKET;
                self.own[first..first + BUCKET]
                    .iter()
                    .fold(Fit::default(), |acc, f| acc.join(*f))
            } else {
                self.fits[2 * node].join(self.fits[2 * node + 1])
            };
            if self.fits[node] != expect {
                return Err(format!("slot index: the maxima of run {node} are stale"));
            }
        }
        let k = self.classes.len;
        for (pos, fit) in self.own.iter().enumerate() {
            let expect = (0..k)
                .filter(|c| self.classes.get(*c).as_need().admits(fit))
                .fold(0u16, |bits, c| bits | 1 << c);
            if self.room[pos] != expect {
                return Err(format!(
                    "slot index: position {pos}'s room for the shapes is stale"
                ));
            }
        }
        for class in 0..k {
            let need = self.classes.get(class).as_need();
            // Recounted bottom-up: buckets from their positions, runs from their two halves.
            let mut expect = vec![0usize; 2 * self.width];
            for (b, chunk) in self.own.chunks(BUCKET).enumerate() {
                expect[self.width + b] = chunk.iter().filter(|f| need.admits(f)).count();
            }
            for node in (1..self.width).rev() {
                expect[node] = expect[2 * node] + expect[2 * node + 1];
            }
            let counted = &self.counts[2 * self.width * class..2 * self.width * (class + 1)];
            if let Some(node) = (1..2 * self.width).find(|n| counted[*n] as usize != expect[*n]) {
                return Err(format!(
                    "slot index counts {} positions with the room for {} CPU units and {} MiB \
                     under node {node}; {} have it",
                    counted[node], need.cpu, need.memory, expect[node]
                ));
            }
        }
        Ok(())
    }

    /// Whether some position's own free amounts `need` admits. For a counted shape whose
    /// AZs and pools take in every position's (each position carries one of each, all in
    /// the root's union) that is its count, read at the root; otherwise a walk to the
    /// first.
    pub fn any_admits(&self, need: &Need) -> bool {
        let class = ShapeClass {
            cpu: need.cpu,
            memory: need.memory,
            eni: need.eni,
            gpu: need.gpu,
        };
        if self.maxima().tags & !need.tags == 0
            && let Some(k) = self.class_index(&class)
        {
            return self.count(k) > 0;
        }
        let mut found = false;
        self.walk(need, &mut |_| {
            found = true;
            false
        });
        found
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
            prop_assert_eq!(tree.any_admits(&need), !expect.is_empty());
            prop_assert_eq!(got, expect);
            tree.check_counts().map_err(TestCaseError::fail)?;
            let all = model.iter().fold(Fit::default(), |acc, f| acc.join(*f));
            prop_assert_eq!(tree.maxima(), all);
        }

        /// For each counted shape, position r of the count-select is the r-th position a
        /// filtered scan of the recorded amounts admits, after any sequence of updates
        /// (growing the tree, filling, emptying positions), and nothing past the count.
        #[test]
        fn selects_the_rth_position_of_a_filtered_scan(
            sets in proptest::collection::vec(
                (0usize..150, 0u32..6, 0u32..6, 0u32..2, 0u32..3, prop::bool::weighted(0.15)),
                0..400),
            shapes in proptest::collection::vec((0u32..6, 0u32..6, 0u32..2, 0u32..3), 1..5),
        ) {
            let classes: Vec<ShapeClass> = shapes
                .iter()
                .map(|&(cpu, memory, eni, gpu)| ShapeClass { cpu, memory, eni, gpu })
                .collect();
            let mut tree = SlotTree::counting(classes.iter().copied());
            let mut model = vec![Fit::default(); 150];
            for (pos, c, m, e, g, empty) in sets {
                let fit = if empty {
                    Fit::default()
                } else {
                    Fit { cpu: c, memory: m, eni: e, gpu: g, tags: Fit::tags_of(pos as u32 % 3, 0) }
                };
                tree.set(pos, fit);
                model[pos] = fit;
            }
            tree.check_counts().map_err(TestCaseError::fail)?;
            for class in &classes {
                let k = tree.class_index(class).expect("registered");
                let expect: Vec<usize> = (0..150)
                    .filter(|p| {
                        let f = model[*p];
                        f.tags != 0 && f.cpu >= class.cpu && f.memory >= class.memory
                            && f.eni >= class.eni && f.gpu >= class.gpu
                    })
                    .collect();
                prop_assert_eq!(tree.count(k), expect.len());
                // Counted, and every position's AZ (0-2) and pool within the tags: the
                // count answers. Only AZ 1 allowed: a walk does, and agrees with a scan.
                prop_assert_eq!(tree.any_admits(&class.as_need()), !expect.is_empty());
                let az1 = Need { tags: Fit::tags_of(1, 0), ..class.as_need() };
                let in_az1 = expect.iter().any(|p| p % 3 == 1);
                prop_assert_eq!(tree.any_admits(&az1), in_az1);
                let got: Vec<usize> = (0..expect.len()).map(|r| tree.nth_admitting(k, r)).collect();
                prop_assert_eq!(got, expect);
            }
        }
    }

    #[test]
    fn keeps_sixteen_distinct_shapes_in_order() {
        let class = |cpu| ShapeClass {
            cpu,
            memory: 1,
            eni: 0,
            gpu: 0,
        };
        let tree = SlotTree::counting((0..20).chain(0..20).map(class));
        assert_eq!(tree.class_index(&class(15)), Some(15));
        assert_eq!(tree.class_index(&class(16)), None);
        assert_eq!(tree.class_index(&class(3)), Some(3));
    }

    /// Worked by hand: the shape (2 CPU, 2 memory) fits positions 0 and 9, not 3 (short of
    /// CPU) nor 12 (emptied after it had room); filling position 0 leaves position 9 alone. A shape that was
    /// not registered has no count.
    #[test]
    fn counts_follow_the_positions_with_room() {
        let shape = ShapeClass {
            cpu: 2,
            memory: 2,
            eni: 0,
            gpu: 0,
        };
        let fit = |cpu, memory| Fit {
            cpu,
            memory,
            eni: 1,
            gpu: 0,
            tags: Fit::tags_of(0, 0),
        };
        let mut tree = SlotTree::counting([shape]);
        let k = tree.class_index(&shape).expect("registered");
        tree.set(0, fit(4, 4));
        tree.set(3, fit(1, 8));
        tree.set(9, fit(2, 2));
        tree.set(12, fit(3, 3));
        tree.set(12, Fit::default());
        assert_eq!(tree.count(k), 2);
        assert_eq!((tree.nth_admitting(k, 0), tree.nth_admitting(k, 1)), (0, 9));
        tree.set(0, fit(1, 1));
        assert_eq!(tree.count(k), 1);
        assert_eq!(tree.nth_admitting(k, 0), 9);
        assert!(tree.check_counts().is_ok());
        let other = ShapeClass { cpu: 1, ..shape };
        assert_eq!(tree.class_index(&other), None);
    }
}
