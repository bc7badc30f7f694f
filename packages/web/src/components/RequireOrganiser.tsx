import { ErrorBoundary, Show, Suspense, type JSX } from "solid-js";
import { ApiError } from "../api.ts";
import { tr } from "../i18n.ts";
import { isOrganiser } from "../session.ts";
import type { User } from "../types.ts";
import { ErrorPanel, Loading } from "./Layout.tsx";
import { RequireSignIn } from "./RequireSignIn.tsx";

/**
 * The organiser area's gate: signed in, an organiser or admin, and a plain sentence (not the
 * generic error) when the server says this activity is not hers to manage (403). `notAllowed`
 * is what anyone else sees instead of the usual sentence.
 */
export function RequireOrganiser(props: {
  children: (user: () => User) => JSX.Element;
  notAllowed?: JSX.Element;
}): JSX.Element {
  return (
    <RequireSignIn>
      {(user) => (
        <Show
          when={isOrganiser(user())}
          fallback={
            props.notAllowed ?? (
              <p class="notice notice-error" data-testid="organiser-not-allowed">
                {tr("organiser.notAllowed")}
              </p>
            )
          }
        >
          <ErrorBoundary
            fallback={(error, reset) =>
              error instanceof ApiError && error.status === 403 ? (
                <p class="notice notice-error" role="alert" data-testid="organiser-forbidden">
                  {tr("organiser.forbidden")}
                </p>
              ) : (
                <ErrorPanel error={error} reset={reset} />
              )
            }
          >
            <Suspense fallback={<Loading />}>{props.children(user)}</Suspense>
          </ErrorBoundary>
        </Show>
      )}
    </RequireSignIn>
  );
}
