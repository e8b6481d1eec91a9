/** @module Node adapter of the MCP HTTP handler: node:http, Express and Fastify, and listen() on 127.0.0.1 */
export { type NodeRequestHandler, toNodeHandler, type WebHandler } from './adapter.ts';
export { type ListeningServer, type ListenOptions, listen } from './listen.ts';
