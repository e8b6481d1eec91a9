/**
 * A stdio MCP server with prompts: `code_review` (a required and an optional argument, both completable, the
 * second one depending on the first) and `explain_logo` (a message of each content type).
 *
 * Run: node --conditions=@pmcp/source examples/prompts/server.ts   (it then waits for JSON-RPC on stdin)
 */
import { createServer } from '@pmcp/server';
import { stdioServerTransport } from '@pmcp/transport-stdio';

const LANGUAGES = ['go', 'javascript', 'python', 'rust', 'typescript'];
const STYLES: Record<string, string[]> = {
  typescript: ['strict', 'functional', 'object-oriented'],
  rust: ['idiomatic', 'no-unsafe'],
};
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const server = createServer({ name: 'prompts-example', version: '1.0.0' });

server.prompt(
  'code_review',
  {
    title: 'Code review',
    description: 'Ask for a review of a piece of code',
    arguments: [
      {
        name: 'language',
        description: 'Programming language',
        required: true,
        complete: (value) => LANGUAGES.filter((language) => language.startsWith(value)),
      },
      {
        name: 'style',
        description: 'Style guide to follow',
        // `arguments` holds the values the user already chose for the other arguments.
        complete: (value, { arguments: chosen }) =>
          (STYLES[chosen.language ?? ''] ?? []).filter((style) => style.startsWith(value)),
      },
    ],
  },
  ({ language, style }) => `Review this ${language} code${style ? ` against the ${style} style guide` : ''}.`,
);

server.prompt('explain_logo', { description: 'Explain a logo, with every kind of content' }, () => [
  { role: 'user', content: { type: 'text', text: 'Here is our logo and its spec.' } },
  { role: 'user', content: { type: 'image', data: PNG_BASE64, mimeType: 'image/png' } },
  {
    role: 'user',
    content: {
      type: 'resource_link',
      uri: 'docs://brand-guide',
      name: 'brand-guide',
      mimeType: 'text/markdown',
    },
  },
  {
    role: 'user',
    content: {
      type: 'resource',
      resource: { uri: 'docs://logo-spec', mimeType: 'text/plain', text: '1×1 pixel' },
    },
  },
  { role: 'assistant', content: { type: 'text', text: 'I will explain it.' } },
]);

server.onerror = (error) => console.error(`[prompts-example] ${error.message}`);
await server.connect(stdioServerTransport());
