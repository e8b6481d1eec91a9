import { describe, expect, it } from 'vitest';
import { authenticatedPrincipal } from './index.ts';

describe('authenticatedPrincipal', () => {
  it('keys an authInfo object by subject and clientId, never by its token', () => {
    const first = authenticatedPrincipal({ token: 'a', subject: 'alice', clientId: 'app', scopes: [] });
    const refreshed = authenticatedPrincipal({
      token: 'b',
      subject: 'alice',
      clientId: 'app',
      scopes: ['x'],
    });
    expect(first).toBe('["alice","app"]');
    expect(refreshed).toBe(first);
    expect(authenticatedPrincipal({ token: 'a', subject: 'mallory', clientId: 'app' })).not.toBe(first);
  });

  it('takes a string authInfo as the subject, and has no principal without authInfo', () => {
    expect(authenticatedPrincipal('alice')).toBe('["alice",null]');
    // A string names the subject, so it is the same caller as an object with that subject and no client.
    expect(authenticatedPrincipal('alice')).toBe(authenticatedPrincipal({ subject: 'alice' }));
    expect(authenticatedPrincipal(undefined)).toBeUndefined();
    expect(authenticatedPrincipal(null)).toBeUndefined();
    expect(authenticatedPrincipal(42)).toBeUndefined();
  });
});
