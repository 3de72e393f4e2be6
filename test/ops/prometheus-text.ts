/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough to tell whether
 * /metrics is valid: HELP and TYPE before a family's samples, legal names and label syntax,
 * numeric values, histograms with cumulative buckets ending in le="+Inf" that equals _count.
 * Throws with the line number on the first problem.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = {
  counter: ['', '_total'],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

const parseValue = (text: string, where: string): number => {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: "${text}" is not a number`);
  return Number(text);
};

const parseLabels = (text: string, where: string): Record<string, string> => {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without "="`);
    const name = text.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name "${name}"`);
    if (name in labels) throw new Error(`${where}: label "${name}" twice`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label value of "${name}" is not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j += 1) {
      if (text[j] === '\\') {
        const next = text[j + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`${where}: bad escape "\\${next}" in label "${name}"`);
        j += 1;
      } else {
        value += text[j];
      }
    }
    if (j >= text.length) throw new Error(`${where}: unterminated label value of "${name}"`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i += 1;
    else if (i < text.length) throw new Error(`${where}: expected "," after label "${name}"`);
  }
  return labels;
};

export const parsePrometheusText = (text: string): Sample[] => {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const seenSamples = new Set<string>();
  const samples: Sample[] = [];
  const familyOf = (name: string) => {
    for (const [family, type] of types) if (SUFFIXES[type].some((s) => family + s === name)) return { family, type };
    return undefined;
  };

  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const where = `line ${index + 1}`;
      if (line === '') return;
      if (line.startsWith('#')) {
        const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
        if (!m) return; // a plain comment
        const [, keyword, name, rest = ''] = m;
        if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
        if (keyword === 'HELP') {
          if (helps.has(name)) throw new Error(`${where}: second HELP for ${name}`);
          helps.add(name);
        } else {
          if (!TYPES.has(rest)) throw new Error(`${where}: unknown type "${rest}"`);
          if (types.has(name)) throw new Error(`${where}: second TYPE for ${name}`);
          if (samples.some((s) => SUFFIXES[rest].some((suffix) => name + suffix === s.name)))
            throw new Error(`${where}: TYPE for ${name} after its samples`);
          types.set(name, rest);
        }
        return;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
      if (!m) throw new Error(`${where}: not a sample: ${line}`);
      const [, name, labelText = '', valueText] = m;
      const sample = { name, labels: parseLabels(labelText, where), value: parseValue(valueText, where) };
      const key = `${name}{${Object.entries(sample.labels)
        .sort()
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`;
      if (seenSamples.has(key)) throw new Error(`${where}: duplicate sample ${key}`);
      seenSamples.add(key);
      const family = familyOf(name);
      if (family?.type === 'histogram' && name.endsWith('_bucket') && sample.labels.le === undefined)
        throw new Error(`${where}: bucket without le`);
      if (family?.type === 'counter' && !(sample.value >= 0)) throw new Error(`${where}: negative counter`);
      samples.push(sample);
    });

  // Histograms: per label set, buckets rise, +Inf is present and equals _count.
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      series.set(key, [...(series.get(key) ?? []), { ...s, value: s.value, labels: { ...s.labels, le } }]);
    }
    for (const [key, buckets] of series) {
      const sorted = [...buckets].sort((a, b) => parseValue(a.labels.le, family) - parseValue(b.labels.le, family));
      sorted.reduce((prev, b) => {
        if (b.value < prev) throw new Error(`${family}${key}: buckets are not cumulative`);
        return b.value;
      }, 0);
      const inf = sorted[sorted.length - 1];
      if (inf.labels.le !== '+Inf') throw new Error(`${family}${key}: no le="+Inf" bucket`);
      const count = samples.find(
        (s) => s.name === `${family}_count` && JSON.stringify(Object.entries(s.labels).sort()) === key,
      );
      if (!count || count.value !== inf.value)
        throw new Error(`${family}${key}: _count does not equal the +Inf bucket`);
    }
  }
  return samples;
};

/** The value of one sample (0 when absent: a counter not yet incremented has no series). */
export const sampleValue = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;
