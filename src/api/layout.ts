/**
 * The page layout /v1/parse returns with `"layout": true` (the playground draws it): every page's size
 * and blocks in reading order with their boxes, and the Markdown of each page with the span each block
 * produced in it, so a box on the page image and its text can point at each other.
 */
import { z } from 'zod';

export const LayoutBox = z
  .object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() })
  .meta({ id: 'LayoutBox', description: 'Top-left origin, y down, in the page units (points for PDFs, pixels for images), page upright.' });

export const LayoutBlock = z
  .object({
    type: z.enum([
      'heading',
      'paragraph',
      'list-item',
      'table',
      'figure',
      'caption',
      'code',
      'formula',
      'footnote',
      'page-header',
      'page-footer',
      'page-number',
    ]),
    bbox: LayoutBox,
    text: z.string(),
    level: z.number().int().optional(),
    furniture: z.boolean().optional().meta({ description: 'Running header, footer or page number: left out of the Markdown unless kept.' }),
    source: z.enum(['text', 'ocr', 'empty']).meta({ description: 'Where the words came from: the text layer or OCR.' }),
    markdown: z
      .tuple([z.number().int(), z.number().int()])
      .nullable()
      .meta({ description: "[start, end) of this block's Markdown in the page's `markdown` (UTF-16 offsets); null when it produced none." }),
  })
  .meta({ id: 'LayoutBlock', description: 'One block; its index in `blocks` is its place in the reading order.' });

export const LayoutPage = z
  .object({
    number: z.number().int().meta({ description: '1-based page number in the document.' }),
    width: z.number(),
    height: z.number(),
    rotation: z.number().int(),
    source: z.enum(['text', 'ocr', 'empty']),
    notes: z.array(z.string()).optional(),
    markdown: z.string().meta({ description: "The page's Markdown (no page marker)." }),
    blocks: z.array(LayoutBlock),
  })
  .meta({ id: 'LayoutPage' });

export const ParseLayout = z
  .object({
    units: z.enum(['pt', 'px']),
    pages: z.array(LayoutPage),
  })
  .meta({ id: 'ParseLayout' });

export type ParseLayoutBody = z.infer<typeof ParseLayout>;
