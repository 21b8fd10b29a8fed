//! The similarity graph of one member's distinct passwords, its groups and
//! the links that explain them.
//!
//! Groups are bounded by base word ([`Graph::grouped`], what the check
//! reports): passwords sharing a base word form one group, a password with
//! no shared base word joins the group of a similar password, but two groups
//! of different base words are never merged, and passwords without a shared
//! base word add at most [`LOOSE_PER_GROUP`] to a group. A similar pair whose
//! passwords end up in two groups (or one grouped, one not) is kept as a
//! *bridge* of a group, so every pair is still reported. Unbounded
//! transitive closure ([`Graph::forest`], connected components) is kept for
//! tests and benches: on exports where many passwords share base words, it
//! chains them into one group of thousands.
//!
//! Password ids are their first-appearance order. The links of a group are
//! its spanning tree built by Kruskal's method over the edges in `(a, b)`
//! order: deterministic, and each kept link joins something new to the group.
//!
//! Passwords sharing a base word are all similar to each other (a clique).
//! The fast engine hands those over as [`Graph::cliques`] instead of listing
//! every pair: a clique `B` with smallest id `b0` contributes only the star
//! `(b0, x)` for `x` in `B`. Kruskal's tree is unchanged: every other clique
//! edge `(x, y)` has `x > b0`, so it comes after `(b0, x)` and `(b0, y)` in
//! `(a, b)` order, when `x` and `y` are already joined, and is skipped anyway.

/// Undirected similarity graph over ids `0..n`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Graph {
    pub n: usize,
    /// Similar pairs `(a, b)` with `a < b`.
    pub pairs: Vec<(u32, u32)>,
    /// Sets of ids that are all pairwise similar.
    pub cliques: Vec<Vec<u32>>,
}

/// Groups of similar passwords and the links that explain each.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Forest {
    /// Each group: its ids, ascending. Groups are ordered by smallest id.
    pub groups: Vec<Vec<u32>>,
    /// For each group, its links `(a, b)`, `a < b`, in the order they joined.
    pub links: Vec<Vec<(u32, u32)>>,
    /// For each group, its similar pairs `(a, b)`, `a < b`, with one
    /// password outside the group (empty for [`Graph::forest`]), ascending.
    pub bridges: Vec<Vec<(u32, u32)>>,
}

/// Most passwords without a shared base word in one group (see the module
/// doc): enough for a scheme's tweaks, too few to chain a whole export.
pub const LOOSE_PER_GROUP: u32 = 32;

/// For each password, an id of its base word when another password has the
/// same one (see [`super::fold::base`]); `None` otherwise.
pub fn base_ids(passwords: &[&str]) -> Vec<Option<u32>> {
    let bases: Vec<Option<Zeroizing<Vec<char>>>> =
        passwords.par_iter().map(|p| super::fold::base(p)).collect();
    let mut count: FxHashMap<&[char], (u32, u32)> = Default::default();
    for b in bases.iter().flatten() {
        let next = count.len() as u32;
        count.entry(b.as_slice()).or_insert((next, 0)).1 += 1;
    }
    bases
        .iter()
        .map(|b| {
            let (id, n) = count[b.as_ref()?.as_slice()];
            (n > 1).then_some(id)
        })
        .collect()
}

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use zeroize::Zeroizing;

/// Disjoint sets with path halving and union by size.
#[derive(Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Joins the sets of `a` and `b`; false when they were already one.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }
}

impl Graph {
    /// Every similar pair, cliques expanded (for tests and small graphs).
    pub fn all_pairs(&self) -> Vec<(u32, u32)> {
        let mut out = self.pairs.clone();
        for c in &self.cliques {
            for (i, &a) in c.iter().enumerate() {
                for &b in &c[i + 1..] {
                    out.push((a.min(b), a.max(b)));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Pairs and clique stars, sorted (see the module doc).
    fn edges(&self) -> Vec<(u32, u32)> {
        let mut edges = self.pairs.clone();
        for c in &self.cliques {
            if let Some(&first) = c.iter().min() {
                edges.extend(c.iter().filter(|&&x| x != first).map(|&x| (first, x)));
            }
        }
        edges.sort_unstable();
        edges.dedup();
        edges
    }

    /// Connected components and their explaining links: unbounded
    /// transitive closure (see the module doc).
    pub fn forest(&self) -> Forest {
        let mut uf = UnionFind::new(self.n);
        let kept: Vec<(u32, u32)> = self
            .edges()
            .into_iter()
            .filter(|&(a, b)| uf.union(a, b))
            .collect();
        Self::collect(&mut uf, self.n, kept, Vec::new())
    }

    /// Groups bounded by base word, their links and bridges (see the module
    /// doc). `base[id]` is the id of the password's base word when shared
    /// ([`base_ids`]). Edges are taken in `(a, b)` order, as in
    /// [`Graph::forest`]; an edge that would merge two base words, or bring
    /// a group over [`LOOSE_PER_GROUP`] passwords without a shared base
    /// word, is a bridge instead.
    pub fn grouped(&self, base: &[Option<u32>]) -> Forest {
        assert_eq!(base.len(), self.n);
        let mut uf = UnionFind::new(self.n);
        // Per root: its base word, and how many of its passwords have none.
        let mut anchor: Vec<Option<u32>> = base.to_vec();
        let mut loose: Vec<u32> = base.iter().map(|b| u32::from(b.is_none())).collect();
        let mut kept = Vec::new();
        let mut refused = Vec::new();
        for (a, b) in self.edges() {
            let (ra, rb) = (uf.find(a), uf.find(b));
            if ra == rb {
                continue;
            }
            let (xa, xb) = (anchor[ra as usize], anchor[rb as usize]);
            let sum = loose[ra as usize] + loose[rb as usize];
            let merge = match (xa, xb) {
                (Some(x), Some(y)) if x == y => true,
                (Some(_), Some(_)) => false,
                _ => sum <= LOOSE_PER_GROUP,
            };
            if !merge {
                refused.push((a, b));
                continue;
            }
            uf.union(a, b);
            let r = uf.find(a) as usize;
            anchor[r] = xa.or(xb);
            loose[r] = sum;
            kept.push((a, b));
        }
        Self::collect(&mut uf, self.n, kept, refused)
    }

    /// Groups (sets of two or more) from `uf`, with their kept links and
    /// refused edges (bridges, each given to the group of its first password
    /// if that is grouped, else to its second's).
    fn collect(
        uf: &mut UnionFind,
        n: usize,
        kept: Vec<(u32, u32)>,
        refused: Vec<(u32, u32)>,
    ) -> Forest {
        let n_ids = n;

        let mut group_of: Vec<Option<usize>> = vec![None; n_ids];
        let mut forest = Forest::default();
        for id in 0..n_ids as u32 {
            let root = uf.find(id);
            if uf.size[root as usize] < 2 {
                continue;
            }
            let g = match group_of[root as usize] {
                Some(g) => g,
                None => {
                    group_of[root as usize] = Some(forest.groups.len());
                    forest.groups.push(Vec::new());
                    forest.links.push(Vec::new());
                    forest.bridges.push(Vec::new());
                    forest.groups.len() - 1
                }
            };
            forest.groups[g].push(id);
        }
        for (a, b) in kept {
            let root = uf.find(a);
            if let Some(g) = group_of[root as usize] {
                forest.links[g].push((a, b));
            }
        }
        for (a, b) in refused {
            let (ra, rb) = (uf.find(a), uf.find(b));
            if let Some(g) = group_of[ra as usize].or(group_of[rb as usize]) {
                forest.bridges[g].push((a, b));
            }
        }
        forest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_links() {
        let g = Graph {
            n: 7,
            pairs: vec![(0, 2), (1, 3), (2, 3), (5, 6)],
            cliques: vec![],
        };
        let f = g.forest();
        assert_eq!(f.groups, vec![vec![0, 1, 2, 3], vec![5, 6]]);
        assert_eq!(f.links, vec![vec![(0, 2), (1, 3), (2, 3)], vec![(5, 6)]]);
    }

    #[test]
    fn groups_stop_at_other_base_words_and_keep_every_pair_as_a_bridge() {
        // Two base words {0, 1} and {2, 3}; 4 has none and is similar to
        // both (as `summerdragon` is to `summer1` and `dragon2`); 5 and 6
        // have none.
        let base = [Some(0), Some(0), Some(1), Some(1), None, None, None];
        let g = Graph {
            n: 7,
            pairs: vec![(1, 4), (3, 4), (1, 3), (5, 6)],
            cliques: vec![vec![0, 1], vec![2, 3]],
        };
        let f = g.grouped(&base);
        assert_eq!(f.groups, vec![vec![0, 1, 4], vec![2, 3], vec![5, 6]]);
        assert_eq!(
            f.links,
            vec![vec![(0, 1), (1, 4)], vec![(2, 3)], vec![(5, 6)]]
        );
        assert_eq!(f.bridges, vec![vec![(1, 3)], vec![(3, 4)], vec![]]);
        // Transitive closure would have made one group of five.
        assert_eq!(g.forest().groups[0], vec![0, 1, 2, 3, 4]);
        // Every pair is a link, a bridge, or inside a base word's clique.
        let f_pairs: Vec<(u32, u32)> = f
            .links
            .iter()
            .chain(&f.bridges)
            .flatten()
            .copied()
            .collect();
        for p in g.all_pairs() {
            let same_base =
                base[p.0 as usize].is_some() && base[p.0 as usize] == base[p.1 as usize];
            assert!(same_base || f_pairs.contains(&p), "{p:?}");
        }
    }

    #[test]
    fn a_chain_without_base_words_is_bounded() {
        // 0-1-2-...: a chain of similar passwords without base words (as
        // 4-digit years are) never makes a group larger than the bound.
        let n = 200;
        let g = Graph {
            n,
            pairs: (0..n as u32 - 1).map(|i| (i, i + 1)).collect(),
            cliques: vec![],
        };
        let f = g.grouped(&vec![None; n]);
        assert!(f.groups.iter().all(|g| g.len() <= LOOSE_PER_GROUP as usize));
        let kept: usize = f.links.iter().chain(&f.bridges).map(Vec::len).sum();
        assert_eq!(kept, n - 1, "every pair is a link or a bridge");
        assert_eq!(g.forest().groups.len(), 1);
    }

    #[test]
    fn base_ids_only_for_shared_base_words() {
        let ids = base_ids(&["Summer2022!", "summer#99", "Falcon1", "123456"]);
        assert_eq!(ids[0], ids[1]);
        assert!(ids[0].is_some());
        assert_eq!(&ids[2..], &[None, None]);
    }

    #[test]
    fn cliques_give_the_same_tree_as_their_pairs() {
        let cliques = vec![vec![1, 4, 6, 9], vec![2, 3]];
        let pairs = vec![(0, 4), (3, 6), (7, 8), (5, 9)];
        let compact = Graph {
            n: 10,
            pairs: pairs.clone(),
            cliques: cliques.clone(),
        };
        let expanded = Graph {
            n: 10,
            pairs: compact.all_pairs(),
            cliques: vec![],
        };
        assert_eq!(compact.forest(), expanded.forest());
        assert_eq!(compact.forest().groups.len(), 2);
    }
}
