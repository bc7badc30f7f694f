import type { JSX } from "solid-js";

/** Placeholder while the page is built (issue 7); replaced by its owner. */
export default function Door(): JSX.Element {
  return <main id="main" />;
}
