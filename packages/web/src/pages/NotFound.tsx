import type { JSX } from "solid-js";
import { A } from "@solidjs/router";
import { tr, usePageTitle } from "../i18n.ts";

export default function NotFound(): JSX.Element {
  usePageTitle(() => tr("notFound.title"));
  return (
    <div class="page">
      <h1 tabindex="-1">{tr("notFound.title")}</h1>
      <A href="/" class="button button-primary">
        {tr("common.backHome")}
      </A>
    </div>
  );
}
