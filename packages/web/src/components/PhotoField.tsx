/**
 * An `image` field: she picks a photo from her phone (or takes one), it goes up at once with its
 * progress shown, and the answer is the list of upload ids. Each photo can be replaced or
 * removed. The preview is read from the file itself (a data: URL; the page's policy allows no
 * blob: images) and, once uploaded, is the copy the server keeps.
 */
import { For, Show, createSignal, onCleanup, type JSX } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { ApiError, uploadImage } from "../api.ts";
import { errorText, fieldErrorText, pick, tr } from "../i18n.ts";
import type { FieldProps } from "./FormFields.tsx";

/** The server's limits (core/uploads/image.ts): bigger photos are made smaller here first. */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_SIDE = 6000;
/** What a made-smaller photo is: plenty for a team photo, a fraction of a phone camera's file. */
const SHRUNK_SIDE = 2560;
/** Previews are read from files up to this size; a larger one shows when it is uploaded. */
const PREVIEW_BYTES = 12 * 1024 * 1024;

interface Photo {
  /** a key for the list while it has no id yet */
  local: number;
  id?: string;
  state: "shrinking" | "uploading" | "done" | "failed";
  progress: number;
  preview?: string;
  error?: string;
  file?: File;
}

let nextLocal = 0;

function readPreview(file: Blob): Promise<string | undefined> {
  if (file.size > PREVIEW_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result : undefined);
    reader.onerror = () => resolve(undefined);
    reader.readAsDataURL(file);
  });
}

/**
 * A photo over the server's limits, redrawn smaller as a JPEG (the browser turns it upright
 * from its EXIF first). Undefined when this browser cannot: then it goes as it is, and the
 * server says why not.
 */
async function shrink(file: File): Promise<Blob | undefined> {
  if (typeof createImageBitmap !== "function") return undefined;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, SHRUNK_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise<Blob | undefined>((resolve) => canvas.toBlob((b) => resolve(b ?? undefined), "image/jpeg", 0.85));
  } catch {
    return undefined;
  }
}

async function needsShrinking(file: File): Promise<boolean> {
  if (file.size > MAX_BYTES) return true;
  if (typeof createImageBitmap !== "function") return false;
  try {
    const bitmap = await createImageBitmap(file);
    const big = bitmap.width > MAX_SIDE || bitmap.height > MAX_SIDE;
    bitmap.close();
    return big;
  } catch {
    return false;
  }
}

function uploadError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 413) return tr("photo.tooLarge");
    const reason = (error.details as { reason?: unknown } | undefined)?.reason;
    if (error.status === 415 && typeof reason === "string") return fieldErrorText(reason);
  }
  return errorText(error);
}

export function PhotoField(props: FieldProps): JSX.Element {
  const key = () => props.field.key;
  const max = () => props.field.max ?? 9;
  const initial = Array.isArray(props.value) ? props.value : [];
  const [photos, setPhotos] = createStore<Photo[]>(
    initial.map((id) => ({ local: nextLocal++, id, state: "done" as const, progress: 1 })),
  );
  const [replacing, setReplacing] = createSignal<number>();
  const aborts = new Map<number, AbortController>();
  onCleanup(() => aborts.forEach((a) => a.abort()));
  let picker: HTMLInputElement | undefined;

  const report = () => {
    props.onChange(photos.filter((p) => p.state === "done" && p.id).map((p) => p.id!));
    props.onBusy?.(photos.some((p) => p.state === "uploading" || p.state === "shrinking"));
  };
  const update = (local: number, change: Partial<Photo>) =>
    setPhotos((p) => p.local === local, produce((p) => Object.assign(p, change)));

  const send = async (local: number, file: File) => {
    aborts.get(local)?.abort();
    const abort = new AbortController();
    aborts.set(local, abort);
    update(local, { state: "shrinking", progress: 0, error: undefined, file });
    report();
    let body: Blob = file;
    if (await needsShrinking(file)) body = (await shrink(file)) ?? file;
    update(local, { state: "uploading" });
    try {
      const uploaded = await uploadImage(body, (f) => update(local, { progress: f }), abort.signal);
      update(local, { state: "done", id: uploaded.id, progress: 1, file: undefined });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") return;
      update(local, { state: "failed", error: uploadError(error) });
    } finally {
      aborts.delete(local);
      report();
    }
  };

  const onPicked = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const place = replacing();
    setReplacing(undefined);
    const local = nextLocal++;
    const photo: Photo = { local, state: "shrinking", progress: 0 };
    if (place !== undefined && photos.some((p) => p.local === place)) {
      aborts.get(place)?.abort();
      setPhotos((list) => list.map((p) => (p.local === place ? photo : p)));
    } else {
      setPhotos((list) => [...list, photo]);
    }
    const preview = await readPreview(file);
    if (preview) update(local, { preview });
    await send(local, file);
  };

  const remove = (local: number) => {
    aborts.get(local)?.abort();
    setPhotos((list) => list.filter((p) => p.local !== local));
    report();
    picker?.focus();
  };

  const describedBy = () =>
    [props.field.help ? `help-${key()}` : "", props.error ? `err-${key()}` : ""].filter(Boolean).join(" ") || undefined;

  return (
    <div class="photo-field">
      <p class="label-like" id={`label-${key()}`}>
        {pick(props.field.label, props.field.labelEn)}
        <span class={props.field.required ? "required" : "optional"}>
          {props.field.required ? tr("form.requiredMark") : tr("form.optionalMark")}
        </span>
      </p>
      <Show when={props.field.help}>
        <p class="help" id={`help-${key()}`}>
          {pick(props.field.help ?? "", props.field.helpEn)}
        </p>
      </Show>
      <ul class="photos" data-testid={`photos-${key()}`}>
        <For each={photos}>
          {(photo) => (
            <li class="photo" data-state={photo.state} data-testid="photo">
              <Show when={photo.state === "done" && photo.id ? `/api/uploads/${encodeURIComponent(photo.id)}` : photo.preview}>
                {(src) => <img class="photo-preview" src={src()} alt={tr("photo.alt")} data-testid="photo-preview" />}
              </Show>
              <div aria-live="polite">
                <Show when={photo.state === "shrinking"}>
                  <p class="photo-status">{tr("photo.shrinking")}</p>
                </Show>
                <Show when={photo.state === "uploading"}>
                  <p class="photo-status" data-testid="photo-uploading">
                    {tr("photo.uploading", { percent: Math.round(photo.progress * 100) })}
                  </p>
                  <progress class="photo-progress" max="100" value={Math.round(photo.progress * 100)} aria-hidden="true" />
                </Show>
                <Show when={photo.state === "done"}>
                  <p class="photo-status photo-done" data-testid="photo-done">
                    {tr("photo.uploaded")}
                  </p>
                </Show>
              </div>
              <Show when={photo.state === "failed"}>
                <p class="field-error" role="alert" data-testid="photo-error">
                  {tr("photo.failed", { reason: photo.error ?? "" })}
                </p>
                <Show when={photo.file}>
                  {(file) => (
                    <button type="button" class="button button-secondary" onClick={() => void send(photo.local, file())}>
                      {tr("photo.retry")}
                    </button>
                  )}
                </Show>
              </Show>
              <div class="photo-actions">
                <button
                  type="button"
                  class="button button-secondary"
                  data-testid="photo-replace"
                  onClick={() => {
                    setReplacing(photo.local);
                    picker?.click();
                  }}
                >
                  {tr("photo.replace")}
                </button>
                <button type="button" class="button button-secondary" data-testid="photo-remove" onClick={() => remove(photo.local)}>
                  {tr("photo.remove")}
                </button>
              </div>
            </li>
          )}
        </For>
      </ul>
      {/* One picker for adding and replacing, hidden behind its label (the button she sees),
          and before it, so the label can show the input's keyboard focus. */}
      <input
        ref={picker}
        id={`f-${key()}`}
        class="file-input"
        type="file"
        accept="image/*"
        name={key()}
        tabindex={photos.length >= max() ? -1 : undefined}
        data-testid={`field-${key()}`}
        aria-labelledby={`label-${key()}`}
        aria-describedby={describedBy()}
        aria-invalid={props.error ? "true" : undefined}
        onChange={(e) => void onPicked(e.currentTarget)}
      />
      <label class="button button-secondary photo-pick" classList={{ hidden: photos.length >= max() }} for={`f-${key()}`}>
        {tr("photo.choose")}
        <Show when={max() > 1}>
          <span class="optional"> {tr("photo.count", { max: max() })}</span>
        </Show>
      </label>
    </div>
  );
}
