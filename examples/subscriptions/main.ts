/**
 * Subscriptions: a server whose config resource changes and whose tool list grows at run time, and a client that
 * follows both — with `resources/subscribe` and session notifications in the legacy era, with a
 * `subscriptions/listen` stream in the modern one. Server and client run in this process (in-memory pair), so the
 * server side can be changed directly with `server.notifyResourceUpdated()` and `server.tool()`.
 *
 * Run: node --conditions=@pmcp/source examples/subscriptions/main.ts
 */
import { type Client, type ClientEvents, createClient } from '@pmcp/client';
import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';

const CONFIG_URI = 'file:///app/config.json';

/** Resolves with the next `event` the client hears. */
function next<Event extends keyof ClientEvents>(client: Client, event: Event): Promise<ClientEvents[Event]> {
  return new Promise((resolve) => {
    const stop = client.on(event, (params) => {
      stop();
      resolve(params);
    });
  });
}

async function readConfig(client: Client): Promise<string> {
  const { contents } = await client.readResource(CONFIG_URI);
  const [item] = contents;
  return item && 'text' in item ? item.text : '';
}

async function session(era: 'modern' | 'legacy'): Promise<void> {
  // Changes within 25 ms become one notification per URI and per list.
  const server = createServer(
    { name: 'subscriptions-example', version: '1.0.0' },
    { notificationDebounceMs: 25 },
  );
  let config = { theme: 'light', revision: 1 };
  server.resource(CONFIG_URI, { name: 'config', mimeType: 'application/json' }, () => JSON.stringify(config));
  server.tool('status', { description: 'Server status' }, () => 'ok');
  const changeConfig = (theme: string) => {
    config = { theme, revision: config.revision + 1 };
    server.notifyResourceUpdated(CONFIG_URI);
  };

  const [clientSide, serverSide] = createInMemoryTransportPair();
  await server.connect(serverSide);
  const client = createClient({ name: 'subscriptions-example-client', version: '1.0.0' });
  await client.connect(clientSide, { era });
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);

  if (era === 'legacy') {
    await client.subscribeResource(CONFIG_URI);
    console.log(`resources/subscribe ${CONFIG_URI}`);
    const updated = next(client, 'resourceUpdated');
    changeConfig('dark');
    console.log(`notifications/resources/updated ${(await updated).uri} → now ${await readConfig(client)}`);

    const toolsChanged = next(client, 'toolsListChanged');
    server.tool('export', { description: 'Export the config' }, () => JSON.stringify(config));
    await toolsChanged;
    const names = (await client.listAllTools()).map((tool) => tool.name);
    console.log(`notifications/tools/list_changed → tools now ${names.join(', ')}`);

    await client.unsubscribeResource(CONFIG_URI);
    console.log(`resources/unsubscribe ${CONFIG_URI}`);
  } else {
    const subscription = await client.listen({ resourceSubscriptions: [CONFIG_URI], toolsListChanged: true });
    console.log(
      `subscriptions/listen acknowledged ${JSON.stringify(subscription.acknowledged)}, id ${String(subscription.id)}`,
    );
    // Three changes in a row: the client hears about them once.
    changeConfig('dark');
    changeConfig('solarized');
    changeConfig('high-contrast');
    server.tool('export', { description: 'Export the config' }, () => JSON.stringify(config));
    const seen = new Set<string>();
    for await (const notification of subscription) {
      seen.add(notification.method);
      if (notification.method === 'notifications/resources/updated') {
        console.log(
          `notifications/resources/updated ${notification.params.uri} → now ${await readConfig(client)}`,
        );
      } else {
        const names = (await client.listAllTools()).map((tool) => tool.name);
        console.log(`${notification.method} → tools now ${names.join(', ')}`);
      }
      if (seen.size === 2) break; // leaving the loop ends the subscription (notifications/cancelled)
    }
    console.log(`subscription ended: ${subscription.ended}`);
  }
  await client.close();
  await server.close();
}

await session('modern');
await session('legacy');
console.log('\nsubscriptions example finished');
