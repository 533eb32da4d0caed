// One entry for every export format, used by the workbench and `lockstep report`.
// Lockstep's own formats show the characters that reorder text as what they are
// (see shared/visibleControls.ts); the reference's format keeps its bytes.
import type { ReportFormat } from '../../shared/api';
import { renderAnnotatedMarkdown } from './annotatedMarkdown';
import { renderHtmlReport } from './htmlReport';
import { renderJsonReport } from './jsonReport';
import { assertEncodable, renderReferenceReport } from './referenceMarkdown';
import { cutNoticeMarkdown, type ReportContext } from './reportContext';
import { escapeControlsInJson, showControls } from '../../shared/visibleControls';

export function renderReport(format: ReportFormat, ctx: ReportContext): string {
  switch (format) {
    case 'reference-md': {
      // The same bytes `lockstep diff` writes, or the same failure (a cut log accepted says so first).
      const text = cutNoticeMarkdown(ctx) + renderReferenceReport(ctx.result);
      assertEncodable(text);
      return text;
    }
    case 'annotated-md':
      return showControls(cutNoticeMarkdown(ctx) + renderAnnotatedMarkdown(ctx));
    case 'html':
      return showControls(renderHtmlReport(ctx));
    case 'json':
      return escapeControlsInJson(renderJsonReport(ctx));
  }
}
