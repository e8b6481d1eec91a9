import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createServer, type HandlerContext, type ToolArgs, type ToolResult } from './index.ts';

describe('tool handler types', () => {
  const server = createServer({ name: 's', version: '1' });

  it('infers args from a zod input schema (its output type)', () => {
    server.tool(
      'typed',
      {
        description: 'd',
        input: z.object({ city: z.string(), days: z.number().default(3), tag: z.string().optional() }),
      },
      (args, ctx) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days: number; tag?: string | undefined }>();
        expectTypeOf(ctx).toEqualTypeOf<HandlerContext>();
        return args.city;
      },
    );
  });

  it('gives an empty object without input and an open record for JSON Schema', () => {
    server.tool('none', { description: 'd' }, (args) => {
      expectTypeOf(args).toEqualTypeOf<Record<string, never>>();
      return 'ok';
    });
    server.tool('json', { description: 'd', input: { type: 'object' } }, (args) => {
      expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
      return 'ok';
    });
  });

  it('checks return values against a zod output schema', () => {
    const output = z.object({ celsius: z.number() });
    server.tool('out', { description: 'd', output }, () => ({ celsius: 1 }));
    server.tool('full', { description: 'd', output }, (): ToolResult => ({ content: [] }));
    // @ts-expect-error celsius must be a number
    server.tool('wrong', { description: 'd', output }, () => ({ celsius: 'warm' }));
  });

  it('exposes ToolArgs in one step', () => {
    const input = z.object({ n: z.string().transform((text) => text.length) });
    expectTypeOf<ToolArgs<typeof input>>().toEqualTypeOf<{ n: number }>();
  });
});
