//! An ordered set of `u64` keys that stops allocating once it has reached its peak size.
//!
//! Placement indexes see a remove and an insert on every task start and stop. A `BTreeSet`
//! allocates and frees nodes as they split and merge under that churn; this set keeps keys
//! in sorted blocks of bounded length (a "sorted list of sorted lists"), reuses emptied
//! blocks, and never merges, so steady-state churn allocates nothing. Operations cost a
//! binary search over block heads plus a move of at most one block's worth of keys.

const BLOCK: usize = 64;

#[derive(Clone, Debug, Default)]
pub struct SortedKeys {
    blocks: Vec<Vec<u64>>,
    spare: Vec<Vec<u64>>,
    len: usize,
}

impl SortedKeys {
    pub fn new() -> SortedKeys {
        SortedKeys::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The block that holds `key` if present: the last one whose head is ≤ key (or 0).
    fn block_for(&self, key: u64) -> usize {
        self.blocks
            .partition_point(|b| b[0] <= key)
            .saturating_sub(1)
    }

    fn fresh_block(&mut self) -> Vec<u64> {
        self.spare
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(BLOCK + 1))
    }

    /// Inserts `key`; false if it was already there.
    pub fn insert(&mut self, key: u64) -> bool {
        if self.blocks.is_empty() {
            let mut block = self.fresh_block();
            block.push(key);
            self.blocks.push(block);
            self.len = 1;
            return true;
        }
        let b = self.block_for(key);
        let block = &mut self.blocks[b];
        let Err(pos) = block.binary_search(&key) else {
            return false;
        };
        block.insert(pos, key);
        self.len += 1;
        if block.len() > BLOCK {
            let mut upper = self.fresh_block();
            let block = &mut self.blocks[b];
            upper.extend(block.drain(BLOCK / 2..));
            self.blocks.insert(b + 1, upper);
        }
        true
    }

    /// Removes `key`; false if it was not there.
    pub fn remove(&mut self, key: u64) -> bool {
        if self.blocks.is_empty() {
            return false;
        }
        let b = self.block_for(key);
        let block = &mut self.blocks[b];
        let Ok(pos) = block.binary_search(&key) else {
            return false;
        };
        block.remove(pos);
        self.len -= 1;
        if block.is_empty() {
            let emptied = self.blocks.remove(b);
            self.spare.push(emptied);
        }
        true
    }

    /// Keys ≥ `from`, ascending.
    pub fn range_from(&self, from: u64) -> impl Iterator<Item = u64> + '_ {
        let b = self.block_for(from);
        let start = self
            .blocks
            .get(b)
            .map_or(0, |block| block.partition_point(|k| *k < from));
        self.blocks
            .get(b..)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .flat_map(move |(i, block)| block[if i == 0 { start } else { 0 }..].iter().copied())
    }

    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.blocks.iter().flat_map(|b| b.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        #[test]
        fn behaves_like_a_btreeset(ops in proptest::collection::vec((any::<bool>(), 0u64..600), 0..3000), probe in 0u64..650) {
            let mut ours = SortedKeys::new();
            let mut model = BTreeSet::new();
            for (insert, key) in ops {
                if insert {
                    prop_assert_eq!(ours.insert(key), model.insert(key));
                } else {
                    prop_assert_eq!(ours.remove(key), model.remove(&key));
                }
                prop_assert_eq!(ours.len(), model.len());
            }
            prop_assert_eq!(ours.iter().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
            prop_assert_eq!(
                ours.range_from(probe).collect::<Vec<_>>(),
                model.range(probe..).copied().collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn range_from_below_everything_and_above_everything() {
        let mut s = SortedKeys::new();
        for k in (10..1000).step_by(3) {
            s.insert(k);
        }
        assert_eq!(s.range_from(0).next(), Some(10));
        assert_eq!(s.range_from(5000).next(), None);
        assert_eq!(s.range_from(11).next(), Some(13));
        assert_eq!(s.range_from(0).count(), s.len());
    }
}
