import { parsePrometheusText } from './prometheus-text.ts';

// The checker the /metrics test relies on must be able to say no.
describe('the Prometheus text checker', () => {
  test('reads samples with labels, escapes and special values', () => {
    const samples = parsePrometheusText(
      '# HELP a_total A.\n# TYPE a_total counter\na_total{route="/x",note="q\\"\\n"} 3\nb NaN\n',
    );
    expect(samples).toEqual([
      { name: 'a_total', labels: { route: '/x', note: 'q"\n' }, value: 3 },
      { name: 'b', labels: {}, value: NaN },
    ]);
  });

  test.each([
    ['no final line feed', 'a 1'],
    ['a bad metric name', '1a 1\n'],
    ['an unquoted label value', 'a{x=1} 1\n'],
    ['a value that is not a number', 'a one\n'],
    ['a duplicate sample', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['TYPE after the samples', 'a 1\n# TYPE a gauge\n'],
    ['non-cumulative buckets', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['_count unlike the +Inf bucket', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
