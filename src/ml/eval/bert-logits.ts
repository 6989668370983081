/** The BERT classifier's forward as a LogitsFn for a kept-layer set (eval mode, no dropout). */
import type { BertClassifier } from '../bert/model.js';
import { disposeResult, forward } from '../bert/forward.js';
import type { LogitsFn } from './runner.js';
import { readBack } from '../read-back.js';

export function bertLogits(model: BertClassifier, layers?: readonly number[]): LogitsFn {
  return async (batch) => {
    const result = forward(model, batch, layers ? { layers } : {});
    try {
      return (await readBack(result.logits)) as Float32Array;
    } finally {
      disposeResult(result);
    }
  };
}
