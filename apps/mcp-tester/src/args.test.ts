import { describe, expect, it } from 'vitest';
import { parseArgs, splitCommandLine } from './args.ts';

describe('parseArgs', () => {
  it('parses a test of an HTTP target with a tool call, headers, era and timeout', () => {
    const outcome = parseArgs([
      'test',
      'http://127.0.0.1:3000/mcp',
      '--call',
      'add',
      '--args',
      '{"a":1}',
      '--header',
      'Authorization: Bearer abc:def',
      '--era=legacy',
      '--timeout',
      '500ms',
      '--json',
    ]);
    expect(outcome).toEqual({
      ok: true,
      parsed: {
        command: 'test',
        target: { kind: 'http', url: 'http://127.0.0.1:3000/mcp' },
        options: { json: true, era: 'legacy', headers: { Authorization: 'Bearer abc:def' }, timeoutMs: 500 },
        call: { tool: 'add', arguments: { a: 1 } },
      },
    });
  });

  it('reads --stdio as a target and keeps the order of compare targets', () => {
    const outcome = parseArgs([
      'compare',
      '--stdio',
      'node "my server.ts" --flag',
      'https://example.com/mcp',
    ]);
    expect(outcome.ok && outcome.parsed.command === 'compare' && outcome.parsed.targets).toEqual([
      {
        kind: 'stdio',
        commandLine: 'node "my server.ts" --flag',
        command: 'node',
        args: ['my server.ts', '--flag'],
      },
      { kind: 'http', url: 'https://example.com/mcp' },
    ]);
  });

  it('takes a bare timeout as seconds', () => {
    const outcome = parseArgs(['diagnose', 'http://127.0.0.1/mcp', '--timeout', '2.5']);
    expect(outcome.ok && outcome.parsed.command === 'diagnose' && outcome.parsed.options.timeoutMs).toBe(
      2500,
    );
  });

  it.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['test'], /needs one target/],
    [['compare', 'http://127.0.0.1/mcp'], /needs two targets/],
    [['test', 'ftp://example.com'], /Only http:\/\/ and https:\/\//],
    [['test', 'localhost:3000'], /not a target/],
    [['test', 'http://127.0.0.1/mcp', '--era', 'future'], /--era must be auto, modern or legacy/],
    [['test', 'http://127.0.0.1/mcp', '--header', 'no colon'], /--header must look like/],
    [['test', 'http://127.0.0.1/mcp', '--timeout', '-1'], /--timeout must be a positive duration/],
    [['test', 'http://127.0.0.1/mcp', '--call', 'x', '--args', '[1]'], /--args must be a JSON object/],
    [['test', 'http://127.0.0.1/mcp', '--call', 'x', '--args', '{nope'], /--args is not valid JSON/],
    [['test', 'http://127.0.0.1/mcp', '--args', '{}'], /--args needs --call/],
    [['compliance', 'http://127.0.0.1/mcp', '--call', 'x'], /belong to the "test" command/],
    [['test', '--stdio', '"unterminated'], /unterminated double quote/],
    [['test', 'http://127.0.0.1/mcp', '--bogus'], /Unknown option --bogus/],
    [['test', 'http://127.0.0.1/mcp', '--call'], /--call needs a value/],
  ])('refuses %j with a message that says what to fix', (argv, message) => {
    const outcome = parseArgs(argv);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatch(message);
  });

  it('answers help for no arguments and for --help', () => {
    expect(parseArgs([])).toEqual({ ok: true, parsed: { command: 'help' } });
    expect(parseArgs(['test', '--help'])).toEqual({ ok: true, parsed: { command: 'help' } });
  });
});

describe('splitCommandLine', () => {
  it('splits on spaces and tabs, honouring double quotes and their escapes', () => {
    expect(splitCommandLine('  node\t"a b"  c"d e"f "say \\"hi\\"" "" ')).toEqual({
      ok: true,
      words: ['node', 'a b', 'cd ef', 'say "hi"', ''],
    });
  });

  it('keeps backslashes outside quotes as they are', () => {
    expect(splitCommandLine('C:\\tools\\server.exe --x')).toEqual({
      ok: true,
      words: ['C:\\tools\\server.exe', '--x'],
    });
  });

  it('refuses an empty command line', () => {
    expect(splitCommandLine('   ')).toEqual({ ok: false, error: expect.stringMatching(/empty/) });
  });
});
