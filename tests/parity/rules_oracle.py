"""An independent implementation of Lockstep's rules (docs/rules.md), for the
rule kinds the reference cannot express: nested paths, tid_event_idx and
payload skips, ignored kinds, fields numbered like allocator returns, and
value pairing. It reuses the reference's loading, mapping and allocator
canonicalization (its own code, its constants set from the rules) and
compares events its own way, then prints the reference's summary table.

Usage: rules_oracle.py REFERENCE INPUT.json  (prints JSON: {status, stderr, rows})
INPUT: {canary, ours, tidMap|null, canonicalize, rules: {skip: [[kind, path]],
allocators, allocatorPairing, canonicalize: [[kind, path, pairing]], ignoreKinds}}
"""

import importlib.util
import json
import sys
from pathlib import Path

spec = importlib.util.spec_from_file_location("reference", sys.argv[1])
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
inp = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
rules = inp["rules"]
PAIRED = "<paired>"


def rules_for(kind):
    """The rules on events of this kind: a tree {key: node}, node = {skip, canon: (slot, pairing, label) | None, kids}."""
    applies = lambda k: k == "*" or (isinstance(kind, str) and k == kind)
    plan = {"idx": False, "payload": False, "tree": {}}

    def node_at(path):
        tree = plan["tree"]
        node = None
        for seg in path[1:]:
            node = tree.setdefault(seg, {"skip": False, "canon": None, "kids": {}})
            tree = node["kids"]
        return node

    for k, path in rules["skip"]:
        if not applies(k):
            continue
        if path[0] == "tid_event_idx":
            plan["idx"] = True
        elif len(path) == 1:
            plan["payload"] = True
        else:
            node_at(path)["skip"] = True
    for slot, (k, path, pairing) in enumerate(rules["canonicalize"]):
        if not applies(k):
            continue
        node = node_at(path)
        # A rule for the kind itself wins over one for every kind.
        if node["canon"] is not None and k == "*":
            continue
        node["canon"] = (slot, pairing, ".".join(path))
    return plan


PLANS = {}


def plan_of(kind):
    key = kind if isinstance(kind, str) else None
    if key not in PLANS:
        PLANS[key] = rules_for(kind)
    return PLANS[key]


def ignored(ev):
    k = ev.get("kind")
    return isinstance(k, str) and k in rules["ignoreKinds"]


def number_fields(events_by_tid):
    """Fields numbered per (tid, rule): present and not None, replaced by <canon:PATH_N>."""
    for evs in events_by_tid.values():
        counters = {}

        def walk(d, tree):
            for key, node in tree.items():
                if not isinstance(d, dict) or key not in d:
                    continue
                c = node["canon"]
                if c is not None and not c[1]:
                    if d[key] is not None:
                        n = counters.get(c[0], 0)
                        counters[c[0]] = n + 1
                        d[key] = f"<canon:{c[2]}_{n}>"
                    continue
                walk(d[key], node["kids"])

        for ev in evs:
            p = ev.get("payload")
            if isinstance(p, dict):
                walk(p, plan_of(ev.get("kind"))["tree"])


def is_allocator_return(ev):
    if ev.get("kind") != "kernel.return":
        return False
    p = ev.get("payload") or {}
    return p.get("name") in frozenset(rules["allocators"])


def view(v, node, paired, path):
    """A value as compared: skipped fields out, paired ones (present, not None) as PAIRED and set aside with their domain."""
    if node is not None and node["canon"] is not None and node["canon"][1] and v is not None:
        paired.append((path, node["canon"][0], v))
        return PAIRED
    if node is None or not node["kids"] or not isinstance(v, dict):
        return v
    out = {}
    for k, x in v.items():
        sub = node["kids"].get(k)
        if sub is not None and sub["skip"]:
            continue
        out[k] = view(x, sub, paired, path + (k,))
    return out


def top_tree(ev, plan):
    tree = plan["tree"]
    if inp["canonicalize"] and rules["allocatorPairing"] and is_allocator_return(ev):
        tree = dict(tree)
        # An allocator's returns pair among themselves, as the reference numbers them per allocator.
        domain = ("alloc", ev["payload"]["name"])
        for key in ["return_value", "status"]:
            if key in tree and tree[key]["skip"]:
                continue
            tree[key] = {"skip": False, "canon": (domain, True, key), "kids": {}}
    return tree


def compare(ec, eo):
    """None when equal apart from paired values; else a word. Also the paired values, in order."""
    if ec.get("kind") != eo.get("kind"):
        return "kind", []
    plan = plan_of(ec.get("kind"))
    if not plan["idx"] and ec.get("tid_event_idx") != eo.get("tid_event_idx"):
        return "idx", []
    if plan["payload"]:
        return None, []
    pc = ec.get("payload", {})
    po = eo.get("payload", {})
    tree = top_tree(ec, plan)
    pairs_c, pairs_o = [], []
    vc_all = {k: view(v, tree.get(k), pairs_c, (k,)) for k, v in pc.items() if not (k in tree and tree[k]["skip"])}
    vo_all = {k: view(v, tree.get(k), pairs_o, (k,)) for k, v in po.items() if not (k in tree and tree[k]["skip"])}
    for k, vc in vc_all.items():
        if vc != vo_all.get(k):
            return "payload", []
    for k, vo in vo_all.items():
        if k not in vc_all and vo is not None:
            return "payload", []
    # Equal apart from the paired values: the same paired fields on both sides.
    bc = {p: (d, v) for p, d, v in pairs_c}
    bo = {p: (d, v) for p, d, v in pairs_o}
    assert set(bc) == set(bo), (bc, bo)
    return None, [(bc[p][0], bc[p][1], bo[p][1]) for p in sorted(bc)]


def ident(v):
    """A value's identity for the pairing: equal exactly when Python's == holds."""
    if isinstance(v, list):
        return ("l", tuple(ident(x) for x in v))
    if isinstance(v, dict):
        return ("d", frozenset((k, ident(x)) for k, x in v.items()))
    if isinstance(v, str):
        return ("s", v)
    return ("v", v)


class Pairing:
    def __init__(self):
        self.c2o = {}
        self.o2c = {}

    def check(self, values):
        added = []
        for domain, a, b in values:
            a, b = (domain, ident(a)), (domain, ident(b))
            pa = self.c2o.get(a)
            pb = self.o2c.get(b)
            if pa is None and pb is None:
                self.c2o[a] = b
                self.o2c[b] = a
                added.append((a, b))
            elif pa != b:
                for x, y in added:
                    del self.c2o[x]
                    del self.o2c[y]
                return False
        return True


def main():
    try:
        canary = ref.load_events(Path(inp["canary"]))
        ours = ref.load_events(Path(inp["ours"]))
    except SystemExit:
        return {"status": 1, "rows": None}
    for evs in (canary, ours):
        for tid in evs:
            evs[tid] = [e for e in evs[tid] if not ignored(e)]
    if inp["canonicalize"] and not rules["allocatorPairing"]:
        ref.ALLOCATOR_RETURN_FNS = frozenset(rules["allocators"])
        ref.canonicalize_allocator_returns(canary)
        ref.canonicalize_allocator_returns(ours)
    number_fields(canary)
    number_fields(ours)
    tid_map = ref.parse_tid_map_arg(inp["tidMap"]) if inp["tidMap"] else ref.auto_tid_map(canary, ours)
    if not tid_map:
        return {"status": 2, "rows": None}
    rows = []
    for c_tid, o_tid in sorted(tid_map.items()):
        if c_tid not in canary or o_tid not in ours:
            continue
        ce, oe = canary[c_tid], ours[o_tid]
        n = min(len(ce), len(oe))
        pairing = Pairing()
        at = None
        for i in range(n):
            word, values = compare(ce[i], oe[i])
            if word is not None or not pairing.check(values):
                at = i
                break
        matched = at if at is not None else n
        div = at if at is not None else "—"
        rows.append(f"| {c_tid} | {o_tid} | {matched} | {len(ce)} | {len(oe)} | {div} |")
    return {"status": 0, "rows": rows}


print(json.dumps(main()))
