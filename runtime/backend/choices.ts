// The backend names `--backend` accepts; kept apart from select.ts so reading them loads no TensorFlow.js.
// `auto` tries them in this order (webgpu only on a hardware GPU adapter).
export const BACKEND_CHOICES = ['auto', 'webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;
export const BACKEND_NAMES: readonly BackendName[] = BACKEND_CHOICES.filter((c): c is BackendName => c !== 'auto');
