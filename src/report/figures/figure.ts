import type { TopLevelSpec } from 'vega-lite';

/** One figure: files figures/<id>.svg|png|vl.json; title and caption go on the page. */
export interface Figure {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}
