// The comparison rules of the reference tool (shared/reference/diff_events.py),
// in one place for the ingest (which hashes by them) and the exact diff, and
// as the default rule set (REFERENCE_RULES) that other rule sets differ from.
import type { RuleSet } from './ruleSet';

/** SKIP_PAYLOAD_FIELDS_BY_KIND: engine-local payload fields, never compared. */
const SKIP_PAYLOAD_FIELDS_BY_KIND: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['handle.create', new Set(['raw_handle_id'])],
  ['handle.destroy', new Set(['raw_handle_id'])],
  ['wait.end', new Set(['wait_duration_cycles'])],
]);
const NO_SKIP: ReadonlySet<string> = new Set();

/** The payload fields skipped for an event of this kind (the kind compared as Python's dict lookup does). */
export function skippedPayloadFields(kind: unknown): ReadonlySet<string> {
  return (typeof kind === 'string' && SKIP_PAYLOAD_FIELDS_BY_KIND.get(kind)) || NO_SKIP;
}

/** ALLOCATOR_RETURN_FNS: kernel exports whose return value is a host-dependent address. */
export const ALLOCATOR_RETURN_FNS: ReadonlySet<string> = new Set([
  'MmAllocatePhysicalMemoryEx',
  'MmAllocatePhysicalMemory',
  'NtAllocateVirtualMemory',
  'RtlAllocateHeap',
  'MmCreateKernelStack',
]);

/** The value canonicalization writes over return_value (and status): ordinals count per (tid, name). */
export function allocatorSentinel(name: string, ordinal: number): string {
  return `<alloc:${name}_${ordinal}>`;
}

/**
 * The reference's constants as a rule set: SKIP_PAYLOAD_FIELDS_BY_KIND and
 * ALLOCATOR_RETURN_FNS, allocator returns numbered per (tid, name). Its
 * SKIP_TOP_FIELDS (engine, host_ns, guest_cycle, deterministic) need no rule:
 * compare_event never looks at them.
 */
export const REFERENCE_RULES: RuleSet = {
  skip: [...SKIP_PAYLOAD_FIELDS_BY_KIND].flatMap(([kind, fields]) => [...fields].map((f) => ({ kind, path: ['payload', f] }))),
  allocators: [...ALLOCATOR_RETURN_FNS],
  allocatorPairing: false,
  canonicalize: [],
  ignoreKinds: [],
};

/** SKIP_TOP_FIELDS: never compared, named in the printed default rules. */
export const NEVER_COMPARED_TOP_FIELDS: readonly string[] = ['engine', 'host_ns', 'guest_cycle', 'deterministic'];
