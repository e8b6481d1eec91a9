import { describe, expect, it, vi } from 'vitest';
import { Registry } from './registry.ts';

describe('Registry', () => {
  it('keeps registration order and hides disabled entries', () => {
    const registry = new Registry<number>('thing');
    registry.add('b', 1);
    const a = registry.add('a', 2);
    registry.add('c', 3);
    a.disable();
    expect(registry.list()).toEqual([
      ['b', 1],
      ['c', 3],
    ]);
    expect(registry.get('a')).toBeUndefined();
    a.enable();
    expect(registry.list().map(([name]) => name)).toEqual(['b', 'a', 'c']);
    expect(registry.get('a')).toBe(2);
  });

  it('signals only real changes', () => {
    const registry = new Registry<string>('thing');
    const listener = vi.fn();
    const unsubscribe = registry.onChange(listener);
    const handle = registry.add('x', 'X');
    handle.enable();
    handle.disable();
    handle.disable();
    handle.remove();
    handle.remove();
    expect(listener).toHaveBeenCalledTimes(3);
    unsubscribe();
    registry.add('y', 'Y');
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('remembers that it was used, and frees removed names', () => {
    const registry = new Registry<string>('prompt');
    expect(registry.everUsed).toBe(false);
    const handle = registry.add('p', 'one');
    expect(() => registry.add('p', 'two')).toThrow('A prompt named "p" is already registered');
    handle.remove();
    expect(handle.enabled).toBe(false);
    expect(() => handle.disable()).toThrow('Cannot disable prompt "p": it was removed');
    const again = registry.add('p', 'two');
    expect(registry.everUsed).toBe(true);
    // The old handle must not affect the new entry.
    handle.remove();
    expect(again.enabled).toBe(true);
    expect(registry.get('p')).toBe('two');
  });
});
