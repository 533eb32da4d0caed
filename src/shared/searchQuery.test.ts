import { describe, expect, it } from 'vitest';
import { bareValue, parseQuery, pathText, type QueryTerm } from './searchQuery';

const terms = (q: string): QueryTerm[] => {
  const p = parseQuery(q);
  if (!p.ok) throw new Error(p.message);
  return p.terms;
};
const error = (q: string): { message: string; at: number } => {
  const p = parseQuery(q);
  if (p.ok) throw new Error(`${q} parsed`);
  return { message: p.message, at: p.at };
};

describe('the find box query', () => {
  it('reads kind:, name:, fields, text, phrases and regexes, all of which must hold', () => {
    expect(terms('kind:kernel.return name:NtReadFile payload.status=0xC0000034 NtCreate "file not found" /Nt(Read|Write)File/i')).toEqual([
      { type: 'field', path: [{ key: 'kind' }], op: '=', value: { type: 'string', value: 'kernel.return' }, text: 'kind="kernel.return"' },
      {
        type: 'field',
        path: [{ key: 'payload' }, { key: 'name' }],
        op: '=',
        value: { type: 'string', value: 'NtReadFile' },
        text: 'payload.name="NtReadFile"',
      },
      {
        type: 'field',
        path: [{ key: 'payload' }, { key: 'status' }],
        op: '=',
        value: { type: 'int', digits: '3221225524' },
        text: 'payload.status=3221225524',
      },
      { type: 'text', needle: 'NtCreate', text: '"NtCreate"' },
      { type: 'text', needle: 'file not found', text: '"file not found"' },
      { type: 'regex', pattern: 'Nt(Read|Write)File', flags: 'i', text: '/Nt(Read|Write)File/i' },
    ]);
  });

  it('reads nested paths, list items, odd keys and !=', () => {
    expect(terms('payload.args_resolved.a1!=1856 payload.blob[3]=7 payload.list[*]=x payload["a.b"]=1')).toMatchObject([
      { path: [{ key: 'payload' }, { key: 'args_resolved' }, { key: 'a1' }], op: '!=', value: { type: 'int', digits: '1856' } },
      { path: [{ key: 'payload' }, { key: 'blob' }, { index: 3 }], op: '=' },
      { path: [{ key: 'payload' }, { key: 'list' }, { anyItem: true }], value: { type: 'string', value: 'x' } },
      { path: [{ key: 'payload' }, { key: 'a.b' }], value: { type: 'int', digits: '1' } },
    ]);
    expect(pathText([{ key: 'payload' }, { key: 'a.b' }, { index: 2 }, { anyItem: true }, { key: 'x' }])).toBe('payload["a.b"][2][*].x');
  });

  it('reads values as JSON and Python int(x, 0) spell them; anything else is a string', () => {
    expect(bareValue('0xC0000034')).toEqual({ type: 'int', digits: '3221225524' });
    expect(bareValue('-0x10')).toEqual({ type: 'int', digits: '-16' });
    expect(bareValue('0o17')).toEqual({ type: 'int', digits: '15' });
    expect(bareValue('0b101')).toEqual({ type: 'int', digits: '5' });
    expect(bareValue('1_000')).toEqual({ type: 'int', digits: '1000' });
    expect(bareValue('18446744073709551615')).toEqual({ type: 'int', digits: '18446744073709551615' });
    expect(bareValue('1.0')).toEqual({ type: 'float', value: 1 });
    expect(bareValue('1e16')).toEqual({ type: 'float', value: 1e16 });
    expect(bareValue('.5')).toEqual({ type: 'float', value: 0.5 });
    expect(bareValue('true')).toEqual({ type: 'bool', value: true });
    expect(bareValue('null')).toEqual({ type: 'null' });
    for (const s of ['007', '0x', '1__0', 'NaN', 'inf', 'game:\\default.xex', '']) expect(bareValue(s)).toEqual({ type: 'string', value: s });
    expect(terms('payload.s="0x10"')[0]).toMatchObject({ value: { type: 'string', value: '0x10' } });
    expect(terms('payload.s="a \\"b\\""')[0]).toMatchObject({ value: { type: 'string', value: 'a "b"' } });
  });

  it('takes JSON as it is typed as text: a quote that does not end the term is part of it', () => {
    expect(terms('"ord": 13')).toEqual([
      { type: 'text', needle: '"ord":', text: '"\\"ord\\":"' },
      { type: 'text', needle: '13', text: '"13"' },
    ]);
  });

  it('spells equal queries alike (what answers are cached by)', () => {
    const a = parseQuery('kind=kernel.return   payload.status==0x0');
    const b = parseQuery('kind:"kernel.return" payload.status=0');
    expect(a.ok && b.ok && a.text === b.text).toBe(true);
  });

  it('says what is wrong with a query, and where', () => {
    expect(error('/Nt(Read/')).toEqual({ message: '/Nt(Read/ is not a valid regular expression: Unterminated group', at: 0 });
    expect(error('name:x /abc')).toEqual({ message: 'a regular expression is not closed: end it with /', at: 7 });
    expect(error('/a/q')).toMatchObject({ message: expect.stringMatching(/unknown flag q/) });
    expect(error('payload.status=')).toEqual({ message: 'a value is missing after payload.status=', at: 15 });
    expect(error('"unclosed')).toEqual({ message: 'a quote is not closed', at: 0 });
    expect(error('payload.s="x"y')).toEqual({ message: 'put a space between two terms', at: 13 });
    expect(error('x'.repeat(3000)).message).toMatch(/longer than/);
  });

  it('parses an empty query to no terms', () => {
    expect(parseQuery('   ')).toEqual({ ok: true, terms: [], text: '' });
  });
});
