/** The parts of the product whose opening the calendar decides. */
export const SURFACES = ['authorization', 'data_api', 'token_refresh', 'my_page'] as const;

export type Surface = (typeof SURFACES)[number];

export const isSurface = (value: unknown): value is Surface =>
  typeof value === 'string' && SURFACES.some((item) => item === value);

/** One value for every surface, in SURFACES' order (the compiler holds it to every surface). */
export const bySurface = <V>(valueOf: (surface: Surface) => V): Record<Surface, V> => ({
  authorization: valueOf('authorization'),
  data_api: valueOf('data_api'),
  token_refresh: valueOf('token_refresh'),
  my_page: valueOf('my_page'),
});
