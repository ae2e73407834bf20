/** The part of autocannon 8's API the query benchmark uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    [k: string]: number;
  }
  interface Result {
    latency: Histogram;
    requests: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    [k: string]: unknown;
  }
  interface Options {
    url: string;
    connections?: number;
    overallRate?: number;
    duration?: number;
    [k: string]: unknown;
  }
  function autocannon(opts: Options): Promise<Result>;
  export = autocannon;
}
