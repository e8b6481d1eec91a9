/**
 * What the transport learns from `tools/list` results passing through it: which arguments each tool mirrors
 * into `Mcp-Param-*` headers. Tools whose annotations are invalid are removed from the result, as the spec
 * requires of HTTP clients, so the application never calls them.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#schema-extension
 */
import { ProtocolError } from '@pmcp/jsonrpc';
import { type HeaderParam, validateHeaderAnnotations } from '../shared/mcp-headers.ts';

export class ToolHeaderCatalog {
  readonly #params = new Map<string, readonly HeaderParam[]>();

  /** The mirrored arguments per tool name, for `mcpHeadersFor`. */
  get params(): ReadonlyMap<string, readonly HeaderParam[]> {
    return this.#params;
  }

  /**
   * Learns the tools of one `tools/list` page and returns the result without the invalid ones (the same
   * object when nothing was dropped). `warn` receives one error per dropped tool.
   */
  learn(result: Record<string, unknown>, warn: (error: Error) => void): Record<string, unknown> {
    const tools = result.tools;
    if (!Array.isArray(tools)) return result;
    const kept: unknown[] = [];
    for (const tool of tools) {
      // Malformed entries are left for the client, which reports them with the context it has.
      if (!isRecord(tool) || typeof tool.name !== 'string') {
        kept.push(tool);
        continue;
      }
      const checked = validateHeaderAnnotations(tool.inputSchema);
      if (checked.ok) {
        if (checked.params.length > 0) this.#params.set(tool.name, checked.params);
        else this.#params.delete(tool.name);
        kept.push(tool);
        continue;
      }
      this.#params.delete(tool.name);
      warn(
        new ProtocolError(
          `Dropped tool "${tool.name}" from the tools/list result: its inputSchema has an invalid x-mcp-header ` +
            `annotation (${checked.reason}). MCP clients on HTTP must not offer such tools; the server's author ` +
            'should fix the schema.',
          { data: { tool: tool.name, reason: checked.reason } },
        ),
      );
    }
    return kept.length === tools.length ? result : { ...result, tools: kept };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
