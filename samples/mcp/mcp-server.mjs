// Real MCP server (official @modelcontextprotocol/sdk) for sample captures.
// usage: node mcp-server.mjs <json|sse|stateless|legacy|stdio> [port]
// All data is SYNTHETIC (test card 4111111111111111, AWS doc key AKIAIOSFODNN7EXAMPLE).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const mode = process.argv[2] ?? 'json';
const port = Number(process.argv[3] ?? 8931);

function makeServer() {
  const server = new McpServer({ name: 'hndl-sample-server', version: '1.4.2' });
  server.registerTool(
    'lookup_customer',
    { description: 'Find a customer record', inputSchema: { email: z.string(), card: z.string(), awsKey: z.string() } },
    async ({ email, card }) => ({
      content: [{ type: 'text', text: `customer ${email} card ending ${card.slice(-4)} status=active` }],
    }),
  );
  server.registerTool(
    'get_weather',
    { description: 'Weather for a city', inputSchema: { city: z.string() } },
    async ({ city }) => ({ content: [{ type: 'text', text: `${city}: 18C, light rain` }] }),
  );
  server.registerResource(
    'app-config',
    'config://app',
    { description: 'Application configuration', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, text: 'region=eu-west-1\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\n' }] }),
  );
  server.registerPrompt(
    'summarize',
    { description: 'Summarize a text', argsSchema: { text: z.string() } },
    ({ text }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarize: ${text}` } }] }),
  );
  return server;
}

if (mode === 'stdio') {
  await makeServer().connect(new StdioServerTransport());
} else if (mode === 'legacy') {
  const transports = new Map();
  http
    .createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/sse') {
        const t = new SSEServerTransport('/messages', res);
        transports.set(t.sessionId, t);
        res.on('close', () => transports.delete(t.sessionId));
        await makeServer().connect(t);
      } else if (req.method === 'POST' && url.pathname === '/messages') {
        const t = transports.get(url.searchParams.get('sessionId'));
        if (t) await t.handlePostMessage(req, res);
        else res.writeHead(404).end();
      } else res.writeHead(404).end();
    })
    .listen(port, '127.0.0.1');
} else if (mode === 'stateless') {
  http
    .createServer(async (req, res) => {
      const server = makeServer();
      const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        t.close();
        server.close();
      });
      await server.connect(t);
      await t.handleRequest(req, res);
    })
    .listen(port, '127.0.0.1');
} else {
  const server = makeServer();
  const t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), enableJsonResponse: mode === 'json' });
  await server.connect(t);
  http.createServer((req, res) => void t.handleRequest(req, res)).listen(port, '127.0.0.1');
}
