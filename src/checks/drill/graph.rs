//! The recovery graph of one member and its propagation.
//!
//! A node (the vault, an account) is reachable when one of its ways in has
//! everything it needs: a way is a conjunction of requirements (the phone,
//! the master password, another node, or something the export cannot tell).
//! What is reachable after a loss is the least fixed point, computed with a
//! worklist over reverse edges (each way counts its unmet node requirements),
//! so each scenario is linear in the size of the graph and independent of the
//! order of the nodes. The greatest fixed point (start from "everything
//! reachable", remove what has no live way) differs from it exactly on the
//! nodes that are lost only because their recovery depends on itself: the
//! recovery cycles.

use rustc_hash::FxHashSet as HashSet;

/// What a way in needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Req {
    /// The phone: authenticator app, SMS number, passkeys on the device.
    Phone,
    /// The vault's master password (what "lost password manager" takes).
    MasterPassword,
    /// Something the export cannot tell (a format without 2FA data, a
    /// mailbox that is not in the vault): never assumed to be there.
    Unknown,
    /// Another node must be reachable first.
    Node(usize),
}

/// What kind of way in it is (for the chains).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WayKind {
    /// Password and second factor (if any).
    Login,
    /// Password and backup codes.
    Codes,
    /// "Forgot password" through the recovery mailbox.
    Mailbox,
    /// A recovery phone number.
    RecoveryPhone,
    /// The password manager's emergency kit or recovery code.
    EmergencyKit,
    /// Another person restores access (a trusted contact, the vault's
    /// emergency access): independent of this member's losses.
    Contact,
}

/// What one way needs: inline (no allocation) for up to two requirements,
/// which is every way the drill builds.
pub type Needs = smallvec::SmallVec<[Req; 2]>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Way {
    pub kind: WayKind,
    /// Sorted, distinct.
    pub needs: Needs,
}

impl Way {
    pub fn new(kind: WayKind, needs: impl IntoIterator<Item = Req>) -> Way {
        let mut needs: Needs = needs.into_iter().collect();
        needs.sort_unstable();
        needs.dedup();
        Way { kind, needs }
    }
}

/// What a scenario takes away.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loss {
    pub phone: bool,
    pub master_password: bool,
    /// Nodes lost outright (a mailbox that is gone).
    pub nodes: Vec<usize>,
}

/// The graph compiled for the passes (built once per graph by
/// [`Graph::prepare`] and shared by every scenario): the reverse edges in
/// compressed form (node `j`'s are `pairs[start[j]..start[j + 1]]`), and
/// each way flattened: its requirements other than nodes as bits, its node
/// requirements in one array. The passes read only these flat `u32` arrays,
/// never the ways' own vectors.
pub struct Reverse {
    start: Vec<u32>,
    /// `(node, flat way index)`.
    pairs: Vec<(u32, u32)>,
    /// Node `i`'s ways are flat indices `way_start[i]..way_start[i + 1]`.
    way_start: Vec<u32>,
    /// Per flat way: [`PHONE`], [`MASTER`], [`UNKNOWN`] as it needs them.
    base: Vec<u8>,
    /// Flat way `k`'s node requirements are
    /// `need_node[need_start[k]..need_start[k + 1]]`.
    need_start: Vec<u32>,
    need_node: Vec<u32>,
    /// Some way needs what the export cannot tell: without one, what is
    /// reachable is the same whether unknowns are fine or not, and one pass
    /// gives both.
    unknown: bool,
}

/// [`Reverse::base`] bits.
const PHONE: u8 = 1;
const MASTER: u8 = 2;
const UNKNOWN: u8 = 4;

/// The [`Reverse::base`] bits that `loss` takes (unknowns too unless
/// `unknown_available`).
fn lost_bits(loss: &Loss, unknown_available: bool) -> u8 {
    let mut bits = 0;
    if loss.phone {
        bits |= PHONE;
    }
    if loss.master_password {
        bits |= MASTER;
    }
    if !unknown_available {
        bits |= UNKNOWN;
    }
    bits
}

impl Reverse {
    fn of(&self, j: usize) -> &[(u32, u32)] {
        &self.pairs[self.start[j] as usize..self.start[j + 1] as usize]
    }

    /// Node `i`'s flat way indices.
    fn ways(&self, i: usize) -> std::ops::Range<usize> {
        self.way_start[i] as usize..self.way_start[i + 1] as usize
    }

    /// Flat way `k`'s node requirements.
    fn needs(&self, k: usize) -> &[u32] {
        &self.need_node[self.need_start[k] as usize..self.need_start[k + 1] as usize]
    }

    /// The number of flat ways.
    fn way_count(&self) -> usize {
        self.base.len()
    }
}

/// One member's graph: `ways[i]` are node `i`'s ways in.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub ways: Vec<Vec<Way>>,
}

/// What nothing lost leaves: the base of [`Graph::outcome_local`].
pub struct Baseline {
    sure: Vec<bool>,
    maybe: Vec<bool>,
    alive: Vec<bool>,
    /// Nodes alive but not reachable (where cycles are looked for).
    candidates: Vec<usize>,
    /// The number of ways in the graph (flat indices).
    ways: usize,
}

impl Baseline {
    /// Node `n`'s state when nothing is lost.
    pub fn state(&self, n: usize) -> State {
        Graph::combine_one(self.sure[n], self.maybe[n])
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.sure.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sure.is_empty()
    }

    /// Working copies of the baseline for [`Graph::outcome_delta`], made
    /// once and reused by every local scenario.
    pub fn scratch(&self) -> Scratch {
        let n = self.sure.len();
        Scratch {
            sure: self.sure.clone(),
            maybe: self.maybe.clone(),
            alive: self.alive.clone(),
            in_scope: vec![false; n],
            live: vec![0; n],
            ways: vec![0; self.ways],
        }
    }
}

/// The baseline's vectors, changed inside one scenario's cone by
/// [`Graph::outcome_delta`] and put back by [`Scratch::restore`].
#[derive(Debug, Clone)]
pub struct Scratch {
    sure: Vec<bool>,
    maybe: Vec<bool>,
    alive: Vec<bool>,
    /// Work space of one recomputation on a cone, indexed by node or by
    /// flat way index; only the cone's entries are written, and each is
    /// written before it is read (the cone is closed under dependents).
    in_scope: Vec<bool>,
    live: Vec<u32>,
    /// Per way: unmet node requirements ([`DEAD`]: a requirement is lost
    /// for good), or 1 for a dead way in the greatest fixed point.
    ways: Vec<u32>,
}

/// A way that can no longer open (in [`Scratch::ways`]).
const DEAD: u32 = u32::MAX;

impl Scratch {
    /// What is reachable when unknowns are fine, for the whole graph, in
    /// the scenario last computed (until [`Scratch::restore`]).
    pub fn maybe(&self) -> &[bool] {
        &self.maybe
    }

    /// Puts the cone of `delta` back to the baseline.
    pub fn restore(&mut self, base: &Baseline, delta: &Delta) {
        for &i in &delta.cone {
            self.sure[i] = base.sure[i];
            self.maybe[i] = base.maybe[i];
            self.alive[i] = base.alive[i];
        }
    }
}

/// What a loss of nodes changes against the [`Baseline`]: the nodes of its
/// cone (sorted), each one's state, and the nodes on recovery cycles.
#[derive(Debug, Clone, Default)]
pub struct Delta {
    pub cone: Vec<usize>,
    /// `states[k]` is the state of `cone[k]`.
    pub states: Vec<State>,
    pub cycles: Vec<usize>,
}

/// A node's state after a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Reachable,
    /// Reachable only if what the export cannot tell turns out fine.
    CannotTell,
    LockedOut,
}

impl Graph {
    fn base_lost(loss: &Loss, unknown_available: bool, r: Req) -> bool {
        match r {
            Req::Phone => loss.phone,
            Req::MasterPassword => loss.master_password,
            Req::Unknown => !unknown_available,
            Req::Node(_) => false,
        }
    }

    /// The reverse edges, to share between scenarios.
    pub fn prepare(&self) -> Reverse {
        self.reverse()
    }

    /// The compiled graph: each way's requirements flattened, and the
    /// reverse edges (the `(node, way)` pairs that need node `j`), in a few
    /// flat arrays (not one allocation per node).
    fn reverse(&self) -> Reverse {
        let n = self.ways.len();
        let total: usize = self.ways.iter().map(Vec::len).sum();
        let mut way_start = Vec::with_capacity(n + 1);
        way_start.push(0u32);
        let mut base = Vec::with_capacity(total);
        let mut need_start = Vec::with_capacity(total + 1);
        need_start.push(0u32);
        let mut need_node: Vec<u32> = Vec::with_capacity(total * 2);
        let mut start = vec![0u32; n + 1];
        for ways in &self.ways {
            for w in ways {
                let mut bits = 0;
                for r in &w.needs {
                    match *r {
                        Req::Phone => bits |= PHONE,
                        Req::MasterPassword => bits |= MASTER,
                        Req::Unknown => bits |= UNKNOWN,
                        Req::Node(j) => {
                            need_node.push(j as u32);
                            start[j + 1] += 1;
                        }
                    }
                }
                base.push(bits);
                need_start.push(need_node.len() as u32);
            }
            way_start.push(base.len() as u32);
        }
        for j in 0..n {
            start[j + 1] += start[j];
        }
        let mut fill = start.clone();
        let mut pairs = vec![(0u32, 0u32); need_node.len()];
        for i in 0..n {
            for k in way_start[i]..way_start[i + 1] {
                let k = k as usize;
                for &j in &need_node[need_start[k] as usize..need_start[k + 1] as usize] {
                    let f = &mut fill[j as usize];
                    pairs[*f as usize] = (i as u32, k as u32);
                    *f += 1;
                }
            }
        }
        Reverse {
            unknown: base.iter().any(|b| b & UNKNOWN != 0),
            start,
            pairs,
            way_start,
            base,
            need_start,
            need_node,
        }
    }

    fn forced(&self, loss: &Loss) -> Vec<bool> {
        let mut forced = vec![false; self.ways.len()];
        for &n in &loss.nodes {
            if let Some(f) = forced.get_mut(n) {
                *f = true;
            }
        }
        forced
    }

    /// The least fixed point: what can be got back, starting from nothing.
    pub fn reachable(&self, loss: &Loss, unknown_available: bool) -> Vec<bool> {
        self.reachable_with(&self.reverse(), loss, unknown_available)
    }

    fn reachable_with(&self, rev: &Reverse, loss: &Loss, unknown_available: bool) -> Vec<bool> {
        let n = self.ways.len();
        let forced = self.forced(loss);
        let lost = lost_bits(loss, unknown_available);
        let mut reached = vec![false; n];
        // Unmet node requirements per (flat) way; [`DEAD`]: a base
        // requirement is lost.
        let mut unmet: Vec<u32> = Vec::with_capacity(rev.way_count());
        let mut work = Vec::new();
        for i in 0..n {
            let mut open = false;
            for k in rev.ways(i) {
                let c = if rev.base[k] & lost != 0 {
                    DEAD
                } else {
                    rev.need_start[k + 1] - rev.need_start[k]
                };
                open |= c == 0;
                unmet.push(c);
            }
            if !forced[i] && open {
                reached[i] = true;
                work.push(i);
            }
        }
        while let Some(j) = work.pop() {
            for &(i, k) in rev.of(j) {
                let (i, c) = (i as usize, &mut unmet[k as usize]);
                if *c != DEAD {
                    *c -= 1;
                    if *c == 0 && !reached[i] && !forced[i] {
                        reached[i] = true;
                        work.push(i);
                    }
                }
            }
        }
        reached
    }

    /// The greatest fixed point: what is not cut off from every way in,
    /// starting from everything (cycles count as fine here).
    pub fn not_cut_off(&self, loss: &Loss, unknown_available: bool) -> Vec<bool> {
        self.not_cut_off_with(&self.reverse(), loss, unknown_available)
    }

    fn not_cut_off_with(&self, rev: &Reverse, loss: &Loss, unknown_available: bool) -> Vec<bool> {
        let n = self.ways.len();
        let forced = self.forced(loss);
        let any_forced = !loss.nodes.is_empty();
        let lost = lost_bits(loss, unknown_available);
        let mut alive = vec![true; n];
        let mut dead: Vec<bool> = Vec::with_capacity(rev.way_count());
        let mut live = vec![0u32; n];
        let mut work = Vec::new();
        for i in 0..n {
            for k in rev.ways(i) {
                let d = rev.base[k] & lost != 0
                    || (any_forced && rev.needs(k).iter().any(|&j| forced[j as usize]));
                live[i] += u32::from(!d);
                dead.push(d);
            }
            if forced[i] || live[i] == 0 {
                alive[i] = false;
                work.push(i);
            }
        }
        while let Some(j) = work.pop() {
            for &(i, k) in rev.of(j) {
                let (i, k) = (i as usize, k as usize);
                if !dead[k] {
                    dead[k] = true;
                    live[i] -= 1;
                    if live[i] == 0 && alive[i] {
                        alive[i] = false;
                        work.push(i);
                    }
                }
            }
        }
        alive
    }

    /// Everything a scenario needs, with the reverse edges built once:
    /// each node's state, what is reachable when unknowns are fine (for the
    /// chains), and the nodes on recovery cycles.
    pub fn outcome(&self, loss: &Loss) -> (Vec<State>, Vec<bool>, Vec<usize>) {
        self.outcome_with(&self.reverse(), loss)
    }

    /// [`Graph::outcome`] with the reverse edges given.
    pub fn outcome_with(&self, rev: &Reverse, loss: &Loss) -> (Vec<State>, Vec<bool>, Vec<usize>) {
        let maybe = self.reachable_with(rev, loss, true);
        let sure = self.sure_with(rev, loss, &maybe);
        let states = Self::combine(&sure, &maybe);
        let cycles = self.cycles_with(rev, loss, &maybe);
        (states, maybe, cycles)
    }

    /// What `loss` leaves reachable when unknowns are not fine, given
    /// `maybe`, what it leaves when they are: the same when no way needs an
    /// unknown.
    fn sure_with(&self, rev: &Reverse, loss: &Loss, maybe: &[bool]) -> Vec<bool> {
        if rev.unknown {
            self.reachable_with(rev, loss, false)
        } else {
            maybe.to_vec()
        }
    }

    /// What nothing lost leaves (for [`Graph::outcome_local`]).
    pub fn baseline(&self, rev: &Reverse) -> Baseline {
        let none = Loss::default();
        let maybe = self.reachable_with(rev, &none, true);
        let alive = self.not_cut_off_with(rev, &none, true);
        let candidates = (0..self.ways.len())
            .filter(|&i| alive[i] && !maybe[i])
            .collect();
        Baseline {
            sure: self.sure_with(rev, &none, &maybe),
            maybe,
            alive,
            candidates,
            ways: rev.way_count(),
        }
    }

    /// Every node that depends on `roots`, directly or not (`roots`
    /// included): the only nodes a loss of `roots` can change.
    pub fn cone(&self, rev: &Reverse, roots: &[usize]) -> Vec<usize> {
        let mut marks = vec![false; self.ways.len()];
        Self::cone_marked(rev, roots, &mut marks)
    }

    /// [`Graph::cone`], marking its nodes in `marks` (all false before);
    /// they stay marked.
    fn cone_marked(rev: &Reverse, roots: &[usize], marks: &mut [bool]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(roots.len());
        for &r in roots {
            if !marks[r] {
                marks[r] = true;
                out.push(r);
            }
        }
        let mut k = 0;
        while k < out.len() {
            let j = out[k];
            k += 1;
            for &(i, _) in rev.of(j) {
                let i = i as usize;
                if !marks[i] {
                    marks[i] = true;
                    out.push(i);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// [`Graph::outcome`] of a loss of nodes only (a lost mailbox), computed
    /// inside the lost nodes' cone alone: outside it nothing differs from
    /// `base`. Linear in the cone's size, not the graph's; the whole vectors
    /// are made from [`Graph::outcome_delta`] (tests, small graphs).
    pub fn outcome_local(
        &self,
        rev: &Reverse,
        loss: &Loss,
        base: &Baseline,
    ) -> (Vec<State>, Vec<bool>, Vec<usize>) {
        let mut scratch = base.scratch();
        let delta = self.outcome_delta(rev, loss, base, &mut scratch);
        let states = Self::combine(&scratch.sure, &scratch.maybe);
        (states, scratch.maybe, delta.cycles)
    }

    /// [`Graph::outcome_local`] as a change of the baseline: `scratch` (the
    /// baseline's vectors, see [`Baseline::scratch`]) is changed inside the
    /// cone only and stays so until [`Scratch::restore`], so that a
    /// scenario costs the size of its cone, not of the graph.
    pub fn outcome_delta(
        &self,
        rev: &Reverse,
        loss: &Loss,
        base: &Baseline,
        scratch: &mut Scratch,
    ) -> Delta {
        debug_assert!(!loss.phone && !loss.master_password);
        // The cone, marked in scope.
        let cone = Self::cone_marked(rev, &loss.nodes, &mut scratch.in_scope);
        let Scratch {
            sure,
            maybe,
            alive,
            in_scope,
            live,
            ways,
        } = scratch;
        self.reachable_in(rev, loss, true, &cone, in_scope, ways, maybe);
        if rev.unknown {
            self.reachable_in(rev, loss, false, &cone, in_scope, ways, sure);
        } else {
            // Nothing needs an unknown: sure is maybe.
            for &i in &cone {
                sure[i] = maybe[i];
            }
        }
        self.alive_in(rev, loss, &cone, live, ways, alive);
        for &i in &cone {
            scratch.in_scope[i] = false;
        }
        let states = cone
            .iter()
            .map(|&i| Self::combine_one(scratch.sure[i], scratch.maybe[i]))
            .collect();
        // Cycles may run outside the cone too (unchanged nodes, but peeled
        // with the cone's).
        let (alive, maybe) = (&scratch.alive, &scratch.maybe);
        let mut inside: Vec<usize> = cone
            .iter()
            .copied()
            .filter(|&i| alive[i] && !maybe[i])
            .chain(
                base.candidates
                    .iter()
                    .copied()
                    .filter(|i| cone.binary_search(i).is_err()),
            )
            .collect();
        let cycles = self.peel(loss, alive, &mut inside);
        Delta {
            cone,
            states,
            cycles,
        }
    }

    /// The least fixed point recomputed on `scope` (closed under
    /// dependents), in place: `reached` holds the baseline's, and only its
    /// `scope` entries change.
    #[allow(clippy::too_many_arguments)]
    fn reachable_in(
        &self,
        rev: &Reverse,
        loss: &Loss,
        unknown_available: bool,
        scope: &[usize],
        in_scope: &[bool],
        unmet: &mut [u32],
        reached: &mut [bool],
    ) {
        let mut work = Vec::new();
        for &i in scope {
            reached[i] = false;
        }
        let lost = lost_bits(loss, unknown_available);
        for &i in scope {
            let mut open = false;
            for k in rev.ways(i) {
                let needs = rev.needs(k);
                let dead = rev.base[k] & lost != 0
                    || needs.iter().any(|&j| {
                        let j = j as usize;
                        !in_scope[j] && !reached[j]
                    });
                let c = if dead {
                    DEAD
                } else {
                    needs.iter().filter(|&&j| in_scope[j as usize]).count() as u32
                };
                open |= c == 0;
                unmet[k] = c;
            }
            if open && !loss.nodes.contains(&i) {
                reached[i] = true;
                work.push(i);
            }
        }
        while let Some(j) = work.pop() {
            for &(i, k) in rev.of(j) {
                let (i, c) = (i as usize, &mut unmet[k as usize]);
                if *c != DEAD {
                    *c -= 1;
                    if *c == 0 && !reached[i] && !loss.nodes.contains(&i) {
                        reached[i] = true;
                        work.push(i);
                    }
                }
            }
        }
    }

    /// The greatest fixed point recomputed on `scope`, in place (as
    /// [`Graph::reachable_in`]).
    fn alive_in(
        &self,
        rev: &Reverse,
        loss: &Loss,
        scope: &[usize],
        live: &mut [u32],
        dead: &mut [u32],
        alive: &mut [bool],
    ) {
        let mut work = Vec::new();
        for &i in scope {
            alive[i] = true;
        }
        let lost = lost_bits(loss, true);
        for &i in scope {
            let mut n = 0;
            for k in rev.ways(i) {
                let d = rev.base[k] & lost != 0
                    || rev.needs(k).iter().any(|&j| {
                        let j = j as usize;
                        loss.nodes.contains(&j) || !alive[j]
                    });
                n += u32::from(!d);
                dead[k] = u32::from(d);
            }
            live[i] = n;
            if loss.nodes.contains(&i) || n == 0 {
                alive[i] = false;
                work.push(i);
            }
        }
        while let Some(j) = work.pop() {
            for &(i, k) in rev.of(j) {
                let (i, k) = (i as usize, k as usize);
                if dead[k] == 0 {
                    dead[k] = 1;
                    live[i] -= 1;
                    if live[i] == 0 && alive[i] {
                        alive[i] = false;
                        work.push(i);
                    }
                }
            }
        }
    }

    fn combine_one(sure: bool, maybe: bool) -> State {
        match (sure, maybe) {
            (true, _) => State::Reachable,
            (false, true) => State::CannotTell,
            (false, false) => State::LockedOut,
        }
    }

    fn combine(sure: &[bool], maybe: &[bool]) -> Vec<State> {
        sure.iter()
            .zip(maybe)
            .map(|(&s, &m)| match (s, m) {
                (true, _) => State::Reachable,
                (false, true) => State::CannotTell,
                (false, false) => State::LockedOut,
            })
            .collect()
    }

    /// Each node's state after `loss`.
    pub fn states(&self, loss: &Loss) -> Vec<State> {
        let sure = self.reachable(loss, false);
        let maybe = self.reachable(loss, true);
        sure.iter()
            .zip(&maybe)
            .map(|(&s, &m)| match (s, m) {
                (true, _) => State::Reachable,
                (false, true) => State::CannotTell,
                (false, false) => State::LockedOut,
            })
            .collect()
    }

    /// Nodes lost after `loss` only because their recovery depends on
    /// itself: of those in the greatest fixed point but not in the least,
    /// the ones on (or between) the cycles, not those merely depending on one.
    pub fn cycle_nodes(&self, loss: &Loss) -> Vec<usize> {
        let rev = self.reverse();
        let least = self.reachable_with(&rev, loss, true);
        self.cycles_with(&rev, loss, &least)
    }

    fn cycles_with(&self, rev: &Reverse, loss: &Loss, least: &[bool]) -> Vec<usize> {
        let greatest = self.not_cut_off_with(rev, loss, true);
        let mut inside: Vec<usize> = (0..self.ways.len())
            .filter(|&i| greatest[i] && !least[i])
            .collect();
        self.peel(loss, &greatest, &mut inside)
    }

    /// Of the nodes `candidates` (alive in `greatest` but not reachable),
    /// those on or between cycles: edges i -> j among them (j needed by a
    /// live way of i); peel off nodes with no edge out or no edge in until
    /// nothing changes.
    fn peel(&self, loss: &Loss, greatest: &[bool], candidates: &mut Vec<usize>) -> Vec<usize> {
        if candidates.is_empty() {
            return Vec::new();
        }
        let mut inside: HashSet<usize> = candidates.iter().copied().collect();
        loop {
            let mut out: HashSet<usize> = HashSet::default();
            let mut into: HashSet<usize> = HashSet::default();
            for &i in candidates.iter() {
                for w in &self.ways[i] {
                    let live = w.needs.iter().all(|&r| match r {
                        Req::Node(j) => greatest[j],
                        r => !Self::base_lost(loss, true, r),
                    });
                    if !live {
                        continue;
                    }
                    for r in &w.needs {
                        if let Req::Node(j) = *r
                            && inside.contains(&j)
                        {
                            out.insert(i);
                            into.insert(j);
                        }
                    }
                }
            }
            let before = candidates.len();
            candidates.retain(|i| out.contains(i) && into.contains(i));
            if candidates.len() == before {
                break;
            }
            inside = candidates.iter().copied().collect();
        }
        candidates.sort_unstable();
        std::mem::take(candidates)
    }

    /// How many more nodes (node 0 aside) `loss` would leave reachable if
    /// node `n` had the way `way` too; `reached`: what is reachable now
    /// (unknowns fine), with the ways `extra` added (see [`Graph::opened`]).
    /// Follows only what the new way opens.
    pub fn gain(
        &self,
        rev: &Reverse,
        extra: &[(usize, Way)],
        loss: &Loss,
        reached: &[bool],
        n: usize,
        way: &Way,
    ) -> usize {
        let newly = self.opened(rev, extra, loss, reached, n, way);
        newly.len() - usize::from(newly.contains(&0))
    }

    /// The nodes that `loss` would leave reachable (unknowns fine) if node
    /// `n` had the way `way` too, beyond `reached`: what is reachable now in
    /// this graph with the ways `extra` (node, way) added to it, which the
    /// reverse edges `rev` (of this graph) do not know. Follows only what
    /// the new way opens, so the graph is never copied.
    pub fn opened(
        &self,
        rev: &Reverse,
        extra: &[(usize, Way)],
        loss: &Loss,
        reached: &[bool],
        n: usize,
        way: &Way,
    ) -> Vec<usize> {
        let forced = |i: usize| loss.nodes.contains(&i);
        let open = |w: &Way, newly: &HashSet<usize>| {
            w.needs.iter().all(|&r| match r {
                Req::Node(j) => (reached[j] || newly.contains(&j)) && !forced(j),
                r => !Self::base_lost(loss, true, r),
            })
        };
        let mut newly: HashSet<usize> = HashSet::default();
        if reached[n] || forced(n) || !open(way, &newly) {
            return Vec::new();
        }
        newly.insert(n);
        let mut order = vec![n];
        let mut work = vec![n];
        while let Some(j) = work.pop() {
            let added = extra
                .iter()
                .filter(|(_, w)| w.needs.contains(&Req::Node(j)))
                .map(|(i, w)| (*i, w));
            let known = rev.of(j).iter().map(|&(i, k)| {
                let i = i as usize;
                (i, &self.ways[i][k as usize - rev.way_start[i] as usize])
            });
            for (i, w) in known.chain(added) {
                if reached[i] || forced(i) || newly.contains(&i) {
                    continue;
                }
                if open(w, &newly) {
                    newly.insert(i);
                    order.push(i);
                    work.push(i);
                }
            }
        }
        order
    }

    /// What `loss` leaves reachable, with the reverse edges given.
    pub fn reachable_prepared(
        &self,
        rev: &Reverse,
        loss: &Loss,
        unknown_available: bool,
    ) -> Vec<bool> {
        self.reachable_with(rev, loss, unknown_available)
    }

    /// Why node `i` is not reachable: for each way, the first requirement
    /// that is missing (`reached` from [`Graph::reachable`]).
    pub fn blockers(&self, i: usize, loss: &Loss, reached: &[bool]) -> Vec<(WayKind, Req)> {
        self.ways[i]
            .iter()
            .filter_map(|w| {
                w.needs
                    .iter()
                    .copied()
                    .find(|&r| match r {
                        Req::Node(j) => !reached[j] || loss.nodes.contains(&j),
                        r => Self::base_lost(loss, true, r),
                    })
                    .map(|r| (w.kind, r))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn way(needs: Vec<Req>) -> Way {
        Way::new(WayKind::Login, needs)
    }

    /// Vault 0 (master password), Gmail 1 (vault + phone, or codes in the
    /// vault), Twitter 2 (vault + phone, or Gmail reset).
    fn family() -> Graph {
        Graph {
            ways: vec![
                vec![way(vec![Req::MasterPassword])],
                vec![way(vec![Req::Node(0), Req::Phone])],
                vec![
                    way(vec![Req::Node(0), Req::Phone]),
                    Way::new(WayKind::Mailbox, vec![Req::Node(1)]),
                ],
            ],
        }
    }

    #[test]
    fn a_lost_phone_spreads_through_the_mailbox() {
        let g = family();
        let loss = Loss {
            phone: true,
            ..Loss::default()
        };
        assert_eq!(
            g.states(&loss),
            vec![State::Reachable, State::LockedOut, State::LockedOut]
        );
        let reached = g.reachable(&loss, true);
        assert_eq!(
            g.blockers(2, &loss, &reached),
            vec![
                (WayKind::Login, Req::Phone),
                (WayKind::Mailbox, Req::Node(1))
            ]
        );
        // Nothing lost: everything reachable.
        assert!(
            g.states(&Loss::default())
                .iter()
                .all(|s| *s == State::Reachable)
        );
    }

    #[test]
    fn unknown_is_cannot_tell_never_reachable() {
        let g = Graph {
            ways: vec![vec![way(vec![Req::Unknown])], vec![way(vec![Req::Phone])]],
        };
        let loss = Loss {
            phone: true,
            ..Loss::default()
        };
        assert_eq!(g.states(&loss), vec![State::CannotTell, State::LockedOut]);
    }

    #[test]
    fn a_cycle_is_found_and_locked() {
        // Vault 0: master password + phone, or reset through mailbox 1;
        // mailbox 1: codes only in the vault.
        let g = Graph {
            ways: vec![
                vec![
                    way(vec![Req::MasterPassword, Req::Phone]),
                    Way::new(WayKind::Mailbox, vec![Req::Node(1)]),
                ],
                vec![Way::new(WayKind::Codes, vec![Req::Node(0)])],
            ],
        };
        let loss = Loss {
            phone: true,
            ..Loss::default()
        };
        assert_eq!(g.states(&loss), vec![State::LockedOut, State::LockedOut]);
        assert_eq!(g.cycle_nodes(&loss), vec![0, 1]);
        // An account that only depends on the cycle is lost, not on it.
        let mut more = g.clone();
        more.ways.push(vec![way(vec![Req::Node(0)])]);
        assert_eq!(more.states(&loss)[2], State::LockedOut);
        assert_eq!(more.cycle_nodes(&loss), vec![0, 1]);
        assert!(g.cycle_nodes(&Loss::default()).is_empty());
    }

    #[test]
    fn a_lost_mailbox_is_lost_even_with_ways_in() {
        let g = family();
        let loss = Loss {
            nodes: vec![1],
            ..Loss::default()
        };
        assert_eq!(
            g.states(&loss),
            vec![State::Reachable, State::LockedOut, State::Reachable]
        );
    }

    /// A random graph: up to 12 nodes, each with up to 3 ways of up to 3
    /// requirements.
    fn graphs() -> impl Strategy<Value = Graph> {
        (1usize..12).prop_flat_map(|n| {
            let req = prop_oneof![
                Just(Req::Phone),
                Just(Req::MasterPassword),
                Just(Req::Unknown),
                (0..n).prop_map(Req::Node),
            ];
            let way = prop::collection::vec(req, 0..3).prop_map(way);
            prop::collection::vec(prop::collection::vec(way, 0..3), n)
                .prop_map(|ways| Graph { ways })
        })
    }

    fn losses(n: usize) -> impl Strategy<Value = Loss> {
        (
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(0..n.max(1), 0..2),
        )
            .prop_map(|(phone, master_password, nodes)| Loss {
                phone,
                master_password,
                nodes,
            })
    }

    proptest! {
        #[test]
        fn the_local_outcome_of_lost_nodes_is_the_whole_one(
            g in graphs(),
            lost in proptest::collection::vec(0usize..8, 1..3),
        ) {
            let n = g.ways.len();
            let loss = Loss {
                nodes: lost.into_iter().map(|j| j % n).collect(),
                ..Loss::default()
            };
            let rev = g.prepare();
            let base = g.baseline(&rev);
            prop_assert_eq!(g.outcome_local(&rev, &loss, &base), g.outcome(&loss));
        }

        #[test]
        fn the_gain_of_a_way_is_what_adding_it_saves(
            g in graphs(),
            loss in graphs().prop_flat_map(|g| losses(g.ways.len())),
            n in 0usize..8,
            needs in proptest::collection::vec(0usize..8, 0..2),
        ) {
            let size = g.ways.len();
            let loss = Loss {
                nodes: loss.nodes.into_iter().filter(|&j| j < size).collect(),
                ..loss
            };
            let n = n % size;
            let way = Way::new(WayKind::Codes, needs.into_iter().map(|j| Req::Node(j % size)).collect::<Vec<_>>());
            let rev = g.prepare();
            let reached = g.reachable(&loss, true);
            let before = reached.iter().skip(1).filter(|r| **r).count();
            let mut h = g.clone();
            h.ways[n].push(way.clone());
            let after = h.reachable(&loss, true).iter().skip(1).filter(|r| **r).count();
            prop_assert_eq!(g.gain(&rev, &[], &loss, &reached, n, &way), after - before);
        }

        #[test]
        fn what_a_way_opens_over_added_ways_is_what_rerunning_finds(
            g in graphs(),
            loss in graphs().prop_flat_map(|g| losses(g.ways.len())),
            extra in proptest::collection::vec(
                (0usize..8, proptest::collection::vec(0usize..9, 0..3)), 0..3),
            n in 0usize..8,
            needs in proptest::collection::vec(0usize..9, 0..2),
        ) {
            let size = g.ways.len();
            let loss = Loss {
                nodes: loss.nodes.into_iter().filter(|&j| j < size).collect(),
                ..loss
            };
            // A requirement index beyond the nodes stands for the phone.
            let req = |j: usize| if j == 8 { Req::Phone } else { Req::Node(j % size) };
            let mk = |kind, needs: Vec<usize>| Way::new(kind, needs.into_iter().map(req).collect::<Vec<_>>());
            let extra: Vec<(usize, Way)> = extra
                .into_iter()
                .map(|(i, needs)| (i % size, mk(WayKind::Codes, needs)))
                .collect();
            let n = n % size;
            let way = mk(WayKind::RecoveryPhone, needs);
            // The graph with the extra ways, as the overlay stands for it.
            let mut with = g.clone();
            for (i, w) in &extra {
                with.ways[*i].push(w.clone());
            }
            let reached = with.reachable(&loss, true);
            let rev = g.prepare();
            let mut opened = g.opened(&rev, &extra, &loss, &reached, n, &way);
            opened.sort_unstable();
            let mut after = with.clone();
            after.ways[n].push(way.clone());
            let now = after.reachable(&loss, true);
            let expected: Vec<usize> = (0..size).filter(|&i| now[i] && !reached[i]).collect();
            prop_assert_eq!(opened, expected);
        }

        #[test]
        fn adding_a_way_never_locks_out_more(
            (g, loss, extra, at) in graphs().prop_flat_map(|g| {
                let n = g.ways.len();
                let req = prop_oneof![Just(Req::Phone), Just(Req::Unknown), (0..n).prop_map(Req::Node)];
                (Just(g), losses(n), prop::collection::vec(req, 0..3), 0..n)
            })
        ) {
            let before = g.reachable(&loss, true);
            let before_sure = g.reachable(&loss, false);
            let mut more = g.clone();
            more.ways[at].push(way(extra));
            let after = more.reachable(&loss, true);
            let after_sure = more.reachable(&loss, false);
            for i in 0..before.len() {
                prop_assert!(!before[i] || after[i]);
                prop_assert!(!before_sure[i] || after_sure[i]);
            }
        }

        #[test]
        fn the_fixed_point_does_not_depend_on_node_order(
            (g, loss, seed) in graphs().prop_flat_map(|g| {
                let n = g.ways.len();
                (Just(g), losses(n), any::<u64>())
            })
        ) {
            let n = g.ways.len();
            // A permutation of the nodes from the seed.
            let mut perm: Vec<usize> = (0..n).collect();
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                perm.swap(i, (s >> 33) as usize % (i + 1));
            }
            let map = |r: &Req| match r { Req::Node(j) => Req::Node(perm[*j]), r => *r };
            let mut ways = vec![Vec::new(); n];
            for (i, w) in g.ways.iter().enumerate() {
                // Ways reversed too: their order must not matter either.
                ways[perm[i]] = w.iter().rev().map(|w| Way::new(w.kind, w.needs.iter().map(map).collect::<Vec<_>>())).collect();
            }
            let moved = Graph { ways };
            let moved_loss = Loss { nodes: loss.nodes.iter().map(|j| perm[*j]).collect(), ..loss.clone() };
            let a = g.states(&loss);
            let b = moved.states(&moved_loss);
            // The one-pass outcome agrees with the separate passes.
            prop_assert_eq!(
                g.outcome(&loss),
                (a.clone(), g.reachable(&loss, true), g.cycle_nodes(&loss))
            );
            let ca = g.cycle_nodes(&loss);
            let mut cb: Vec<usize> = moved.cycle_nodes(&moved_loss);
            cb.sort_unstable();
            let mut ca_moved: Vec<usize> = ca.iter().map(|j| perm[*j]).collect();
            ca_moved.sort_unstable();
            for i in 0..n {
                prop_assert_eq!(a[i], b[perm[i]]);
            }
            prop_assert_eq!(ca_moved, cb);
        }

        #[test]
        fn reachable_is_a_fixed_point(
            (g, loss) in graphs().prop_flat_map(|g| { let n = g.ways.len(); (Just(g), losses(n)) })
        ) {
            let r = g.reachable(&loss, true);
            for i in 0..g.ways.len() {
                let can = !loss.nodes.contains(&i) && g.ways[i].iter().any(|w| w.needs.iter().all(|&q| match q {
                    Req::Node(j) => r[j],
                    q => !Graph::base_lost(&loss, true, q),
                }));
                // Every reached node has a satisfied way (soundness); the
                // converse holds too (nothing more can be added).
                prop_assert_eq!(r[i], can);
            }
        }
    }
}
