import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parseWrk, wrkArgs } from '../../../bench/wrk.js';

const CLOSE_RUN = `Running 1s test @ http://127.0.0.1:18555/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.89ms    2.92ms  23.55ms   83.79%
    Req/Sec     2.74k     1.11k    4.71k    60.00%
  Latency Distribution
     50%    2.83ms
     75%    4.65ms
     90%    7.28ms
     99%   15.15ms
  2742 requests in 1.01s, 356.14KB read
Requests/sec:   2724.52
Transfer/sec:    353.87KB
`;

const WITH_ERRORS = `Running 2s test @ http://127.0.0.1:8080/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.00us  300.12us   1.20s    95.00%
    Req/Sec    40.10k     2.00k   44.00k    70.00%
  Latency Distribution
     50%  750.00us
     75%    0.90ms
     90%    1.10ms
     99%    2.00s
  80200 requests in 2.00s, 9.10MB read
  Socket errors: connect 3, read 12, write 1, timeout 7
  Non-2xx or 3xx responses: 5
Requests/sec:  40100.00
Transfer/sec:      4.55MB
`;

describe('wrk output parser', () => {
  it('reads requests, rate, latency percentiles in ms', () => {
    const r = parseWrk(CLOSE_RUN);
    assert.equal(r.requests, 2742);
    assert.equal(r.seconds, 1.01);
    assert.equal(r.requestsPerSec, 2724.52);
    assert.deepEqual(r.latency, { avg: 3.89, max: 23.55, p50: 2.83, p75: 4.65, p90: 7.28, p99: 15.15 });
    assert.deepEqual(r.errors, { connect: 0, read: 0, write: 0, timeout: 0, status: 0 });
  });

  it('converts us and s, and reads socket errors and bad statuses', () => {
    const r = parseWrk(WITH_ERRORS);
    assert.equal(r.latency.avg, 0.812);
    assert.equal(r.latency.max, 1200);
    assert.equal(r.latency.p50, 0.75);
    assert.equal(r.latency.p99, 2000);
    assert.deepEqual(r.errors, { connect: 3, read: 12, write: 1, timeout: 7, status: 5 });
  });

  it('without --latency the percentiles are null', () => {
    const noDistribution = CLOSE_RUN.replace(/  Latency Distribution\n(.*%.*\n)+/, '');
    assert.equal(parseWrk(noDistribution).latency.p99, null);
  });

  it('throws naming what is missing', () => {
    assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused'), /no request count/);
    assert.throws(() => parseWrk(CLOSE_RUN.replace(/^Requests\/sec.*$/m, '')), /Requests\/sec/);
  });

  it('durations in every unit wrk prints', () => {
    const cases: Array<[string, number]> = [['250.00us', 0.25], ['1.50ms', 1.5], ['2.00s', 2000], ['1.00m', 60_000], ['1.00h', 3_600_000]];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
    assert.throws(() => parseDuration('3 ms'), /unreadable duration/);
  });

  it('arguments always ask for --latency, headers in order', () => {
    assert.deepEqual(
      wrkArgs({ url: 'http://127.0.0.1:1/', threads: 1, connections: 50, seconds: 2, headers: ['Connection: close'] }),
      ['-t', '1', '-c', '50', '-d', '2s', '--latency', '-H', 'Connection: close', 'http://127.0.0.1:1/'],
    );
  });
});
