/** @module Build MCP servers that speak every protocol revision with one handler API */
export {};
