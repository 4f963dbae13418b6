#!/usr/bin/env python3
"""Writes a synthetic, country-sized road network as .osm.pbf for the routing benchmark.

    python3 Benchmarks/Routing/generate_network.py --vertices 1200000 --seed 7 --out generated.osm.pbf

Country-like rather than a lattice (standard library only, deterministic for a given --seed):
- Towns are placed at random (seeded) inside Romania's rough box (lat 43.6-48.3, lon 20.2-29.7). They
  thin out along a Carpathian-like arc. Town sizes follow a Pareto law: a few cities, many villages.
- Each town is a warped, rotated, jittered lattice of block corners (85-140 m apart). Whole streets: the
  main cross (primary, secondary or tertiary by town size), the outer ring, a tertiary street every 12-20
  blocks and ~4 % "through" residential streets (70 % of them one-way: oneway=yes, some oneway=-1). The
  other block sides are a Kruskal spanning forest that favours one direction per arterial cell, plus
  10 % of the rest as loops. The result is long parallel streets ending in cul-de-sacs or T-junctions,
  joined by a few cross streets. A full lattice of 4-way crossings is unrealistic, and OSRM's CH
  contraction explodes on it (~100x slower per node than on real extracts, cf. osrm-backend#3876).
  Blocks carry 0-4 shape nodes (mean ~1.8).
- Towns are joined by curvy rural roads: the Euclidean spanning tree over all towns, then a greedy planar
  mesh of links to near neighbours (no crossings, at most 5 roads per town). The regional paths that join
  the larger towns are primary, like national roads threading through villages. The rest are secondary,
  and a quarter of village-to-village links tertiary. Rural roads get a shape node every ~95-250 m. Dead-end unclassified side roads branch off every ~1-3 km, so a
  rural stretch has roughly 5-20 nodes between junctions.
- The backbone joins the biggest towns: a spanning tree plus extra links. Each leg is a motorway as two
  one-way carriageways with motorway_link ramps into the towns, or a two-way trunk road.
- Rural roads are split into ways every few km. Some pieces get maxspeed, bridge=yes + layer=1 +
  maxheight, hgv=no or maxweight=7.5. A few type=restriction relations (no_left_turn,
  only_straight_on) sit where a rural road enters a town: from = the rural way, via = the node where
  it ends, to = a town street that ends there.
- All nodes belong to car-routable highway ways, so nodes == road vertices. Routes cross without a
  junction wherever the generator lays one road over another (read those as overpasses). After
  the plan, unclassified dead-end "farm roads" top the count up to at least --vertices.

Nodes are streamed into the XML file as they are made. Ways go to a second temporary file and are
appended after the nodes, so both stay sorted by id. Then `osmium cat` converts the XML to PBF.
"""
import argparse
import heapq
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

LAT0, LAT1, LON0, LON1 = 43.6, 48.3, 20.2, 29.7
M_PER_DEG = 111_320.0
COS_C = math.cos(math.radians((LAT0 + LAT1) / 2))
WIDTH = (LON1 - LON0) * M_PER_DEG * COS_C  # metres, local equirectangular frame with origin (LAT0, LON0)
HEIGHT = (LAT1 - LAT0) * M_PER_DEG
MARGIN = 6_000.0

# A rough Carpathian arc (lat, lon): fewer towns within ~35 km of it.
CARPATHIANS = [(47.9, 24.4), (47.2, 25.3), (46.5, 25.9), (45.7, 26.2), (45.4, 25.3), (45.4, 24.0),
               (45.35, 23.0), (45.1, 22.4), (44.7, 22.3)]

SPACING = {  # metres between shape nodes on rural roads
    "motorway": 250.0, "trunk": 180.0, "primary": 140.0, "secondary": 125.0, "tertiary": 110.0,
    "unclassified": 95.0, "motorway_link": 60.0,
}


def to_xy(lat, lon):
    return (lon - LON0) * M_PER_DEG * COS_C, (lat - LAT0) * M_PER_DEG


class Writer:
    """Streams <node> elements into the main XML file and <way> elements into a side file."""

    def __init__(self, nodes_path, ways_path):
        self.nodes_f = open(nodes_path, "w", buffering=1 << 20)
        self.ways_f = open(ways_path, "w", buffering=1 << 20)
        self.nodes_f.write("<?xml version='1.0' encoding='UTF-8'?>\n"
                           '<osm version="0.6" generator="GeoFleet Benchmarks/Routing/generate_network.py">\n'
                           f'  <bounds minlat="{LAT0}" minlon="{LON0}" maxlat="{LAT1}" maxlon="{LON1}"/>\n')
        self.next_node = 1
        self.next_way = 1
        self.relations = []
        self.nbuf = []
        self.highway_ways = {}
        self.highway_refs = {}
        self.started = time.monotonic()
        self.next_report = 100_000

    @property
    def node_count(self):
        return self.next_node - 1

    def node(self, x, y):
        nid = self.next_node
        self.next_node = nid + 1
        # Clamp to the box (a curvy road or a big town near the edge must not leave it).
        if x < 0.0:
            x = 0.0
        elif x > WIDTH:
            x = WIDTH
        if y < 0.0:
            y = 0.0
        elif y > HEIGHT:
            y = HEIGHT
        self.nbuf.append(f'  <node id="{nid}" version="1" lat="{LAT0 + y / M_PER_DEG:.7f}" '
                         f'lon="{LON0 + x / (M_PER_DEG * COS_C):.7f}"/>\n')
        if len(self.nbuf) >= 16384:
            self.nodes_f.write("".join(self.nbuf))
            self.nbuf.clear()
            if nid >= self.next_report:
                print(f"  ... {nid:,} nodes, {self.next_way - 1:,} ways "
                      f"({time.monotonic() - self.started:.1f} s)", flush=True)
                self.next_report += 100_000
        return nid

    def way(self, refs, tags):
        wid = self.next_way
        self.next_way = wid + 1
        parts = [f'  <way id="{wid}" version="1">\n']
        parts.extend(f'    <nd ref="{r}"/>\n' for r in refs)
        parts.extend(f'    <tag k="{k}" v="{v}"/>\n' for k, v in tags)
        parts.append("  </way>\n")
        self.ways_f.write("".join(parts))
        hw = tags[0][1]
        self.highway_ways[hw] = self.highway_ways.get(hw, 0) + 1
        self.highway_refs[hw] = self.highway_refs.get(hw, 0) + len(refs)
        return wid

    def restriction(self, from_way, via_node, to_way, kind):
        self.relations.append((from_way, via_node, to_way, kind))

    def finish(self, xml_path):
        self.nodes_f.write("".join(self.nbuf))
        self.nbuf.clear()
        self.ways_f.close()
        with open(self.ways_f.name) as ways:
            shutil.copyfileobj(ways, self.nodes_f, 1 << 22)
        for rid, (f, v, t, kind) in enumerate(self.relations, start=1):
            self.nodes_f.write(f'  <relation id="{rid}" version="1">\n'
                               f'    <member type="way" ref="{f}" role="from"/>\n'
                               f'    <member type="node" ref="{v}" role="via"/>\n'
                               f'    <member type="way" ref="{t}" role="to"/>\n'
                               f'    <tag k="type" v="restriction"/>\n'
                               f'    <tag k="restriction" v="{kind}"/>\n'
                               "  </relation>\n")
        self.nodes_f.write("</osm>\n")
        self.nodes_f.close()
        os.unlink(self.ways_f.name)
        assert self.nodes_f.name == xml_path


class Town:
    __slots__ = ("idx", "x", "y", "weight", "tier", "radius", "rows", "cols", "spacing", "anchors", "name")

    def __init__(self, idx, x, y, weight):
        self.idx, self.x, self.y, self.weight = idx, x, y, weight
        self.tier = 2
        self.radius = 0.0
        self.rows = self.cols = 3
        self.spacing = 110.0
        self.anchors = []  # [node id, x, y, straight way id, [side way ids]]
        self.name = f"Town {idx}"


def dist(ax, ay, bx, by):
    return math.hypot(ax - bx, ay - by)


def point_segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1.0)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


CARP_XY = [to_xy(lat, lon) for lat, lon in CARPATHIANS]


def near_mountains(x, y):
    return min(point_segment_distance(x, y, *CARP_XY[i], *CARP_XY[i + 1]) for i in range(len(CARP_XY) - 1)) < 35_000


def prim_mst(points):
    """Minimum spanning tree over the complete Euclidean graph, O(n^2)."""
    n = len(points)
    if n < 2:
        return []
    in_tree = [False] * n
    best = [math.inf] * n
    parent = [-1] * n
    best[0] = 0.0
    edges = []
    remaining = set(range(n))
    for _ in range(n):
        u = min(remaining, key=best.__getitem__)
        remaining.discard(u)
        in_tree[u] = True
        if parent[u] >= 0:
            edges.append((parent[u], u))
        ux, uy = points[u]
        for v in remaining:
            d = math.hypot(points[v][0] - ux, points[v][1] - uy)
            if d < best[v]:
                best[v] = d
                parent[v] = u
    return edges


def nearest_neighbours(points, k):
    """k nearest neighbours of every point (grid buckets, widening rings)."""
    cell = max(WIDTH, HEIGHT) / max(4, int(math.sqrt(len(points))))
    buckets = {}
    for i, (x, y) in enumerate(points):
        buckets.setdefault((int(x // cell), int(y // cell)), []).append(i)
    result = []
    for i, (x, y) in enumerate(points):
        cx, cy = int(x // cell), int(y // cell)
        found = []
        ring = 0
        while True:
            for gx in range(cx - ring, cx + ring + 1):
                for gy in range(cy - ring, cy + ring + 1):
                    if max(abs(gx - cx), abs(gy - cy)) != ring:
                        continue
                    for j in buckets.get((gx, gy), ()):
                        if j != i:
                            found.append((math.hypot(points[j][0] - x, points[j][1] - y), j))
            # Every point within ring*cell is found once the ring reaches that far.
            if len(found) >= k and sorted(found)[k - 1][0] <= ring * cell:
                break
            ring += 1
            if ring > 4 * max(WIDTH, HEIGHT) / cell:
                break
        found.sort()
        result.append([j for _, j in found[:k]])
    return result


def segments_cross(p1, p2, q1, q2):
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2 = orient(q1, q2, p1), orient(q1, q2, p2)
    d3, d4 = orient(p1, p2, q1), orient(p1, p2, q2)
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0)


class SegmentGrid:
    """Buckets segments (and town lookups) by the grid cells their bounding boxes touch."""

    def __init__(self, cell):
        self.cell = cell
        self.cells = {}
        self.town_cells = None

    def _keys(self, p, q):
        c = self.cell
        for gx in range(int(min(p[0], q[0]) // c), int(max(p[0], q[0]) // c) + 1):
            for gy in range(int(min(p[1], q[1]) // c), int(max(p[1], q[1]) // c) + 1):
                yield gx, gy

    def add(self, p, q, tag):
        for k in self._keys(p, q):
            self.cells.setdefault(k, []).append((p, q, tag))

    def crosses(self, p, q, a, b):
        for k in self._keys(p, q):
            for s1, s2, (u, v) in self.cells.get(k, ()):
                if u in (a, b) or v in (a, b):
                    continue
                if segments_cross(p, q, s1, s2):
                    return True
        return False

    def towns_near(self, p, q, towns):
        if self.town_cells is None:
            self.town_cells = {}
            for t in towns:
                self.town_cells.setdefault((int(t.x // self.cell), int(t.y // self.cell)), []).append(t)
        seen = []
        for gx, gy in self._keys(p, q):
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    seen.extend(self.town_cells.get((gx + dx, gy + dy), ()))
        return set(seen)


def shortest_path(adj, src, dst):
    dist_to = {src: 0.0}
    prev = {}
    heap = [(0.0, src)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == dst:
            break
        if d > dist_to[u]:
            continue
        for v, w in adj.get(u, ()):
            nd = d + w
            if nd < dist_to.get(v, math.inf):
                dist_to[v] = nd
                prev[v] = u
                heapq.heappush(heap, (nd, v))
    path = [dst]
    while path[-1] != src and path[-1] in prev:
        path.append(prev[path[-1]])
    return path[::-1]


class Generator:
    def __init__(self, args, writer):
        self.args = args
        self.rng = random.Random(args.seed)
        self.w = writer
        self.towns = []
        self.reservoir = []  # (node id, x, y) on rural roads, for the top-up farm roads
        self.rural_stretches = 0  # junction-to-junction (or dead-end) stretches outside towns
        self.rural_nodes = 0
        self.restriction_budget = 0

    # ---------------------------------------------------------------- planning
    def place_towns(self):
        rng, n_target = self.rng, self.args.vertices
        count = max(12, min(2500, round(n_target / 1500)))
        weights = sorted((min(400.0, (1.0 - rng.random()) ** (-1 / 1.05)) for _ in range(count)), reverse=True)
        total_w = sum(weights)
        nominal_town_nodes = 0.55 * n_target
        towns = []
        for i, wt in enumerate(weights):
            nodes = max(20.0, nominal_town_nodes * wt / total_w)
            radius = 0.5 * math.sqrt(nodes / 3.0) * 110.0 * 1.2 + 500.0
            for attempt in range(400):
                x = rng.uniform(MARGIN + radius, WIDTH - MARGIN - radius)
                y = rng.uniform(MARGIN + radius, HEIGHT - MARGIN - radius)
                if near_mountains(x, y) and rng.random() > 0.35:
                    continue
                gap = 1_500.0 if attempt < 200 else 300.0
                if all(dist(x, y, t.x, t.y) > radius + t.radius + gap for t in towns):
                    break
            t = Town(i, x, y, wt)
            t.radius = radius
            towns.append(t)
        for rank, t in enumerate(towns):
            t.tier = 0 if rank < max(3, count // 20) else (1 if rank < max(6, count // 4) else 2)
        self.towns = towns

    def plan_roads(self):
        rng, towns = self.rng, self.towns
        pts = [(t.x, t.y) for t in towns]
        # Regional roads: the spanning tree (planar), then a greedy planar mesh: candidate links to each
        # town's 6 nearest neighbours, shortest first, kept unless they cross a kept road, pass through
        # another town, or give a town more than 5 roads.
        edges = {(min(a, b), max(a, b)) for a, b in prim_mst(pts)}
        degree = [0] * len(towns)
        for a, b in edges:
            degree[a] += 1
            degree[b] += 1
        candidates = set()
        for i, neigh in enumerate(nearest_neighbours(pts, 6)):
            d0 = dist(*pts[i], *pts[neigh[0]])
            for j in neigh:
                if dist(*pts[i], *pts[j]) <= 2.5 * d0:
                    candidates.add((min(i, j), max(i, j)))
        grid = SegmentGrid(25_000.0)
        for a, b in edges:
            grid.add(pts[a], pts[b], (a, b))
        for a, b in sorted(candidates - edges, key=lambda e: dist(*pts[e[0]], *pts[e[1]])):
            if degree[a] >= 5 or degree[b] >= 5 or grid.crosses(pts[a], pts[b], a, b):
                continue
            if any(point_segment_distance(t.x, t.y, *pts[a], *pts[b]) < t.radius + 300.0
                   for t in grid.towns_near(pts[a], pts[b], towns) if t.idx not in (a, b)):
                continue
            edges.add((a, b))
            grid.add(pts[a], pts[b], (a, b))
            degree[a] += 1
            degree[b] += 1
        # Road classes: the regional paths that join consecutive larger towns (a spanning tree over
        # tiers 0-1) become primary, like national roads threading through villages; the rest secondary,
        # a quarter of village-to-village links tertiary.
        adj = {}
        for a, b in edges:
            d = dist(*pts[a], *pts[b])
            adj.setdefault(a, []).append((b, d))
            adj.setdefault(b, []).append((a, d))
        larger = [t.idx for t in towns if t.tier <= 1]
        primary = set()
        for u, v in prim_mst([pts[i] for i in larger]):
            path = shortest_path(adj, larger[u], larger[v])
            primary.update((min(p, q), max(p, q)) for p, q in zip(path, path[1:]))
        self.regional = []
        for a, b in sorted(edges):
            if (a, b) in primary:
                cls = "primary"
            elif min(towns[a].tier, towns[b].tier) <= 1 or rng.random() < 0.75:
                cls = "secondary"
            else:
                cls = "tertiary"
            self.regional.append((a, b, cls))
        big = [t.idx for t in towns if t.tier == 0]
        big_pts = [pts[i] for i in big]
        backbone = {}
        for a, b in prim_mst(big_pts):
            backbone[(min(big[a], big[b]), max(big[a], big[b]))] = "motorway" if rng.random() < 0.6 else "trunk"
        if len(big) > 3:
            for i, neigh in enumerate(nearest_neighbours(big_pts, 2)):
                for j in neigh:
                    key = (min(big[i], big[j]), max(big[i], big[j]))
                    if key not in backbone and rng.random() < 0.5:
                        backbone[key] = "trunk"
        self.backbone = sorted(backbone.items())

        # Node estimate for the rural network; scale spacing so it stays below ~45 % of the budget.
        est = 0.0
        for a, b, cls in self.regional:
            length = dist(towns[a].x, towns[a].y, towns[b].x, towns[b].y) * 1.08
            est += length / SPACING[cls] + (length / 2_000.0) * (1_700.0 / SPACING["unclassified"])
        for (a, b), cls in self.backbone:
            length = dist(towns[a].x, towns[a].y, towns[b].x, towns[b].y) * 1.05
            est += length / SPACING[cls] * (2 if cls == "motorway" else 1) + (40 if cls == "motorway" else 0)
        self.spacing_scale = max(1.0, est / (0.45 * self.args.vertices))
        self.rural_estimate = est / self.spacing_scale
        budget = max(0.2 * self.args.vertices, 0.985 * self.args.vertices - self.rural_estimate)
        total_w = sum(t.weight for t in towns)
        for t in towns:
            nodes = budget * t.weight / total_w
            intersections = max(9.0, nodes / 3.0)
            aspect = rng.uniform(0.7, 1.4)
            t.rows = max(3, min(200, round(math.sqrt(intersections * aspect))))
            t.cols = max(3, min(200, round(intersections / t.rows)))
            t.spacing = rng.uniform(85.0, 125.0) if t.tier < 2 else rng.uniform(95.0, 140.0)

    # ---------------------------------------------------------------- towns
    def build_town(self, t):
        rng, w = self.rng, self.w
        R, C, s = t.rows, t.cols, t.spacing
        angle = rng.uniform(-0.35, 0.35) if rng.random() < 0.7 else rng.uniform(-math.pi, math.pi)
        ca, sa = math.cos(angle), math.sin(angle)
        warp_a, warp_f = rng.uniform(0.0, 0.25) * s, rng.uniform(0.5, 2.0) / max(R, C)
        rm, cm = R // 2, C // 2
        big = R * C > 400

        # Streets. A full lattice of 4-way crossings is unlike real towns and makes CH contraction explode (OSRM
        # takes ~100x longer per node on it than on real extracts), so only these lines are whole streets:
        # the main cross (primary/secondary/tertiary by town size), the outer ring, a tertiary line every
        # K = 12-20 blocks, and ~4 % "through" residential streets (70 % of them one-way). The other block
        # sides form a random spanning forest that joins everything to those streets, plus 10 % of the
        # remaining sides as loops: mostly T-junctions and dead ends, as in real residential areas.
        main_cls = ("primary", "secondary", "tertiary")[t.tier] if big or t.tier < 2 else "tertiary"
        K = rng.randint(12, 20)

        def line_class(i, n, mid):
            if i == mid:
                return main_cls
            if i == 0 or i == n - 1:
                return "unclassified" if big else "residential"
            if (i - mid) % K == 0 and 2 <= i <= n - 3:
                return "tertiary"
            return "through" if rng.random() < 0.04 else None

        row_cls = [line_class(r, R, rm) for r in range(R)]
        col_cls = [line_class(c, C, cm) for c in range(C)]
        row_ow = [rng.choice((1, -1)) if cls == "through" and rng.random() < 0.7 else 0 for cls in row_cls]
        col_ow = [rng.choice((1, -1)) if cls == "through" and rng.random() < 0.7 else 0 for cls in col_cls]

        parent = list(range(R * C))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        # h_present[r][c]: block side (r, c)-(r, c+1); v_present[c][r]: (r, c)-(r+1, c).
        h_present = [[row_cls[r] is not None] * (C - 1) for r in range(R)]
        v_present = [[col_cls[c] is not None] * (R - 1) for c in range(C)]
        optional = []
        for r in range(R):
            for c in range(C - 1):
                if h_present[r][c]:
                    parent[find(r * C + c)] = find(r * C + c + 1)
                else:
                    optional.append((0, r, c))
        for c in range(C):
            for r in range(R - 1):
                if v_present[c][r]:
                    parent[find(r * C + c)] = find((r + 1) * C + c)
                else:
                    optional.append((1, r, c))
        # Kruskal on random weights that favour one direction per arterial cell: long straight streets
        # that end in cul-de-sacs or T-junctions, joined by a few cross streets (not a maze).
        dominant = {}
        for k, (vertical, r, c) in enumerate(optional):
            cell = (r // K, c // K)
            if cell not in dominant:
                dominant[cell] = rng.random() < 0.5
            optional[k] = (rng.random() + (0.0 if vertical == dominant[cell] else 0.8), vertical, r, c)
        optional.sort()
        for _, vertical, r, c in optional:
            a, b = r * C + c, (r + 1) * C + c if vertical else r * C + c + 1
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
            elif rng.random() >= 0.10:
                continue
            if vertical:
                v_present[c][r] = True
            else:
                h_present[r][c] = True
        row_cls = [("residential" if cls in (None, "through") else cls) for cls in row_cls]
        col_cls = [("residential" if cls in (None, "through") else cls) for cls in col_cls]

        # Intersections in row-major order: id = base + r * C + c.
        xs, ys = [0.0] * (R * C), [0.0] * (R * C)
        base = w.next_node
        for r in range(R):
            v0 = (r - (R - 1) / 2) * s
            for c in range(C):
                u = (c - (C - 1) / 2) * s + rng.uniform(-0.15, 0.15) * s + warp_a * math.sin(r * warp_f * 6.283)
                v = v0 + rng.uniform(-0.15, 0.15) * s + warp_a * math.sin(c * warp_f * 6.283 + 1.0)
                x, y = t.x + u * ca - v * sa, t.y + u * sa + v * ca
                k = r * C + c
                xs[k], ys[k] = x, y
                nid = w.node(x, y)
                assert nid == base + k

        # Anchors: both ends of both main streets and the four corners.
        anchor_keys = [(rm, 0), (rm, C - 1), (0, cm), (R - 1, cm), (0, 0), (0, C - 1), (R - 1, 0), (R - 1, C - 1)]
        anchor_ids = {base + r * C + c for r, c in anchor_keys}
        ending = {a: [] for a in anchor_ids}  # anchor id -> ways of the town that end there
        main_ways = set()

        def segment_nodes(a, b, cls):
            """Shape nodes between intersections a and b (0-4, mean ~1.8, bent sideways)."""
            k = rng.random()
            n = 0 if k < 0.2 else (1 if k < 0.45 else (2 if k < 0.7 else (3 if k < 0.88 else 4)))
            if cls in ("primary", "secondary") and n > 2:
                n = 2
            out = []
            ax, ay, bx, by = xs[a - base], ys[a - base], xs[b - base], ys[b - base]
            nx, ny = -(by - ay), bx - ax
            bend = rng.uniform(-0.12, 0.12)
            for j in range(1, n + 1):
                f = j / (n + 1)
                off = bend * math.sin(math.pi * f)
                out.append(w.node(ax + (bx - ax) * f + nx * off, ay + (by - ay) * f + ny * off))
            return out

        def emit_line(ids, present, cls, oneway, is_main, split_at):
            """One street: runs of present segments, split at anchors and every 3-12 blocks."""
            i = 0
            while i < len(ids) - 1:
                if not present[i]:
                    i += 1
                    continue
                refs = [ids[i]]
                blocks = 0
                limit = rng.randint(3, 12)
                while i < len(ids) - 1 and present[i]:
                    refs.extend(segment_nodes(ids[i], ids[i + 1], cls))
                    refs.append(ids[i + 1])
                    i += 1
                    blocks += 1
                    if ids[i] in split_at or (blocks >= limit and i < len(ids) - 1 and not is_main):
                        break
                tags = [("highway", cls)]
                if oneway == 1:
                    tags.append(("oneway", "yes"))
                elif oneway == -1:
                    if rng.random() < 0.25:
                        tags.append(("oneway", "-1"))
                    else:
                        refs.reverse()
                        tags.append(("oneway", "yes"))
                if is_main:
                    tags.append(("name", f"Calea {t.name}"))
                    tags.append(("maxspeed", "50"))
                elif cls == "residential" and rng.random() < 0.3:
                    tags.append(("maxspeed", "30"))
                elif rng.random() < 0.2:
                    tags.append(("maxspeed", "50"))
                if cls in ("tertiary", "unclassified") and rng.random() < 0.015:
                    tags.append(("hgv", "no"))
                wid = w.way(refs, tags)
                if is_main:
                    main_ways.add(wid)
                for end in (refs[0], refs[-1]):
                    if end in ending:
                        ending[end].append(wid)

        for r in range(R):
            emit_line([base + r * C + c for c in range(C)], h_present[r], row_cls[r], row_ow[r], r == rm, anchor_ids)
        for c in range(C):
            emit_line([base + r * C + c for r in range(R)], v_present[c], col_cls[c], col_ow[c], c == cm, anchor_ids)

        for r, c in anchor_keys:
            a = base + r * C + c
            ways = ending[a]
            straight = next((wid for wid in ways if wid in main_ways), ways[0] if ways else None)
            t.anchors.append([a, xs[a - base], ys[a - base], straight, [wid for wid in ways if wid != straight]])

    # ---------------------------------------------------------------- rural roads
    def pick_anchor(self, t, tx, ty):
        dx, dy = tx - t.x, ty - t.y
        norm = math.hypot(dx, dy) or 1.0
        return max(t.anchors, key=lambda a: ((a[1] - t.x) * dx + (a[2] - t.y) * dy) / norm
                   / (math.hypot(a[1] - t.x, a[2] - t.y) or 1.0))

    def curve(self, ax, ay, bx, by, spacing, wiggle):
        """Interior points of a curvy polyline from a to b (ends excluded)."""
        rng = self.rng
        length = dist(ax, ay, bx, by)
        n = max(1, int(length * rng.uniform(1.02, 1.12) / spacing))
        amps = [rng.gauss(0.0, wiggle / k) for k in (1, 2, 3, 5)]
        phases = [1, 2, 3, 5]
        nx, ny = -(by - ay) / (length or 1.0), (bx - ax) / (length or 1.0)
        pts = []
        jitter = min(8.0, spacing * 0.08)
        for i in range(1, n):
            f = i / n
            off = length * sum(a * math.sin(math.pi * k * f) for a, k in zip(amps, phases))
            off += rng.uniform(-jitter, jitter)
            pts.append((ax + (bx - ax) * f + nx * off, ay + (by - ay) * f + ny * off))
        return pts

    def split_into_ways(self, refs, cls, base_tags, bridge_ok=True, record_reservoir=False):
        """Writes refs as a chain of ways (a split every few km, bridges as own ways). Returns way ids."""
        rng, w = self.rng, self.w
        bridges = set()
        if bridge_ok and len(refs) > 12:
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                bridges.add(rng.randint(3, len(refs) - 5))
        pieces = []
        i = 0
        while i < len(refs) - 1:
            if i in bridges:
                end = i + 2
                pieces.append((i, end, True))
                i = end
                continue
            end = min(len(refs) - 1, i + rng.randint(25, 90))
            nb = [b for b in bridges if i < b < end]
            if nb:
                end = min(nb)
            pieces.append((i, end, False))
            i = end
        default_speed = {"motorway": "130", "trunk": "100", "primary": "90", "secondary": "90", "tertiary": "70",
                         "unclassified": "50", "motorway_link": "60"}[cls]
        ids = []
        for a, b, is_bridge in pieces:
            tags = [("highway", cls)] + base_tags
            if cls == "motorway":
                tags.append(("toll", "yes"))  # tolled motorways, as in Hungary or France (cost analysis)
            if is_bridge:
                tags += [("bridge", "yes"), ("layer", "1")]
                if rng.random() < 0.6:
                    tags.append(("maxheight", rng.choice(("3.8", "4.0", "4.2", "4.5"))))
                if cls not in ("motorway", "trunk") and rng.random() < 0.2:
                    tags.append(("maxweight", "7.5"))
            else:
                k = rng.random()
                if k < 0.45:
                    tags.append(("maxspeed", default_speed))
                elif k < 0.55 and cls not in ("motorway", "motorway_link"):
                    tags.append(("maxspeed", "50"))  # through a village
                if cls in ("secondary", "tertiary", "unclassified") and rng.random() < 0.02:
                    tags.append(("hgv", "no") if rng.random() < 0.5 else ("maxweight", "7.5"))
            ids.append(w.way(refs[a:b + 1], tags))
        return ids

    def rural_road(self, ta, tb, cls, ref):
        rng, w = self.rng, self.w
        A = self.pick_anchor(ta, tb.x, tb.y)
        B = self.pick_anchor(tb, ta.x, ta.y)
        spacing = SPACING[cls] * self.spacing_scale
        pts = self.curve(A[1], A[2], B[1], B[2], spacing, 0.035)
        refs = [A[0]]
        # Side roads every ~1-3 km of road.
        side_every = max(4, int(rng.uniform(1_000.0, 3_000.0) / spacing))
        next_side = side_every
        sides = []
        for i, (x, y) in enumerate(pts, start=1):
            nid = w.node(x, y)
            refs.append(nid)
            if i % 10 == 0 and cls != "primary":
                self.reservoir.append((nid, x, y))
            if i >= next_side and i < len(pts) - 2:
                sides.append((nid, x, y, pts[i - 2] if i >= 2 else (A[1], A[2])))
                next_side = i + max(4, int(rng.uniform(1_000.0, 3_000.0) / spacing))
        refs.append(B[0])
        self.rural_nodes += len(pts)
        self.rural_stretches += len(sides) + 1
        ways = self.split_into_ways(refs, cls, [("ref", ref)])
        for nid, x, y, (px, py) in sides:
            self.side_road(nid, x, y, x - px, y - py)
        # A restriction where the road enters a town (about one town in four).
        for anchor, way_id in ((A, ways[0]), (B, ways[-1])):
            if rng.random() < 0.12 and (anchor[3] is not None or anchor[4]):
                if anchor[4] and (anchor[3] is None or rng.random() < 0.6):
                    w.restriction(way_id, anchor[0], rng.choice(anchor[4]), "no_left_turn")
                else:
                    w.restriction(way_id, anchor[0], anchor[3], "only_straight_on")

    def side_road(self, nid, x, y, dx, dy, length=None):
        """A dead-end unclassified road leaving (x, y) roughly at right angles to (dx, dy)."""
        rng, w = self.rng, self.w
        norm = math.hypot(dx, dy) or 1.0
        side = rng.choice((-1.0, 1.0))
        turn = rng.uniform(-0.5, 0.5)
        ux, uy = -dy / norm * side, dx / norm * side
        ux, uy = ux * math.cos(turn) - uy * math.sin(turn), ux * math.sin(turn) + uy * math.cos(turn)
        length = length or rng.uniform(500.0, 3_000.0)
        spacing = SPACING["unclassified"] * self.spacing_scale
        ex, ey = x + ux * length, y + uy * length
        pts = self.curve(x, y, ex, ey, spacing, 0.06)
        refs = [nid] + [w.node(px, py) for px, py in pts] + [w.node(ex, ey)]
        # Farm roads may branch off side roads too (never many off one node: high-degree nodes are unreal).
        self.reservoir.extend((r, px, py) for r, (px, py) in zip(refs[2:-1:4], pts[1::4]))
        self.last_end = (refs[-1], ex, ey)
        self.rural_nodes += len(refs) - 1
        self.rural_stretches += 1
        self.split_into_ways(refs, "unclassified", [], bridge_ok=False)

    def backbone_road(self, ta, tb, cls, ref):
        rng, w = self.rng, self.w
        A = self.pick_anchor(ta, tb.x, tb.y)
        B = self.pick_anchor(tb, ta.x, ta.y)
        spacing = SPACING[cls] * self.spacing_scale
        if cls == "trunk":
            pts = self.curve(A[1], A[2], B[1], B[2], spacing, 0.02)
            refs = [A[0]] + [w.node(x, y) for x, y in pts] + [B[0]]
            self.rural_nodes += len(pts)
            self.rural_stretches += 1
            self.split_into_ways(refs, "trunk", [("ref", ref)])
            return
        # Motorway: centre line starts ~1.5 km outside each town; two one-way carriageways 12 m either
        # side; each town end joined by one on-ramp and one off-ramp (motorway_link, one-way by default).
        def outward(anchor, town, other):
            dx, dy = other.x - anchor[1], other.y - anchor[2]
            d = math.hypot(dx, dy) or 1.0
            return anchor[1] + dx / d * 1_500.0, anchor[2] + dy / d * 1_500.0
        sx, sy = outward(A, ta, tb)
        ex, ey = outward(B, tb, ta)
        centre = [(sx, sy)] + self.curve(sx, sy, ex, ey, spacing, 0.015) + [(ex, ey)]

        def offset_line(sign):
            out = []
            for i, (x, y) in enumerate(centre):
                px, py = centre[max(0, i - 1)]
                qx, qy = centre[min(len(centre) - 1, i + 1)]
                dx, dy = qx - px, qy - py
                d = math.hypot(dx, dy) or 1.0
                out.append((x - dy / d * 12.0 * sign, y + dx / d * 12.0 * sign))
            return out

        for sign, (start, end) in ((1.0, (A, B)), (-1.0, (B, A))):
            line = offset_line(sign)
            if sign < 0:
                line.reverse()
            refs = [w.node(x, y) for x, y in line]
            self.rural_nodes += len(refs)
            self.rural_stretches += 1
            self.split_into_ways(refs, "motorway", [("ref", ref), ("oneway", "yes")])
            for (fx, fy, f_id), (tx, ty, t_id) in (((start[1], start[2], start[0]), (line[0][0], line[0][1], refs[0])),
                                                   ((line[-1][0], line[-1][1], refs[-1]), (end[1], end[2], end[0]))):
                pts = self.curve(fx, fy, tx, ty, SPACING["motorway_link"], 0.05)
                link = [f_id] + [w.node(x, y) for x, y in pts] + [t_id]
                self.rural_nodes += len(pts)
                self.rural_stretches += 1
                w.way(link, [("highway", "motorway_link"), ("oneway", "yes")])

    def top_up(self):
        """Unclassified dead-end farm roads off rural roads until the vertex target is met."""
        rng, w = self.rng, self.w
        used = set()
        while w.node_count < self.args.vertices:
            missing = self.args.vertices - w.node_count
            nid = None
            while self.reservoir and (nid is None or nid in used):
                k = rng.randrange(len(self.reservoir))
                self.reservoir[k], self.reservoir[-1] = self.reservoir[-1], self.reservoir[k]
                nid, x, y = self.reservoir.pop()
            if nid is None or nid in used:  # nothing left to branch off (tiny networks): extend the last dead end
                nid, x, y = self.last_end
            used.add(nid)
            dx, dy = rng.uniform(-1, 1), rng.uniform(-1, 1)
            length = min(3_000.0, max(300.0, (missing + 2) * SPACING["unclassified"] * self.spacing_scale))
            self.side_road(nid, x, y, dx, dy, length)

    def run(self):
        t0 = time.monotonic()
        self.place_towns()
        self.plan_roads()
        print(f"planned {len(self.towns)} towns, {len(self.regional)} regional roads, {len(self.backbone)} backbone legs "
              f"(rural estimate {self.rural_estimate:,.0f} nodes, spacing x{self.spacing_scale:.2f}) "
              f"in {time.monotonic() - t0:.1f} s", flush=True)
        for t in self.towns:
            self.build_town(t)
        town_nodes = self.w.node_count
        print(f"towns: {town_nodes:,} nodes, {self.w.next_way - 1:,} ways", flush=True)
        for n, (a, b, cls) in enumerate(self.regional):
            prefix = {"primary": "DN", "secondary": "DJ", "tertiary": "DC"}[cls]
            self.rural_road(self.towns[a], self.towns[b], cls, f"{prefix}{n + 1}")
        for n, ((a, b), cls) in enumerate(self.backbone):
            self.backbone_road(self.towns[a], self.towns[b], cls, f"{'A' if cls == 'motorway' else 'E'}{n + 1}")
        planned = self.w.node_count
        self.top_up()
        self.stats = {"towns": len(self.towns), "townNodes": town_nodes, "ruralNodes": self.rural_nodes,
                      "ruralStretches": self.rural_stretches, "toppedUp": self.w.node_count - planned}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vertices", type=int, default=1_200_000, help="minimum number of road vertices (default 1.2M)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", default="generated.osm.pbf", help="output .osm.pbf")
    ap.add_argument("--keep-xml", action="store_true", help="keep the intermediate OSM XML next to --out")
    args = ap.parse_args()
    if args.vertices < 100:
        ap.error("--vertices must be at least 100")
    if shutil.which("osmium") is None:
        sys.exit("generate_network.py: osmium (Debian package osmium-tool) is not on PATH")

    started = time.monotonic()
    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmpdir = tempfile.mkdtemp(prefix="geofleet-gen-", dir=os.path.dirname(out))
    try:
        xml_path = os.path.join(tmpdir, "network.osm")
        writer = Writer(xml_path, os.path.join(tmpdir, "ways.part"))
        gen = Generator(args, writer)
        gen.run()
        writer.finish(xml_path)
        gen_seconds = time.monotonic() - started
        xml_mb = os.path.getsize(xml_path) / 1e6
        print(f"wrote {xml_mb:,.0f} MB of OSM XML in {gen_seconds:.1f} s; converting with osmium cat", flush=True)
        subprocess.run(["osmium", "cat", xml_path, "-o", out, "--overwrite"], check=True)
        if args.keep_xml:
            shutil.move(xml_path, os.path.splitext(os.path.splitext(out)[0])[0] + ".osm")
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    s = gen.stats
    total = time.monotonic() - started
    print(f"\n{out}: {os.path.getsize(out) / 1e6:.1f} MB (seed {args.seed})")
    print(f"  nodes (= road vertices): {writer.node_count:,}   ways: {writer.next_way - 1:,}   "
          f"relations (restrictions): {len(writer.relations):,}")
    print(f"  towns: {s['towns']:,} ({s['townNodes']:,} town-grid nodes); rural/backbone nodes: {s['ruralNodes']:,}; "
          f"top-up farm-road nodes: {s['toppedUp']:,}")
    if s["ruralStretches"]:
        print(f"  outside towns: {s['ruralNodes'] / s['ruralStretches']:.1f} shape nodes per stretch between junctions "
              f"(or to a dead end) on average, {s['ruralStretches']:,} stretches")
    print("  highway        ways     node refs")
    for hw in sorted(writer.highway_ways, key=lambda h: -writer.highway_refs[h]):
        print(f"  {hw:<14} {writer.highway_ways[hw]:>7,} {writer.highway_refs[hw]:>12,}")
    kinds = {}
    for *_, kind in writer.relations:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"  restrictions: {kinds}")
    print(f"  seconds: {total:.1f} (generation {gen_seconds:.1f}, osmium {total - gen_seconds:.1f})")


if __name__ == "__main__":
    main()
