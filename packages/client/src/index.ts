/** @module MCP client that detects the server's protocol era and speaks it */
export {};
