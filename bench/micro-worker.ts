// Worker thread of the micro experiment: its own tfjs engine and wasm backend (a worker
// has its own module instances), runs the arms it is sent, one after another.
import { parentPort, workerData } from 'node:worker_threads';
import { initWasmTraining } from './wasm-backend.js';
import { runArm, type ArmData } from './micro-arm.js';
import type { BenchWork } from './figures.js';

const { arms, work, data } = workerData as { arms: string[]; work: BenchWork; data: ArmData };
await initWasmTraining();
parentPort!.postMessage({ ready: true });
for (const arm of arms) {
  const result = runArm(arm, data, work);
  parentPort!.postMessage({ arm, ...result });
}
