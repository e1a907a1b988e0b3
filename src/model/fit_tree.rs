//! An ordered set of instances that can skip every instance a task cannot fit on.
//!
//! A B+-tree keyed by `u64` (a strategy's field in the high half, the instance's rank in
//! the low half) holding each member's free resources in its leaf; every inner entry also
//! carries, for its whole subtree, the largest free amount of each resource and the union
//! of the AZ and pool tags. A walk in key order enters a subtree only if something in it
//! could hold the task, so finding the first instance that fits costs O(log n) however
//! full the cluster is and whichever resource binds, and "nothing fits" is answered at the
//! root. Results depend on the keys alone, never on the tree's shape.
//!
//! A small set (a cluster of a few dozen instances) is kept flat instead: its members
//! unsorted in one array, so a placement or a stop rewrites one entry where the sorted leaf
//! shifted up to half of it, and a walk is one pass over at most [`FLAT_MAX`] entries. The
//! set turns into a tree when it outgrows that and back when it shrinks to a quarter of
//! it; walks visit the same members in the same order either way.

/// Free resources of one instance, or the maxima (and tag union) over a subtree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fit {
    /// Free CPU units (the maximum, over a subtree).
    pub cpu: u32,
    /// Free memory, MiB.
    pub memory: u32,
    /// awsvpc tasks it can still take.
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
    /// The tag bits of an instance in AZ `az` and pool `pool`.
    pub fn tags_of(az: u32, pool: u32) -> u64 {
        (1u64 << (az % 32)) | (1u64 << (32 + pool % 32))
    }

    /// Whether a member going from `self` to `new` may lower `max`, the maxima over a set
    /// it belongs to: some amount fell from the most any member had, or a tag left. When
    /// not, the set's new maxima are `max.join(new)`.
    #[inline]
    pub fn may_lower(&self, new: &Fit, max: &Fit) -> bool {
        (new.cpu < self.cpu && self.cpu >= max.cpu)
            || (new.memory < self.memory && self.memory >= max.memory)
            || (new.eni < self.eni && self.eni >= max.eni)
            || (new.gpu < self.gpu && self.gpu >= max.gpu)
            || self.tags & !new.tags != 0
    }

    /// The maxima of both and the union of their tags.
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
    /// CPU units the task reserves.
    pub cpu: u32,
    /// Memory the task reserves, MiB.
    pub memory: u32,
    /// ENIs it needs: 1 for an awsvpc task, else 0.
    pub eni: u32,
    /// Whole GPUs it needs.
    pub gpu: u32,
    /// Acceptable AZ bits (low half) and pool bits (high half).
    pub tags: u64,
}

impl Need {
    /// Every AZ and pool acceptable.
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

/// Entries per node. Wide nodes keep a descent to three or four levels at 50,000
/// instances, each level a few adjacent cache lines, where a binary tree pays a cache miss
/// per level (about 22 at that size, which was most of a placement's time). Unit tests use
/// narrow nodes so that splits and the removal of emptied nodes happen with a few dozen
/// members.
#[cfg(not(test))]
const CAP: usize = 32;
#[cfg(test)]
const CAP: usize = 4;

/// The most members a set keeps flat. At 32 a flat walk's pass costs about what a root
/// leaf's did, and every update is a write in place. Unit tests use a small one, so that
/// their sets cross between the two forms many times.
#[cfg(not(test))]
pub const FLAT_MAX: usize = 32;
/// The most members a set keeps flat (small in unit tests, see above).
#[cfg(test)]
pub const FLAT_MAX: usize = 4;

/// Where `key` goes in a node's ascending keys: how many are below it. A binary search:
/// five steps over a full node, where a count compared all 32 keys.
#[inline]
fn count_below(sorted: &[u64], key: u64) -> usize {
    sorted.partition_point(|k| *k < key)
}

/// How many of a node's ascending keys are at most `key`.
#[inline]
fn count_at_most(sorted: &[u64], key: u64) -> usize {
    sorted.partition_point(|k| *k <= key)
}

#[derive(Clone, Debug)]
struct Node {
    /// Leaves: the members' keys in ascending order. Inner nodes: from entry 1 on, the
    /// lower bound of each child's keys, ascending; entry 0 bounds nothing (the first
    /// child takes every key under entry 1).
    keys: [u64; CAP],
    /// Leaves: member ids. Inner nodes: child nodes.
    items: [u32; CAP],
    /// Leaves: what each member has free. Inner nodes: the maxima over each child.
    fits: [Fit; CAP],
    /// The maxima over the whole node (the join of `fits`), kept so that an update can tell
    /// without a pass over the entries whether it moved them.
    max: Fit,
    len: u32,
    parent: u32,
    leaf: bool,
}

impl Node {
    fn new(leaf: bool, parent: u32) -> Node {
        Node {
            keys: [0; CAP],
            items: [NIL; CAP],
            fits: [Fit::default(); CAP],
            max: Fit::default(),
            len: 0,
            parent,
            leaf,
        }
    }

    /// The maxima over everything under this node.
    fn total(&self) -> Fit {
        self.fits[..self.len as usize]
            .iter()
            .fold(Fit::default(), |acc, f| acc.join(*f))
    }

    /// Where `item` sits among the entries.
    fn slot_of(&self, item: u32) -> usize {
        self.items[..self.len as usize]
            .iter()
            .position(|i| *i == item)
            .expect("an entry's node lists it")
    }

    /// Whether `key` lies between the keys of this leaf's other entries (entry `at`
    /// aside), so that the leaf's range holds it.
    fn spans(&self, at: usize, key: u64) -> bool {
        let len = self.len as usize;
        if len < 3 {
            return false;
        }
        let lo = if at == 0 { self.keys[1] } else { self.keys[0] };
        let hi = if at == len - 1 {
            self.keys[len - 2]
        } else {
            self.keys[len - 1]
        };
        lo <= key && key <= hi
    }

    /// Gives entry `at` a new key and fit, shifting only the entries between its old and
    /// new places (in one pass: a remove then an insert reread what they had just moved).
    fn move_entry(&mut self, at: usize, key: u64, fit: Fit) {
        let len = self.len as usize;
        let item = self.items[at];
        let below = count_below(&self.keys[..len], key);
        let to = if below > at {
            for j in at..below - 1 {
                self.keys[j] = self.keys[j + 1];
                self.items[j] = self.items[j + 1];
                self.fits[j] = self.fits[j + 1];
            }
            below - 1
        } else {
            for j in (below..at).rev() {
                self.keys[j + 1] = self.keys[j];
                self.items[j + 1] = self.items[j];
                self.fits[j + 1] = self.fits[j];
            }
            below
        };
        self.keys[to] = key;
        self.items[to] = item;
        self.fits[to] = fit;
    }

    // Element loops rather than `copy_within`: the runs are short, and a call into the
    // C library's memmove per update was 9% of an M/M/10 run.
    fn insert_at(&mut self, at: usize, key: u64, item: u32, fit: Fit) {
        let len = self.len as usize;
        debug_assert!(len < CAP && at <= len);
        for j in (at..len).rev() {
            self.keys[j + 1] = self.keys[j];
            self.items[j + 1] = self.items[j];
            self.fits[j + 1] = self.fits[j];
        }
        self.keys[at] = key;
        self.items[at] = item;
        self.fits[at] = fit;
        self.max = self.max.join(fit);
        self.len += 1;
    }

    fn remove_at(&mut self, at: usize) {
        let len = self.len as usize;
        for j in at..len - 1 {
            self.keys[j] = self.keys[j + 1];
            self.items[j] = self.items[j + 1];
            self.fits[j] = self.fits[j + 1];
        }
        self.len -= 1;
    }
}

/// A B+-tree of instances: members sit in leaves in key order, and every inner entry holds
/// the maxima over its child. Nodes split when full and are dropped when empty; no
/// rebalancing otherwise, since walks only need the bounds and maxima to be exact.
#[derive(Clone, Debug)]
pub struct FitTree {
    nodes: Vec<Node>,
    /// Nodes dropped when they emptied, for reuse.
    spare: Vec<u32>,
    root: u32,
    /// By instance id: the leaf that holds it (tree form) or its position in `flat` (flat
    /// form), or `NIL`.
    leaf_of: Vec<u32>,
    len: usize,
    /// The members while the set is flat (`nodes` is then empty); `None` in tree form.
    flat: Option<Flat>,
}

/// A small set's members in no order.
#[derive(Clone, Debug, Default)]
struct Flat {
    members: Vec<Member>,
}

#[derive(Clone, Copy, Debug)]
struct Member {
    key: u64,
    fit: Fit,
    id: u32,
}

impl Default for FitTree {
    fn default() -> Self {
        FitTree {
            nodes: Vec::new(),
            spare: Vec::new(),
            root: NIL,
            leaf_of: Vec::new(),
            len: 0,
            flat: Some(Flat::default()),
        }
    }
}

impl FitTree {
    /// An empty set (kept flat until it grows).
    pub fn new() -> FitTree {
        FitTree::default()
    }

    /// Members in the set.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set has no member.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether instance slot `id` is a member.
    pub fn contains(&self, id: u32) -> bool {
        self.leaf_of.get(id as usize).is_some_and(|l| *l != NIL)
    }

    /// The largest free amounts over every instance in the set (zeros when empty).
    pub fn maxima(&self) -> Fit {
        if let Some(flat) = &self.flat {
            return flat
                .members
                .iter()
                .fold(Fit::default(), |acc, m| acc.join(m.fit));
        }
        if self.root == NIL {
            Fit::default()
        } else {
            self.nodes[self.root as usize].max
        }
    }

    /// False only when no member has the room `need` asks: a flat set looks at each member,
    /// a tree at its root's entries (their maxima). True may still mean nothing fits.
    pub fn may_admit(&self, need: &Need) -> bool {
        match &self.flat {
            Some(flat) => flat.members.iter().any(|m| need.admits(&m.fit)),
            None if self.root == NIL => false,
            None => {
                let root = &self.nodes[self.root as usize];
                root.fits[..root.len as usize]
                    .iter()
                    .any(|f| need.admits(f))
            }
        }
    }

    fn alloc(&mut self, leaf: bool, parent: u32) -> u32 {
        match self.spare.pop() {
            Some(n) => {
                self.nodes[n as usize] = Node::new(leaf, parent);
                n
            }
            None => {
                self.nodes.push(Node::new(leaf, parent));
                (self.nodes.len() - 1) as u32
            }
        }
    }

    /// Moves the upper half of `p`'s full child at `slot` into a new node just after it.
    fn split_child(&mut self, p: u32, slot: usize) {
        let c = self.nodes[p as usize].items[slot];
        let leaf = self.nodes[c as usize].leaf;
        let s = self.alloc(leaf, p);
        let half = CAP / 2;
        let (lo, hi) = if c < s {
            let (a, b) = self.nodes.split_at_mut(s as usize);
            (&mut a[c as usize], &mut b[0])
        } else {
            let (a, b) = self.nodes.split_at_mut(c as usize);
            (&mut b[0], &mut a[s as usize])
        };
        let moved = CAP - half;
        hi.keys[..moved].copy_from_slice(&lo.keys[half..]);
        hi.items[..moved].copy_from_slice(&lo.items[half..]);
        hi.fits[..moved].copy_from_slice(&lo.fits[half..]);
        hi.len = moved as u32;
        lo.len = half as u32;
        let (separator, lo_total, hi_total) = (hi.keys[0], lo.total(), hi.total());
        (lo.max, hi.max) = (lo_total, hi_total);
        let moved_items = hi.items;
        for &item in &moved_items[..moved] {
            if leaf {
                self.leaf_of[item as usize] = s;
            } else {
                self.nodes[item as usize].parent = s;
            }
        }
        let parent = &mut self.nodes[p as usize];
        parent.fits[slot] = lo_total;
        parent.insert_at(slot + 1, separator, s, hi_total);
    }

    /// Adds instance `id` under `key` (keys are unique: they end in the instance's rank).
    pub fn insert(&mut self, id: u32, key: u64, fit: Fit) {
        let i = id as usize;
        if i >= self.leaf_of.len() {
            self.leaf_of.resize(i + 1, NIL);
        }
        debug_assert_eq!(self.leaf_of[i], NIL);
        if let Some(flat) = &mut self.flat {
            if flat.members.len() < FLAT_MAX {
                self.leaf_of[i] = flat.members.len() as u32;
                flat.members.push(Member { key, fit, id });
                self.len += 1;
                return;
            }
            self.grow_into_tree();
        }
        if self.root == NIL {
            self.root = self.alloc(true, NIL);
        }
        if self.nodes[self.root as usize].len as usize == CAP {
            let old = self.root;
            let root = self.alloc(false, NIL);
            let total = self.nodes[old as usize].total();
            self.nodes[root as usize].insert_at(0, 0, old, total);
            self.nodes[old as usize].parent = root;
            self.root = root;
            self.split_child(root, 0);
        }
        // Down from the root, splitting full nodes before entering them so that a split
        // never climbs back up; the member only adds to the maxima it passes.
        let mut t = self.root;
        loop {
            let node = &self.nodes[t as usize];
            let len = node.len as usize;
            if node.leaf {
                let at = count_below(&node.keys[..len], key);
                self.nodes[t as usize].insert_at(at, key, id, fit);
                self.leaf_of[i] = t;
                break;
            }
            let mut slot = count_at_most(&node.keys[1..len], key);
            let child = node.items[slot];
            if self.nodes[child as usize].len as usize == CAP {
                self.split_child(t, slot);
                if key >= self.nodes[t as usize].keys[slot + 1] {
                    slot += 1;
                }
            }
            let node = &mut self.nodes[t as usize];
            node.fits[slot] = node.fits[slot].join(fit);
            node.max = node.max.join(fit);
            t = node.items[slot];
        }
        self.len += 1;
    }

    /// Removes instance `id`; false if it was not in the set.
    pub fn remove(&mut self, id: u32) -> bool {
        if !self.contains(id) {
            return false;
        }
        let leaf = self.leaf_of[id as usize];
        self.leaf_of[id as usize] = NIL;
        self.len -= 1;
        if let Some(flat) = &mut self.flat {
            let at = leaf as usize;
            flat.members.swap_remove(at);
            if let Some(moved) = flat.members.get(at) {
                self.leaf_of[moved.id as usize] = at as u32;
            }
            return true;
        }
        let node = &mut self.nodes[leaf as usize];
        let at = node.slot_of(id);
        let old = node.fits[at];
        node.remove_at(at);
        self.refresh_from(leaf, old, None);
        // A root left with one child hands over to it.
        while self.root != NIL {
            let root = &self.nodes[self.root as usize];
            if root.leaf || root.len != 1 {
                break;
            }
            let child = root.items[0];
            self.spare.push(self.root);
            self.root = child;
            self.nodes[child as usize].parent = NIL;
        }
        if self.len <= FLAT_MAX / 4 {
            self.shrink_into_flat();
        }
        true
    }

    /// Moves a full flat set's members into tree form.
    fn grow_into_tree(&mut self) {
        let Some(flat) = self.flat.take() else { return };
        for m in &flat.members {
            self.leaf_of[m.id as usize] = NIL;
        }
        self.len = 0;
        for m in flat.members {
            self.insert(m.id, m.key, m.fit);
        }
    }

    /// Moves a shrunken tree's members into flat form. It comes back only after the set
    /// grows by three quarters of [`FLAT_MAX`], so the two moves never alternate quickly.
    fn shrink_into_flat(&mut self) {
        let mut flat = Flat::default();
        for (j, (key, id, fit)) in self.entries().into_iter().enumerate() {
            self.leaf_of[id as usize] = j as u32;
            flat.members.push(Member { key, fit, id });
        }
        self.nodes.clear();
        self.spare.clear();
        self.root = NIL;
        self.flat = Some(flat);
    }

    /// Brings the maxima of node `t` and above up to date after one of its entries went
    /// from `old` to `new` (`None`: removed), dropping nodes left empty. A level is passed
    /// over its entries only when the change may have lowered its maxima (`old` held one
    /// of them, or the entry left); otherwise joining `new` in is exact. It stops at the
    /// first node whose maxima stay the same: every entry above was computed from them.
    fn refresh_from(&mut self, mut t: u32, mut old: Fit, mut new: Option<Fit>) {
        loop {
            let node = &self.nodes[t as usize];
            let parent = node.parent;
            if node.len == 0 {
                self.spare.push(t);
                if parent == NIL {
                    self.root = NIL;
                    return;
                }
                let p = &mut self.nodes[parent as usize];
                let at = p.slot_of(t);
                old = p.fits[at];
                new = None;
                p.remove_at(at);
                t = parent;
                continue;
            }
            let was = node.max;
            // A pass over the entries only when the change may have lowered the maxima:
            // a pass that stops at the first entry still holding them was measured slower
            // (instances of several sizes: the most free is mostly one instance's).
            let now = match new {
                Some(fit) if !old.may_lower(&fit, &was) => was.join(fit),
                _ => node.total(),
            };
            if now == was {
                return;
            }
            self.nodes[t as usize].max = now;
            if parent == NIL {
                return;
            }
            let p = &mut self.nodes[parent as usize];
            let at = p.slot_of(t);
            p.fits[at] = now;
            (old, new, t) = (was, Some(now), parent);
        }
    }

    /// Moves instance `id` to `key` with `fit` free (nothing if it is not a member).
    #[inline]
    pub fn update(&mut self, id: u32, key: u64, fit: Fit) {
        if !self.contains(id) {
            return;
        }
        let leaf = self.leaf_of[id as usize];
        // The flat form's update is two stores: inlined at each caller, the tree's is not.
        if let Some(flat) = &mut self.flat {
            let m = &mut flat.members[leaf as usize];
            m.key = key;
            m.fit = fit;
            return;
        }
        self.update_in_tree(id, leaf, key, fit);
    }

    /// The tree form of [`Self::update`]: a fit change alone refreshes the maxima upward
    /// from the leaf and stops at the first entry it leaves unchanged.
    fn update_in_tree(&mut self, id: u32, leaf: u32, key: u64, fit: Fit) {
        let node = &mut self.nodes[leaf as usize];
        let at = node.slot_of(id);
        let old = node.fits[at];
        if node.keys[at] == key {
            if old != fit {
                node.fits[at] = fit;
                self.refresh_from(leaf, old, Some(fit));
            }
        } else if node.parent == NIL || node.spans(at, key) {
            // The new key stays inside this leaf's range: move the entry within it.
            node.move_entry(at, key, fit);
            self.refresh_from(leaf, old, Some(fit));
        } else {
            self.remove(id);
            self.insert(id, key, fit);
        }
    }

    /// Visits, in ascending key order from `from`, every instance whose own free amounts
    /// `need` admits, until `visit` returns false. Children whose maxima fall short, or
    /// whose keys all lie below `from`, are never entered.
    pub fn walk(&self, from: u64, need: &Need, visit: &mut impl FnMut(u64, u32) -> bool) {
        if let Some(flat) = &self.flat {
            flat.walk(from, need, visit);
        } else if self.root != NIL {
            self.walk_at(self.root, from, need, visit);
        }
    }

    fn walk_at(
        &self,
        t: u32,
        from: u64,
        need: &Need,
        visit: &mut impl FnMut(u64, u32) -> bool,
    ) -> bool {
        let node = &self.nodes[t as usize];
        let len = node.len as usize;
        if node.leaf {
            let start = count_below(&node.keys[..len], from);
            for j in start..len {
                if need.admits(&node.fits[j]) && !visit(node.keys[j], node.items[j]) {
                    return false;
                }
            }
            return true;
        }
        // Children before `first` hold only keys below `from`.
        let first = count_at_most(&node.keys[1..len], from);
        for j in first..len {
            if need.admits(&node.fits[j]) && !self.walk_at(node.items[j], from, need, visit) {
                return false;
            }
        }
        true
    }

    /// (key, id, free) of every member in key order.
    pub fn entries(&self) -> Vec<(u64, u32, Fit)> {
        let mut out = Vec::with_capacity(self.len);
        if let Some(flat) = &self.flat {
            out.extend(flat.members.iter().map(|m| (m.key, m.id, m.fit)));
            out.sort_unstable_by_key(|(key, _, _)| *key);
            return out;
        }
        if self.root != NIL {
            self.collect(self.root, &mut out);
        }
        out
    }

    fn collect(&self, t: u32, out: &mut Vec<(u64, u32, Fit)>) {
        let n = &self.nodes[t as usize];
        for j in 0..n.len as usize {
            if n.leaf {
                out.push((n.keys[j], n.items[j], n.fits[j]));
            } else {
                self.collect(n.items[j], out);
            }
        }
    }

    /// Checks key order and bounds, links, the leaf of every member and every entry's
    /// maxima. For tests.
    pub fn check(&self) -> Result<(), String> {
        if let Some(flat) = &self.flat {
            return self.check_flat(flat);
        }
        if self.len <= FLAT_MAX / 4 {
            return Err(format!(
                "a tree of {} members, small enough to be flat",
                self.len
            ));
        }
        if self.root == NIL {
            return if self.len == 0 {
                Ok(())
            } else {
                Err("members counted in an empty tree".into())
            };
        }
        if self.nodes[self.root as usize].parent != NIL {
            return Err("root has a parent".into());
        }
        let mut count = 0;
        self.check_at(self.root, None, None, &mut count)?;
        if count != self.len {
            return Err(format!("{count} members reachable, {} counted", self.len));
        }
        if self.leaf_of.iter().filter(|l| **l != NIL).count() != self.len {
            return Err("leaf table out of step".into());
        }
        Ok(())
    }

    fn check_flat(&self, flat: &Flat) -> Result<(), String> {
        let n = flat.members.len();
        if n != self.len || n > FLAT_MAX {
            return Err(format!("a flat set of {n} members, {} counted", self.len));
        }
        if !self.nodes.is_empty() || self.root != NIL {
            return Err("a flat set still holds tree nodes".into());
        }
        for (j, m) in flat.members.iter().enumerate() {
            if self.leaf_of.get(m.id as usize) != Some(&(j as u32)) {
                return Err("a member's position is not recorded".into());
            }
        }
        if self.leaf_of.iter().filter(|l| **l != NIL).count() != n {
            return Err("position table out of step".into());
        }
        let mut keys: Vec<u64> = flat.members.iter().map(|m| m.key).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err("two members share a key".into());
        }
        Ok(())
    }

    /// Checks node `t`, whose keys must lie in [lo, hi), and returns its maxima.
    fn check_at(
        &self,
        t: u32,
        lo: Option<u64>,
        hi: Option<u64>,
        count: &mut usize,
    ) -> Result<Fit, String> {
        let n = &self.nodes[t as usize];
        let len = n.len as usize;
        if len == 0 {
            return Err("an empty node is still linked".into());
        }
        if n.max != n.total() {
            return Err("a node's own maxima out of step".into());
        }
        // An inner node's entry 0 bounds nothing (its first child takes every key below
        // entry 1, including keys under entry 0), so only the rest must ascend.
        let ordered = if n.leaf {
            &n.keys[..len]
        } else {
            &n.keys[1..len]
        };
        if ordered.windows(2).any(|w| w[0] >= w[1]) {
            return Err("keys out of order".into());
        }
        let out_of_range = |k: u64| lo.is_some_and(|lo| k < lo) || hi.is_some_and(|hi| k >= hi);
        if n.leaf {
            for j in 0..len {
                if out_of_range(n.keys[j]) {
                    return Err("a key outside its node's bounds".into());
                }
                if self.leaf_of.get(n.items[j] as usize) != Some(&t) {
                    return Err("a member's leaf is not recorded".into());
                }
            }
            *count += len;
            return Ok(n.total());
        }
        for j in 0..len {
            let child = n.items[j];
            if self.nodes[child as usize].parent != t {
                return Err("parent link broken".into());
            }
            let child_lo = if j == 0 { lo } else { Some(n.keys[j]) };
            if j > 0 && out_of_range(n.keys[j]) {
                return Err("a bound outside its node's bounds".into());
            }
            let child_hi = if j + 1 < len { Some(n.keys[j + 1]) } else { hi };
            let got = self.check_at(child, child_lo, child_hi, count)?;
            if got != n.fits[j] {
                return Err("subtree maxima out of step".into());
            }
        }
        Ok(n.total())
    }
}

impl Flat {
    /// The tree's walk over an unsorted array. Most walks stop at their first visit (a
    /// binpack with nothing after it), so one pass finds the least admitted key; only a
    /// walk that goes on sorts what is left.
    fn walk(&self, from: u64, need: &Need, visit: &mut impl FnMut(u64, u32) -> bool) {
        let mut first: Option<&Member> = None;
        for m in &self.members {
            if m.key >= from && first.is_none_or(|f| m.key < f.key) && need.admits(&m.fit) {
                first = Some(m);
            }
        }
        let Some(first) = first else { return };
        if !visit(first.key, first.id) {
            return;
        }
        let mut rest = [(0u64, 0u32); FLAT_MAX];
        let mut len = 0;
        for m in &self.members {
            if m.key > first.key && need.admits(&m.fit) {
                rest[len] = (m.key, m.id);
                len += 1;
            }
        }
        let rest = &mut rest[..len];
        rest.sort_unstable_by_key(|(key, _)| *key);
        for &(key, id) in rest.iter() {
            if !visit(key, id) {
                return;
            }
        }
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
            ops in proptest::collection::vec((0u32..150, 0u64..30, 0u32..8, 0u32..8, 0u32..3, 0u8..3, 0u32..4), 0..1200),
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
            // A walk stopped after a few visits has seen exactly the first few.
            for stop_after in 2..5 {
                let mut seen = Vec::new();
                tree.walk(from, &need, &mut |k, id| { seen.push((k, id)); seen.len() < stop_after });
                prop_assert_eq!(&seen[..], &expect[..stop_after.min(expect.len())]);
            }
            prop_assert_eq!(tree.len(), model.len());
            // A "no" from may_admit is always right; a flat set's answer is exact.
            let any = model.values().any(|(_, f)| need.admits(f));
            prop_assert!(!any || tree.may_admit(&need));
            for (_, f) in model.values() {
                let exactly = Need { cpu: f.cpu, memory: f.memory, eni: f.eni, gpu: f.gpu, tags: Need::ANY_TAG };
                prop_assert!(tree.may_admit(&exactly), "refused what a member has: {:?}", f);
            }
            if tree.flat.is_some() {
                prop_assert_eq!(tree.may_admit(&need), any);
            }
        }
    }

    /// Grows a set well past the flat limit and empties it again, moving members as it
    /// goes: after every step the walk visits what a sorted scan of the members would.
    #[test]
    fn grows_into_a_tree_and_shrinks_back_to_flat() {
        let mut tree = FitTree::new();
        let mut model: BTreeMap<u64, (u32, Fit)> = BTreeMap::new();
        let key = |id: u32, amount: u64| amount << 32 | u64::from(id);
        let need = Need {
            cpu: 2,
            memory: 0,
            eni: 0,
            gpu: 0,
            tags: Need::ANY_TAG,
        };
        let mut forms = Vec::new();
        let mut agree = |tree: &FitTree, model: &BTreeMap<u64, (u32, Fit)>| {
            tree.check().unwrap();
            let expect: Vec<(u64, u32)> = model
                .iter()
                .filter(|(_, (_, f))| need.admits(f))
                .map(|(k, (id, _))| (*k, *id))
                .collect();
            let mut got = Vec::new();
            tree.walk(0, &need, &mut |k, id| {
                got.push((k, id));
                true
            });
            assert_eq!(got, expect);
            assert_eq!(
                tree.maxima().cpu,
                model.values().map(|(_, f)| f.cpu).max().unwrap_or(0)
            );
            // Every member admitted, so a flat walk's second pass has several to visit.
            let all: Vec<(u64, u32)> = model.iter().map(|(k, (id, _))| (*k, *id)).collect();
            for stop_after in 1..4 {
                let mut seen = Vec::new();
                tree.walk(0, &Need { cpu: 0, ..need }, &mut |k, id| {
                    seen.push((k, id));
                    seen.len() < stop_after
                });
                assert_eq!(seen[..], all[..stop_after.min(all.len())]);
            }
            // A "no" from may_admit is always right; a flat set's answer is exact.
            for cpu in 0..6 {
                let need = Need { cpu, ..need };
                let any = model.values().any(|(_, f)| need.admits(f));
                let may = tree.may_admit(&need);
                assert!(!any || may, "may_admit refused {cpu} CPU that a member has");
                if tree.flat.is_some() {
                    assert_eq!(may, any, "a flat set's may_admit for {cpu} CPU");
                }
            }
            forms.push(tree.flat.is_some());
        };
        for id in 0..6 * FLAT_MAX as u32 {
            let f = fit(id % 5, 1, 0);
            tree.insert(id, key(id, u64::from(id % 7)), f);
            model.insert(key(id, u64::from(id % 7)), (id, f));
            agree(&tree, &model);
        }
        // Every member moves to a new key once, then they leave from both ends.
        for id in 0..6 * FLAT_MAX as u32 {
            let old = key(id, u64::from(id % 7));
            let (new, f) = (key(id, u64::from(id % 3)), fit(4 - id % 5, 1, 0));
            tree.update(id, new, f);
            model.remove(&old);
            model.insert(new, (id, f));
            agree(&tree, &model);
        }
        let mut order: Vec<u32> = (0..6 * FLAT_MAX as u32).collect();
        order.sort_by_key(|id| (id % 2, *id));
        for id in order {
            assert!(tree.remove(id));
            model.retain(|_, (member, _)| *member != id);
            agree(&tree, &model);
        }
        assert!(tree.is_empty());
        // Both forms were seen, and the set went back to flat on the way down.
        let first_tree = forms.iter().position(|flat| !flat).unwrap();
        assert_eq!(first_tree, FLAT_MAX);
        assert!(forms[first_tree..].iter().any(|flat| *flat));
        assert_eq!(forms.last(), Some(&true));
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
