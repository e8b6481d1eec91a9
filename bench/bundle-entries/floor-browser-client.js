let nextId = 0;
async function request(method, params) {
  const response = await fetch('/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++nextId, method, params }),
  });
  const message = await response.json();
  if (message.error) throw new Error(message.error.message);
  return message.result;
}
const { tools } = await request('tools/list', {});
console.log(await request('tools/call', { name: tools[0].name, arguments: { a: 1, b: 2 } }));
