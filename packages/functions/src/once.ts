/**
 * What `make` gives, made on the first call and kept; a failure is not kept, so the next call
 * tries again (a chunk that could not be read, a secret not yet set) instead of failing until
 * the instance is recycled.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((err: unknown) => {
      made = undefined;
      throw err;
    }));
}
