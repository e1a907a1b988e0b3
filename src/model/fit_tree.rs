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

#[derive(Clone, Copy, Debug)]
struct Node {
    key: u64,
    left: u32,
    right: u32,
    parent: u32,
    own: Fit,
    subtree: Fit,
}

const EMPTY: Node = Node {
    key: 0,
    left: NIL,
    right: NIL,
    parent: NIL,
    own: Fit {
        cpu: 0,
        memory: 0,
        eni: 0,
        gpu: 0,
        tags: 0,
    },
    subtree: Fit {
        cpu: 0,
        memory: 0,
        eni: 0,
        gpu: 0,
        tags: 0,
    },
};

#[derive(Clone, Debug)]
pub struct FitTree {
    nodes: Vec<Node>,
    present: Vec<bool>,
    root: u32,
    len: usize,
}

impl Default for FitTree {
    fn default() -> Self {
        FitTree {
            nodes: Vec::new(),
            present: Vec::new(),
            root: NIL,
            len: 0,
        }
    }
}

/// A heap priority from the id (splitmix64's finalizer): independent of the key order.
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
        self.present.get(id as usize).copied().unwrap_or(false)
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
            self.nodes[t as usize].subtree
        }
    }

    /// Recomputes a node's maxima from its children, and makes it their parent: every
    /// link change is followed by a pull of the node whose children changed.
    #[inline]
    fn pull(&mut self, t: u32) {
        let n = self.nodes[t as usize];
        let mut s = n.own;
        for child in [n.left, n.right] {
            if child != NIL {
                let c = &mut self.nodes[child as usize];
                c.parent = t;
                s = s.join(c.subtree);
            }
        }
        self.nodes[t as usize].subtree = s;
    }

    fn set_root(&mut self, root: u32) {
        self.root = root;
        if root != NIL {
            self.nodes[root as usize].parent = NIL;
        }
    }

    /// Adds instance `id` under `key` (keys are unique: they end in the instance's rank).
    pub fn insert(&mut self, id: u32, key: u64, fit: Fit) {
        let i = id as usize;
        if i >= self.nodes.len() {
            self.nodes.resize(i + 1, EMPTY);
            self.present.resize(i + 1, false);
        }
        debug_assert!(!self.present[i]);
        self.nodes[i] = Node {
            key,
            left: NIL,
            right: NIL,
            parent: NIL,
            own: fit,
            subtree: fit,
        };
        self.present[i] = true;
        self.len += 1;
        let root = self.insert_at(self.root, id);
        self.set_root(root);
    }

    fn insert_at(&mut self, t: u32, x: u32) -> u32 {
        if t == NIL {
            return x;
        }
        let key = self.nodes[x as usize].key;
        if priority(x) > priority(t) {
            let (l, r) = self.split(t, key);
            let node = &mut self.nodes[x as usize];
            node.left = l;
            node.right = r;
            self.pull(x);
            return x;
        }
        if key < self.nodes[t as usize].key {
            let l = self.insert_at(self.nodes[t as usize].left, x);
            self.nodes[t as usize].left = l;
        } else {
            let r = self.insert_at(self.nodes[t as usize].right, x);
            self.nodes[t as usize].right = r;
        }
        self.pull(t);
        t
    }

    /// Splits into (keys < key, keys ≥ key).
    fn split(&mut self, t: u32, key: u64) -> (u32, u32) {
        if t == NIL {
            return (NIL, NIL);
        }
        if self.nodes[t as usize].key < key {
            let (l, r) = self.split(self.nodes[t as usize].right, key);
            self.nodes[t as usize].right = l;
            self.pull(t);
            (t, r)
        } else {
            let (l, r) = self.split(self.nodes[t as usize].left, key);
            self.nodes[t as usize].left = r;
            self.pull(t);
            (l, t)
        }
    }

    fn merge(&mut self, a: u32, b: u32) -> u32 {
        if a == NIL {
            return b;
        }
        if b == NIL {
            return a;
        }
        if priority(a) > priority(b) {
            let r = self.merge(self.nodes[a as usize].right, b);
            self.nodes[a as usize].right = r;
            self.pull(a);
            a
        } else {
            let l = self.merge(a, self.nodes[b as usize].left);
            self.nodes[b as usize].left = l;
            self.pull(b);
            b
        }
    }

    /// Removes instance `id`; false if it was not in the set.
    pub fn remove(&mut self, id: u32) -> bool {
        if !self.contains(id) {
            return false;
        }
        let key = self.nodes[id as usize].key;
        let root = self.remove_at(self.root, key);
        self.set_root(root);
        self.present[id as usize] = false;
        self.len -= 1;
        true
    }

    fn remove_at(&mut self, t: u32, key: u64) -> u32 {
        let node = self.nodes[t as usize];
        if node.key == key {
            return self.merge(node.left, node.right);
        }
        if key < node.key {
            let l = self.remove_at(node.left, key);
            self.nodes[t as usize].left = l;
        } else {
            let r = self.remove_at(node.right, key);
            self.nodes[t as usize].right = r;
        }
        self.pull(t);
        t
    }

    /// Moves instance `id` to `key` with `fit` free. A fit change alone refreshes the
    /// maxima upward from the node and stops at the first ancestor they leave unchanged.
    pub fn update(&mut self, id: u32, key: u64, fit: Fit) {
        if !self.contains(id) {
            return;
        }
        let node = &mut self.nodes[id as usize];
        if node.key == key {
            if node.own != fit {
                node.own = fit;
                self.refresh_upward(id);
            }
        } else {
            self.remove(id);
            self.insert(id, key, fit);
        }
    }

    fn refresh_upward(&mut self, from: u32) {
        let mut t = from;
        while t != NIL {
            let before = self.nodes[t as usize].subtree;
            self.pull(t);
            if t != from && self.nodes[t as usize].subtree == before {
                break;
            }
            t = self.nodes[t as usize].parent;
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
        let node = &self.nodes[t as usize];
        if !need.admits(&node.subtree) {
            return true;
        }
        if node.key >= from {
            if !self.walk_at(node.left, from, need, visit) {
                return false;
            }
            if need.admits(&node.own) && !visit(node.key, t) {
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
        let n = &self.nodes[t as usize];
        self.collect(n.left, out);
        out.push((n.key, t, n.own));
        self.collect(n.right, out);
    }

    /// Checks order, heap priorities and every subtree's maxima. For tests.
    pub fn check(&self) -> Result<(), String> {
        let mut count = 0;
        if self.root != NIL && self.nodes[self.root as usize].parent != NIL {
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
        let n = &self.nodes[t as usize];
        if lo.is_some_and(|lo| n.key <= lo) || hi.is_some_and(|hi| n.key >= hi) {
            return Err("keys out of order".into());
        }
        for child in [n.left, n.right] {
            if child != NIL && priority(child) > priority(t) {
                return Err("heap order broken".into());
            }
            if child != NIL && self.nodes[child as usize].parent != t {
                return Err("parent link broken".into());
            }
        }
        let l = self.check_at(n.left, lo, Some(n.key), count)?;
        let r = self.check_at(n.right, Some(n.key), hi, count)?;
        let expect = n.own.join(l).join(r);
        if expect != n.subtree {
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
