// The subset of opossum this package uses. @types/opossum is not used because it pulls Node's global types
// (`process`, `Buffer`) into a package whose own code must stay web-standard.
declare module 'opossum' {
  interface OpossumOptions {
    timeout?: number | false;
    resetTimeout?: number;
    errorThresholdPercentage?: number;
    volumeThreshold?: number;
    rollingCountTimeout?: number;
    rollingCountBuckets?: number;
    rollingPercentilesEnabled?: boolean;
    errorFilter?: (error: unknown, ...args: unknown[]) => boolean;
    enableSnapshots?: boolean;
  }

  interface OpossumStats {
    fires: number;
    failures: number;
    successes: number;
    rejects: number;
  }

  class CircuitBreaker<Args extends unknown[] = unknown[], Result = unknown> {
    constructor(action: (...args: Args) => Promise<Result>, options?: OpossumOptions);
    fire(...args: Args): Promise<Result>;
    open(): void;
    close(): void;
    shutdown(): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    readonly opened: boolean;
    readonly halfOpen: boolean;
    readonly closed: boolean;
    readonly isShutdown: boolean;
    readonly stats: OpossumStats;
  }

  export default CircuitBreaker;
}
