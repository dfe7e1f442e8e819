import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientHelloSample, HTTP_SAMPLES, mutate, nextCase, PROXY_SAMPLES, Rng, TLS_SAMPLES } from '../../../../bench/faults/mutate.js';
import { parseHttpHead } from '../../../../src/content/http-head.js';
import { parseProxyHeader } from '../../../../src/content/proxy-protocol.js';
import { parseClientHello } from '../../../../src/content/tls-client-hello.js';

describe('fault inputs', () => {
  it('the same seed gives the same cases, another seed others', () => {
    const run = (seed: number): string[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 50 }, () => nextCase(rng, HTTP_SAMPLES).toString('hex'));
    };
    assert.deepEqual(run(7), run(7));
    assert.notDeepEqual(run(7), run(8));
  });

  it('Rng.below stays in range and reaches both ends', () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.below(5));
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
    assert.equal(new Rng(0).below(1), 0, 'seed 0 still yields numbers');
  });

  it('every sample is valid for its parser, so mutations start from real headers', () => {
    for (const s of HTTP_SAMPLES) assert.equal(parseHttpHead(s).status, 'parsed', s.toString('latin1'));
    for (const s of PROXY_SAMPLES) assert.equal(parseProxyHeader(s).status, 'parsed', s.toString('hex'));
    for (const s of TLS_SAMPLES) assert.equal(parseClientHello(s).status, 'parsed', s.toString('hex'));
    const hello = parseClientHello(clientHelloSample('a.example', ['h2']));
    assert.ok(hello.status === 'parsed');
    assert.equal(hello.value.sni, 'a.example');
    assert.deepEqual(hello.value.alpn, ['h2']);
  });

  it('mutations stay within maxBytes and mostly change the input', () => {
    const rng = new Rng(3);
    let changed = 0;
    for (let i = 0; i < 2000; i++) {
      const b = HTTP_SAMPLES[i % HTTP_SAMPLES.length]!;
      const m = mutate(rng, b, HTTP_SAMPLES, 100);
      assert.ok(m.length <= 100, `case ${i}: ${m.length} bytes`);
      if (!m.equals(b.subarray(0, 100))) changed++;
    }
    assert.ok(changed > 1600, `${changed} of 2000 changed`);
    for (let i = 0; i < 500; i++) assert.ok(nextCase(rng, TLS_SAMPLES, 256).length <= 256);
  });
});
