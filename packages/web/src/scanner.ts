/**
 * The door desk's camera: the back camera, read over and over until she stops it. The
 * browser's own BarcodeDetector where there is one; elsewhere — Chromium on Linux and
 * WeChat's browser lack it — @zxing/browser, loaded only when she opens the camera (it is the
 * largest thing on the desk, and most desks type codes).
 */

// Not yet in TypeScript's DOM library.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (options?: { formats?: string[] }) => BarcodeDetectorLike;

/** How often a frame is read: often enough to feel instant, rarely enough for an old phone. */
const FRAME_MS = 250;

export interface Scanner {
  /** Stops reading and turns the camera off (its light goes out). Safe to call twice. */
  stop(): void;
}

/** A camera can be asked for at all: a secure page (https or localhost) with getUserMedia. */
export function cameraAvailable(): boolean {
  return typeof navigator.mediaDevices?.getUserMedia === "function";
}

function nativeDetector(): BarcodeDetectorCtor | undefined {
  const ctor = (window as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  return typeof ctor === "function" ? ctor : undefined;
}

/**
 * Shows the back camera in `video` and calls `onText` with what each QR code holds, as often
 * as it is seen (the page decides what a repeat is). Rejects when the camera cannot be opened
 * (no permission, no camera). A page left while the camera was opening stops it when this resolves.
 */
export async function startScanner(video: HTMLVideoElement, onText: (text: string) => void): Promise<Scanner> {
  let stopped = false;
  const Detector = nativeDetector();
  if (Detector) {
    const detector = new Detector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    let timer: number | undefined;
    const stop = () => {
      stopped = true;
      window.clearTimeout(timer);
      stream.getTracks().forEach((track) => track.stop());
      video.srcObject = null;
    };
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    const tick = async () => {
      if (stopped) return;
      try {
        for (const found of await detector.detect(video)) onText(found.rawValue);
      } catch {
        // a frame that could not be read; the next one may
      }
      if (!stopped) timer = window.setTimeout(() => void tick(), FRAME_MS);
    };
    void tick();
    return { stop };
  }

  const { BrowserQRCodeReader } = await import("@zxing/browser");
  const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: FRAME_MS, delayBetweenScanSuccess: FRAME_MS });
  // No device id: zxing asks for the environment-facing (back) camera.
  const controls = await reader.decodeFromVideoDevice(undefined, video, (result) => {
    if (result && !stopped) onText(result.getText());
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      controls.stop();
    },
  };
}
