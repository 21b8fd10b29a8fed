//! The similarity graph of one member's distinct passwords, its groups
//! (connected components, by union-find) and the links that explain them.
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
}

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

    /// The groups and their explaining links (see the module doc).
    pub fn forest(&self) -> Forest {
        let mut edges = self.pairs.clone();
        for c in &self.cliques {
            if let Some(&first) = c.iter().min() {
                edges.extend(c.iter().filter(|&&x| x != first).map(|&x| (first, x)));
            }
        }
        edges.sort_unstable();
        edges.dedup();
        let mut uf = UnionFind::new(self.n);
        let kept: Vec<(u32, u32)> = edges.into_iter().filter(|&(a, b)| uf.union(a, b)).collect();

        let mut group_of: Vec<Option<usize>> = vec![None; self.n];
        let mut forest = Forest::default();
        let mut roots: Vec<u32> = Vec::new();
        for id in 0..self.n as u32 {
            let root = uf.find(id);
            if uf.size[root as usize] < 2 {
                continue;
            }
            let g = match group_of[root as usize] {
                Some(g) => g,
                None => {
                    group_of[root as usize] = Some(forest.groups.len());
                    roots.push(root);
                    forest.groups.push(Vec::new());
                    forest.links.push(Vec::new());
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
