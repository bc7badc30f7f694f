import { Show, type JSX } from "solid-js";
import { Navigate, createAsync, useLocation } from "@solidjs/router";
import { getMe } from "../session.ts";
import type { User } from "../types.ts";

/** Shows its children to a signed-in person; anyone else goes to sign in and comes back here. */
export function RequireSignIn(props: { children: (user: () => User) => JSX.Element }): JSX.Element {
  const me = createAsync(() => getMe());
  const location = useLocation();
  return (
    <Show when={me() !== undefined}>
      <Show
        when={me()}
        fallback={<Navigate href={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} />}
      >
        {(user) => props.children(user)}
      </Show>
    </Show>
  );
}
