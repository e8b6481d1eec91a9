import { describe, expect, it } from 'vitest';
import { selectScopes, splitScopes, unionScopes } from './scopes.ts';

describe('selectScopes', () => {
  it('prefers the challenge scope, then all of scopes_supported, then omits', () => {
    expect(selectScopes('mcp:basic', ['mcp:basic', 'mcp:write'])).toBe('mcp:basic');
    expect(selectScopes(undefined, ['mcp:basic', 'mcp:read', 'mcp:write'])).toBe(
      'mcp:basic mcp:read mcp:write',
    );
    expect(selectScopes('  ', ['a'])).toBe('a');
    expect(selectScopes(undefined, [])).toBeUndefined();
    expect(selectScopes(undefined, undefined)).toBeUndefined();
  });
});

describe('unionScopes', () => {
  it('keeps first-seen order without duplicates', () => {
    expect(unionScopes('mcp:basic', 'mcp:write mcp:basic')).toBe('mcp:basic mcp:write');
    expect(unionScopes(undefined, 'a  b', 'b c')).toBe('a b c');
    expect(unionScopes(undefined, '')).toBeUndefined();
  });

  it('splits on any whitespace', () => {
    expect(splitScopes(' a\tb  c ')).toEqual(['a', 'b', 'c']);
  });
});
