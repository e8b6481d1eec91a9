/** @module mcp-tester: test, check, diagnose and compare MCP servers; the CLI's functions, for tests and scripts */
export {
  type CommonOptions,
  DEFAULT_SIGN_IN_TIMEOUT_MS,
  type EraOption,
  type OAuthSettings,
  type ParsedCommand,
  type ParseOutcome,
  parseArgs,
  type SplitOutcome,
  splitCommandLine,
  type Target,
  type ToolCall,
} from './args.ts';
export {
  type CompareReport,
  type CompareSection,
  type CompareSide,
  type Difference,
  runCompare,
} from './commands/compare.ts';
export {
  type Check,
  type CheckStatus,
  type ComplianceReport,
  MAX_PAGES,
  runCompliance,
} from './commands/compliance.ts';
export {
  type DiagnoseReport,
  type DiagnosisStatus,
  type DiagnosisStep,
  runDiagnose,
} from './commands/diagnose.ts';
export { runTest, type TestReport, type TestStep } from './commands/test.ts';
export {
  type Connection,
  type ConnectOutcome,
  connectTarget,
  describeTarget,
  type ServerSummary,
} from './connection.ts';
export { type AuthSummary, headerAuthSummary, type OAuthSession, startOAuthSession } from './oauth.ts';
export { type CliIo, ExitCode, formatReport, type Report, run, USAGE } from './run.ts';
