import type { JSX } from "solid-js";
import { A } from "@solidjs/router";
import { tr } from "../i18n.ts";

export default function NotFound(): JSX.Element {
  return (
    <div class="page">
      <h1>{tr("notFound.title")}</h1>
      <A href="/" class="button button-primary">
        {tr("common.backHome")}
      </A>
    </div>
  );
}
