import { catchError, createResource, untrack, type Accessor, type Resource, type Setter } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";

/**
 * Data loaded asynchronously into a store that each new answer is reconciled into (by `id`), so a
 * list fetched again after a change keeps each card's own state. The router's createAsyncStore,
 * for a client-only app: the router keeps its copy in the module every page loads, which brought
 * solid-js/store into every first visit; this one loads with the pages that use it.
 */
export function createAsyncStore<T>(
  fn: (prev: T | undefined) => Promise<T> | T,
  options: { initialValue?: T } = {},
): Accessor<T | undefined> & { readonly latest: T | undefined } {
  let resource: Resource<T> | undefined;
  const prev = () => (!resource || resource.state === "unresolved" ? undefined : unwrap(resource.latest));
  // The source is the promise itself, so the signals `fn` reads (she went offline) fetch again.
  [resource] = createResource(
    () => fn(catchError(() => untrack(prev), () => undefined)),
    (v) => v,
    { ...options, storage: deepSignal } as { initialValue: T; storage: typeof deepSignal },
  );
  const read = resource;
  // `latest`: the last answer while a fresh one is on its way (reading it does not suspend).
  return Object.defineProperty(() => read(), "latest", { get: () => read.latest }) as Accessor<T | undefined> & {
    readonly latest: T | undefined;
  };
}

function deepSignal<T>(value: T | undefined): [Accessor<T | undefined>, Setter<T | undefined>] {
  const [store, setStore] = createStore<{ value: T | undefined }>({ value: structuredClone(value) });
  const set = ((v: unknown) => {
    const next = typeof v === "function" ? (v as (prev: T | undefined) => T)(store.value) : v;
    setStore("value", reconcile(structuredClone(next) as T));
    return store.value;
  }) as Setter<T | undefined>;
  return [() => store.value, set];
}
