/** What every renderer may be told. */
export interface RenderOptions {
  /** Keep running headers/footers/page numbers (dropped by default). */
  keepFurniture?: boolean;
  /** Mark page starts (`<!-- page N -->` in Markdown). */
  pageMarkers?: boolean;
}
