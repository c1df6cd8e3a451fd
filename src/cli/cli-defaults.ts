/**
 * The flags' defaults and limits, apart from the commands themselves so the
 * command line can describe them (--help) without loading the simulator.
 */
export const DEFAULT_PARTITIONS = 8;
export const MAX_PARTITIONS = 1024;
export const MAX_WORKERS = 64;
export const DEFAULT_WORKER_MEMORY_MB = 4096;
export const DEFAULT_TRACE_FILTER = "*";
export const DEFAULT_METRICS_HOST = "127.0.0.1";
export const DEFAULT_SAMPLE_INTERVAL = "15s";
/** --metrics-function-labels: at most this many functions get their own series. */
export const MAX_FUNCTION_LABELS = 1000;
/** Runs per grid point of a sweep, and of run --replications when not given. */
export const DEFAULT_SWEEP_REPLICATIONS = 5;
