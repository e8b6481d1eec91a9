import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createServer, type HandlerContext, type PromptArgs, type UriTemplateVariables } from './index.ts';

describe('prompt and resource handler types', () => {
  const server = createServer({ name: 's', version: '1' });

  it('infers prompt args from an argument list: required ones are strings, others optional', () => {
    server.prompt(
      'listed',
      { description: 'd', arguments: [{ name: 'topic', required: true }, { name: 'tone' }] },
      (args, ctx) => {
        expectTypeOf(args).toEqualTypeOf<{ topic: string; tone?: string }>();
        expectTypeOf(ctx).toEqualTypeOf<HandlerContext>();
        return args.topic;
      },
    );
  });

  it('infers prompt args from a zod schema and gives an empty object without arguments', () => {
    server.prompt(
      'schema',
      { description: 'd', arguments: z.object({ n: z.string().transform(Number) }) },
      (args) => {
        expectTypeOf(args).toEqualTypeOf<{ n: number }>();
        return String(args.n);
      },
    );
    server.prompt('none', { description: 'd' }, (args) => {
      expectTypeOf(args).toEqualTypeOf<Record<string, string | undefined>>();
      return 'x';
    });
  });

  it('infers names next to inline and separate completers, whose value is a string', () => {
    server.prompt(
      'inline',
      {
        description: 'd',
        arguments: [
          {
            name: 'city',
            required: true,
            complete: (value) => {
              expectTypeOf(value).toEqualTypeOf<string>();
              return [value];
            },
          },
        ],
      },
      (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string }>();
        return args.city;
      },
    );
    server.prompt(
      'separate',
      {
        description: 'd',
        arguments: [{ name: 'city', required: true }],
        complete: { city: (value) => [value] },
      },
      (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string }>();
        return args.city;
      },
    );
  });

  it('checks what a prompt handler returns', () => {
    server.prompt('messages', { description: 'd' }, () => [
      { role: 'user', content: { type: 'text', text: 'x' } },
    ]);
    server.prompt('bad', { description: 'd' }, () => [
      // @ts-expect-error a role must be "user" or "assistant"
      { role: 'system', content: { type: 'text', text: 'x' } },
    ]);
  });

  it('exposes PromptArgs in one step', () => {
    expectTypeOf<PromptArgs<readonly [{ name: 'a'; required: true }, { name: 'b' }]>>().toEqualTypeOf<{
      a: string;
      b?: string;
    }>();
    expectTypeOf<PromptArgs<undefined>>().toEqualTypeOf<Record<string, never>>();
  });

  it('types template variables and read results', () => {
    server.resourceTemplate('x://{id}', { name: 'x' }, (uri, variables) => {
      expectTypeOf(uri).toEqualTypeOf<string>();
      expectTypeOf(variables).toEqualTypeOf<UriTemplateVariables>();
      return { text: String(variables.id) };
    });
    // @ts-expect-error a read callback cannot return a number
    server.resource('x://n', { name: 'n' }, () => 42);
  });
});
