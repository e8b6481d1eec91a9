/**
 * @module Transport decorators for MCP: rate limit and metrics around any pmcp Transport, web standards only. The
 * circuit breaker lives in `@pmcp/middleware/circuit-breaker`, because opossum needs Node's `events` module (Node,
 * Deno and Bun have it; a browser bundle needs a polyfill), and this entry must stay importable everywhere.
 */
export { compose, type TransportDecorator } from './compose.ts';
export { CircuitOpenError, MiddlewareErrorCode, RateLimitError } from './errors.ts';
export {
  type DirectionMetrics,
  type KindCounts,
  type LatencyStats,
  type MetricsDecorator,
  type MetricsOptions,
  type MetricsSnapshot,
  metrics,
} from './metrics.ts';
export {
  type RateLimitDecorator,
  type RateLimitOptions,
  type RateLimitStats,
  rateLimit,
} from './rate-limit.ts';
export {
  classify as classifyRetryFailure,
  IDEMPOTENT_METHODS,
  type RetryContext,
  type RetryDecorator,
  type RetryFailureKind,
  type RetryOptions,
  type RetryStats,
  retry,
} from './retry.ts';
