import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/select.js';
import { initBound, initialValues, INIT_PURPOSE } from '../../runtime/model/init.js';
import { createNetwork, disposeNetwork } from '../../runtime/model/network.js';
import { tinyModel } from './helpers/tiny-plan.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('PyTorch-like initialisation', () => {
  it('draws every parameter uniformly within ±1/sqrt(fanIn), using most of the range', () => {
    for (const p of tinyModel().params) {
      const v = initialValues(p, 1, INIT_PURPOSE);
      const b = initBound(p);
      expect(Math.max(...v)).toBeLessThanOrEqual(b);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-b);
      if (p.size >= 16) expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(b);
    }
  });

  it('is the same for the same seed and different for another seed', () => {
    const spec = tinyModel();
    const a = createNetwork(spec, 7);
    const b = createNetwork(spec, 7);
    const c = createNetwork(spec, 8);
    const w = (net: typeof a) => Array.from(net.params.get('conv1.weight')!.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach(disposeNetwork);
  });
});
