import { describe, expect, it } from 'vitest';
import { ToolError } from './tool-error.ts';

describe('ToolError', () => {
  it('is recognised across copies of the package through its brand', () => {
    const error = new ToolError('bad input', { cause: 'x' });
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ToolError');
    expect(error.cause).toBe('x');
    const foreign = Object.defineProperty(new Error('other copy'), Symbol.for('pmcp.ToolError'), {
      value: true,
    });
    expect(foreign).toBeInstanceOf(ToolError);
    expect(new Error('plain')).not.toBeInstanceOf(ToolError);
  });

  it('keeps ordinary instanceof for subclasses', () => {
    class QuotaError extends ToolError {}
    expect(new QuotaError('quota')).toBeInstanceOf(QuotaError);
    expect(new QuotaError('quota')).toBeInstanceOf(ToolError);
    expect(new ToolError('plain')).not.toBeInstanceOf(QuotaError);
  });
});
