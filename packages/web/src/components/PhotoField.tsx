/**
 * An `image` field: she picks a photo from her phone (or takes one), it goes up at once with its
 * progress shown, and the answer is the list of upload ids. Each photo can be replaced or
 * removed. The preview is read from the file itself (a data: URL; the page's policy allows no
 * blob: images) and, once uploaded, is the copy the server keeps.
 *
 * How it goes up is the server's to say (GET /api/uploads/config): in the cloud straight into
 * the upload bucket (API Gateway passes no body over ~4.4 MB to the API, and a phone photo is
 * often more), then the server checks it; on the local stage as one POST /api/uploads.
 */
import { For, Show, createSignal, onCleanup, type JSX } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { ApiError, NETWORK, client, newIdempotencyKey, parseResponse, uploadImage, type Uploaded } from "../api.ts";
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

/** Whether photos go straight to the bucket here, asked once a page (again after a failed ask). */
let direct: Promise<boolean> | undefined;
function takesDirectUploads(): Promise<boolean> {
  direct ??= parseResponse(client.api.uploads.config.$get())
    .then((body) => body.uploads.direct)
    .catch(() => {
      direct = undefined;
      return false;
    });
  return direct;
}

/** JPEG or PNG by the first bytes, as the server decides; else what the browser says it is (the server then says no). */
async function typeOf(file: Blob): Promise<string> {
  const b = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  return file.type || "application/octet-stream";
}

/** The bytes to the signed address, with progress (XMLHttpRequest, as uploadImage: only it reports it). */
function putBytes(put: { method: string; url: string; headers: Record<string, string> }, file: Blob, onProgress: (f: number) => void, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(put.method, put.url);
    for (const [name, value] of Object.entries(put.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK, "upload failed"));
    xhr.ontimeout = () => reject(new ApiError(0, NETWORK, "upload timed out"));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    // The bucket's refusal (an address that expired while she waited) is not in the API's words: "try again".
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new ApiError(xhr.status, `HTTP_${xhr.status}`, "")));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** One photo the cloud's way: an intent, the bytes to the bucket, then the server checks and keeps them. */
async function uploadDirect(file: Blob, onProgress: (f: number) => void, signal: AbortSignal): Promise<Uploaded> {
  const { upload, put } = await parseResponse(
    client.api.uploads.intents.$post({ json: { contentType: await typeOf(file), size: file.size } }, { init: { signal } }),
  );
  await putBytes(put, file, onProgress, signal);
  // One key for the completion and its retry: a reply lost on the way is answered again, not lost.
  const headers = { "idempotency-key": newIdempotencyKey() };
  const complete = () => parseResponse(client.api.uploads[":id"].complete.$post({ param: { id: upload.id } }, { headers, init: { signal } }));
  try {
    return (await complete()).upload;
  } catch (error) {
    if (error instanceof ApiError && error.code === NETWORK && !signal.aborted) return (await complete()).upload;
    throw error;
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
      const progress = (f: number) => update(local, { progress: f });
      const uploaded = (await takesDirectUploads())
        ? await uploadDirect(body, progress, abort.signal)
        : await uploadImage(body, progress, abort.signal);
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
