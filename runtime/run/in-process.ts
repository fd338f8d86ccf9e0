// The in-process UnitRunner: runs units one after another on this thread, in the order given
// (plan order), handing shared prefixes on through the context's PrefixStore. It stops at the
// first unit that was stopped, or before the next unit once the signal is aborted.
import type { ArmContext } from './context.js';
import type { UnitRunner } from './runner.js';
import { runArm } from './arm.js';

export function inProcessRunner(ctx: ArmContext): UnitRunner {
  return {
    async run(units, sink, signal) {
      // Events go to the sink; the copy keeps a cache turned off by a failed write for later units.
      const unitCtx: ArmContext = { ...ctx, emit: (e) => sink.event(e), signal };
      for (const unit of units) {
        if (signal?.aborted) return;
        const arm = ctx.plan.arms.find((a) => a.name === unit.arm);
        if (!arm) throw new Error(`unit names unknown arm ${unit.arm}`);
        const { outcome, armEvals } = await runArm(unitCtx, arm, unit.seed);
        sink.unitDone({ seed: unit.seed, arm: unit.arm, outcome, evals: armEvals });
        if (outcome.kind === 'stopped') return;
      }
    },
  };
}
