/** @module Transport decorators for MCP: circuit breaker, rate limit and metrics around any pmcp Transport */
export {
  type CircuitBreakerDecorator,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
  type CircuitState,
  circuitBreaker,
} from './circuit-breaker.ts';
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
