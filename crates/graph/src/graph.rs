//! The graph itself: subjects, the identifiers they hold, and the components that
//! strong enough links make.
//!
//! Linking never looks at all pairs. Each identifier keeps the list of its holders; a
//! value whose worth alone reaches `min_link_bits` joins all its holders at once
//! (union-find), and weaker values (an IP on one day, a home address) add their bits to
//! the pairs of their few holders, so that two weak links together can reach the
//! minimum. Values held by more than their kind's ceiling are public and skipped.
//!
//! Incremental update: a new subject can only change the worth of the identifiers it
//! holds (their holder counts change), and only links among their holders. So the
//! components of those holders, plus the new subject, are re-clustered, and every other
//! component is left as it was. [`Visit`] counts what an update looked at, which is how
//! the tests prove there is no full recompute.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::cluster::{Cluster, ClusterKind, stable_id};
use crate::fuzzy;
use crate::ident::{Fuzzy, FuzzyKind, IdKind, SubjectIn, value_hash};

/// Tuning of the graph.
#[derive(Clone, Debug)]
pub struct GraphConfig {
    /// A pair of subjects is linked when what they share is worth at least this many
    /// bits; a component is a set of subjects connected by such links.
    pub min_link_bits: f32,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig { min_link_bits: 5.0 }
    }
}

/// One shared identifier between two subjects of a component, and its worth.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub a: u32,
    pub b: u32,
    pub kind: IdKind,
    /// Hash of the shared value (callers map it back to a display form).
    pub value: u64,
    /// Worth of this identifier for this pair.
    pub bits: f32,
    /// Distinct households holding the value.
    pub households: u32,
    /// Worth of everything the pair shares that is weaker than the minimum alone, when
    /// this link is one of those; `None` for a value strong enough by itself.
    pub pair_bits: Option<f32>,
    /// Similarity, for fuzzy links.
    pub similarity: Option<f32>,
}

impl Link {
    /// Why the link exists, in words.
    pub fn reason(&self) -> String {
        let what = match self.kind {
            IdKind::FuzzyAddress => format!("similar address ({:.2})", self.similarity.unwrap_or(0.0)),
            IdKind::FuzzyName => {
                format!("similar name ({:.2}) with the same date of birth", self.similarity.unwrap_or(0.0))
            }
            k => format!("same {}", k.as_str().replace('_', " ")),
        };
        let mut s = format!("{what} held by {} unrelated household(s): {:.1} bits", self.households, self.bits);
        if let Some(p) = self.pair_bits {
            s.push_str(&format!(" (weak alone; {p:.1} bits with the pair's other weak links)"));
        }
        s
    }
}

/// What an update or build looked at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Visit {
    pub subjects: usize,
    pub idents: usize,
}

/// Holders of one identifier; most values have exactly one, kept inline.
#[derive(Clone, Debug)]
enum Holders {
    One(u32),
    Many(Vec<u32>),
}

impl Holders {
    fn as_slice(&self) -> &[u32] {
        match self {
            Holders::One(x) => std::slice::from_ref(x),
            Holders::Many(v) => v,
        }
    }

    fn push(&mut self, s: u32) {
        match self {
            Holders::One(x) => *self = Holders::Many(vec![*x, s]),
            Holders::Many(v) => v.push(s),
        }
    }
}

#[derive(Clone, Debug)]
struct IdentNode {
    kind: IdKind,
    value: u64,
    holders: Holders,
}

/// A subject; its strings and identifier lists live in the graph's arenas (one
/// allocation per arena rather than several per subject: at a million subjects the
/// allocator was the largest cost).
#[derive(Clone, Copy, Debug)]
struct Node {
    household: u64,
    /// Range of `text` holding the key, then the name.
    key: (u32, u32),
    name: (u32, u32),
    /// Range of `ident_arena`.
    idents: (u32, u32),
    /// Range of `fuzzy_arena`.
    fuzzy: (u32, u32),
}

#[derive(Clone, Debug, Default)]
struct Comp {
    members: Vec<u32>,
    links: Vec<Link>,
}

const NONE: u32 = u32::MAX;

/// The identifier graph over all subjects.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    cfg: GraphConfig,
    nodes: Vec<Node>,
    /// Hash of the key → node (the key is compared on lookup).
    by_key: FxHashMap<u64, u32>,
    text: String,
    ident_arena: Vec<u32>,
    /// (identifier node of the block, range of `text`).
    fuzzy_arena: Vec<(u32, (u32, u32))>,
    idents: Vec<IdentNode>,
    /// Values of the bulk build, (key, identifier node) sorted by key: built by sorting
    /// rather than by hashing ten million values into a table one at a time.
    frozen: Vec<(u64, u32)>,
    /// Values added since, (kind, value) folded into one 64-bit key → identifier node.
    index: FxHashMap<u64, u32>,
    comp_of: Vec<u32>,
    comps: Vec<Option<Comp>>,
    free: Vec<u32>,
}

fn index_key(kind: IdKind, value: u64) -> u64 {
    value ^ (kind as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn fuzzy_kind(kind: FuzzyKind) -> IdKind {
    match kind {
        FuzzyKind::Address => IdKind::FuzzyAddress,
        FuzzyKind::Name => IdKind::FuzzyName,
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb) as usize] = ra.min(rb);
    }
}

/// Maps subject indices to positions in the local union-find.
enum Positions {
    Identity,
    Map(FxHashMap<u32, u32>),
}

impl Positions {
    fn get(&self, s: u32) -> Option<u32> {
        match self {
            Positions::Identity => Some(s),
            Positions::Map(m) => m.get(&s).copied(),
        }
    }
}

type PairParts = Vec<(u32, f32, Option<f32>)>;

impl Graph {
    pub fn new(cfg: GraphConfig) -> Graph {
        Graph { cfg, ..Default::default() }
    }

    /// Builds the graph of `subjects` in one pass.
    pub fn build(cfg: GraphConfig, subjects: impl IntoIterator<Item = SubjectIn>) -> (Graph, Visit) {
        Graph::build_with_capacity(cfg, subjects, 0)
    }

    /// [`Graph::build`] with the tables sized for about `expected` subjects of ten
    /// identifiers (growing a ten-million-entry table by doubling costs seconds).
    pub fn build_with_capacity(
        cfg: GraphConfig,
        subjects: impl IntoIterator<Item = SubjectIn>,
        expected: usize,
    ) -> (Graph, Visit) {
        let mut g = Graph::new(cfg);
        g.nodes.reserve(expected);
        g.comp_of.reserve(expected);
        g.by_key.reserve(expected);
        g.ident_arena.reserve(expected * 13);
        g.fuzzy_arena.reserve(expected * 3);
        // Every occurrence of a value: (key, subject, position in `ident_arena`), and
        // what the value is. Sorting groups the holders of each value; positions are
        // filled with identifier nodes once the groups are known.
        let mut raw: Vec<(u64, u32, u32)> = Vec::with_capacity(expected * 13);
        let mut occ: Vec<(IdKind, u64)> = Vec::with_capacity(expected * 13);
        for s in subjects {
            let idx = g.nodes.len() as u32;
            let start = g.ident_arena.len();
            let mut ids = s.idents;
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                let at = g.ident_arena.len() as u32;
                raw.push((index_key(id.kind, id.value), idx, at));
                occ.push((id.kind, id.value));
                g.ident_arena.push(NONE);
            }
            let fuzzy_start = g.fuzzy_arena.len();
            let mut blocks: Vec<u64> = Vec::new();
            for Fuzzy { kind, block, text } in s.fuzzy {
                let kind = fuzzy_kind(kind);
                let key = index_key(kind, block);
                if blocks.contains(&key) {
                    continue;
                }
                blocks.push(key);
                let at = g.ident_arena.len() as u32;
                raw.push((key, idx, at));
                occ.push((kind, block));
                g.ident_arena.push(NONE);
                let range = g.push_text(&fuzzy::fold(&text));
                // The arena position for now; the identifier node once known.
                g.fuzzy_arena.push((at, range));
            }
            g.push_node(s.key, s.name, s.household, start, fuzzy_start);
        }
        raw.sort_unstable();
        g.idents.reserve(raw.len());
        g.frozen.reserve(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let key = raw[i].0;
            let mut j = i + 1;
            while j < raw.len() && raw[j].0 == key {
                j += 1;
            }
            let node = g.idents.len() as u32;
            let (kind, value) = occ[raw[i].2 as usize];
            let holders = if j - i == 1 {
                Holders::One(raw[i].1)
            } else {
                Holders::Many(raw[i..j].iter().map(|e| e.1).collect())
            };
            g.idents.push(IdentNode { kind, value, holders });
            for e in &raw[i..j] {
                g.ident_arena[e.2 as usize] = node;
            }
            g.frozen.push((key, node));
            i = j;
        }
        drop(raw);
        drop(occ);
        for f in g.fuzzy_arena.iter_mut() {
            f.0 = g.ident_arena[f.0 as usize];
        }
        let all: Vec<u32> = (0..g.nodes.len() as u32).collect();
        // Every shared value, in storage order: a sequential scan, no visited set.
        let shared: Vec<u32> =
            (0..g.idents.len() as u32).filter(|&i| matches!(g.idents[i as usize].holders, Holders::Many(_))).collect();
        let visit = g.recluster(&all, &shared, Positions::Identity);
        (g, visit)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Distinct identifier values (exact values and fuzzy blocks).
    pub fn ident_count(&self) -> usize {
        self.idents.len()
    }

    fn slice(&self, (a, b): (u32, u32)) -> &str {
        self.text.get(a as usize..b as usize).unwrap_or("")
    }

    pub fn key(&self, s: u32) -> &str {
        self.nodes.get(s as usize).map(|n| self.slice(n.key)).unwrap_or("")
    }

    pub fn name(&self, s: u32) -> &str {
        self.nodes.get(s as usize).map(|n| self.slice(n.name)).unwrap_or("")
    }

    fn idents_of(&self, s: u32) -> &[u32] {
        let n = &self.nodes[s as usize];
        &self.ident_arena[n.idents.0 as usize..n.idents.1 as usize]
    }

    pub fn index_of(&self, key: &str) -> Option<u32> {
        self.by_key.get(&value_hash(key)).copied().filter(|&i| self.key(i) == key)
    }

    fn push_text(&mut self, s: &str) -> (u32, u32) {
        let a = self.text.len() as u32;
        self.text.push_str(s);
        (a, self.text.len() as u32)
    }

    /// Members of the component holding `s` (just `s` when it is linked to nobody).
    pub fn component(&self, s: u32) -> Vec<u32> {
        match self.comp_of.get(s as usize).copied() {
            Some(c) if c != NONE => self.comps[c as usize].as_ref().map(|c| c.members.clone()).unwrap_or_default(),
            _ => vec![s],
        }
    }

    /// Component ids per subject: the smallest member's index, equal for linked subjects.
    pub fn labels(&self) -> Vec<u32> {
        let mut out: Vec<u32> = (0..self.nodes.len() as u32).collect();
        for c in self.comps.iter().flatten() {
            let min = c.members.iter().copied().min().unwrap_or(NONE);
            for &m in &c.members {
                out[m as usize] = min;
            }
        }
        out
    }

    fn insert(&mut self, s: SubjectIn) -> u32 {
        let idx = self.nodes.len() as u32;
        let start = self.ident_arena.len();
        let mut ids = s.idents;
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let i = self.holder(id.kind, id.value, idx);
            self.ident_arena.push(i);
        }
        let fuzzy_start = self.fuzzy_arena.len();
        for Fuzzy { kind, block, text } in s.fuzzy {
            let kind = fuzzy_kind(kind);
            let key = index_key(kind, block);
            if self.lookup(key).is_some_and(|i| self.idents[i as usize].holders.as_slice().contains(&idx)) {
                continue;
            }
            let i = self.holder(kind, block, idx);
            self.ident_arena.push(i);
            let range = self.push_text(&fuzzy::fold(&text));
            self.fuzzy_arena.push((i, range));
        }
        self.push_node(s.key, s.name, s.household, start, fuzzy_start);
        idx
    }

    /// Appends a subject whose identifiers occupy `ident_arena[start..]` and
    /// `fuzzy_arena[fuzzy_start..]`.
    fn push_node(&mut self, key: String, name: String, household: u64, start: usize, fuzzy_start: usize) {
        let idx = self.nodes.len() as u32;
        // A key hash already taken (the same key again, or a 64-bit collision) leaves the
        // first holder reachable by key; both stay in the graph.
        self.by_key.entry(value_hash(&key)).or_insert(idx);
        let key = self.push_text(&key);
        let name = self.push_text(&name);
        self.nodes.push(Node {
            household,
            key,
            name,
            idents: (start as u32, self.ident_arena.len() as u32),
            fuzzy: (fuzzy_start as u32, self.fuzzy_arena.len() as u32),
        });
        self.comp_of.push(NONE);
    }

    /// The identifier node of a value, if any subject holds it.
    fn lookup(&self, key: u64) -> Option<u32> {
        match self.frozen.binary_search_by_key(&key, |e| e.0) {
            Ok(p) => Some(self.frozen[p].1),
            Err(_) => self.index.get(&key).copied(),
        }
    }

    fn holder(&mut self, kind: IdKind, value: u64, s: u32) -> u32 {
        let key = index_key(kind, value);
        if let Ok(p) = self.frozen.binary_search_by_key(&key, |e| e.0) {
            let i = self.frozen[p].1;
            self.idents[i as usize].holders.push(s);
            return i;
        }
        // One probe of the table, whether the value is new or known.
        match self.index.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let i = *e.get();
                self.idents[i as usize].holders.push(s);
                i
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                let i = self.idents.len() as u32;
                self.idents.push(IdentNode { kind, value, holders: Holders::One(s) });
                e.insert(i);
                i
            }
        }
    }

    /// Adds one subject and re-clusters only the components its identifiers touch.
    /// Keys are unique: a subject already present is left as it is.
    pub fn add(&mut self, s: SubjectIn) -> Visit {
        if self.index_of(&s.key).is_some() {
            return Visit::default();
        }
        let idx = self.insert(s);
        let mut comps: FxHashSet<u32> = FxHashSet::default();
        let mut set: Vec<u32> = vec![idx];
        for &i in self.idents_of(idx) {
            let id = &self.idents[i as usize];
            let holders = id.holders.as_slice();
            // Public before this holder and public after: nobody's links change.
            if holders.len() - 1 > id.kind.max_holders() {
                continue;
            }
            for &h in holders {
                if h == idx {
                    continue;
                }
                match self.comp_of[h as usize] {
                    NONE => set.push(h),
                    c => {
                        comps.insert(c);
                    }
                }
            }
        }
        for c in comps {
            if let Some(comp) = self.comps[c as usize].take() {
                set.extend(comp.members);
                self.free.push(c);
            }
        }
        set.sort_unstable();
        set.dedup();
        for &s in &set {
            self.comp_of[s as usize] = NONE;
        }
        let pos = Positions::Map(set.iter().enumerate().map(|(p, &s)| (s, p as u32)).collect());
        let mut idents: Vec<u32> = set.iter().flat_map(|&s| self.idents_of(s).iter().copied()).collect();
        idents.sort_unstable();
        idents.dedup();
        self.recluster(&set, &idents, pos)
    }

    fn same_household(&self, kind: IdKind, a: u32, b: u32) -> bool {
        if !kind.household_shares() {
            return false;
        }
        let (ha, hb) = (self.nodes[a as usize].household, self.nodes[b as usize].household);
        ha != 0 && ha == hb
    }

    fn households(&self, kind: IdKind, holders: &[u32]) -> usize {
        if !kind.household_shares() {
            return holders.len();
        }
        let mut seen: Vec<u64> = Vec::with_capacity(holders.len());
        let mut alone = 0;
        for &h in holders {
            match self.nodes[h as usize].household {
                0 => alone += 1,
                x if !seen.contains(&x) => seen.push(x),
                _ => {}
            }
        }
        alone + seen.len()
    }

    fn fuzzy_text(&self, s: u32, ident: u32) -> &str {
        let (a, b) = self.nodes[s as usize].fuzzy;
        self.fuzzy_arena[a as usize..b as usize]
            .iter()
            .find(|(i, _)| *i == ident)
            .map(|(_, t)| self.slice(*t))
            .unwrap_or("")
    }

    /// Clusters the subjects of `set` (which must be closed: every holder of a value
    /// worth linking is in it) over the values `idents` they hold, and stores the
    /// components found.
    fn recluster(&mut self, set: &[u32], idents: &[u32], pos: Positions) -> Visit {
        let min = self.cfg.min_link_bits;
        let mut visit = Visit { subjects: set.len(), idents: 0 };
        let mut parent: Vec<u32> = (0..set.len() as u32).collect();
        let mut strong: Vec<Link> = Vec::new();
        let mut pairs: FxHashMap<(u32, u32), PairParts> = FxHashMap::default();
        for &i in idents {
            let id = &self.idents[i as usize];
            let holders = id.holders.as_slice();
            if holders.len() < 2 || holders.len() > id.kind.max_holders() {
                continue;
            }
            visit.idents += 1;
            let kind = id.kind;
            let households = self.households(kind, holders);
            if kind.is_fuzzy() {
                let fk = if kind == IdKind::FuzzyAddress { FuzzyKind::Address } else { FuzzyKind::Name };
                for (x, &a) in holders.iter().enumerate() {
                    for &b in &holders[x + 1..] {
                        if self.same_household(kind, a, b) {
                            continue;
                        }
                        let Some(sim) = fuzzy::linked_folded(fk, self.fuzzy_text(a, i), self.fuzzy_text(b, i)) else {
                            continue;
                        };
                        let bits = kind.base_bits() * sim;
                        pairs.entry((a.min(b), a.max(b))).or_default().push((i, bits, Some(sim)));
                    }
                }
                continue;
            }
            let bits = kind.bits(households);
            if bits <= 0.0 {
                continue;
            }
            if bits >= min {
                for (x, &b) in holders.iter().enumerate().skip(1) {
                    let target = if !self.same_household(kind, holders[0], b) {
                        Some(holders[0])
                    } else {
                        holders[..x].iter().copied().find(|&a| !self.same_household(kind, a, b))
                    };
                    if let (Some(pa), Some(pb)) = (pos.get(holders[0]), pos.get(b)) {
                        union(&mut parent, pa, pb);
                    }
                    if let Some(a) = target {
                        strong.push(Link {
                            a,
                            b,
                            kind,
                            value: id.value,
                            bits,
                            households: households as u32,
                            pair_bits: None,
                            similarity: None,
                        });
                    }
                }
            } else {
                for (x, &a) in holders.iter().enumerate() {
                    for &b in &holders[x + 1..] {
                        if !self.same_household(kind, a, b) {
                            pairs.entry((a.min(b), a.max(b))).or_default().push((i, bits, None));
                        }
                    }
                }
            }
        }
        let mut pairs: Vec<((u32, u32), PairParts)> = pairs.into_iter().collect();
        pairs.sort_unstable_by_key(|(k, _)| *k);
        for ((a, b), parts) in &pairs {
            let sum: f32 = parts.iter().map(|p| p.1).sum();
            if sum >= min
                && let (Some(pa), Some(pb)) = (pos.get(*a), pos.get(*b))
            {
                union(&mut parent, pa, pb);
            }
        }
        // Group by root; links go to their component (weak links between members of a
        // component are kept as supporting evidence even when below the minimum).
        let mut root_comp: FxHashMap<u32, u32> = FxHashMap::default();
        let mut size: Vec<u32> = vec![0; set.len()];
        for p in 0..set.len() as u32 {
            let r = find(&mut parent, p);
            size[r as usize] += 1;
        }
        let mut members: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (p, &s) in set.iter().enumerate() {
            let r = find(&mut parent, p as u32);
            if size[r as usize] >= 2 {
                members.entry(r).or_default().push(s);
            }
        }
        let mut roots: Vec<u32> = members.iter().filter(|(_, m)| m.len() >= 2).map(|(r, _)| *r).collect();
        roots.sort_unstable();
        for r in roots {
            let mut m = members.remove(&r).unwrap_or_default();
            m.sort_unstable();
            let c = match self.free.pop() {
                Some(c) => c,
                None => {
                    self.comps.push(None);
                    (self.comps.len() - 1) as u32
                }
            };
            for &s in &m {
                self.comp_of[s as usize] = c;
            }
            self.comps[c as usize] = Some(Comp { members: m, links: Vec::new() });
            root_comp.insert(r, c);
        }
        let place = |g: &mut Graph, parent: &mut [u32], l: Link| {
            let Some(pa) = pos.get(l.a) else { return };
            let r = find(parent, pa);
            if let Some(&c) = root_comp.get(&r)
                && let Some(comp) = g.comps[c as usize].as_mut()
            {
                comp.links.push(l);
            }
        };
        for l in strong {
            place(self, &mut parent, l);
        }
        for ((a, b), parts) in pairs {
            let (Some(pa), Some(pb)) = (pos.get(a), pos.get(b)) else { continue };
            if find(&mut parent, pa) != find(&mut parent, pb) {
                continue;
            }
            let sum: f32 = parts.iter().map(|p| p.1).sum();
            for (i, bits, similarity) in parts {
                let id = &self.idents[i as usize];
                let households = self.households(id.kind, id.holders.as_slice()) as u32;
                let l =
                    Link { a, b, kind: id.kind, value: id.value, bits, households, pair_bits: Some(sum), similarity };
                place(self, &mut parent, l);
            }
        }
        visit
    }

    /// The clusters, largest first, then by id.
    pub fn clusters(&self) -> Vec<Cluster> {
        let mut out: Vec<Cluster> = self
            .comps
            .iter()
            .flatten()
            .map(|c| {
                let mut members = c.members.clone();
                members.sort_by(|a, b| self.key(*a).cmp(self.key(*b)));
                let mut links: Vec<Link> = c
                    .links
                    .iter()
                    .map(|l| {
                        let mut l = l.clone();
                        if self.key(l.a) > self.key(l.b) {
                            std::mem::swap(&mut l.a, &mut l.b);
                        }
                        l
                    })
                    .collect();
                links.sort_by(|x, y| {
                    (self.key(x.a), self.key(x.b), x.kind, x.value).cmp(&(
                        self.key(y.a),
                        self.key(y.b),
                        y.kind,
                        y.value,
                    ))
                });
                let kind = ClusterKind::of(&links);
                let id = stable_id(members.first().map(|m| self.key(*m)).unwrap_or(""));
                Cluster { id, kind, members, links }
            })
            .collect();
        out.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// Distinct names claimed in a set of subjects (folded), for persona rings.
    pub fn distinct_names(&self, members: &[u32]) -> usize {
        let mut names: Vec<String> =
            members.iter().map(|m| fuzzy::fold(self.name(*m))).filter(|n| !n.is_empty()).collect();
        names.sort();
        names.dedup();
        names.len()
    }
}
