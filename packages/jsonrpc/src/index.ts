/** @module JSON-RPC 2.0 core for MCP */
export {};
