// The request checks take only own properties for keys: a key named like a
// built-in of Object (constructor, toString, hasOwnProperty, __proto__) is as
// unknown as any other, and a missing key is never found on the prototype.
import { describe, expect, it } from 'vitest';
import { checkRequest } from './requestSchemas';

describe('request schemas', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])('refuse an extra key named %s', (key) => {
    const arg = JSON.parse(`{"sessionId": "s1", ${JSON.stringify(key)}: 1}`) as unknown;
    const r = checkRequest('session/get', arg);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`arg.${key} is not expected`);
  });

  it('refuse a request named like a built-in', () => {
    for (const name of ['constructor', 'toString', '__proto__']) expect(checkRequest(name, {}).ok).toBe(false);
  });

  it('accept what fits', () => {
    expect(checkRequest('session/get', { sessionId: 's1' }).ok).toBe(true);
    expect(checkRequest('session/open', { jobId: 'j', canaryPath: '/a', oursPath: '/b' }).ok).toBe(true);
  });
});
