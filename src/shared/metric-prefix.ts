/** Every metric the server exposes starts with this, whichever module registers it. */
export const METRIC_PREFIX = 'renkei_';
