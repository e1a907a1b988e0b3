//! An ordered set of instances that can skip every instance a task cannot fit on.
//!
//! A treap keyed by `u64` (a strategy's field in the high half, the instance's rank in the
//! low half), one node per instance, stored by instance id so nodes are never allocated
//! after the instance table has grown. Each node also carries what the instance has free
//! and, for its whole subtree, the largest free amount of each resource and the union of
//! its AZ and pool tags. A walk in key order descends into a subtree only if something in
//! it could hold the task, so finding the first instance that fits costs O(log n) however
//! full the cluster is and whichever resource binds, and "nothing fits" is answered at the
//! root. Priorities are a hash of the id, so the shape of the tree (and so every result)
//! is reproducible.

/// Free resources of one instance, or the maxima (and tag union) over a subtree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fit {
    pub cpu: u32,
    pub memory: u32,
    pub eni: u32,
    /// Free whole GPUs: fills what was padding beside `eni`, so a node stays 24 bytes.
    pub gpu: u32,
    /// One bit for the AZ (low half) and one for the pool (high half), each index mod 32:
    /// an over-approximation that only costs pruning when there are more than 32.
    pub tags: u64,
}

// GPUs took the padding after `eni`: a node's two `Fit`s cost no more memory than before.
const _: () = assert!(std::mem::size_of::<Fit>() == 24);

impl Fit {
    pub fn tags_of(az: u32, pool: u32) -> u64 {
        (1u64 << (az % 32)) | (1u64 << (32 + pool % 32))
    }

    pub fn join(self, other: Fit) -> Fit {
        Fit {
            cpu: self.cpu.max(other.cpu),
            memory: self.memory.max(other.memory),
            eni: self.eni.max(other.eni),
            gpu: self.gpu.max(other.gpu),
            tags: self.tags | other.tags,
        }
    }
}

/// What a task needs: at least these free amounts, and an AZ and a pool among the tags.
#[derive(Clone, Copy, Debug)]
pub struct Need {
    pub cpu: u32,
    pub memory: u32,
    pub eni: u32,
    pub gpu: u32,
    /// Acceptable AZ bits (low half) and pool bits (high half).
    pub tags: u64,
}

impl Need {
    pub const ANY_TAG: u64 = u64::MAX;

    /// Whether an instance (or some instance of a subtree, for maxima) may hold the task.
    #[inline]
    pub fn admits(&self, f: &Fit) -> bool {
        f.cpu >= self.cpu
            && f.memory >= self.memory
            && f.eni >= self.eni
            && f.gpu >= self.gpu
            && (f.tags & self.tags) as u32 != 0
            && (f.tags & self.tags) >> 32 != 0
    }
}

const NIL: u32 = u32::MAX;

/// A node's place in the tree: what a descent or a rotation reads, kept apart from the
/// free amounts so that 32-byte links pack two to a cache line.
#[derive(Clone, Copy, Debug)]
struct Link {
    key: u64,
    priority: u64,
    left: u32,
    right: u32,
    parent: u32,
    present: bool,
}

const EMPTY: Link = Link {
    key: 0,
    priority: 0,
    left: NIL,
    right: NIL,
    parent: NIL,
    present: false,
};

/// What a node's instance has free, and the maxima over its subtree.
#[derive(Clone, Copy, Debug, Default)]
struct Fits {
    own: Fit,
    subtree: Fit,
}

#[derive(Clone, Debug)]
pub struct FitTree {
    links: Vec<Link>,
    fits: Vec<Fits>,
    root: u32,
    len: usize,
}

impl Default for FitTree {
    fn default() -> Self {
        FitTree {
            links: Vec::new(),
            fits: Vec::new(),
            root: NIL,
            len: 0,
        }
    }
}

/// A heap priority from the id (splitmix64's finalizer): independent of the key order.
/// Distinct ids get distinct priorities, so the tree's shape is a function of its keys
/// alone, whatever order the updates came in.
#[inline]
fn priority(id: u32) -> u64 {
    let mut z = u64::from(id).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl FitTree {
    pub fn new() -> FitTree {
        FitTree::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, id: u32) -> bool {
        self.links.get(id as usize).is_some_and(|l| l.present)
    }

    /// The largest free amounts over every instance in the set (zeros when empty).
    pub fn maxima(&self) -> Fit {
        self.subtree(self.root)
    }

    #[inline]
    fn subtree(&self, t: u32) -> Fit {
        if t == NIL {
            Fit::default()
        } else {
            self.fits[t as usize].subtree
        }
    }

    /// Recomputes a node's maxima from its own amounts and its children's maxima.
    #[inline]
    fn pull(&mut self, t: u32) {
        let l = self.links[t as usize];
        let s = self.fits[t as usize]
            .own
            .join(self.subtree(l.left))
            .join(self.subtree(l.right));
        self.fits[t as usize].subtree = s;
    }

    /// Points `parent`'s link that held `old` (or the root) at `new`, and `new` back up.
    #[inline]
    fn replace_child(&mut self, parent: u32, old: u32, new: u32) {
        if parent == NIL {
            self.root = new;
        } else {
            let p = &mut self.links[parent as usize];
            if p.left == old {
                p.left = new;
            } else {
                p.right = new;
            }
        }
        if new != NIL {
            self.links[new as usize].parent = parent;
        }
    }

    /// Lifts child `c` above its parent `p`, keeping key order. `c` covers what `p`
    /// covered, so it takes `p`'s maxima; `p`'s are recomputed.
    fn rotate_up(&mut self, c: u32) {
        let p = self.links[c as usize].parent;
        let g = self.links[p as usize].parent;
        if self.links[p as usize].left == c {
            let moved = self.links[c as usize].right;
            self.links[p as usize].left = moved;
            if moved != NIL {
                self.links[moved as usize].parent = p;
            }
            self.links[c as usize].right = p;
        } else {
            let moved = self.links[c as usize].left;
            self.links[p as usize].right = moved;
            if moved != NIL {
                self.links[moved as usize].parent = p;
            }
            self.links[c as usize].left = p;
        }
        self.links[p as usize].parent = c;
        self.replace_child(g, p, c);
        self.fits[c as usize].subtree = self.fits[p as usize].subtree;
        self.pull(p);
    }

    /// Adds instance `id` under `key` (keys are unique: they end in the instance's rank).
    pub fn insert(&mut self, id: u32, key: u64, fit: Fit) {
        let i = id as usize;
        if i >= self.links.len() {
            self.links.resize(i + 1, EMPTY);
            self.fits.resize(i + 1, Fits::default());
        }
        debug_assert!(!self.links[i].present);
        self.links[i] = Link {
            key,
            priority: priority(id),
            present: true,
            ..EMPTY
        };
        self.fits[i] = Fits {
            own: fit,
            subtree: fit,
        };
        self.len += 1;
        // Down to a leaf position, then up by rotations while the heap order asks for it.
        let mut parent = NIL;
        let mut t = self.root;
        while t != NIL {
            parent = t;
            let l = &self.links[t as usize];
            t = if key < l.key { l.left } else { l.right };
        }
        if parent == NIL {
            self.root = id;
        } else if key < self.links[parent as usize].key {
            self.links[parent as usize].left = id;
        } else {
            self.links[parent as usize].right = id;
        }
        self.links[i].parent = parent;
        // A leaf only adds to its ancestors' maxima: stop where it adds nothing.
        let mut a = parent;
        while a != NIL {
            let s = &mut self.fits[a as usize].subtree;
            let joined = s.join(fit);
            if joined == *s {
                break;
            }
            *s = joined;
            a = self.links[a as usize].parent;
        }
        let mine = self.links[i].priority;
        while self.links[i].parent != NIL
            && self.links[self.links[i].parent as usize].priority < mine
        {
            self.rotate_up(id);
        }
    }

    /// Removes instance `id`; false if it was not in the set.
    pub fn remove(&mut self, id: u32) -> bool {
        if !self.contains(id) {
            return false;
        }
        let i = id as usize;
        // Rotate the node down (its higher-priority child up) until one side is empty;
        // each lifted child covers the same set as before, so its maxima carry over.
        loop {
            let Link { left, right, .. } = self.links[i];
            if left == NIL || right == NIL {
                break;
            }
            let up = if self.links[left as usize].priority > self.links[right as usize].priority {
                left
            } else {
                right
            };
            self.rotate_up(up);
        }
        let Link {
            left,
            right,
            parent,
            ..
        } = self.links[i];
        let child = if left == NIL { right } else { left };
        self.replace_child(parent, id, child);
        self.links[i] = EMPTY;
        self.len -= 1;
        self.refresh_from(parent);
        true
    }

    /// Recomputes maxima from `t` up to the root, stopping at the first node whose
    /// maxima did not change: every node above it was computed from the same values.
    fn refresh_from(&mut self, mut t: u32) {
        while t != NIL {
            let before = self.fits[t as usize].subtree;
            self.pull(t);
            if self.fits[t as usize].subtree == before {
                break;
            }
            t = self.links[t as usize].parent;
        }
    }

    /// Moves instance `id` to `key` with `fit` free. A fit change alone refreshes the
    /// maxima upward from the node and stops at the first ancestor they leave unchanged.
    pub fn update(&mut self, id: u32, key: u64, fit: Fit) {
        if !self.contains(id) {
            return;
        }
        let i = id as usize;
        if self.links[i].key == key {
            if self.fits[i].own != fit {
                self.fits[i].own = fit;
                self.refresh_from(id);
            }
        } else {
            self.remove(id);
            self.insert(id, key, fit);
        }
    }

    /// Visits, in ascending key order from `from`, every instance whose own free amounts
    /// `need` admits, until `visit` returns false. Subtrees whose maxima fall short are
    /// never entered.
    pub fn walk(&self, from: u64, need: &Need, visit: &mut impl FnMut(u64, u32) -> bool) {
        self.walk_at(self.root, from, need, visit);
    }

    fn walk_at(
        &self,
        t: u32,
        from: u64,
        need: &Need,
        visit: &mut impl FnMut(u64, u32) -> bool,
    ) -> bool {
        if t == NIL {
            return true;
        }
        let fits = &self.fits[t as usize];
        if !need.admits(&fits.subtree) {
            return true;
        }
        let node = &self.links[t as usize];
        if node.key >= from {
            if !self.walk_at(node.left, from, need, visit) {
                return false;
            }
            if need.admits(&fits.own) && !visit(node.key, t) {
                return false;
            }
        }
        self.walk_at(node.right, from, need, visit)
    }

    /// (key, id, free) of every member in key order.
    pub fn entries(&self) -> Vec<(u64, u32, Fit)> {
        let mut out = Vec::with_capacity(self.len);
        self.collect(self.root, &mut out);
        out
    }

    fn collect(&self, t: u32, out: &mut Vec<(u64, u32, Fit)>) {
        if t == NIL {
            return;
        }
        let n = &self.links[t as usize];
        self.collect(n.left, out);
        out.push((n.key, t, self.fits[t as usize].own));
        self.collect(n.right, out);
    }

    /// Checks order, heap priorities and every subtree's maxima. For tests.
    pub fn check(&self) -> Result<(), String> {
        let mut count = 0;
        if self.root != NIL && self.links[self.root as usize].parent != NIL {
            return Err("root has a parent".into());
        }
        self.check_at(self.root, None, None, &mut count)?;
        if count != self.len {
            return Err(format!("{count} nodes reachable, {} counted", self.len));
        }
        Ok(())
    }

    fn check_at(
        &self,
        t: u32,
        lo: Option<u64>,
        hi: Option<u64>,
        count: &mut usize,
    ) -> Result<Fit, String> {
        if t == NIL {
            return Ok(Fit::default());
        }
        *count += 1;
        let n = &self.links[t as usize];
        let f = &self.fits[t as usize];
        if !n.present || n.priority != priority(t) {
            return Err("a reachable node is not marked present".into());
        }
        if lo.is_some_and(|lo| n.key <= lo) || hi.is_some_and(|hi| n.key >= hi) {
            return Err("keys out of order".into());
        }
        for child in [n.left, n.right] {
            if child != NIL && priority(child) > priority(t) {
                return Err("heap order broken".into());
            }
            if child != NIL && self.links[child as usize].parent != t {
                return Err("parent link broken".into());
            }
        }
        let l = self.check_at(n.left, lo, Some(n.key), count)?;
        let r = self.check_at(n.right, Some(n.key), hi, count)?;
        let expect = f.own.join(l).join(r);
        if expect != f.subtree {
            return Err("subtree maxima out of step".into());
        }
        Ok(expect)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn fit(cpu: u32, memory: u32, az: u32) -> Fit {
        Fit {
            cpu,
            memory,
            eni: 1,
            gpu: 0,
            tags: Fit::tags_of(az, 0),
        }
    }

    proptest! {
        /// Against a plain map scanned in key order: same members, same first fit, same
        /// visiting order, after any mix of inserts, moves and removals.
        #[test]
        fn walks_like_a_filtered_scan(
            ops in proptest::collection::vec((0u32..40, 0u64..30, 0u32..8, 0u32..8, 0u32..3, 0u8..3, 0u32..4), 0..400),
            need_cpu in 0u32..8, need_mem in 0u32..8, need_gpu in 0u32..4, azs in 1u64..8, from in 0u64..32,
        ) {
            let mut tree = FitTree::new();
            let mut model: BTreeMap<u64, (u32, Fit)> = BTreeMap::new();
            let mut key_of: BTreeMap<u32, u64> = BTreeMap::new();
            for (id, amount, cpu, mem, az, op, gpu) in ops {
                // Keys end in the id, as cluster keys end in the rank: unique per instance.
                let key = amount << 32 | u64::from(id);
                let f = Fit { gpu, ..fit(cpu, mem, az) };
                match (op, key_of.get(&id).copied()) {
                    (0, None) | (1, None) => {
                        tree.insert(id, key, f);
                        model.insert(key, (id, f));
                        key_of.insert(id, key);
                    }
                    (0, Some(old)) | (1, Some(old)) => {
                        tree.update(id, key, f);
                        model.remove(&old);
                        model.insert(key, (id, f));
                        key_of.insert(id, key);
                    }
                    (_, Some(old)) => {
                        prop_assert!(tree.remove(id));
                        model.remove(&old);
                        key_of.remove(&id);
                    }
                    (_, None) => prop_assert!(!tree.remove(id)),
                }
                tree.check().map_err(TestCaseError::fail)?;
            }
            let need = Need { cpu: need_cpu, memory: need_mem, eni: 1, gpu: need_gpu, tags: azs | 1 << 32 };
            let from = from << 32;
            let expect: Vec<(u64, u32)> = model
                .range(from..)
                .filter(|(_, (_, f))| need.admits(f))
                .map(|(k, (id, _))| (*k, *id))
                .collect();
            let mut got = Vec::new();
            tree.walk(from, &need, &mut |k, id| { got.push((k, id)); true });
            prop_assert_eq!(&got, &expect);
            let mut first = None;
            tree.walk(from, &need, &mut |k, id| { first = Some((k, id)); false });
            prop_assert_eq!(first, expect.first().copied());
            prop_assert_eq!(tree.len(), model.len());
        }
    }

    #[test]
    fn nothing_fits_is_answered_by_the_maxima() {
        let mut tree = FitTree::new();
        tree.insert(0, 5 << 32, fit(4, 1, 0));
        tree.insert(1, 9 << 32 | 1, fit(1, 4, 1));
        // Each resource is somewhere, never both on one instance.
        assert_eq!(tree.maxima().cpu, 4);
        assert_eq!(tree.maxima().memory, 4);
        let need = Need {
            cpu: 2,
            memory: 2,
            eni: 0,
            gpu: 0,
            tags: Need::ANY_TAG,
        };
        let mut seen = 0;
        tree.walk(0, &need, &mut |_, _| {
            seen += 1;
            true
        });
        assert_eq!(seen, 0);
        // An AZ the task may not use hides the instance that would fit.
        let only_az1 = Need {
            cpu: 1,
            memory: 1,
            eni: 0,
            gpu: 0,
            tags: (1 << 1) | (1 << 32),
        };
        let mut ids = Vec::new();
        tree.walk(0, &only_az1, &mut |_, id| {
            ids.push(id);
            true
        });
        assert_eq!(ids, vec![1]);
    }
}
