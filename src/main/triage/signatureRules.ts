// Which values a signature leaves out: those the comparison rules call
// engine-local (each engine has its own, so their text says nothing about the
// divergence and would differ from run to run): the reference's, and under a
// session's own rules what they skip, number or pair (rules/engineLocal.ts).
import { engineLocalHow } from '../rules/engineLocal';
import { ALLOCATOR_RETURN_FNS, skippedPayloadFields } from '../rules/referenceRules';
import type { RuleSet } from '../rules/ruleSet';

/** Where a differing value sits: the event's kind and call name, the payload key and the leaf's own key. */
export interface ValuePlace {
  kind: string | null;
  name: string | null;
  /** The top-level payload key (`args_resolved` of `payload.args_resolved.handle`). */
  payloadKey: string | null;
  /** The last key on the path to the leaf (`handle`), or null when the path ends in a list index or is not in the payload. */
  leafKey: string | null;
  /** The leaf's whole path (`['payload', 'args_resolved', 'handle']`), when it goes through keys only. */
  path?: string[] | null;
  /** The comparison's rules when they are not the reference's. */
  rules?: { rules: RuleSet; canonicalize: boolean } | null;
}

/** Fields the reference skips for some kind: engine-local wherever they appear (raw_handle_id, wait_duration_cycles). */
const ENGINE_LOCAL_NAMES: ReadonlySet<string> = new Set(['handle.create', 'handle.destroy', 'wait.end'].flatMap((kind) => [...skippedPayloadFields(kind)]));

/**
 * The placeholder a signature writes instead of an engine-local value, or
 * null when the value is compared as it is. The reference's rules: an
 * allocator's return_value and status (host addresses, or the per-thread
 * ordinals canonicalization writes over them: the ordinal is positional), and
 * the fields it skips as engine-local (raw handle ids, wait durations).
 */
export function engineLocalPlaceholder(at: ValuePlace): string | null {
  if (at.kind === 'kernel.return' && at.name !== null && ALLOCATOR_RETURN_FNS.has(at.name)) {
    if (at.payloadKey === 'return_value' || at.payloadKey === 'status') return '<alloc>';
  }
  if (at.kind !== null && at.payloadKey !== null && skippedPayloadFields(at.kind).has(at.payloadKey)) return '<engine-local>';
  if (at.leafKey !== null && ENGINE_LOCAL_NAMES.has(at.leafKey)) return '<engine-local>';
  if (at.rules && at.path && at.kind !== null && engineLocalHow(at.rules.rules, at.kind, at.name, at.path, at.rules.canonicalize) !== null) return '<engine-local>';
  return null;
}
