const tools = [
  {
    name: 'add',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
  },
];
export default {
  async fetch(request) {
    const message = await request.json();
    const result =
      message.method === 'tools/list'
        ? { tools }
        : {
            content: [
              { type: 'text', text: String(message.params.arguments.a + message.params.arguments.b) },
            ],
          };
    return Response.json({ jsonrpc: '2.0', id: message.id, result });
  },
};
