import { describe, expect, it } from 'vitest';
import { canonicalResourceUri, isResourceAllowed } from './resource.ts';

describe('canonicalResourceUri', () => {
  it.each([
    ['https://mcp.example.com/mcp', 'https://mcp.example.com/mcp'],
    ['HTTPS://MCP.Example.COM/mcp', 'https://mcp.example.com/mcp'],
    ['https://mcp.example.com/', 'https://mcp.example.com'],
    ['https://mcp.example.com:443/server/mcp/', 'https://mcp.example.com/server/mcp'],
    ['https://mcp.example.com:8443', 'https://mcp.example.com:8443'],
    ['https://mcp.example.com/mcp#fragment', 'https://mcp.example.com/mcp'],
    ['http://127.0.0.1:3000/mcp?tenant=a', 'http://127.0.0.1:3000/mcp?tenant=a'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalResourceUri(input)).toBe(canonical);
  });

  it('refuses what is not an absolute http(s) URI, saying what one looks like', () => {
    expect(() => canonicalResourceUri('mcp.example.com')).toThrow(
      /not an absolute URI.*https:\/\/mcp\.example\.com\/mcp/,
    );
    expect(() => canonicalResourceUri('ftp://mcp.example.com')).toThrow(/must use https:/);
  });
});

describe('isResourceAllowed', () => {
  it('accepts the same resource and whole-segment prefixes on the same origin', () => {
    expect(isResourceAllowed('https://h.example/mcp', 'https://h.example/mcp')).toBe(true);
    expect(isResourceAllowed('https://h.example/mcp', 'https://H.example/mcp/')).toBe(true);
    expect(isResourceAllowed('https://h.example/api/mcp', 'https://h.example/api')).toBe(true);
    expect(isResourceAllowed('http://localhost:3000/mcp', 'http://localhost:3000')).toBe(true);
  });

  it('refuses another origin, a partial segment, a deeper path or garbage', () => {
    expect(isResourceAllowed('https://h.example/mcp', 'https://evil.example/mcp')).toBe(false);
    expect(isResourceAllowed('https://h.example/mcp', 'http://h.example/mcp')).toBe(false);
    expect(isResourceAllowed('https://h.example:8443/mcp', 'https://h.example/mcp')).toBe(false);
    expect(isResourceAllowed('https://h.example/apix', 'https://h.example/api')).toBe(false);
    expect(isResourceAllowed('https://h.example/mcp', 'https://h.example/mcp/v2')).toBe(false);
    expect(isResourceAllowed('https://h.example/mcp', 'not a url')).toBe(false);
  });
});
