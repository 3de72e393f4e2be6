/** The parts of the product whose opening the calendar decides. */
export const SURFACES = ['authorization', 'data_api', 'token_refresh', 'my_page'] as const;

export type Surface = (typeof SURFACES)[number];

export const isSurface = (value: unknown): value is Surface =>
  typeof value === 'string' && SURFACES.some((item) => item === value);
