/** A stdio server that dies at start-up, explaining why on stderr only. */
process.stderr.write('loading configuration\nfatal: MCP_API_KEY is not set\n');
process.exit(3);
