/** The three kinds of information of terms 2.1, one scope each, in the order customers read them. */
export const INFORMATION_CATEGORIES = ['accounts', 'deposits', 'time_deposits'] as const;
export type InformationCategory = (typeof INFORMATION_CATEGORIES)[number];

/** The kinds of information a linkage's scopes give (others, such as offline_access, are not shown). */
export const categoriesOf = (scopes: readonly string[]): InformationCategory[] =>
  INFORMATION_CATEGORIES.filter((c) => scopes.includes(c));
