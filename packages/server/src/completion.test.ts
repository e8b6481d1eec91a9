import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { errorOf, modern, resultOf, useTestClients } from '../test/harness.ts';
import { type CompletionContext, createServer } from './index.ts';

const connect = useTestClients();

const CITIES: Record<string, string[]> = {
  FR: ['Paris', 'Parthenay', 'Lyon'],
  DE: ['Berlin', 'Bonn'],
};

function travelServer() {
  const server = createServer({ name: 'travel', version: '1.0.0' });
  server.prompt(
    'plan_trip',
    {
      description: 'Plan a trip',
      arguments: [
        {
          name: 'country',
          required: true,
          complete: (value) => Object.keys(CITIES).filter((code) => code.startsWith(value.toUpperCase())),
        },
        { name: 'city', required: true },
        { name: 'notes' },
      ],
      complete: {
        city: (value, { arguments: chosen }) =>
          (CITIES[chosen.country ?? ''] ?? Object.values(CITIES).flat()).filter((city) =>
            city.startsWith(value),
          ),
      },
    },
    ({ country, city }) => `Plan a trip to ${city}, ${country}.`,
  );
  server.resourceTemplate(
    'weather://{country}/{city}',
    {
      name: 'weather',
      complete: {
        city: (value, { arguments: chosen }) =>
          (CITIES[chosen.country ?? ''] ?? []).filter((city) => city.startsWith(value)),
      },
    },
    (_uri, { city }) => `Sunny in ${city}`,
  );
  return server;
}

function complete(
  ref: Record<string, unknown>,
  name: string,
  value: string,
  context?: Record<string, unknown>,
) {
  const params: Record<string, unknown> = { ref, argument: { name, value } };
  if (context !== undefined) params.context = context;
  return params;
}

describe('completion/complete for prompt arguments', () => {
  it('calls the completer of the argument (inline or from config.complete), with context.arguments', async () => {
    const client = await connect(travelServer());
    const ref = { type: 'ref/prompt', name: 'plan_trip' };
    expect(
      resultOf(await client.request('completion/complete', modern(complete(ref, 'country', 'f')))),
    ).toMatchObject({
      resultType: 'complete',
      completion: { values: ['FR'] },
    });
    const cities = resultOf(
      await client.request(
        'completion/complete',
        modern(complete(ref, 'city', 'Par', { arguments: { country: 'FR' } })),
      ),
    );
    expect(cities.completion).toEqual({ values: ['Paris', 'Parthenay'] });
    expect(cities).not.toHaveProperty('ttlMs');
    const anywhere = resultOf(
      await client.request('completion/complete', modern(complete(ref, 'city', 'B'))),
    );
    expect(anywhere.completion).toEqual({ values: ['Berlin', 'Bonn'] });
  });

  it('answers an argument without a completer with no values', async () => {
    const client = await connect(travelServer());
    const result = resultOf(
      await client.request(
        'completion/complete',
        modern(complete({ type: 'ref/prompt', name: 'plan_trip' }, 'notes', 'x')),
      ),
    );
    expect(result.completion).toEqual({ values: [] });
  });

  it('works for prompts whose arguments are a schema', async () => {
    const server = createServer({ name: 's', version: '1' });
    server.prompt(
      'essay',
      {
        description: 'd',
        arguments: z.object({ tone: z.string() }),
        complete: { tone: (value) => ['formal', 'funny'].filter((tone) => tone.startsWith(value)) },
      },
      ({ tone }) => tone,
    );
    const client = await connect(server);
    const result = resultOf(
      await client.request(
        'completion/complete',
        modern(complete({ type: 'ref/prompt', name: 'essay' }, 'tone', 'fu')),
      ),
    );
    expect(result.completion).toEqual({ values: ['funny'] });
  });
});

describe('completion/complete for template variables', () => {
  it('completes a variable with the other variables in context.arguments (modern)', async () => {
    const client = await connect(travelServer());
    const result = resultOf(
      await client.request(
        'completion/complete',
        modern(
          complete({ type: 'ref/resource', uri: 'weather://{country}/{city}' }, 'city', 'B', {
            arguments: { country: 'DE' },
          }),
        ),
      ),
    );
    expect(result.completion).toEqual({ values: ['Berlin', 'Bonn'] });
  });

  it('works in legacy sessions, including the 2024-11-05 ref/resource form', async () => {
    for (const revision of ['2025-11-25', '2025-06-18', '2024-11-05']) {
      const client = await connect(travelServer());
      await client.initialize(revision);
      const context = revision >= '2025-06-18' ? { arguments: { country: 'FR' } } : undefined;
      const result = resultOf(
        await client.request(
          'completion/complete',
          complete({ type: 'ref/resource', uri: 'weather://{country}/{city}' }, 'city', 'L', context),
        ),
      );
      expect(result, revision).toEqual({ completion: { values: context === undefined ? [] : ['Lyon'] } });
    }
  });

  it('answers a variable without a completer with no values', async () => {
    const client = await connect(travelServer());
    const result = resultOf(
      await client.request(
        'completion/complete',
        modern(complete({ type: 'ref/resource', uri: 'weather://{country}/{city}' }, 'country', 'F')),
      ),
    );
    expect(result.completion).toEqual({ values: [] });
  });
});

describe('completion limits', () => {
  it('sends at most 100 values, with total and hasMore', async () => {
    const server = createServer({ name: 's', version: '1' });
    const many = Array.from({ length: 250 }, (_, index) => `v${index}`);
    server.prompt(
      'p',
      {
        description: 'd',
        arguments: [
          { name: 'plain', complete: () => many },
          { name: 'counted', complete: () => ({ values: many.slice(0, 150), total: 1_000 }) },
          { name: 'exact', complete: () => ({ values: ['a', 'b'], total: 2, hasMore: false }) },
        ],
      },
      () => 'x',
    );
    const client = await connect(server);
    const ask = async (name: string) =>
      resultOf(
        await client.request(
          'completion/complete',
          modern(complete({ type: 'ref/prompt', name: 'p' }, name, '')),
        ),
      ).completion as { values: string[]; total?: number; hasMore?: boolean };
    const plain = await ask('plain');
    expect(plain.values).toEqual(many.slice(0, 100));
    expect(plain).toMatchObject({ total: 250, hasMore: true });
    expect(await ask('counted')).toMatchObject({ values: many.slice(0, 100), total: 1_000, hasMore: true });
    expect(await ask('exact')).toEqual({ values: ['a', 'b'], total: 2, hasMore: false });
  });

  it('gives completers the cancellation signal and the client', async () => {
    const server = createServer({ name: 's', version: '1' });
    const completer = vi.fn((_value: string, _context: CompletionContext) => ['x']);
    server.prompt('p', { description: 'd', arguments: [{ name: 'a', complete: completer }] }, () => 'x');
    const client = await connect(server);
    await client.request(
      'completion/complete',
      modern(complete({ type: 'ref/prompt', name: 'p' }, 'a', 'q')),
    );
    const context = completer.mock.calls[0]?.[1];
    expect(completer.mock.calls[0]?.[0]).toBe('q');
    expect(context?.arguments).toEqual({});
    expect(context?.signal).toBeInstanceOf(AbortSignal);
    expect(context?.client.info).toEqual({ name: 'harness', version: '0.0.0' });
  });
});

describe('completion errors', () => {
  it('refuses unknown references and malformed params with -32602', async () => {
    const server = travelServer();
    const hidden = server.prompt('hidden', { description: 'd', arguments: [{ name: 'a' }] }, () => 'x');
    hidden.disable();
    const client = await connect(server);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [complete({ type: 'ref/prompt', name: 'nope' }, 'a', ''), /^Unknown prompt: nope/],
      [complete({ type: 'ref/prompt', name: 'hidden' }, 'a', ''), /^Unknown prompt: hidden/],
      [
        complete({ type: 'ref/resource', uri: 'weather://x/y' }, 'city', ''),
        /^Unknown resource template: weather:\/\/x\/y/,
      ],
      [
        complete({ type: 'ref/prompt', name: 'plan_trip' }, 'budget', ''),
        /has no argument "budget"; its arguments are: country, city, notes/,
      ],
      [
        complete({ type: 'ref/resource', uri: 'weather://{country}/{city}' }, 'zip', ''),
        /has no variable "zip"; its variables are: country, city/,
      ],
      [
        complete({ type: 'ref/tool', name: 'x' }, 'a', ''),
        /"ref.type" must be "ref\/prompt" or "ref\/resource"/,
      ],
      [{ ref: 'plan_trip', argument: { name: 'a', value: '' } }, /"ref" must be/],
      [
        { ref: { type: 'ref/prompt', name: 'plan_trip' }, argument: { name: 'city' } },
        /"argument" must be \{ name, value \}/,
      ],
      [
        complete({ type: 'ref/prompt', name: 'plan_trip' }, 'city', '', { arguments: { country: 1 } }),
        /"context.arguments.country" must be a string/,
      ],
      [
        complete({ type: 'ref/prompt', name: 'plan_trip' }, 'city', '', { arguments: [] }),
        /"context.arguments" must be an object/,
      ],
    ];
    for (const [params, message] of cases) {
      const error = errorOf(await client.request('completion/complete', modern(params)));
      expect(error.code, JSON.stringify(params)).toBe(-32602);
      expect(error.message).toMatch(message);
    }
  });

  it('reports a failing or misbehaving completer as -32603, details to onerror', async () => {
    const server = createServer({ name: 's', version: '1' });
    const onerror = vi.fn();
    server.onerror = onerror;
    server.prompt(
      'p',
      {
        description: 'd',
        arguments: [
          {
            name: 'throws',
            complete: () => {
              throw new Error('index offline');
            },
          },
          { name: 'numbers', complete: () => [1, 2] as never },
          { name: 'shape', complete: () => 'abc' as never },
        ],
      },
      () => 'x',
    );
    const client = await connect(server);
    for (const name of ['throws', 'numbers', 'shape']) {
      expect(
        errorOf(
          await client.request(
            'completion/complete',
            modern(complete({ type: 'ref/prompt', name: 'p' }, name, '')),
          ),
        ).code,
      ).toBe(-32603);
    }
    const reported = onerror.mock.calls.map(([error]) => (error as Error).message);
    expect(reported[0]).toContain('index offline');
    expect(reported[1]).toContain('returned a non-string value at index 0');
    expect(reported[2]).toContain('returned string; return an array of strings or { values }');
  });
});

describe('the completions capability', () => {
  it('is advertised only when some prompt or template can complete', async () => {
    const plain = createServer({ name: 's', version: '1' });
    plain.prompt('p', { description: 'd', arguments: [{ name: 'a' }] }, () => 'x');
    plain.resourceTemplate('t://{x}', { name: 't' }, () => 'x');
    const client = await connect(plain);
    expect(resultOf(await client.request('server/discover', modern())).capabilities).not.toHaveProperty(
      'completions',
    );
    expect(
      errorOf(
        await client.request(
          'completion/complete',
          modern(complete({ type: 'ref/prompt', name: 'p' }, 'a', '')),
        ),
      ).code,
    ).toBe(-32601);

    const viaPrompt = createServer({ name: 's', version: '1' });
    viaPrompt.prompt('p', { description: 'd', arguments: [{ name: 'a', complete: () => [] }] }, () => 'x');
    expect((await (await connect(viaPrompt)).initialize()).capabilities).toMatchObject({ completions: {} });

    const viaTemplate = createServer({ name: 's', version: '1' });
    viaTemplate.resourceTemplate('t://{x}', { name: 't', complete: { x: () => [] } }, () => 'x');
    const discover = resultOf(await (await connect(viaTemplate)).request('server/discover', modern()));
    expect(discover.capabilities).toMatchObject({ completions: {} });
  });
});
