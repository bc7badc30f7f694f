/**
 * A voting campaign's approved entries as cards (first photo, title, unit), each opening its
 * entry page, where the vote is. Only what the API makes public: approved entries, public fields.
 */
import { For, Show, Suspense, createSignal, type JSX } from "solid-js";
import { A, createAsync, query } from "@solidjs/router";
import type { InferResponseType } from "hono/client";
import { client, parseResponse } from "../api.ts";
import { tr } from "../i18n.ts";
import type { CampaignDetail, FormField, OrgUnit } from "../types.ts";
import { unitName } from "./CampaignCards.tsx";
import { Loading } from "./Layout.tsx";
import "../voting.css";

const PAGE_SIZE = 20;
const galleryApi = client.api.campaigns[":id"].entries;
export type PublicEntry = InferResponseType<(typeof client.api.entries)[":id"]["$get"]>["entry"];

export const getGallery = query(
  (campaignId: string, cursor: string | undefined) =>
    parseResponse(galleryApi.$get({ param: { id: encodeURIComponent(campaignId) }, query: { limit: String(PAGE_SIZE), cursor } })),
  "gallery",
);

/** Upload ids of an image answer (anything else in it is ignored, never put in a URL). */
export const photoIds = (field: FormField, value: unknown): string[] =>
  field.type === "image" && Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && /^[\w-]{1,80}$/.test(v)) : [];

export const uploadUrl = (id: string) => `/api/uploads/${encodeURIComponent(id)}`;

/** The entry's first photo, from the first image field that has one. */
function firstPhoto(fields: FormField[], answers: Record<string, unknown>): string | undefined {
  for (const f of fields) {
    const ids = photoIds(f, answers[f.key]);
    if (ids.length > 0) return ids[0];
  }
  return undefined;
}

export const entryHref = (entryId: string) => `/entries/${encodeURIComponent(entryId)}`;

function GalleryPage(props: { campaign: CampaignDetail; cursor: string | undefined; first: boolean; last: boolean; units: OrgUnit[] | undefined; onMore: (c: string) => void }): JSX.Element {
  const page = createAsync(() => getGallery(props.campaign.id, props.cursor));
  return (
    <Show when={page()}>
      {(p) => (
        <>
          <Show when={props.first && p().items.length === 0}>
            <p class="notice" data-testid="gallery-empty">
              {tr("gallery.empty")}
            </p>
          </Show>
          <ul class="gallery">
            <For each={p().items}>
              {(entry) => {
                const photo = () => firstPhoto(props.campaign.form.fields, (entry.answers ?? {}) as Record<string, unknown>);
                return (
                  <li class="gallery-card" data-testid="gallery-card" data-id={entry.id}>
                    <A href={entryHref(entry.id)} class="gallery-link">
                      <Show when={photo()} fallback={<span class="gallery-nophoto">{tr("gallery.noPhoto")}</span>}>
                        {(id) => <img src={uploadUrl(id())} alt={tr("gallery.photoAlt", { title: entry.title })} loading="lazy" decoding="async" />}
                      </Show>
                      <span class="gallery-title" data-testid="gallery-title">
                        {entry.title}
                      </span>
                      <span class="gallery-unit">{unitName(props.units, entry.orgUnit) || entry.orgUnit}</span>
                    </A>
                  </li>
                );
              }}
            </For>
          </ul>
          <Show when={props.last && p().cursor}>
            {(next) => (
              <button type="button" class="button button-secondary" data-testid="gallery-more" onClick={() => props.onMore(next())}>
                {tr("gallery.more")}
              </button>
            )}
          </Show>
        </>
      )}
    </Show>
  );
}

export function Gallery(props: { campaign: CampaignDetail; units: OrgUnit[] | undefined }): JSX.Element {
  const [cursors, setCursors] = createSignal<(string | undefined)[]>([undefined]);
  return (
    <section class="group" aria-labelledby="gallery-heading" data-testid="gallery">
      <h2 id="gallery-heading">{tr("gallery.title")}</h2>
      <p>{tr("gallery.help")}</p>
      <For each={cursors()}>
        {(cursor, i) => (
          <Suspense fallback={<Loading />}>
            <GalleryPage
              campaign={props.campaign}
              cursor={cursor}
              first={i() === 0}
              last={i() === cursors().length - 1}
              units={props.units}
              onMore={(next) => setCursors([...cursors(), next])}
            />
          </Suspense>
        )}
      </For>
    </section>
  );
}
