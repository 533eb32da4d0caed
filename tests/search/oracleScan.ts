// Test support: the find box's queries answered by an independent scan in
// python3, over the log's lines as the reference's loader reads them
// (threads in order of first appearance, keyed as Python's dict keys them),
// with json.loads values, Python's `==` and int(s, 0), str.lower() and re.
import type { PathStep, QueryTerm, QueryValue } from '../../src/shared/searchQuery';
import { runPython } from '../support/oracle';

const SCAN = String.raw`
import json, re, sys
inp = json.load(open(sys.argv[1], encoding='utf-8'))

def leaves_at(v, path, i, out):
    if i == len(path):
        if isinstance(v, (dict, list)):
            if not v:
                out.append(v)
        else:
            out.append(v)
        return
    st = path[i]
    if 'key' in st:
        if isinstance(v, dict) and st['key'] in v:
            leaves_at(v[st['key']], path, i + 1, out)
    elif isinstance(v, list):
        if 'index' in st:
            if st['index'] < len(v):
                leaves_at(v[st['index']], path, i + 1, out)
        else:
            for x in v:
                leaves_at(x, path, i + 1, out)

def number(q):
    t = q['type']
    if t == 'int':
        return int(q['digits'])
    if t == 'float':
        return float(q['text'])
    return q['value']

def eq(leaf, q):
    t = q['type']
    if t == 'string':
        return type(leaf) is str and leaf == q['value']
    if t == 'null':
        return leaf is None
    n = number(q)
    if type(leaf) in (bool, int, float):
        return leaf == n
    if type(leaf) is str:
        try:
            return int(leaf, 0) == n
        except ValueError:
            return False
    return False

FLAGS = {'i': re.I, 's': re.S, 'm': re.M}

def compile_terms(terms):
    out = []
    for t in terms:
        if t['type'] == 'regex':
            f = 0
            for c in t['flags']:
                f |= FLAGS.get(c, 0)
            out.append(('regex', re.compile(t['pattern'], f)))
        elif t['type'] == 'text':
            out.append(('text', t['needle'].lower()))
        else:
            out.append(('field', t))
    return out

def matches(terms, line, ev):
    for kind, t in terms:
        if kind == 'regex':
            if not t.search(line):
                return False
        elif kind == 'text':
            if t not in line.lower():
                return False
        else:
            leaves = []
            leaves_at(ev, t['path'], 0, leaves)
            if t['op'] == '=':
                if not any(eq(l, t['value']) for l in leaves):
                    return False
            elif not any(not eq(l, t['value']) for l in leaves):
                return False
    return True

def scan(log):
    threads = {}
    with open(log, 'r', encoding='utf-8') as f:
        f.readline()
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            ev = json.loads(line)
            threads.setdefault(ev['tid'], []).append((line, ev))
    out = []
    for q in inp['queries']:
        terms = compile_terms(q)
        out.append([[i for i, (line, ev) in enumerate(evs) if matches(terms, line, ev)] for evs in threads.values()])
    return out

json.dump([scan(log) for log in inp['logs']], open(sys.argv[2], 'w'))
`;

function valueForPython(v: QueryValue): unknown {
  return v.type === 'float' ? { type: 'float', text: String(v.value) } : v;
}

function termForPython(t: QueryTerm): unknown {
  if (t.type === 'field') return { type: 'field', path: t.path as PathStep[], op: t.op, value: valueForPython(t.value) };
  if (t.type === 'text') return { type: 'text', needle: t.needle };
  return { type: 'regex', pattern: t.pattern, flags: t.flags };
}

/** Per log, per query, per thread (in order of first appearance), the positions of the matching events. */
export function pythonMatchesOfLogs(logs: string[], queries: QueryTerm[][]): number[][][][] {
  return runPython<number[][][][]>(SCAN, { logs, queries: queries.map((q) => q.map(termForPython)) });
}

/** Per query, per thread (in order of first appearance), the positions of the matching events. */
export function pythonMatches(log: string, queries: QueryTerm[][]): number[][][] {
  return pythonMatchesOfLogs([log], queries)[0]!;
}
