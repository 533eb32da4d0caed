import { describe, expect, it } from 'vitest';
import { engineLocalFields, engineLocalHow } from './engineLocal';
import { REFERENCE_RULES } from './referenceRules';
import { parseRules, parseSkipField, printRules, RulesError } from './rulesFile';
import { rulesDifferences, rulesFingerprint, sameRules } from './ruleSet';

describe('rules files', () => {
  it('the printed default reads back as the reference rules', () => {
    const text = printRules(REFERENCE_RULES);
    expect(text).toContain('skip handle.create payload.raw_handle_id');
    expect(text).toContain('allocator RtlAllocateHeap');
    expect(sameRules(parseRules(text, 'default.rules'), REFERENCE_RULES)).toBe(true);
    expect(rulesDifferences(parseRules(text, 'x'), REFERENCE_RULES)).toEqual([]);
  });

  it('start from the reference unless told otherwise, and say what differs from it', () => {
    const r = parseRules(
      [
        '# a comment',
        'skip * payload.timeout_ms   # trailing comment',
        'compare wait.end payload.wait_duration_cycles',
        'allocator ExAllocatePoolWithTag',
        'not-allocator MmCreateKernelStack',
        'pair handle.create payload.raw_handle_id',
        'canonicalize kernel.call payload.args_resolved.base_address',
        'ignore-kind "gpu swap"',
        'allocators pair',
      ].join('\n'),
      'my.rules',
    );
    expect(rulesDifferences(r, REFERENCE_RULES)).toEqual([
      'skip * payload.timeout_ms',
      'compare wait.end payload.wait_duration_cycles',
      'allocator ExAllocatePoolWithTag',
      'not-allocator MmCreateKernelStack',
      'allocators pair',
      'pair handle.create payload.raw_handle_id',
      'canonicalize kernel.call payload.args_resolved.base_address',
      'ignore-kind "gpu swap"',
    ]);
    // The same rule set written another way has the same fingerprint; another one has another.
    const again = parseRules(printRules(r), 'printed');
    expect(rulesFingerprint(again)).toBe(rulesFingerprint(r));
    expect(rulesFingerprint(r)).not.toBe(rulesFingerprint(REFERENCE_RULES));
    expect(rulesFingerprint(r)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('base none starts from nothing; quoted segments hold dots', () => {
    const r = parseRules('base none\nskip * payload."a.b".c\n', 'x');
    expect(r.skip).toEqual([{ kind: '*', path: ['payload', 'a.b', 'c'] }]);
    expect(r.allocators).toEqual([]);
    expect(printRules(r)).toContain('skip * payload."a.b".c');
  });

  it('refuse what they cannot read, naming the file and the line', () => {
    const cases: [string, RegExp][] = [
      ['skip * payload.x\nfrobnicate x', /^bad\.rules:2: unknown directive "frobnicate"/],
      ['skip *', /^bad\.rules:1: skip takes a kind/],
      ['skip * kind', /^bad\.rules:1: kind says what an event is/],
      ['skip * host_ns', /host_ns is never compared/],
      ['skip * payload..x', /empty segment/],
      ['canonicalize * payload', /only a field inside the payload/],
      ['skip * payload.x\nbase none', /^bad\.rules:2: base must come before/],
      ['ignore-kind "open', /not closed/],
      ['allocators sometimes', /number or pair/],
    ];
    for (const [text, re] of cases) expect(() => parseRules(text, 'bad.rules'), text).toThrow(re);
    expect(() => parseRules('skip', 'x')).toThrow(RulesError);
  });

  it('read --skip-field flags', () => {
    expect(parseSkipField('*:payload.timeout_ms')).toEqual({ kind: '*', path: ['payload', 'timeout_ms'] });
    expect(parseSkipField('wait.end:tid_event_idx')).toEqual({ kind: 'wait.end', path: ['tid_event_idx'] });
    expect(parseSkipField('"a:b":payload.x')).toEqual({ kind: 'a:b', path: ['payload', 'x'] });
    expect(() => parseSkipField('payload.x')).toThrow(/expected KIND:PATH/);
    expect(() => parseSkipField('*:')).toThrow(/expected KIND:PATH/);
  });
});

describe('engine-local fields', () => {
  it('name what the reference leaves out or numbers', () => {
    const f = engineLocalFields(REFERENCE_RULES);
    expect(f).toContainEqual({ kind: 'handle.create', path: ['payload', 'raw_handle_id'], how: 'skipped' });
    expect(engineLocalHow(REFERENCE_RULES, 'kernel.return', 'RtlAllocateHeap', ['payload', 'return_value'])).toBe('numbered');
    expect(engineLocalHow(REFERENCE_RULES, 'kernel.return', 'NtClose', ['payload', 'return_value'])).toBeNull();
    expect(engineLocalHow(REFERENCE_RULES, 'kernel.return', 'RtlAllocateHeap', ['payload', 'return_value'], false)).toBeNull();
    expect(engineLocalHow(REFERENCE_RULES, 'wait.end', null, ['payload', 'wait_duration_cycles'])).toBe('skipped');
  });

  it('follow the rules: paired fields, nested paths, a skipped parent', () => {
    const r = parseRules('pair * payload.args.handle\nskip kernel.call payload.args\nallocators pair', 'x');
    expect(engineLocalHow(r, 'kernel.return', 'RtlAllocateHeap', ['payload', 'status'])).toBe('paired');
    expect(engineLocalHow(r, 'handle.create', null, ['payload', 'args', 'handle'])).toBe('paired');
    expect(engineLocalHow(r, 'kernel.call', null, ['payload', 'args', 'handle'])).toBe('skipped');
    expect(engineLocalHow(r, 'handle.create', null, ['payload', 'args', 'other'])).toBeNull();
  });
});
