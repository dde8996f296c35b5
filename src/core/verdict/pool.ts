// A small worker pool: the verdict's cross-tests and reviews run at most `limit` at a time.

/** Runs `job` over `items`, at most `limit` at a time; results in the items' order. */
export async function pooled<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let k = next++; k < items.length; k = next++) out[k] = await job(items[k] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
