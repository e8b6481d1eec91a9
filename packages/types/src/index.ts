/** @module MCP protocol types for every revision, and protocol constants */
export {};
