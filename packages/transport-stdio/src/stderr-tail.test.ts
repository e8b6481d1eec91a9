import { describe, expect, it } from 'vitest';
import { StderrTail } from './stderr-tail.ts';

describe('StderrTail', () => {
  it('keeps the last lines, without blank ones', () => {
    const tail = new StderrTail(2, 1000);
    tail.push('one\n\ntwo\r\n');
    tail.push(new TextEncoder().encode('three\n'));
    expect(tail.lines()).toBe('two\nthree');
  });

  it('decodes UTF-8 split across chunks', () => {
    const tail = new StderrTail();
    const bytes = new TextEncoder().encode('héllo 🌍\n');
    tail.push(bytes.subarray(0, 2));
    tail.push(bytes.subarray(2, 8));
    tail.push(bytes.subarray(8));
    expect(tail.lines()).toBe('héllo 🌍');
  });

  it('bounds what it keeps by characters', () => {
    const tail = new StderrTail(100, 10);
    for (let index = 0; index < 50; index++) tail.push(`line ${index}\n`);
    expect(tail.lines().length).toBeLessThanOrEqual(10);
    expect(tail.lines().endsWith('line 49')).toBe(true);
  });

  it('is empty when nothing was written', () => {
    expect(new StderrTail().lines()).toBe('');
  });
});
