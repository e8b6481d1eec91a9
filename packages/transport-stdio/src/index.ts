/** @module stdio transport for MCP: serve on this process's stdin/stdout or spawn a server as a child process */
export {};
