// Real MCP client (official @modelcontextprotocol/sdk) for sample captures.
// usage: node mcp-client.mjs <json|sse|stateless|legacy|stdio> [port]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const mode = process.argv[2] ?? 'json';
const port = Number(process.argv[3] ?? 8931);
const base = `http://127.0.0.1:${port}`;

let transport;
if (mode === 'legacy') transport = new SSEClientTransport(new URL(`${base}/sse`));
// stdio transport whose "server process" is socat connected to the TCP-bridged stdio server
else if (mode === 'stdio') transport = new StdioClientTransport({ command: 'socat', args: ['-', `TCP:127.0.0.1:${port}`] });
else transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`));

const client = new Client({ name: 'hndl-sample-client', version: '0.9.1' });
await client.connect(transport);
const tools = await client.listTools();
console.error('tools:', tools.tools.map((t) => t.name).join(','));
await client.callTool({
  name: 'lookup_customer',
  arguments: { email: 'jane.doe@example.com', card: '4111111111111111', awsKey: 'AKIAIOSFODNN7EXAMPLE' },
});
await client.callTool({ name: 'get_weather', arguments: { city: 'Lisbon' } });
await client.readResource({ uri: 'config://app' });
await client.getPrompt({ name: 'summarize', arguments: { text: 'Quarterly results for ACME Corp.' } });
try {
  await client.callTool({ name: 'no_such_tool', arguments: {} });
} catch {
  // the error response is part of the sample
}
try {
  await client.readResource({ uri: 'config://missing' });
} catch {
  // JSON-RPC error response (resource not found)
}
if (mode === 'json' || mode === 'sse') await transport.terminateSession();
await client.close();
console.error('client done');
